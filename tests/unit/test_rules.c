// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/rules.c: services and rules resolved into struct
 * ward_rule (protocols, merged port ranges, ICMP types), and the errors of
 * a rule: bad protocol, port or range, ports or ICMP types with a protocol
 * that has none, a service mixed with proto, unknown services, peers under
 * the wrong key.
 */
#include "policy_test.h"

#define DEV "devices:\n  - name: a\n    mac: \"02:00:00:00:00:01\"\n"
#define OUT DEV "    outbound:\n"
#define IN  DEV "    inbound:\n"

static const struct ward_rule *first_rule(const struct loaded *l, int dir)
{
	assert_true(l->policy->devices[0].nrules[dir] > 0);
	return &l->policy->devices[0].rules[dir][0];
}

static void test_rules_ports_merged_and_sorted(void **state)
{
	const struct ward_rule *r;
	struct loaded l;

	expect_clean(&l,
		     POLICY_HEAD OUT "      - to: [any]\n        proto: tcp\n"
				     "        ports: [8080, \"8000-8079\", 22, 8090-8100, 23]\n");
	r = first_rule(&l, WARD_DIR_FROM_DEVICE);
	assert_int_equal(r->proto, 6);
	assert_null(r->service);
	assert_int_equal(r->nports, 3);
	assert_int_equal(r->ports[0].lo, 22);
	assert_int_equal(r->ports[0].hi, 23);
	assert_int_equal(r->ports[1].lo, 8000);
	assert_int_equal(r->ports[1].hi, 8080);
	assert_int_equal(r->ports[2].lo, 8090);
	assert_int_equal(r->ports[2].hi, 8100);
	loaded_free(&l);
}

static void test_rules_icmp_types(void **state)
{
	const struct ward_rule *r;
	struct loaded l;

	expect_clean(&l, POLICY_HEAD IN "      - from: [\"2001:db8::/32\"]\n        proto: icmpv6\n"
					"        icmp: [echo-request, 131, mld-query, 128]\n");
	r = first_rule(&l, WARD_DIR_TO_DEVICE);
	assert_int_equal(r->proto, 58);
	assert_int_equal(r->nicmp, 3);
	assert_int_equal(r->icmp_types[0], 128);
	assert_int_equal(r->icmp_types[1], 130);
	assert_int_equal(r->icmp_types[2], 131);
	loaded_free(&l);
}

static void test_rules_service_and_number_protocol(void **state)
{
	const struct ward_rule *r;
	struct loaded l;

	expect_clean(&l, POLICY_HEAD "services:\n  dicom: { proto: tcp, ports: [104, 11112] }\n" OUT
				     "      - { to: [198.18.1.10], service: dicom }\n"
				     "      - { to: [198.18.1.11], proto: 47 }\n"
				     "      - { to: [198.18.1.12] }\n");
	r = first_rule(&l, WARD_DIR_FROM_DEVICE);
	assert_string_equal(r->service, "dicom");
	assert_int_equal(r->proto, 6);
	assert_int_equal(r->nports, 2);
	assert_int_equal(r[1].proto, 47);
	assert_int_equal(r[1].nports, 0);
	assert_int_equal(r[2].proto, WARD_PROTO_ANY);
	loaded_free(&l);
}

static void test_rules_protocol_errors(void **state)
{
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: tcpp }\n", 7, 29,
		     "unknown protocol 'tcpp'; it is tcp, udp, icmp, icmpv6, any or a number from "
		     "0 to 255");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: 256 }\n", 7, 29,
		     "unknown protocol '256'; it is tcp, udp, icmp, icmpv6, any or a number from "
		     "0 to 255");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: icmp, ports: [1] }\n", 7, 35,
		     "ports need proto tcp or udp; here the proto is icmp");
	expect_error(POLICY_HEAD OUT "      - { to: [any], ports: [1] }\n", 7, 22,
		     "ports need proto tcp or udp; here the proto is any");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: 47, ports: [1] }\n", 7, 33,
		     "ports need proto tcp or udp; here the proto is 47");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: tcp, icmp: [8] }\n", 7, 34,
		     "icmp types need proto icmp or icmpv6; here the proto is tcp");
}

static void test_rules_port_errors(void **state)
{
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: tcp, ports: [0] }\n", 7, 42,
		     "port '0' is out of range: ports are 1 to 65535");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: tcp, ports: [65536] }\n", 7, 42,
		     "port '65536' is out of range: ports are 1 to 65535");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: tcp, ports: [\"9-2\"] }\n", 7, 42,
		     "port range '9-2' runs backwards: its low end is above its high end");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: tcp, ports: [http] }\n", 7, 42,
		     "bad port 'http': a port is a number from 1 to 65535 or a range like "
		     "\"8000-8100\"");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: tcp, ports: [] }\n", 7, 41,
		     "the ports list is empty; leave 'ports' out to allow every port");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: tcp, ports: 80 }\n", 7, 41,
		     "expected a list of ports and port ranges, got '80' (write [80])");
}

static void test_rules_icmp_errors(void **state)
{
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: icmp, icmp: [packet-too-big] }\n",
		     7, 42, "'packet-too-big' is an ICMPv6 type, but the protocol is icmp");
	expect_error(POLICY_HEAD OUT
		     "      - { to: [any], proto: icmpv6, icmp: [source-quench] }\n",
		     7, 44, "'source-quench' is an ICMP (IPv4) type, but the protocol is icmpv6");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: icmp, icmp: [echo-reqest] }\n", 7,
		     42, "unknown ICMP type 'echo-reqest'; did you mean 'echo-request'?");
	expect_error(POLICY_HEAD OUT "      - { to: [any], proto: icmp, icmp: [ping] }\n", 7, 42,
		     "unknown ICMP type 'ping'; give a name such as echo-request, or a number "
		     "from 0 to 255");
}

static void test_rules_service_errors(void **state)
{
	expect_error(POLICY_HEAD "services:\n  dicom: { proto: tcp, ports: [104] }\n" OUT
				 "      - { to: [any], service: dicm }\n",
		     9, 31, "unknown service 'dicm'; did you mean 'dicom'?");
	expect_error(POLICY_HEAD OUT "      - { to: [any], service: dicom }\n", 7, 31,
		     "unknown service 'dicom' (the policy defines no services)");
	expect_error(POLICY_HEAD "services:\n  dicom: { proto: tcp, ports: [104] }\n" OUT
				 "      - { to: [any], service: dicom, proto: udp }\n",
		     9, 38,
		     "a rule with a service takes its proto, ports and icmp types from it; leave "
		     "out 'proto' or 'service'");
	expect_error(POLICY_HEAD "services:\n  dicom: { ports: [104] }\n" OUT, 4, 3,
		     "service 'dicom' needs a proto");
	expect_error(POLICY_HEAD "services:\n  dicom: { proto: tcp, port: [104] }\n" OUT, 4, 24,
		     "unknown key 'port' in service; did you mean 'ports'?");
	expect_error(POLICY_HEAD
		     "services:\n  dicom: { proto: tcp }\n  dicom: { proto: udp }\n" OUT,
		     5, 3, "duplicate service 'dicom'; the first is at line 4");
}

static void test_rules_peer_key_errors(void **state)
{
	expect_error(POLICY_HEAD OUT "      - { from: [any], proto: tcp }\n", 7, 11,
		     "an outbound rule names its peers with 'to'; 'from' is for inbound rules");
	expect_error(POLICY_HEAD IN "      - { to: [any], proto: tcp }\n", 7, 11,
		     "an inbound rule names its peers with 'from'; 'to' is for outbound rules");
	expect_error(POLICY_HEAD OUT "      - { proto: tcp }\n", 7, 9,
		     "this outbound rule needs 'to': the peers it allows flows to");
	expect_error(POLICY_HEAD OUT "      - [any]\n", 7, 9,
		     "expected a rule (a mapping with to or from, and a proto or service), got a "
		     "list");
	expect_error(POLICY_HEAD DEV "    outbound: { to: [any] }\n", 6, 15,
		     "expected a list of outbound rules, got a mapping");
	expect_error(POLICY_HEAD OUT "      - { to: [any], prot: tcp }\n", 7, 22,
		     "unknown key 'prot' in outbound rule; did you mean 'proto'?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_ports_merged_and_sorted),
		cmocka_unit_test(test_rules_icmp_types),
		cmocka_unit_test(test_rules_service_and_number_protocol),
		cmocka_unit_test(test_rules_protocol_errors),
		cmocka_unit_test(test_rules_port_errors),
		cmocka_unit_test(test_rules_icmp_errors),
		cmocka_unit_test(test_rules_service_errors),
		cmocka_unit_test(test_rules_peer_key_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
