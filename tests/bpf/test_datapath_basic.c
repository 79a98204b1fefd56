// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The datapath's basic behaviours, on the real programs under
 * BPF_PROG_TEST_RUN: a flow opened by an allowed packet carries its reply,
 * a denied packet is dropped and counted with an event, audit mode passes
 * what it reports, a policy swap revokes flows the new policy forbids, the
 * rate limit holds a device to its flows per second, identical events are
 * suppressed with their count carried by the next one, and a DHCP client
 * with a reserved address asks for it from 0.0.0.0. The exhaustive and
 * adversarial cases live in the other test_*.c files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"
#include "packet.h"

#define DEV_MAC	 "02:00:00:00:00:21"
#define GW_MAC	 "02:00:00:00:00:01"
#define DEV_IP	 "198.18.0.21"
#define PACS_IP	 "198.18.1.10"
#define OTHER_IP "198.18.1.66"
#define NSEC	 1000000000ULL

#define POLICY_HEAD                  \
	"version: 1\n"               \
	"interfaces:\n"              \
	"  - name: dev0\n"           \
	"    unknown_hosts: pass\n"  \
	"devices:\n"                 \
	"  - name: ct-01\n"          \
	"    mac: \"" DEV_MAC "\"\n" \
	"    ipv4: [" DEV_IP "]\n"

static const char policy_dicom[] = POLICY_HEAD "    outbound:\n"
					       "      - to: [" PACS_IP "]\n"
					       "        proto: tcp\n"
					       "        ports: [104]\n";

static const char policy_audit[] = POLICY_HEAD "    mode: audit\n"
					       "    outbound:\n"
					       "      - to: [" PACS_IP "]\n"
					       "        proto: tcp\n"
					       "        ports: [104]\n";

static const char policy_other_port[] = POLICY_HEAD "    outbound:\n"
						    "      - to: [" PACS_IP "]\n"
						    "        proto: tcp\n"
						    "        ports: [11112]\n";

static const char policy_rate[] = POLICY_HEAD "    outbound:\n"
					      "      - to: [" PACS_IP "]\n"
					      "        proto: tcp\n"
					      "    limits:\n"
					      "      new_flows_per_second: 3\n";

static const char policy_dhcp_reserved[] = POLICY_HEAD "    dhcp: true\n";

/* A TCP frame between the device and @peer; @from_dev says who sends it. */
static size_t tcp_frame(struct pkt *p, int from_dev, const char *peer, uint16_t dev_port,
			uint16_t peer_port, uint8_t flags)
{
	uint8_t dev_mac[6], gw_mac[6];
	struct pkt_ipv4 ip = {0};
	struct pkt_tcp tcp = {.flags = flags};

	pkt_mac(DEV_MAC, dev_mac);
	pkt_mac(GW_MAC, gw_mac);
	pkt_init(p);
	if (from_dev) {
		pkt_eth(p, gw_mac, dev_mac, 0);
		pkt_addr(DEV_IP, ip.src);
		pkt_addr(peer, ip.dst);
		tcp.sport = dev_port;
		tcp.dport = peer_port;
	} else {
		pkt_eth(p, dev_mac, gw_mac, 0);
		pkt_addr(peer, ip.src);
		pkt_addr(DEV_IP, ip.dst);
		tcp.sport = peer_port;
		tcp.dport = dev_port;
	}
	pkt_ipv4(p, &ip);
	pkt_tcp(p, &tcp);
	return pkt_finish(p);
}

/* Run a TCP frame and return whether it passed. */
static int run_tcp(struct harness *h, int from_dev, const char *peer, uint16_t dev_port,
		   uint16_t peer_port, uint8_t flags)
{
	struct pkt p;
	size_t len = tcp_frame(&p, from_dev, peer, dev_port, peer_port, flags);
	int pass = -1;

	assert_true(len > 0);
	assert_int_equal(harness_run(h, from_dev ? WARD_DIR_FROM_DEVICE : WARD_DIR_TO_DEVICE, 0,
				     p.buf, len, &pass),
			 0);
	return pass;
}

/* Run a UDP frame from the device's MAC, @src:@sport to @dst:@dport; return whether it passed. */
static int run_udp_from_dev(struct harness *h, const char *src, uint16_t sport, const char *dst,
			    uint16_t dport)
{
	uint8_t dev_mac[6], bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct pkt_ipv4 ip = {0};
	struct pkt_udp udp = {.sport = sport, .dport = dport};
	struct pkt p;
	size_t len;
	int pass = -1;

	pkt_mac(DEV_MAC, dev_mac);
	pkt_addr(src, ip.src);
	pkt_addr(dst, ip.dst);
	pkt_init(&p);
	pkt_eth(&p, bcast, dev_mac, 0);
	pkt_ipv4(&p, &ip);
	pkt_udp(&p, &udp);
	pkt_zeros(&p, 240);
	len = pkt_finish(&p);
	assert_true(len > 0);
	assert_int_equal(harness_run(h, WARD_DIR_FROM_DEVICE, 0, p.buf, len, &pass), 0);
	return pass;
}

static void drain_events(struct harness *h)
{
	struct ward_event ev[64];

	while (harness_events(h, ev, 64) > 0)
		;
}

static int group_setup(void **state)
{
	struct harness *h;

	if (harness_open(&h))
		return -1;
	*state = h;
	return 0;
}

static int group_teardown(void **state)
{
	harness_close(*state);
	return 0;
}

/*
 * - an allowed SYN from the device passes and opens one flow;
 * - the SYN-ACK back from the peer passes on that flow, with no inbound rule;
 * - both count as passed for the device.
 */
static void test_allowed_outbound_opens_flow_for_reply(void **state)
{
	struct harness *h = *state;
	struct ward_counters c;
	int before;

	assert_int_equal(harness_load_policy(h, policy_dicom), 0);
	before = harness_flow_count(h);
	assert_int_equal(run_tcp(h, 1, PACS_IP, 40000, 104, TCP_SYN), 1);
	assert_int_equal(harness_flow_count(h), before + 1);
	assert_int_equal(run_tcp(h, 0, PACS_IP, 40000, 104, TCP_SYN | TCP_ACK), 1);
	assert_int_equal(run_tcp(h, 1, PACS_IP, 40000, 104, TCP_ACK), 1);
	assert_int_equal(harness_counters(h, 0, &c), 0);
	assert_int_equal(c.passed, 3);
	assert_int_equal(c.dropped[WARD_REASON_NO_RULE], 0);
}

/*
 * - a SYN to a peer no rule names is dropped as no-rule;
 * - the counter says so, and one drop event describes the packet;
 * - the inbound SYN-ACK of a flow never opened is dropped too.
 */
static void test_denied_is_no_rule_with_counter_and_event(void **state)
{
	struct harness *h = *state;
	struct ward_counters c;
	struct ward_event ev[8];
	uint8_t dst[16];
	int n;

	assert_int_equal(harness_load_policy(h, policy_dicom), 0);
	drain_events(h);
	assert_int_equal(run_tcp(h, 1, OTHER_IP, 40001, 22, TCP_SYN), 0);
	assert_int_equal(harness_counters(h, 0, &c), 0);
	assert_int_equal(c.dropped[WARD_REASON_NO_RULE], 1);

	n = harness_events(h, ev, 8);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].type, WARD_EV_DROP);
	assert_int_equal(ev[0].reason, WARD_REASON_NO_RULE);
	assert_int_equal(ev[0].device_id, 0);
	assert_int_equal(ev[0].direction, WARD_DIR_FROM_DEVICE);
	assert_int_equal(ev[0].proto, PKT_PROTO_TCP);
	assert_int_equal(ev[0].dport, 22);
	assert_int_equal(ev[0].count, 1);
	pkt_addr(OTHER_IP, dst);
	assert_memory_equal(ev[0].dst, dst, 16);

	assert_int_equal(run_tcp(h, 0, OTHER_IP, 40001, 22, TCP_SYN | TCP_ACK), 0);
}

/*
 * - in audit mode the denied SYN passes;
 * - it is counted as a would-drop, not a drop, with a would-drop event.
 */
static void test_audit_passes_as_would_drop(void **state)
{
	struct harness *h = *state;
	struct ward_counters c;
	struct ward_event ev[8];

	assert_int_equal(harness_load_policy(h, policy_audit), 0);
	drain_events(h);
	assert_int_equal(run_tcp(h, 1, OTHER_IP, 40002, 22, TCP_SYN), 1);
	assert_int_equal(harness_counters(h, 0, &c), 0);
	assert_int_equal(c.would_drop[WARD_REASON_NO_RULE], 1);
	assert_int_equal(c.dropped[WARD_REASON_NO_RULE], 0);
	assert_int_equal(harness_events(h, ev, 8), 1);
	assert_int_equal(ev[0].type, WARD_EV_WOULD_DROP);
	assert_int_equal(ev[0].reason, WARD_REASON_NO_RULE);
}

/*
 * - a flow opened under one policy keeps passing under a new policy that
 *   still allows it;
 * - under a policy that no longer allows it, its next packet is dropped as
 *   flow-revoked, in either direction, and the flow is gone.
 */
static void test_policy_swap_revokes_flow(void **state)
{
	struct harness *h = *state;
	struct ward_counters c;

	assert_int_equal(harness_load_policy(h, policy_dicom), 0);
	assert_int_equal(run_tcp(h, 1, PACS_IP, 40003, 104, TCP_SYN), 1);
	assert_int_equal(harness_load_policy(h, policy_dicom), 0);
	assert_int_equal(run_tcp(h, 0, PACS_IP, 40003, 104, TCP_SYN | TCP_ACK), 1);

	assert_int_equal(harness_load_policy(h, policy_other_port), 0);
	assert_int_equal(run_tcp(h, 0, PACS_IP, 40003, 104, TCP_ACK), 0);
	assert_int_equal(harness_counters(h, 0, &c), 0);
	assert_int_equal(c.dropped[WARD_REASON_FLOW_REVOKED], 1);
	/* the flow was removed: the next packet is a new, unknown ACK */
	assert_int_equal(run_tcp(h, 0, PACS_IP, 40003, 104, TCP_ACK), 0);
	assert_int_equal(harness_counters(h, 0, &c), 0);
	assert_int_equal(c.dropped[WARD_REASON_NO_RULE], 1);
}

/*
 * - a bucket of 3 flows per second lets 3 new flows through and drops the
 *   4th as rate-limit;
 * - packets of flows already open are not charged;
 * - a second later the bucket has refilled.
 */
static void test_rate_limit_holds_new_flows(void **state)
{
	struct harness *h = *state;
	struct ward_counters c;

	assert_int_equal(harness_load_policy(h, policy_rate), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(run_tcp(h, 1, PACS_IP, 41000 + i, 104, TCP_SYN), 1);
	assert_int_equal(run_tcp(h, 1, PACS_IP, 41003, 104, TCP_SYN), 0);
	assert_int_equal(run_tcp(h, 1, PACS_IP, 41000, 104, TCP_ACK), 1);
	assert_int_equal(harness_counters(h, 0, &c), 0);
	assert_int_equal(c.dropped[WARD_REASON_RATE_LIMIT], 1);

	assert_int_equal(harness_age_flows(h, NSEC), 0);
	assert_int_equal(run_tcp(h, 1, PACS_IP, 41003, 104, TCP_SYN), 1);
}

/*
 * - five identical drops within a second give one event;
 * - the other four are held back, and the accounting adds up;
 * - a second later the next drop's event carries 1 + 4.
 */
static void test_suppression_carries_count(void **state)
{
	struct harness *h = *state;
	struct ward_counters c;
	struct ward_event ev[8];
	uint64_t held;

	assert_int_equal(harness_load_policy(h, policy_dicom), 0);
	drain_events(h);
	for (int i = 0; i < 5; i++)
		assert_int_equal(run_tcp(h, 1, OTHER_IP, 40004, 23, TCP_SYN), 0);
	assert_int_equal(harness_events(h, ev, 8), 1);
	assert_int_equal(ev[0].count, 1);
	assert_int_equal(harness_held(h, 0, WARD_REASON_NO_RULE, &held), 0);
	assert_int_equal(held, 4);
	assert_int_equal(harness_counters(h, 0, &c), 0);
	assert_int_equal(c.event_pkts[WARD_REASON_NO_RULE] + held +
				 c.event_lost[WARD_REASON_NO_RULE],
			 c.dropped[WARD_REASON_NO_RULE]);

	assert_int_equal(harness_age_flows(h, NSEC), 0);
	assert_int_equal(run_tcp(h, 1, OTHER_IP, 40004, 23, TCP_SYN), 0);
	assert_int_equal(harness_events(h, ev, 8), 1);
	assert_int_equal(ev[0].count, 5);
	assert_int_equal(harness_held(h, 0, WARD_REASON_NO_RULE, &held), 0);
	assert_int_equal(held, 0);
}

/*
 * - a device with dhcp: true and a declared (reserved) IPv4 address sends
 *   its DHCP requests from 0.0.0.0 before it has the lease: they pass;
 * - anything else from 0.0.0.0, or DHCP from an address it does not own,
 *   is spoofed-source.
 */
static void test_dhcp_client_with_reserved_address_asks_from_nothing(void **state)
{
	struct harness *h = *state;
	struct ward_counters c;

	assert_int_equal(harness_load_policy(h, policy_dhcp_reserved), 0);
	assert_int_equal(run_udp_from_dev(h, "0.0.0.0", 68, "255.255.255.255", 67), 1);
	assert_int_equal(run_udp_from_dev(h, DEV_IP, 68, "255.255.255.255", 67), 1);
	assert_int_equal(run_udp_from_dev(h, "0.0.0.0", 68, PACS_IP, 53), 0);
	assert_int_equal(run_udp_from_dev(h, "198.18.0.99", 68, "255.255.255.255", 67), 0);
	assert_int_equal(harness_counters(h, 0, &c), 0);
	assert_int_equal(c.dropped[WARD_REASON_SPOOFED_SOURCE], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed_outbound_opens_flow_for_reply),
		cmocka_unit_test(test_denied_is_no_rule_with_counter_and_event),
		cmocka_unit_test(test_audit_passes_as_would_drop),
		cmocka_unit_test(test_policy_swap_revokes_flow),
		cmocka_unit_test(test_rate_limit_holds_new_flows),
		cmocka_unit_test(test_suppression_carries_count),
		cmocka_unit_test(test_dhcp_client_with_reserved_address_asks_from_nothing),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
