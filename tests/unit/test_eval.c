// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/eval.c, the reference evaluator: one group of tests
 * per step of docs/design.md "The opening packet, step by step" (interface,
 * device lookup, unknown hosts, VLAN, spoofing, DHCP, rules in order, audit
 * mode), on policies built in C.
 */
#include "policy_builder.h"

#include "eval.h"

/*
 * The policy of most tests, on two interfaces:
 * dev0: ct-01 (MAC 02::21, 198.18.0.21, 2001:db8::21, VLAN 20)
 *         outbound: 0 tcp 104,11112 to 198.18.1.10
 *                   1 udp 53 to 198.18.1.53
 *                   2 any to 198.18.2.0/24
 *         inbound:  0 tcp 104 from 198.18.1.10
 *                   1 icmp echo-request from 198.18.2.0/24
 *                   2 icmpv6 echo-request from 2001:db8:2::/64
 *       pump-01 (MAC 02::31, no address, dhcp), audit mode
 *         outbound: 0 tcp 443 to 198.18.1.0/24
 *       mon-01 (198.18.0.41 only, no MAC)
 * dev1: lab-01 (MAC 02::51, 198.18.4.51), unknown_hosts drop
 */
static struct ward_policy *sample_policy(void)
{
	struct ward_policy *p = pb_new(2, 8);
	struct ward_device *dev;
	struct ward_rule *r;

	p->ifaces[1].unknown_hosts = WARD_UNKNOWN_DROP;

	dev = pb_device(p, "ct-01", 0);
	pb_mac(dev, "02:00:00:00:00:21");
	pb_ipv4(dev, "198.18.0.21");
	pb_ipv6(dev, "2001:db8::21");
	dev->vlan = 20;
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP);
	pb_peer(r, "198.18.1.10");
	pb_ports(r, 104, 104);
	pb_ports(r, 11112, 11112);
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_UDP);
	pb_peer(r, "198.18.1.53");
	pb_ports(r, 53, 53);
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, WARD_PROTO_ANY);
	pb_peer(r, "198.18.2.0/24");
	r = pb_rule(dev, WARD_DIR_TO_DEVICE, PB_TCP);
	pb_peer(r, "198.18.1.10");
	pb_ports(r, 104, 104);
	r = pb_rule(dev, WARD_DIR_TO_DEVICE, PB_ICMP);
	pb_peer(r, "198.18.2.0/24");
	pb_icmp(r, 8);
	r = pb_rule(dev, WARD_DIR_TO_DEVICE, PB_ICMPV6);
	pb_peer(r, "2001:db8:2::/64");
	pb_icmp(r, 128);

	dev = pb_device(p, "pump-01", 0);
	pb_mac(dev, "02:00:00:00:00:31");
	dev->dhcp = true;
	dev->mode = WARD_MODE_AUDIT;
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP);
	pb_peer(r, "198.18.1.0/24");
	pb_ports(r, 443, 443);

	dev = pb_device(p, "mon-01", 0);
	pb_ipv4(dev, "198.18.0.41");

	dev = pb_device(p, "lab-01", 1);
	pb_mac(dev, "02:00:00:00:00:51");
	pb_ipv4(dev, "198.18.4.51");
	return p;
}

/* A query for a frame on @iface in @dir, IPv4 or IPv6 after the addresses given. */
static struct ward_query query(uint32_t iface, enum ward_direction dir, const char *src,
			       const char *dst, uint8_t proto, uint16_t dport)
{
	struct ward_query q;
	bool v4;

	memset(&q, 0, sizeof(q));
	q.iface = iface;
	q.direction = dir;
	assert_int_equal(ward_ip_parse(src, q.src, &q.is_v4), 0);
	assert_int_equal(ward_ip_parse(dst, q.dst, &v4), 0);
	assert_int_equal(v4, q.is_v4);
	q.proto = proto;
	if (proto == PB_TCP || proto == PB_UDP) {
		q.has_ports = true;
		q.sport = 49152;
		q.dport = dport;
	} else if (proto == PB_ICMP || proto == PB_ICMPV6) {
		q.icmp_type = (uint8_t)dport;
	}
	return q;
}

static void set_mac(bool *has, uint8_t mac[6], const char *text)
{
	*has = true;
	pb_mac_bytes(mac, text);
}

static struct ward_verdict judge(const struct ward_policy *p, const struct ward_query *q)
{
	struct ward_verdict v;

	ward_evaluate(p, q, &v);
	return v;
}

static void assert_passed_by(const struct ward_verdict *v, int device, size_t rule_index)
{
	assert_true(v->pass);
	assert_false(v->would_drop);
	assert_false(v->builtin);
	assert_int_equal(v->reason, WARD_REASON_NONE);
	assert_int_equal(v->device, device);
	assert_non_null(v->rule);
	assert_int_equal(v->rule_index, rule_index);
}

static void assert_dropped(const struct ward_verdict *v, int device, enum ward_reason reason)
{
	assert_false(v->pass);
	assert_false(v->would_drop);
	assert_int_equal(v->device, device);
	assert_int_equal(v->reason, reason);
	assert_null(v->rule);
}

static void assert_would_drop(const struct ward_verdict *v, int device, enum ward_reason reason)
{
	assert_true(v->pass);
	assert_true(v->would_drop);
	assert_int_equal(v->device, device);
	assert_int_equal(v->reason, reason);
	assert_null(v->rule);
}

static int setup(void **state)
{
	*state = sample_policy();
	return 0;
}

static int teardown(void **state)
{
	pb_free(*state);
	return 0;
}

/* Step 1: a frame on an interface that is not in the policy passes untouched. */
static void test_iface_outside_policy_passes(void **state)
{
	struct ward_query q =
		query(7, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.9.9", PB_TCP, 22);
	struct ward_verdict v = judge(*state, &q);

	assert_true(v.pass);
	assert_int_equal(v.device, -1);
	assert_int_equal(v.reason, WARD_REASON_NONE);
}

/* Step 2: from a device, the source MAC finds it, whatever the address says. */
static void test_device_by_source_mac(void **state)
{
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.41", "198.18.1.10", PB_TCP, 104);
	struct ward_verdict v;

	q.vlan = 20;
	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:21");
	v = judge(*state, &q);
	/* ct-01 by MAC, then its source address is not its own. */
	assert_dropped(&v, 0, WARD_REASON_SPOOFED_SOURCE);
}

/* Step 2: no MAC match (or no MAC at all), the source address finds the device. */
static void test_device_by_source_address(void **state)
{
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.41", "198.18.1.10", PB_TCP, 104);
	struct ward_verdict v = judge(*state, &q);

	assert_dropped(&v, 2, WARD_REASON_NO_RULE);

	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:99");
	v = judge(*state, &q);
	assert_dropped(&v, 2, WARD_REASON_NO_RULE);
}

/* Step 2: toward the device side, the destination MAC, else the destination address. */
static void test_device_by_destination(void **state)
{
	struct ward_query q =
		query(0, WARD_DIR_TO_DEVICE, "198.18.1.10", "198.18.0.21", PB_TCP, 104);
	struct ward_verdict v;

	q.vlan = 20;
	v = judge(*state, &q);
	assert_passed_by(&v, 0, 0);

	set_mac(&q.has_dst_mac, q.dst_mac, "02:00:00:00:00:31");
	v = judge(*state, &q);
	assert_would_drop(&v, 1, WARD_REASON_NO_RULE);
}

/* Step 2: a broadcast or multicast destination MAC belongs to no device. */
static void test_group_destination_mac_is_no_device(void **state)
{
	struct ward_query q =
		query(1, WARD_DIR_TO_DEVICE, "198.18.1.10", "198.18.4.51", PB_UDP, 5353);
	struct ward_verdict v;

	set_mac(&q.has_dst_mac, q.dst_mac, "ff:ff:ff:ff:ff:ff");
	v = judge(*state, &q);
	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);

	set_mac(&q.has_dst_mac, q.dst_mac, "01:00:5e:00:00:fb");
	v = judge(*state, &q);
	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);

	set_mac(&q.has_dst_mac, q.dst_mac, "02:00:00:00:00:51");
	v = judge(*state, &q);
	assert_dropped(&v, 3, WARD_REASON_NO_RULE);
}

/* Step 2: a device is found on its own interface only. */
static void test_device_only_on_its_interface(void **state)
{
	struct ward_query q =
		query(1, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.1.10", PB_TCP, 104);
	struct ward_verdict v = judge(*state, &q);

	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);
}

/* Step 3: unknown hosts follow the interface: pass, audit (passes) or drop. */
static void test_unknown_hosts_follow_interface(void **state)
{
	struct ward_policy *p = *state;
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.99", "198.18.1.10", PB_TCP, 22);
	struct ward_verdict v;

	p->ifaces[0].unknown_hosts = WARD_UNKNOWN_AUDIT;
	v = judge(p, &q);
	assert_true(v.pass);
	assert_false(v.would_drop);
	assert_int_equal(v.device, -1);

	p->ifaces[0].unknown_hosts = WARD_UNKNOWN_PASS;
	v = judge(p, &q);
	assert_true(v.pass);

	p->ifaces[0].unknown_hosts = WARD_UNKNOWN_DROP;
	v = judge(p, &q);
	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);

	q.direction = WARD_DIR_TO_DEVICE;
	v = judge(p, &q);
	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);
}

/* Step 3: a DHCP server reply toward an interface with a dhcp device passes. */
static void test_dhcp_server_reply_to_dhcp_interface(void **state)
{
	struct ward_policy *p = *state;
	struct ward_query q =
		query(0, WARD_DIR_TO_DEVICE, "198.18.0.1", "255.255.255.255", PB_UDP, 68);
	struct ward_verdict v;

	p->ifaces[0].unknown_hosts = WARD_UNKNOWN_DROP;
	p->ifaces[1].unknown_hosts = WARD_UNKNOWN_DROP;
	q.sport = 67;
	set_mac(&q.has_dst_mac, q.dst_mac, "ff:ff:ff:ff:ff:ff");
	v = judge(p, &q);
	assert_true(v.pass);
	assert_true(v.builtin);
	assert_int_equal(v.device, -1);

	/* dev1 has no device with dhcp: true. */
	q.iface = 1;
	v = judge(p, &q);
	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);

	/* A reply sent from the device side is no reply toward it. */
	q.iface = 0;
	q.direction = WARD_DIR_FROM_DEVICE;
	v = judge(p, &q);
	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);

	/* Other ports are not DHCP. */
	q.direction = WARD_DIR_TO_DEVICE;
	q.sport = 68;
	v = judge(p, &q);
	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);
}

/* Step 4: a device with a VLAN accepts that tag only; untagged is wrong too. */
static void test_wrong_vlan(void **state)
{
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.1.10", PB_TCP, 104);
	struct ward_verdict v;

	q.vlan = 20;
	v = judge(*state, &q);
	assert_passed_by(&v, 0, 0);

	q.vlan = 30;
	v = judge(*state, &q);
	assert_dropped(&v, 0, WARD_REASON_WRONG_VLAN);

	q.vlan = 0;
	v = judge(*state, &q);
	assert_dropped(&v, 0, WARD_REASON_WRONG_VLAN);

	q.direction = WARD_DIR_TO_DEVICE;
	memcpy(q.src, q.dst, 16);
	assert_int_equal(ward_ip_parse("198.18.0.21", q.dst, &q.is_v4), 0);
	v = judge(*state, &q);
	assert_dropped(&v, 0, WARD_REASON_WRONG_VLAN);
}

/* Step 4: a device without a VLAN takes any tag or none. */
static void test_no_vlan_takes_any_tag(void **state)
{
	struct ward_query q =
		query(1, WARD_DIR_FROM_DEVICE, "198.18.4.51", "198.18.1.10", PB_TCP, 22);
	struct ward_verdict v;

	q.vlan = 300;
	v = judge(*state, &q);
	assert_dropped(&v, 3, WARD_REASON_NO_RULE);
}

/* Step 5: found by address, with another MAC than the one declared: spoofed. */
static void test_spoofed_mac(void **state)
{
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.1.10", PB_TCP, 104);
	struct ward_verdict v;

	q.vlan = 20;
	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:66");
	v = judge(*state, &q);
	assert_dropped(&v, 0, WARD_REASON_SPOOFED_SOURCE);
}

/* Step 5: found by MAC, with an address that is not the device's: spoofed, both families. */
static void test_spoofed_address(void **state)
{
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.22", "198.18.1.10", PB_TCP, 104);
	struct ward_query q6 =
		query(0, WARD_DIR_FROM_DEVICE, "2001:db8::22", "2001:db8:2::1", PB_TCP, 104);
	struct ward_verdict v;

	q.vlan = 20;
	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:21");
	v = judge(*state, &q);
	assert_dropped(&v, 0, WARD_REASON_SPOOFED_SOURCE);

	q6.vlan = 20;
	set_mac(&q6.has_src_mac, q6.src_mac, "02:00:00:00:00:21");
	v = judge(*state, &q6);
	assert_dropped(&v, 0, WARD_REASON_SPOOFED_SOURCE);

	/* Toward the device, the source is the peer's: no spoofing check. */
	q = query(0, WARD_DIR_TO_DEVICE, "198.18.1.10", "198.18.0.21", PB_TCP, 104);
	q.vlan = 20;
	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:66");
	v = judge(*state, &q);
	assert_passed_by(&v, 0, 0);
}

/* Step 5: a family the device declares no address of: only with dhcp: true. */
static void test_family_without_address(void **state)
{
	struct ward_policy *p = *state;
	struct ward_query q =
		query(1, WARD_DIR_FROM_DEVICE, "2001:db8:4::51", "2001:db8::1", PB_TCP, 22);
	struct ward_verdict v;

	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:51");
	v = judge(p, &q);
	assert_dropped(&v, 3, WARD_REASON_SPOOFED_SOURCE);

	/* pump-01: no IPv4, dhcp: true, so any IPv4 source is its own. */
	q = query(0, WARD_DIR_FROM_DEVICE, "198.18.0.77", "198.18.1.5", PB_TCP, 443);
	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:31");
	v = judge(p, &q);
	assert_passed_by(&v, 1, 0);

	/* With an IPv4 address declared, dhcp: true no longer excuses another source. */
	pb_ipv4(&p->devices[1], "198.18.0.31");
	v = judge(p, &q);
	assert_would_drop(&v, 1, WARD_REASON_SPOOFED_SOURCE);
}

/* pump-01's DHCP request before it has a lease: from 0.0.0.0, broadcast. */
static struct ward_query pump_dhcp_request(void)
{
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "0.0.0.0", "255.255.255.255", PB_UDP, 67);

	q.sport = 68;
	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:31");
	return q;
}

/* Step 7: a dhcp device passes UDP 68 to 67 out and 67 to 68 in, with no rule. */
static void test_dhcp_client(void **state)
{
	struct ward_policy *p = *state;
	struct ward_query q = pump_dhcp_request();
	struct ward_verdict v;

	v = judge(p, &q);
	assert_true(v.pass);
	assert_true(v.builtin);
	assert_false(v.would_drop);
	assert_int_equal(v.device, 1);

	q = query(0, WARD_DIR_TO_DEVICE, "198.18.0.1", "198.18.0.77", PB_UDP, 68);
	q.sport = 67;
	set_mac(&q.has_dst_mac, q.dst_mac, "02:00:00:00:00:31");
	v = judge(p, &q);
	assert_true(v.pass);
	assert_true(v.builtin);

	/* Wrong way round is no DHCP. */
	q.sport = 68;
	q.dport = 67;
	v = judge(p, &q);
	assert_would_drop(&v, 1, WARD_REASON_NO_RULE);

	/* With its address reserved (declared), it still asks from 0.0.0.0 ... */
	pb_ipv4(&p->devices[1], "198.18.0.31");
	q = pump_dhcp_request();
	v = judge(p, &q);
	assert_true(v.pass);
	assert_true(v.builtin);
	/* ... but sends nothing else from there. */
	q.dport = 53;
	v = judge(p, &q);
	assert_would_drop(&v, 1, WARD_REASON_SPOOFED_SOURCE);

	/* A device without dhcp: true gets no such allowance. */
	q = query(0, WARD_DIR_FROM_DEVICE, "198.18.0.41", "198.18.0.1", PB_UDP, 67);
	q.sport = 68;
	v = judge(p, &q);
	assert_dropped(&v, 2, WARD_REASON_NO_RULE);
}

/* Step 7: DHCPv6 is ordinary traffic, for rules to allow. */
static void test_dhcpv6_is_no_builtin(void **state)
{
	struct ward_policy *p = *state;
	struct ward_query q = query(0, WARD_DIR_FROM_DEVICE, "fe80::31", "ff02::1:2", PB_UDP, 547);
	struct ward_verdict v;

	q.sport = 546;
	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:31");
	v = judge(p, &q);
	assert_would_drop(&v, 1, WARD_REASON_NO_RULE);
	assert_false(v.builtin);
}

/* Step 8: outbound rules judge from the device (peer = destination), inbound toward it. */
static void test_rules_by_direction(void **state)
{
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.1.53", PB_UDP, 53);
	struct ward_verdict v;

	q.vlan = 20;
	v = judge(*state, &q);
	assert_passed_by(&v, 0, 1);

	/* The same flow seen toward ct-01 from 198.18.1.53 has no inbound rule. */
	q = query(0, WARD_DIR_TO_DEVICE, "198.18.1.53", "198.18.0.21", PB_UDP, 53);
	q.vlan = 20;
	v = judge(*state, &q);
	assert_dropped(&v, 0, WARD_REASON_NO_RULE);
}

/* Step 8: the first matching rule wins, in the policy's order. */
static void test_first_match_in_order(void **state)
{
	struct ward_policy *p = *state;
	struct ward_device *dev = &p->devices[0];
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.2.7", PB_TCP, 104);
	struct ward_rule *r;
	struct ward_verdict v;

	q.vlan = 20;
	v = judge(p, &q);
	assert_passed_by(&v, 0, 2);

	/* A later, narrower rule does not take over from an earlier match. */
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP);
	pb_peer(r, "198.18.2.7");
	pb_ports(r, 104, 104);
	v = judge(p, &q);
	assert_passed_by(&v, 0, 2);
	assert_ptr_equal(v.rule, &dev->rules[WARD_DIR_FROM_DEVICE][2]);
}

/* Step 8: ports and ranges hold the destination port, boundaries included. */
static void test_rule_ports(void **state)
{
	struct ward_policy *p = *state;
	struct ward_device *dev = &p->devices[2];
	struct ward_rule *r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP);
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.41", "198.18.9.9", PB_TCP, 8000);
	struct ward_verdict v;

	pb_peer(r, "any");
	pb_ports(r, 8000, 8100);
	v = judge(p, &q);
	assert_passed_by(&v, 2, 0);
	q.dport = 8100;
	v = judge(p, &q);
	assert_passed_by(&v, 2, 0);
	q.dport = 8101;
	v = judge(p, &q);
	assert_dropped(&v, 2, WARD_REASON_NO_RULE);
	q.dport = 7999;
	v = judge(p, &q);
	assert_dropped(&v, 2, WARD_REASON_NO_RULE);

	/* The source port does not count. */
	q.sport = 8000;
	v = judge(p, &q);
	assert_dropped(&v, 2, WARD_REASON_NO_RULE);

	/* Protocol counts: UDP 8000 is not TCP 8000. */
	q = query(0, WARD_DIR_FROM_DEVICE, "198.18.0.41", "198.18.9.9", PB_UDP, 8000);
	v = judge(p, &q);
	assert_dropped(&v, 2, WARD_REASON_NO_RULE);
}

/* Step 8: a packet without ports (ESP) matches only rules without ports. */
static void test_packet_without_ports(void **state)
{
	struct ward_policy *p = *state;
	struct ward_device *dev = &p->devices[2];
	struct ward_rule *r;
	struct ward_query q = query(0, WARD_DIR_FROM_DEVICE, "198.18.0.41", "198.18.9.9", 50, 0);
	struct ward_verdict v;

	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, 50);
	pb_peer(r, "198.18.9.0/24");
	pb_ports(r, 1, 65535);
	v = judge(p, &q);
	assert_dropped(&v, 2, WARD_REASON_NO_RULE);

	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, 50);
	pb_peer(r, "198.18.9.0/24");
	v = judge(p, &q);
	assert_passed_by(&v, 2, 1);
}

/* Step 8: ICMP and ICMPv6 types, each with its own protocol number. */
static void test_rule_icmp_types(void **state)
{
	struct ward_query q = query(0, WARD_DIR_TO_DEVICE, "198.18.2.9", "198.18.0.21", PB_ICMP, 8);
	struct ward_query q6 =
		query(0, WARD_DIR_TO_DEVICE, "2001:db8:2::9", "2001:db8::21", PB_ICMPV6, 128);
	struct ward_verdict v;

	q.vlan = 20;
	v = judge(*state, &q);
	assert_passed_by(&v, 0, 1);
	q.icmp_code = 3; /* the code does not count */
	v = judge(*state, &q);
	assert_passed_by(&v, 0, 1);
	q.icmp_type = 13;
	v = judge(*state, &q);
	assert_dropped(&v, 0, WARD_REASON_NO_RULE);

	q6.vlan = 20;
	v = judge(*state, &q6);
	assert_passed_by(&v, 0, 2);
	/* ICMPv6 type 8 is not ICMP echo-request. */
	q6.icmp_type = 8;
	v = judge(*state, &q6);
	assert_dropped(&v, 0, WARD_REASON_NO_RULE);
	/* ICMP (1) over IPv6 is not ICMPv6. */
	q6.proto = PB_ICMP;
	q6.icmp_type = 128;
	v = judge(*state, &q6);
	assert_dropped(&v, 0, WARD_REASON_NO_RULE);
}

/* Step 8: proto any matches every protocol, any peer matches both families. */
static void test_rule_any(void **state)
{
	struct ward_policy *p = *state;
	struct ward_rule *r = pb_rule(&p->devices[2], WARD_DIR_TO_DEVICE, WARD_PROTO_ANY);
	struct ward_query q = query(0, WARD_DIR_TO_DEVICE, "198.18.9.9", "198.18.0.41", 47, 0);
	struct ward_verdict v;

	pb_peer(r, "any");
	v = judge(p, &q);
	assert_passed_by(&v, 2, 0);

	q = query(0, WARD_DIR_TO_DEVICE, "198.18.9.9", "198.18.0.41", PB_ICMP, 8);
	v = judge(p, &q);
	assert_passed_by(&v, 2, 0);
}

/* Step 6: ICMP errors pass only by quoting a tracked flow, never by a rule. */
static void test_icmp_error_needs_a_flow(void **state)
{
	struct ward_policy *p = *state;
	struct ward_query q = query(0, WARD_DIR_TO_DEVICE, "198.18.9.9", "198.18.0.41", PB_ICMP, 3);
	struct ward_query q6 =
		query(0, WARD_DIR_TO_DEVICE, "2001:db8:9::9", "2001:db8::21", PB_ICMPV6, 2);
	struct ward_verdict v;

	pb_peer(pb_rule(&p->devices[2], WARD_DIR_TO_DEVICE, WARD_PROTO_ANY), "any");
	pb_peer(pb_rule(&p->devices[0], WARD_DIR_TO_DEVICE, WARD_PROTO_ANY), "any");
	v = judge(p, &q);
	assert_dropped(&v, 2, WARD_REASON_NO_RULE);
	q6.vlan = 20;
	v = judge(p, &q6);
	assert_dropped(&v, 0, WARD_REASON_NO_RULE);

	/* An informational message (echo request) is for the rules. */
	q.icmp_type = 8;
	v = judge(p, &q);
	assert_passed_by(&v, 2, 0);
}

/* Step 9: an audit device passes what enforce would drop, as would-drop, with the reason. */
static void test_audit_mode(void **state)
{
	struct ward_policy *p = *state;
	struct ward_query q =
		query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.1.10", PB_TCP, 22);
	struct ward_verdict v;

	p->devices[0].mode = WARD_MODE_AUDIT;
	q.vlan = 20;
	v = judge(p, &q);
	assert_would_drop(&v, 0, WARD_REASON_NO_RULE);

	q.vlan = 30;
	v = judge(p, &q);
	assert_would_drop(&v, 0, WARD_REASON_WRONG_VLAN);

	q.vlan = 20;
	set_mac(&q.has_src_mac, q.src_mac, "02:00:00:00:00:66");
	v = judge(p, &q);
	assert_would_drop(&v, 0, WARD_REASON_SPOOFED_SOURCE);

	/* What a rule allows is a plain pass. */
	q.has_src_mac = false;
	q.dport = 104;
	v = judge(p, &q);
	assert_passed_by(&v, 0, 0);
}

/* Step 9: audit mode belongs to devices; unknown hosts are not affected. */
static void test_audit_does_not_touch_unknown_hosts(void **state)
{
	struct ward_policy *p = *state;
	struct ward_query q =
		query(1, WARD_DIR_FROM_DEVICE, "198.18.4.99", "198.18.1.10", PB_TCP, 22);
	struct ward_verdict v;

	p->devices[3].mode = WARD_MODE_AUDIT;
	v = judge(p, &q);
	assert_dropped(&v, -1, WARD_REASON_UNKNOWN_HOST);
}

/* From YAML: a set, a service, a port range and ICMP names judged as written. */
static void test_yaml_policy(void **state)
{
	static const char yaml[] = "version: 1\n"
				   "sets:\n"
				   "  pacs: [198.18.1.10, 198.18.1.11]\n"
				   "services:\n"
				   "  dicom: { proto: tcp, ports: [104, 11112] }\n"
				   "interfaces:\n"
				   "  - name: dev0\n"
				   "devices:\n"
				   "  - name: ct-01\n"
				   "    ipv4: [198.18.0.21]\n"
				   "    outbound:\n"
				   "      - to: [pacs]\n"
				   "        service: dicom\n"
				   "      - to: [any]\n"
				   "        proto: udp\n"
				   "        ports: [\"8000-8100\"]\n"
				   "    inbound:\n"
				   "      - from: [198.18.2.0/24]\n"
				   "        proto: icmp\n"
				   "        icmp: [echo-request]\n";
	struct ward_diags diags = {0};
	struct ward_policy *p = NULL;
	struct ward_query q;
	struct ward_verdict v;

	assert_int_equal(ward_policy_load_buffer("t.yaml", yaml, strlen(yaml), &p, &diags), 0);
	ward_diags_free(&diags);

	q = query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.1.11", PB_TCP, 11112);
	v = judge(p, &q);
	assert_passed_by(&v, 0, 0);
	assert_string_equal(v.rule->service, "dicom");
	assert_int_equal(v.rule->pos.line, 12);
	q = query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.1.12", PB_TCP, 104);
	v = judge(p, &q);
	assert_dropped(&v, 0, WARD_REASON_NO_RULE);
	q = query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.9.9", PB_UDP, 8100);
	v = judge(p, &q);
	assert_passed_by(&v, 0, 1);
	q = query(0, WARD_DIR_FROM_DEVICE, "198.18.0.21", "198.18.9.9", PB_UDP, 8101);
	v = judge(p, &q);
	assert_dropped(&v, 0, WARD_REASON_NO_RULE);
	q = query(0, WARD_DIR_TO_DEVICE, "198.18.2.3", "198.18.0.21", PB_ICMP, 8);
	v = judge(p, &q);
	assert_passed_by(&v, 0, 0);
	q = query(0, WARD_DIR_TO_DEVICE, "198.18.2.3", "198.18.0.21", PB_ICMP, 0);
	v = judge(p, &q);
	assert_dropped(&v, 0, WARD_REASON_NO_RULE);
	ward_policy_free(p);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_iface_outside_policy_passes),
		T(test_device_by_source_mac),
		T(test_device_by_source_address),
		T(test_device_by_destination),
		T(test_group_destination_mac_is_no_device),
		T(test_device_only_on_its_interface),
		T(test_unknown_hosts_follow_interface),
		T(test_dhcp_server_reply_to_dhcp_interface),
		T(test_wrong_vlan),
		T(test_no_vlan_takes_any_tag),
		T(test_spoofed_mac),
		T(test_spoofed_address),
		T(test_family_without_address),
		T(test_dhcp_client),
		T(test_dhcpv6_is_no_builtin),
		T(test_rules_by_direction),
		T(test_first_match_in_order),
		T(test_rule_ports),
		T(test_packet_without_ports),
		T(test_rule_icmp_types),
		T(test_rule_any),
		T(test_icmp_error_needs_a_flow),
		T(test_audit_mode),
		T(test_audit_does_not_touch_unknown_hosts),
		cmocka_unit_test(test_yaml_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
