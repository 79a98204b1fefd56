// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Drop events of the real programs: the fields an event carries, would-drop
 * and host-seen events, suppression of identical events within a second
 * (the held-back count travels with the next one), loss on a full ring
 * buffer, and the exact accounting the contract asks for: for every device
 * and reason, packets in delivered events + held back + lost = dropped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scenario.h"

#define SEC	   1000000000ULL
#define MAX_EVENTS 65536

#define XDP WARD_DIR_FROM_DEVICE
#define TC  WARD_DIR_TO_DEVICE

static struct ward_event events[MAX_EVENTS];

static int open_scn(void **state)
{
	struct harness *h = NULL;
	int err = harness_open(&h);

	if (!err)
		err = harness_load_policy(h, SCN_POLICY);
	if (err) {
		fprintf(stderr, "# harness: %s\n", strerror(-err));
		if (h)
			harness_close(h);
		return -1;
	}
	*state = h;
	return 0;
}

static int close_h(void **state)
{
	if (*state)
		harness_close(*state);
	return 0;
}

/* Run a frame and check its verdict and counter. */
static void run(struct harness *h, enum ward_direction dir, const struct pkt *p, size_t len,
		struct scn_expect want, const char *what)
{
	scn_expect_run(h, SCN_NINDEX, dir, p, len, &want, what);
}

/* Drain every queued event into events[]; returns how many. */
static int drain(struct harness *h)
{
	int n = 0, got;

	do {
		got = harness_events(h, events + n, MAX_EVENTS - n);
		assert_true(got >= 0);
		n += got;
	} while (got > 0 && n < MAX_EVENTS);
	return n;
}

static void assert_addr(const uint8_t got[16], const char *want)
{
	uint8_t a[16];

	assert_int_equal(pkt_addr(want, a), 0);
	assert_memory_equal(got, a, 16);
}

static void test_drop_event_carries_the_packet_fields(void **state)
{
	struct harness *h = *state;
	struct scn_ends e = scn_ct(XDP, false, SCN_PACS_V4);
	struct ward_event *ev = &events[0];
	struct pkt p;
	size_t len = scn_tcp_frame(&p, &e, SCN_DEV_PORT, 105, TCP_SYN);

	run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "denied SYN");
	assert_int_equal(drain(h), 1);
	assert_int_equal(ev->type, WARD_EV_DROP);
	assert_int_equal(ev->reason, WARD_REASON_NO_RULE);
	assert_int_equal(ev->direction, WARD_DIR_FROM_DEVICE);
	assert_int_equal(ev->device_id, SCN_CT);
	assert_int_equal(ev->ifindex, harness_ifindex(h, 0));
	assert_int_equal(ev->generation, 1);
	assert_int_equal(ev->count, 1);
	assert_int_equal(ev->len, len);
	assert_int_equal(ev->proto, PKT_PROTO_TCP);
	assert_int_equal(ev->is_v4, 1);
	assert_int_equal(ev->has_l4, 1);
	assert_int_equal(ev->vlan, 0);
	assert_addr(ev->src, SCN_CT_V4);
	assert_addr(ev->dst, SCN_PACS_V4);
	assert_int_equal(ev->sport, SCN_DEV_PORT);
	assert_int_equal(ev->dport, 105);
	assert_memory_equal(ev->src_mac, scn_ct_mac, 6);
	assert_memory_equal(ev->dst_mac, scn_gw_mac, 6);
	assert_true(ev->ts_ns > 0);
}

static void test_drop_event_toward_device_over_ipv6(void **state)
{
	struct harness *h = *state;
	struct scn_ends e = scn_ct(TC, true, SCN_DENY_V6);
	struct ward_event *ev = &events[0];
	struct pkt p;
	size_t len = scn_udp_frame(&p, &e, 161, 33000);

	run(h, TC, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "denied UDP toward");
	assert_int_equal(drain(h), 1);
	assert_int_equal(ev->type, WARD_EV_DROP);
	assert_int_equal(ev->direction, WARD_DIR_TO_DEVICE);
	assert_int_equal(ev->device_id, SCN_CT);
	assert_int_equal(ev->proto, PKT_PROTO_UDP);
	assert_int_equal(ev->is_v4, 0);
	assert_int_equal(ev->has_l4, 1);
	assert_addr(ev->src, SCN_DENY_V6);
	assert_addr(ev->dst, SCN_CT_V6);
	assert_int_equal(ev->sport, 33000);
	assert_int_equal(ev->dport, 161);
	assert_memory_equal(ev->src_mac, scn_gw_mac, 6);
	assert_memory_equal(ev->dst_mac, scn_ct_mac, 6);
}

static void test_audit_device_drop_is_a_would_drop_event(void **state)
{
	struct harness *h = *state;
	struct scn_ends e = {
		.dir = XDP, .dev_mac = scn_au_mac, .dev_addr = SCN_AU_V4, .peer_addr = SCN_DENY_V4};
	struct pkt p;
	size_t len = scn_tcp_frame(&p, &e, 40000, 22, TCP_SYN);

	run(h, XDP, &p, len, EXPECT_WOULD(SCN_AU, WARD_REASON_NO_RULE), "audit device's SYN");
	assert_int_equal(drain(h), 1);
	assert_int_equal(events[0].type, WARD_EV_WOULD_DROP);
	assert_int_equal(events[0].reason, WARD_REASON_NO_RULE);
	assert_int_equal(events[0].device_id, SCN_AU);
	assert_int_equal(events[0].dport, 22);
}

static void test_wrong_vlan_event_carries_the_tag(void **state)
{
	struct harness *h = *state;
	struct scn_ends e = {
		.dir = XDP, .dev_mac = scn_vl_mac, .dev_addr = SCN_VL_V4, .peer_addr = SCN_PACS_V4};
	struct pkt_ipv4 ip = scn_ipv4(&e);
	struct pkt_tcp tcp = scn_tcp(&e, 40000, 104, TCP_SYN);
	struct pkt p;
	size_t len;

	pkt_init(&p);
	scn_eth(&p, &e);
	pkt_vlan(&p, ETH_P_8021Q_, 30, 0);
	pkt_ipv4(&p, &ip);
	pkt_tcp(&p, &tcp);
	len = pkt_finish(&p);
	run(h, XDP, &p, len, EXPECT_DROP(SCN_VL, WARD_REASON_WRONG_VLAN), "VLAN 30");
	assert_int_equal(drain(h), 1);
	assert_int_equal(events[0].reason, WARD_REASON_WRONG_VLAN);
	assert_int_equal(events[0].vlan, 30);
	assert_int_equal(events[0].device_id, SCN_VL);
}

static void test_malformed_event_has_no_ports(void **state)
{
	struct harness *h = *state;
	struct scn_ends e = scn_ct(XDP, false, SCN_PACS_V4);
	struct pkt_ipv4 ip = scn_ipv4(&e);
	struct pkt_tcp tcp = scn_tcp(&e, 40000, 104, TCP_SYN);
	struct pkt p;
	size_t len;

	tcp.set_doff = true;
	tcp.doff = 2;
	pkt_init(&p);
	scn_eth(&p, &e);
	pkt_ipv4(&p, &ip);
	pkt_tcp(&p, &tcp);
	len = pkt_finish(&p);
	run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_MALFORMED), "TCP doff 2");
	assert_int_equal(drain(h), 1);
	assert_int_equal(events[0].reason, WARD_REASON_MALFORMED);
	assert_int_equal(events[0].has_l4, 0);
}

static void test_unknown_host_on_audit_interface_is_seen_once(void **state)
{
	static const char from[] = "    unknown_hosts: drop\n";
	static const char to[] = "    unknown_hosts: audit\n";
	struct scn_ends e = {.dir = XDP,
			     .dev_mac = scn_stranger_mac,
			     .dev_addr = "198.18.0.77",
			     .peer_addr = SCN_PACS_V4};
	char yaml[4096];
	const char *at = strstr(SCN_POLICY, from);
	struct harness *h = NULL;
	struct pkt p;
	size_t len;

	assert_non_null(at);
	snprintf(yaml, sizeof(yaml), "%.*s%s%s", (int)(at - SCN_POLICY), SCN_POLICY, to,
		 at + strlen(from));
	h = scn_open(yaml);
	*state = h;
	len = scn_tcp_frame(&p, &e, 40000, 104, TCP_SYN);
	run(h, XDP, &p, len, EXPECT_PASS(SCN_UNKNOWN), "unknown host, first frame");
	len = scn_tcp_frame(&p, &e, 40001, 443, TCP_SYN);
	run(h, XDP, &p, len, EXPECT_PASS(SCN_UNKNOWN), "unknown host, second frame");
	assert_int_equal(drain(h), 1);
	assert_int_equal(events[0].type, WARD_EV_HOST_SEEN);
	assert_int_equal(events[0].device_id, WARD_DEVICE_NONE);
	assert_addr(events[0].src, "198.18.0.77");
	assert_memory_equal(events[0].src_mac, scn_stranger_mac, 6);
}

static void test_identical_drops_within_a_second_make_one_event(void **state)
{
	struct harness *h = *state;
	struct scn_ends e = scn_ct(XDP, false, SCN_DENY_V4);
	uint64_t held = 0;
	struct pkt p;
	size_t len;

	for (int i = 0; i < 5; i++) {
		len = scn_tcp_frame(&p, &e, (uint16_t)(40000 + i), 23, TCP_SYN);
		run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "telnet SYN");
	}
	assert_int_equal(drain(h), 1);
	assert_int_equal(events[0].count, 1);
	assert_int_equal(harness_held(h, SCN_CT, WARD_REASON_NO_RULE, &held), 0);
	assert_int_equal(held, 4);

	assert_int_equal(harness_age_flows(h, SEC + SEC / 10), 0);
	len = scn_tcp_frame(&p, &e, 40100, 23, TCP_SYN);
	run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "telnet SYN later");
	assert_int_equal(drain(h), 1);
	assert_int_equal(events[0].count, 5);
	assert_int_equal(harness_held(h, SCN_CT, WARD_REASON_NO_RULE, &held), 0);
	assert_int_equal(held, 0);
}

static void test_drops_to_other_ports_or_peers_are_other_events(void **state)
{
	struct harness *h = *state;
	struct scn_ends e = scn_ct(XDP, false, SCN_DENY_V4);
	struct scn_ends f = scn_ct(XDP, false, SCN_PACS_V4);
	struct pkt p;
	size_t len;

	len = scn_tcp_frame(&p, &e, 40000, 23, TCP_SYN);
	run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "port 23");
	len = scn_tcp_frame(&p, &e, 40000, 25, TCP_SYN);
	run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "port 25");
	len = scn_tcp_frame(&p, &f, 40000, 23, TCP_SYN);
	run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "other peer");
	len = scn_udp_frame(&p, &e, 40000, 23);
	run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "other protocol");
	assert_int_equal(drain(h), 4);
}

/* The counter index of an event's device. */
static unsigned event_index(const struct ward_event *ev)
{
	return ev->device_id == WARD_DEVICE_NONE ? SCN_UNKNOWN : ev->device_id;
}

/* Packets carried by the events delivered so far, by counter index and reason. */
struct delivered {
	uint64_t pkts[SCN_NINDEX][WARD_REASON_COUNT];
};

/*
 * Drain the events and check, for every index and reason: packets in
 * delivered events (all so far, in @d) = event_pkts, and event_pkts + held +
 * event_lost = dropped + would_drop. Returns the number of dropped packets.
 */
static uint64_t check_accounting(struct harness *h, struct delivered *d)
{
	uint64_t(*delivered)[WARD_REASON_COUNT] = d->pkts;
	struct scn_snapshot s;
	uint64_t total = 0;
	int n = drain(h);

	for (int i = 0; i < n; i++) {
		if (events[i].type == WARD_EV_HOST_SEEN)
			continue;
		assert_true(event_index(&events[i]) < SCN_NINDEX);
		assert_true(events[i].reason < WARD_REASON_COUNT);
		delivered[event_index(&events[i])][events[i].reason] += events[i].count;
	}
	assert_int_equal(scn_snapshot(h, SCN_NINDEX, &s), 0);
	for (unsigned i = 0; i < SCN_NINDEX; i++) {
		for (int r = 1; r < WARD_REASON_COUNT; r++) {
			const struct ward_counters *c = &s.c[i];
			uint64_t dropped = c->dropped[r] + c->would_drop[r];
			uint64_t held = 0;

			assert_int_equal(harness_held(h, i, r, &held), 0);
			if (delivered[i][r] == c->event_pkts[r] &&
			    delivered[i][r] + held + c->event_lost[r] == dropped) {
				total += dropped;
				continue;
			}
			fail_msg("index %u %s: delivered %llu (event_pkts %llu) + held %llu + "
				 "lost %llu != dropped %llu",
				 i, scn_reason_name(r), (unsigned long long)delivered[i][r],
				 (unsigned long long)c->event_pkts[r], (unsigned long long)held,
				 (unsigned long long)c->event_lost[r], (unsigned long long)dropped);
		}
	}
	return total;
}

/* A mix of drops: repeated, distinct, of several devices and reasons. */
static uint64_t send_mixed_drops(struct harness *h)
{
	struct scn_ends deny = scn_ct(XDP, false, SCN_DENY_V4);
	struct scn_ends spoof = scn_ct(XDP, true, SCN_PACS_V6);
	struct scn_ends au = {
		.dir = XDP, .dev_mac = scn_au_mac, .dev_addr = SCN_AU_V4, .peer_addr = SCN_DENY_V4};
	struct scn_ends stranger = {.dir = TC,
				    .dev_mac = scn_stranger_mac,
				    .dev_addr = "198.18.0.78",
				    .peer_addr = SCN_PACS_V4};
	uint64_t sent = 0;
	struct pkt p;
	size_t len;

	spoof.dev_addr = "2001:db8::66";
	for (int i = 0; i < 40; i++) {
		len = scn_tcp_frame(&p, &deny, 40000, (uint16_t)(20 + i % 7), TCP_SYN);
		run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE), "no-rule mix");
		len = scn_udp_frame(&p, &spoof, 5000, (uint16_t)(53 + i % 3));
		run(h, XDP, &p, len, EXPECT_DROP(SCN_CT, WARD_REASON_SPOOFED_SOURCE), "spoof mix");
		len = scn_tcp_frame(&p, &au, 40000, (uint16_t)(80 + i % 2), TCP_SYN);
		run(h, XDP, &p, len, EXPECT_WOULD(SCN_AU, WARD_REASON_NO_RULE), "audit mix");
		len = scn_tcp_frame(&p, &stranger, 104, 40000, TCP_SYN);
		run(h, TC, &p, len, EXPECT_DROP(SCN_UNKNOWN, WARD_REASON_UNKNOWN_HOST),
		    "unknown host mix");
		sent += 4;
		if (i == 20)
			assert_int_equal(harness_age_flows(h, SEC + SEC / 10), 0);
	}
	return sent;
}

static void test_event_accounting_is_exact(void **state)
{
	struct harness *h = *state;
	struct delivered d = {0};
	uint64_t sent = send_mixed_drops(h);

	assert_int_equal(check_accounting(h, &d), sent);
	/* And again once some held-back packets have been carried by later events. */
	assert_int_equal(harness_age_flows(h, 2 * SEC), 0);
	sent += send_mixed_drops(h);
	assert_int_equal(check_accounting(h, &d), sent);
}

static void test_full_ring_buffer_loses_events_and_counts_them(void **state)
{
	const uint32_t n = WARD_RINGBUF_BYTES / (sizeof(struct ward_event) + 8) + 10000;
	struct harness *h = *state;
	struct scn_ends e = scn_ct(XDP, false, SCN_DENY_V4);
	struct delivered d = {0};
	struct scn_snapshot s;
	struct pkt p;
	int pass;

	assert_true(n < MAX_EVENTS && n < 65535);
	for (uint32_t i = 0; i < n; i++) {
		scn_tcp_frame(&p, &e, 40000, (uint16_t)(1 + i), TCP_SYN);
		assert_int_equal(harness_run(h, XDP, 0, p.buf, p.len, &pass), 0);
		assert_int_equal(pass, 0);
	}
	assert_int_equal(scn_snapshot(h, SCN_NINDEX, &s), 0);
	assert_int_equal(s.c[SCN_CT].dropped[WARD_REASON_NO_RULE], n);
	assert_true(s.c[SCN_CT].event_lost[WARD_REASON_NO_RULE] > 0);
	fprintf(stderr, "# %u distinct drops: %llu events lost\n", n,
		(unsigned long long)s.c[SCN_CT].event_lost[WARD_REASON_NO_RULE]);
	assert_int_equal(check_accounting(h, &d), n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_drop_event_carries_the_packet_fields, open_scn,
						close_h),
		cmocka_unit_test_setup_teardown(test_drop_event_toward_device_over_ipv6, open_scn,
						close_h),
		cmocka_unit_test_setup_teardown(test_audit_device_drop_is_a_would_drop_event,
						open_scn, close_h),
		cmocka_unit_test_setup_teardown(test_wrong_vlan_event_carries_the_tag, open_scn,
						close_h),
		cmocka_unit_test_setup_teardown(test_malformed_event_has_no_ports, open_scn,
						close_h),
		cmocka_unit_test_teardown(test_unknown_host_on_audit_interface_is_seen_once,
					  close_h),
		cmocka_unit_test_setup_teardown(test_identical_drops_within_a_second_make_one_event,
						open_scn, close_h),
		cmocka_unit_test_setup_teardown(test_drops_to_other_ports_or_peers_are_other_events,
						open_scn, close_h),
		cmocka_unit_test_setup_teardown(test_event_accounting_is_exact, open_scn, close_h),
		cmocka_unit_test_setup_teardown(test_full_ring_buffer_loses_events_and_counts_them,
						open_scn, close_h),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
