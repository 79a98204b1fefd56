// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tracked flows in the real programs: replies in both directions of flows
 * opened either way, TCP states, the timeout of each class (with time moved
 * forward by the harness rather than slept), a policy swap that revokes or
 * keeps an open flow, the new-flow rate limit, and the life-critical
 * device's flow surviving a flood that fills the shared flow table.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "scenario.h"

#define SEC 1000000000ULL

/* Devices of FLOW_POLICY. */
enum {
	F_CT = 0, /* ct-01 as in SCN_POLICY, plus GRE to the PACS */
	F_RL,	  /* rl-01: 5 new flows per second */
	F_LC,	  /* lc-01: life-critical monitor */
	F_FL,	  /* fl-01: may open any TCP flow: the flood */
	F_NDEV,
	F_NINDEX = F_NDEV + 1,
};

#define TMO_EST	  500
#define TMO_TRANS 50
#define TMO_UDP	  40
#define TMO_ICMP  20
#define TMO_OTHER 30
#define RATE	  5

static const uint8_t rl_mac[6] = {0x02, 0, 0, 0, 0, 0x31};
static const uint8_t lc_mac[6] = {0x02, 0, 0, 0, 0, 0x32};
static const uint8_t fl_mac[6] = {0x02, 0, 0, 0, 0, 0x33};

/* The policy with ct-01's outbound and inbound rules given as YAML lines. */
static char *flow_policy(const char *ct_rules)
{
	static const char head[] = "version: 1\n"
				   "timeouts:\n"
				   "  tcp_established: 500\n"
				   "  tcp_transitory: 50\n"
				   "  udp: 40\n"
				   "  icmp: 20\n"
				   "  other: 30\n"
				   "interfaces:\n"
				   "  - name: dev0\n"
				   "    unknown_hosts: drop\n"
				   "devices:\n"
				   "  - name: ct-01\n"
				   "    mac: \"02:00:00:00:00:21\"\n"
				   "    ipv4: [198.18.0.21]\n"
				   "    ipv6: [\"2001:db8::21\"]\n";
	static const char tail[] = "  - name: rl-01\n"
				   "    mac: \"02:00:00:00:00:31\"\n"
				   "    ipv4: [198.18.0.31]\n"
				   "    limits:\n"
				   "      new_flows_per_second: 5\n"
				   "    outbound:\n"
				   "      - to: [198.18.1.0/24]\n"
				   "        proto: tcp\n"
				   "  - name: lc-01\n"
				   "    mac: \"02:00:00:00:00:32\"\n"
				   "    ipv4: [198.18.0.32]\n"
				   "    criticality: life-critical\n"
				   "    outbound:\n"
				   "      - to: [198.18.1.10]\n"
				   "        proto: tcp\n"
				   "        ports: [104]\n"
				   "  - name: fl-01\n"
				   "    mac: \"02:00:00:00:00:33\"\n"
				   "    ipv4: [198.18.0.33]\n"
				   "    criticality: administrative\n"
				   "    outbound:\n"
				   "      - to: [any]\n"
				   "        proto: tcp\n";
	size_t len = sizeof(head) + strlen(ct_rules) + sizeof(tail);
	char *yaml = malloc(len);

	assert_non_null(yaml);
	snprintf(yaml, len, "%s%s%s", head, ct_rules, tail);
	return yaml;
}

static const char ct_rules_a[] = "    outbound:\n"
				 "      - to: [198.18.1.10, \"2001:db8:1::10\"]\n"
				 "        proto: tcp\n"
				 "        ports: [104]\n"
				 "      - to: [198.18.1.53, \"2001:db8:1::53\"]\n"
				 "        proto: udp\n"
				 "        ports: [53]\n"
				 "      - to: [any]\n"
				 "        proto: icmp\n"
				 "        icmp: [echo-request]\n"
				 "      - to: [198.18.1.10]\n"
				 "        proto: 47\n"
				 "    inbound:\n"
				 "      - from: [198.18.1.10, \"2001:db8:1::10\"]\n"
				 "        proto: tcp\n"
				 "        ports: [104]\n";

/* Policy B: ct-01 may only resolve names; its PACS flows are revoked. */
static const char ct_rules_b[] = "    outbound:\n"
				 "      - to: [198.18.1.53]\n"
				 "        proto: udp\n"
				 "        ports: [53]\n";

/* Policy C: other rules, but the PACS flows stay allowed. */
static const char ct_rules_c[] = "    outbound:\n"
				 "      - to: [198.18.1.0/24, \"2001:db8:1::/64\"]\n"
				 "        proto: tcp\n"
				 "        ports: [104, 11112]\n"
				 "    inbound:\n"
				 "      - from: [198.18.1.0/24, \"2001:db8:1::/64\"]\n"
				 "        proto: tcp\n"
				 "        ports: [104]\n";

static int open_a(void **state)
{
	char *yaml = flow_policy(ct_rules_a);
	struct harness *h = NULL;
	int err = harness_open(&h);

	if (!err)
		err = harness_load_policy(h, yaml);
	free(yaml);
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

static void load(struct harness *h, const char *ct_rules)
{
	char *yaml = flow_policy(ct_rules);

	assert_int_equal(harness_load_policy(h, yaml), 0);
	free(yaml);
}

/* A TCP frame of ct-01's flow between its port @dev_port and the PACS's @peer_port. */
static size_t ct_tcp(struct pkt *p, enum ward_direction dir, bool v6, uint16_t dev_port,
		     uint16_t peer_port, uint8_t flags)
{
	struct scn_ends e = scn_ct(dir, v6, v6 ? SCN_PACS_V6 : SCN_PACS_V4);

	return scn_tcp_frame(p, &e, dev_port, peer_port, flags);
}

static void expect_tcp(struct harness *h, enum ward_direction dir, bool v6, uint16_t dev_port,
		       uint16_t peer_port, uint8_t flags, struct scn_expect want, const char *what)
{
	struct pkt p;
	size_t len = ct_tcp(&p, dir, v6, dev_port, peer_port, flags);

	scn_expect_run(h, F_NINDEX, dir, &p, len, &want, what);
}

#define XDP WARD_DIR_FROM_DEVICE
#define TC  WARD_DIR_TO_DEVICE
#define SYN TCP_SYN
#define ACK TCP_ACK

static void test_outbound_opened_tcp_flow_passes_replies_both_ways(void **state)
{
	struct harness *h = *state;

	for (int v6 = 0; v6 < 2; v6++) {
		uint16_t port = (uint16_t)(40000 + v6);

		expect_tcp(h, XDP, v6, port, 104, SYN, EXPECT_PASS(F_CT), "SYN out");
		expect_tcp(h, TC, v6, port, 104, SYN | ACK, EXPECT_PASS(F_CT), "SYN-ACK in");
		expect_tcp(h, XDP, v6, port, 104, ACK, EXPECT_PASS(F_CT), "ACK out");
		expect_tcp(h, TC, v6, port, 104, ACK | TCP_PSH, EXPECT_PASS(F_CT), "data in");
	}
	assert_int_equal(harness_flow_count(h), 2);
}

static void test_inbound_opened_tcp_flow_passes_replies_both_ways(void **state)
{
	struct harness *h = *state;

	for (int v6 = 0; v6 < 2; v6++) {
		uint16_t port = (uint16_t)(50000 + v6);

		expect_tcp(h, TC, v6, 104, port, SYN, EXPECT_PASS(F_CT), "SYN in");
		expect_tcp(h, XDP, v6, 104, port, SYN | ACK, EXPECT_PASS(F_CT), "SYN-ACK out");
		expect_tcp(h, TC, v6, 104, port, ACK, EXPECT_PASS(F_CT), "ACK in");
		expect_tcp(h, XDP, v6, 104, port, ACK | TCP_PSH, EXPECT_PASS(F_CT), "data out");
	}
	/* The same ports the other way round were never allowed to open. */
	expect_tcp(h, XDP, false, 104, 50002, SYN, EXPECT_DROP(F_CT, WARD_REASON_NO_RULE),
		   "SYN out from the service port");
	assert_int_equal(harness_flow_count(h), 2);
}

static void test_udp_and_icmp_replies_pass_only_on_their_flow(void **state)
{
	struct harness *h = *state;
	struct scn_ends dns = scn_ct(XDP, false, SCN_DNS_V4);
	struct scn_ends deny = scn_ct(XDP, false, SCN_DENY_V4);
	struct pkt p;
	size_t len;

	len = scn_udp_frame(&p, &dns, 5353, 53);
	scn_expect_run(h, F_NINDEX, XDP, &p, len, &EXPECT_PASS(F_CT), "DNS query");
	dns.dir = TC;
	len = scn_udp_frame(&p, &dns, 5353, 53);
	scn_expect_run(h, F_NINDEX, TC, &p, len, &EXPECT_PASS(F_CT), "DNS answer");
	len = scn_udp_frame(&p, &dns, 5354, 53);
	scn_expect_run(h, F_NINDEX, TC, &p, len, &EXPECT_DROP(F_CT, WARD_REASON_NO_RULE),
		       "DNS answer to another port");

	pkt_init(&p);
	scn_l3(&p, &deny);
	pkt_icmp_echo(&p, ICMP_ECHO, 7, 1);
	len = pkt_finish(&p);
	scn_expect_run(h, F_NINDEX, XDP, &p, len, &EXPECT_PASS(F_CT), "ping out");
	deny.dir = TC;
	pkt_init(&p);
	scn_l3(&p, &deny);
	pkt_icmp_echo(&p, ICMP_ECHOREPLY, 7, 1);
	len = pkt_finish(&p);
	scn_expect_run(h, F_NINDEX, TC, &p, len, &EXPECT_PASS(F_CT), "ping reply");
}

/* A GRE (protocol 47, "other" class) packet between ct-01 and the PACS. */
static size_t gre_frame(struct pkt *p, enum ward_direction dir)
{
	static const uint8_t gre[8] = {0, 0, 0x08, 0x00};
	struct scn_ends e = scn_ct(dir, false, SCN_PACS_V4);
	struct pkt_ipv4 ip = scn_ipv4(&e);

	ip.proto = 47;
	pkt_init(p);
	scn_eth(p, &e);
	pkt_ipv4(p, &ip);
	pkt_bytes(p, gre, sizeof(gre));
	return pkt_finish(p);
}

/* Open a flow of class @cls with its first packet from ct-01; returns the reply's frame. */
static size_t open_flow_of_class(struct harness *h, enum ward_timeout_class cls, struct pkt *reply)
{
	struct scn_ends dns = scn_ct(XDP, false, SCN_DNS_V4);
	struct scn_ends deny = scn_ct(XDP, false, SCN_DENY_V4);
	struct pkt p;
	size_t len = 0;

	switch (cls) {
	case WARD_TMO_TCP_ESTABLISHED:
		expect_tcp(h, XDP, false, 40100, 104, SYN, EXPECT_PASS(F_CT), "SYN");
		expect_tcp(h, TC, false, 40100, 104, SYN | ACK, EXPECT_PASS(F_CT), "SYN-ACK");
		return ct_tcp(reply, TC, false, 40100, 104, ACK);
	case WARD_TMO_TCP_TRANSITORY:
		expect_tcp(h, XDP, false, 40101, 104, SYN, EXPECT_PASS(F_CT), "SYN");
		return ct_tcp(reply, TC, false, 40101, 104, SYN | ACK);
	case WARD_TMO_UDP:
		len = scn_udp_frame(&p, &dns, 5300, 53);
		dns.dir = TC;
		scn_udp_frame(reply, &dns, 5300, 53);
		break;
	case WARD_TMO_ICMP:
		pkt_init(&p);
		scn_l3(&p, &deny);
		pkt_icmp_echo(&p, ICMP_ECHO, 9, 1);
		len = pkt_finish(&p);
		deny.dir = TC;
		pkt_init(reply);
		scn_l3(reply, &deny);
		pkt_icmp_echo(reply, ICMP_ECHOREPLY, 9, 1);
		pkt_finish(reply);
		break;
	default:
		len = gre_frame(&p, XDP);
		gre_frame(reply, TC);
		break;
	}
	scn_expect_run(h, F_NINDEX, XDP, &p, len, &EXPECT_PASS(F_CT), "opening packet");
	return reply->len;
}

static void test_each_timeout_class_expires_its_flow(void **state)
{
	static const uint32_t tmo[WARD_TMO_COUNT] = {TMO_EST, TMO_TRANS, TMO_UDP, TMO_ICMP,
						     TMO_OTHER};
	static const char *const names[WARD_TMO_COUNT] = {"tcp_established", "tcp_transitory",
							  "udp", "icmp", "other"};
	struct harness *h = *state;
	char what[96];

	for (int cls = 0; cls < WARD_TMO_COUNT; cls++) {
		struct pkt reply;
		size_t len = open_flow_of_class(h, (enum ward_timeout_class)cls, &reply);

		if (cls == WARD_TMO_TCP_TRANSITORY) {
			/* A SYN-ACK would move the flow to established: probe after expiry only. */
			assert_int_equal(harness_age_flows(h, (tmo[cls] + 2) * SEC), 0);
			snprintf(what, sizeof(what), "%s reply after %u s", names[cls],
				 tmo[cls] + 2);
			scn_expect_run(h, F_NINDEX, TC, &reply, len,
				       &EXPECT_DROP(F_CT, WARD_REASON_NO_RULE), what);
			continue;
		}
		assert_int_equal(harness_age_flows(h, (tmo[cls] - 2) * SEC), 0);
		snprintf(what, sizeof(what), "%s reply after %u s", names[cls], tmo[cls] - 2);
		scn_expect_run(h, F_NINDEX, TC, &reply, len, &EXPECT_PASS(F_CT), what);
		assert_int_equal(harness_age_flows(h, (tmo[cls] + 2) * SEC), 0);
		snprintf(what, sizeof(what), "%s reply %u s after the last one", names[cls],
			 tmo[cls] + 2);
		scn_expect_run(h, F_NINDEX, TC, &reply, len,
			       &EXPECT_DROP(F_CT, WARD_REASON_NO_RULE), what);
	}
}

static void test_answered_syn_outlives_the_transitory_timeout(void **state)
{
	struct harness *h = *state;

	expect_tcp(h, XDP, false, 40200, 104, SYN, EXPECT_PASS(F_CT), "SYN");
	assert_int_equal(harness_age_flows(h, (TMO_TRANS - 5) * SEC), 0);
	expect_tcp(h, TC, false, 40200, 104, SYN | ACK, EXPECT_PASS(F_CT), "SYN-ACK");
	assert_int_equal(harness_age_flows(h, (TMO_TRANS + 5) * SEC), 0);
	expect_tcp(h, TC, false, 40200, 104, ACK, EXPECT_PASS(F_CT), "data past transitory");
}

/* The datapath's deletions of flows so far (ward_stats.flows_deleted). */
static uint64_t flows_deleted(struct harness *h)
{
	struct ward_stats stats;

	assert_int_equal(harness_stats(h, &stats), 0);
	return stats.flows_deleted;
}

static void test_fin_makes_flow_transitory_and_rst_ends_it(void **state)
{
	struct harness *h = *state;
	uint64_t deleted = flows_deleted(h);

	expect_tcp(h, XDP, false, 40300, 104, SYN, EXPECT_PASS(F_CT), "SYN");
	expect_tcp(h, TC, false, 40300, 104, SYN | ACK, EXPECT_PASS(F_CT), "SYN-ACK");
	expect_tcp(h, XDP, false, 40300, 104, TCP_FIN | ACK, EXPECT_PASS(F_CT), "FIN");
	assert_int_equal(harness_age_flows(h, (TMO_TRANS + 5) * SEC), 0);
	assert_int_equal(flows_deleted(h), deleted);
	expect_tcp(h, TC, false, 40300, 104, ACK, EXPECT_DROP(F_CT, WARD_REASON_NO_RULE),
		   "ACK after the closing flow timed out");
	assert_int_equal(flows_deleted(h), deleted + 1); /* the expired flow, met */

	expect_tcp(h, XDP, false, 40301, 104, SYN, EXPECT_PASS(F_CT), "SYN");
	expect_tcp(h, TC, false, 40301, 104, SYN | ACK, EXPECT_PASS(F_CT), "SYN-ACK");
	expect_tcp(h, TC, false, 40301, 104, TCP_RST, EXPECT_PASS(F_CT), "RST");
	assert_int_equal(flows_deleted(h), deleted + 2);
	expect_tcp(h, TC, false, 40301, 104, ACK, EXPECT_DROP(F_CT, WARD_REASON_NO_RULE),
		   "ACK after RST");
	assert_int_equal(flows_deleted(h), deleted + 2);
}

/*
 * Another CPU may refresh a flow between this packet's reading of the clock
 * and its lookup: the flow then looks refreshed in the future, and must not
 * look expired.
 */
static void test_flow_refreshed_after_the_packet_read_the_clock_stays(void **state)
{
	struct harness *h = *state;
	uint64_t deleted = flows_deleted(h);

	expect_tcp(h, XDP, false, 40350, 104, SYN, EXPECT_PASS(F_CT), "SYN");
	assert_int_equal(harness_age_flows(h, -(int64_t)SEC), 0);
	expect_tcp(h, TC, false, 40350, 104, SYN | ACK, EXPECT_PASS(F_CT),
		   "SYN-ACK on a flow refreshed 1 s after now");
	assert_int_equal(flows_deleted(h), deleted);
	assert_int_equal(harness_flow_count(h), 1);
}

static void test_mid_stream_packet_of_allowed_flow_is_picked_up(void **state)
{
	struct harness *h = *state;

	expect_tcp(h, XDP, false, 40400, 104, ACK | TCP_PSH, EXPECT_PASS(F_CT), "mid-stream out");
	expect_tcp(h, TC, false, 40400, 104, ACK, EXPECT_PASS(F_CT), "its reply");
	assert_int_equal(harness_age_flows(h, (TMO_TRANS + 5) * SEC), 0);
	expect_tcp(h, TC, false, 40400, 104, ACK, EXPECT_PASS(F_CT),
		   "picked up as established, not transitory");
}

static void test_policy_forbidding_open_flows_revokes_them(void **state)
{
	struct harness *h = *state;

	expect_tcp(h, XDP, false, 40500, 104, SYN, EXPECT_PASS(F_CT), "SYN out");
	expect_tcp(h, TC, false, 40500, 104, SYN | ACK, EXPECT_PASS(F_CT), "SYN-ACK in");
	expect_tcp(h, TC, true, 104, 50500, SYN, EXPECT_PASS(F_CT), "SYN in, v6");
	load(h, ct_rules_b);
	expect_tcp(h, TC, false, 40500, 104, ACK, EXPECT_DROP(F_CT, WARD_REASON_FLOW_REVOKED),
		   "reply of the revoked outbound flow");
	expect_tcp(h, XDP, true, 104, 50500, SYN | ACK, EXPECT_DROP(F_CT, WARD_REASON_FLOW_REVOKED),
		   "reply of the revoked inbound flow");
}

static void test_policy_still_allowing_open_flows_keeps_them(void **state)
{
	struct harness *h = *state;

	expect_tcp(h, XDP, false, 40600, 104, SYN, EXPECT_PASS(F_CT), "SYN out");
	expect_tcp(h, TC, false, 40600, 104, SYN | ACK, EXPECT_PASS(F_CT), "SYN-ACK in");
	expect_tcp(h, TC, true, 104, 50600, SYN, EXPECT_PASS(F_CT), "SYN in, v6");
	load(h, ct_rules_c);
	expect_tcp(h, TC, false, 40600, 104, ACK, EXPECT_PASS(F_CT), "reply under policy C");
	expect_tcp(h, XDP, true, 104, 50600, SYN | ACK, EXPECT_PASS(F_CT),
		   "inbound flow's reply under policy C");
	/* Then taken away again: the flow judged under C is revoked by B. */
	load(h, ct_rules_b);
	expect_tcp(h, XDP, false, 40600, 104, ACK, EXPECT_DROP(F_CT, WARD_REASON_FLOW_REVOKED),
		   "packet under policy B");
}

/* rl-01's SYN to 198.18.1.10 from port @port. */
static size_t rl_syn(struct pkt *p, uint16_t port, uint8_t flags, enum ward_direction dir)
{
	struct scn_ends e = {
		.dir = dir, .dev_mac = rl_mac, .dev_addr = "198.18.0.31", .peer_addr = SCN_PACS_V4};

	return scn_tcp_frame(p, &e, port, 104, flags);
}

static void test_new_flow_over_the_rate_is_rate_limited(void **state)
{
	struct harness *h = *state;
	char what[64];
	struct pkt p;
	size_t len;

	for (uint16_t i = 0; i < RATE; i++) {
		len = rl_syn(&p, (uint16_t)(41000 + i), SYN, XDP);
		snprintf(what, sizeof(what), "new flow %u of %u", i + 1, RATE);
		scn_expect_run(h, F_NINDEX, XDP, &p, len, &EXPECT_PASS(F_RL), what);
	}
	len = rl_syn(&p, 41000 + RATE, SYN, XDP);
	scn_expect_run(h, F_NINDEX, XDP, &p, len, &EXPECT_DROP(F_RL, WARD_REASON_RATE_LIMIT),
		       "new flow over the rate");
	len = rl_syn(&p, 41000, SYN | ACK, TC);
	scn_expect_run(h, F_NINDEX, TC, &p, len, &EXPECT_PASS(F_RL), "tracked flow's reply");
	len = rl_syn(&p, 41000, ACK, XDP);
	scn_expect_run(h, F_NINDEX, XDP, &p, len, &EXPECT_PASS(F_RL), "tracked flow's packet");
	assert_int_equal(harness_age_flows(h, SEC + SEC / 10), 0);
	len = rl_syn(&p, 41000 + RATE, SYN, XDP);
	scn_expect_run(h, F_NINDEX, XDP, &p, len, &EXPECT_PASS(F_RL), "new flow a second later");
}

/* fl-01's SYN number @i: a new flow each time, to many peers and ports. */
static void flood_frame(struct pkt *p, uint32_t i)
{
	char peer[32];
	struct scn_ends e = {
		.dir = XDP, .dev_mac = fl_mac, .dev_addr = "198.18.0.33", .peer_addr = peer};

	snprintf(peer, sizeof(peer), "198.19.%u.%u", (i >> 8) & 0xff, i & 0xff);
	scn_tcp_frame(p, &e, (uint16_t)(1024 + (i >> 16)), 80, SYN);
}

#define FLOOD_BATCH 16384
#define FLOOD_LIMIT (4U * WARD_DEFAULT_FLOWS)

/*
 * Open new flows of fl-01 until the shared table is full (the number of
 * tracked flows stops growing), then as many again: every flow that was in
 * the table before has been pushed out. Returns how many were sent.
 */
static uint32_t flood_until_full_and_again(struct harness *h)
{
	uint32_t sent = 0, extra = 0;
	int count, last = -1, pass;
	struct pkt p;

	while (sent < FLOOD_LIMIT && (extra == 0 || sent < extra)) {
		for (uint32_t i = 0; i < FLOOD_BATCH; i++, sent++) {
			flood_frame(&p, sent);
			assert_int_equal(harness_run(h, XDP, 0, p.buf, p.len, &pass), 0);
			assert_int_equal(pass, 1);
		}
		count = harness_flow_count(h);
		assert_true(count > 0);
		if (!extra && count <= last)
			extra = sent + (uint32_t)count;
		last = count;
	}
	assert_true(extra > 0);
	return sent;
}

static void test_life_critical_flow_survives_a_flood_of_new_flows(void **state)
{
	struct scn_ends lc = {
		.dir = XDP, .dev_mac = lc_mac, .dev_addr = "198.18.0.32", .peer_addr = SCN_PACS_V4};
	struct scn_ends fl_first = {
		.dir = TC, .dev_mac = fl_mac, .dev_addr = "198.18.0.33", .peer_addr = "198.19.0.0"};
	struct harness *h = *state;
	struct scn_snapshot before, after;
	struct ward_stats stats;
	uint32_t flood;
	struct pkt p;
	size_t len;

	len = scn_tcp_frame(&p, &lc, 40700, 104, SYN);
	scn_expect_run(h, F_NINDEX, XDP, &p, len, &EXPECT_PASS(F_LC), "monitor's SYN");
	lc.dir = TC;
	len = scn_tcp_frame(&p, &lc, 40700, 104, SYN | ACK);
	scn_expect_run(h, F_NINDEX, TC, &p, len, &EXPECT_PASS(F_LC), "monitor's SYN-ACK");

	assert_int_equal(scn_snapshot(h, F_NINDEX, &before), 0);
	flood = flood_until_full_and_again(h);
	assert_int_equal(scn_snapshot(h, F_NINDEX, &after), 0);
	assert_int_equal(after.c[F_FL].passed - before.c[F_FL].passed, flood);
	assert_int_equal(harness_stats(h, &stats), 0);
	fprintf(stderr, "# flood: %u SYNs, %d flows tracked, %llu created\n", flood,
		harness_flow_count(h), (unsigned long long)stats.flows_created);
	assert_true(stats.flows_created >= flood);

	len = scn_tcp_frame(&p, &lc, 40700, 104, ACK | TCP_PSH);
	scn_expect_run(h, F_NINDEX, TC, &p, len, &EXPECT_PASS(F_LC),
		       "monitor's data after the flood");
	/* The flood's own first flow was pushed out of the shared table. */
	len = scn_tcp_frame(&p, &fl_first, 1024, 80, SYN | ACK);
	scn_expect_run(h, F_NINDEX, TC, &p, len, &EXPECT_DROP(F_FL, WARD_REASON_NO_RULE),
		       "evicted flood flow's reply");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_outbound_opened_tcp_flow_passes_replies_both_ways, open_a, close_h),
		cmocka_unit_test_setup_teardown(
			test_inbound_opened_tcp_flow_passes_replies_both_ways, open_a, close_h),
		cmocka_unit_test_setup_teardown(test_udp_and_icmp_replies_pass_only_on_their_flow,
						open_a, close_h),
		cmocka_unit_test_setup_teardown(test_each_timeout_class_expires_its_flow, open_a,
						close_h),
		cmocka_unit_test_setup_teardown(test_answered_syn_outlives_the_transitory_timeout,
						open_a, close_h),
		cmocka_unit_test_setup_teardown(test_fin_makes_flow_transitory_and_rst_ends_it,
						open_a, close_h),
		cmocka_unit_test_setup_teardown(
			test_flow_refreshed_after_the_packet_read_the_clock_stays, open_a, close_h),
		cmocka_unit_test_setup_teardown(test_mid_stream_packet_of_allowed_flow_is_picked_up,
						open_a, close_h),
		cmocka_unit_test_setup_teardown(test_policy_forbidding_open_flows_revokes_them,
						open_a, close_h),
		cmocka_unit_test_setup_teardown(test_policy_still_allowing_open_flows_keeps_them,
						open_a, close_h),
		cmocka_unit_test_setup_teardown(test_new_flow_over_the_rate_is_rate_limited, open_a,
						close_h),
		cmocka_unit_test_setup_teardown(
			test_life_critical_flow_survives_a_flood_of_new_flows, open_a, close_h),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
