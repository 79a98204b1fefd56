// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/addr.c: addresses and CIDRs in the IPv4-mapped form,
 * prefix arithmetic, MACs, ports and ranges, protocols and ICMP types.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "addr.h"

static void test_addr_ipv4_is_mapped(void **state)
{
	const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 1, 0};
	struct ward_prefix p;
	bool has_len;

	assert_int_equal(ward_addr_parse("198.18.1.0/24", &p, &has_len), WARD_ADDR_OK);
	assert_true(has_len);
	assert_true(p.is_v4);
	assert_int_equal(p.plen, 96 + 24);
	assert_memory_equal(p.addr, want, 16);

	assert_int_equal(ward_addr_parse("198.18.1.0", &p, &has_len), WARD_ADDR_OK);
	assert_false(has_len);
	assert_int_equal(p.plen, 128);
}

static void test_addr_ipv6(void **state)
{
	struct ward_prefix p;
	bool has_len;

	assert_int_equal(ward_addr_parse("2001:db8::/32", &p, &has_len), WARD_ADDR_OK);
	assert_false(p.is_v4);
	assert_int_equal(p.plen, 32);
	assert_int_equal(p.addr[0], 0x20);
	assert_int_equal(ward_addr_parse("::/0", &p, &has_len), WARD_ADDR_OK);
	assert_int_equal(p.plen, 0);
}

static void test_addr_errors(void **state)
{
	struct ward_prefix p;
	char buf[WARD_ADDR_STRLEN];
	bool has_len;

	assert_int_equal(ward_addr_parse("198.18.1.300", &p, &has_len), WARD_ADDR_BAD);
	assert_int_equal(ward_addr_parse("198.18.1.0/33", &p, &has_len), WARD_ADDR_BAD_PLEN);
	assert_int_equal(ward_addr_parse("198.18.1.0/", &p, &has_len), WARD_ADDR_BAD_PLEN);
	assert_int_equal(ward_addr_parse("2001:db8::/129", &p, &has_len), WARD_ADDR_BAD_PLEN);
	assert_int_equal(ward_addr_parse("198.18.1.0/-1", &p, &has_len), WARD_ADDR_BAD_PLEN);
	assert_int_equal(ward_addr_parse("pacs", &p, &has_len), WARD_ADDR_BAD);
	assert_int_equal(ward_addr_parse("::ffff:198.18.0.1", &p, &has_len), WARD_ADDR_MAPPED);

	assert_int_equal(ward_addr_parse("198.18.1.5/24", &p, &has_len), WARD_ADDR_HOST_BITS);
	assert_string_equal(ward_addr_format(&p, buf, sizeof(buf)), "198.18.1.0/24");
	assert_int_equal(ward_addr_parse("2001:db8::1/64", &p, &has_len), WARD_ADDR_HOST_BITS);
	assert_string_equal(ward_addr_format(&p, buf, sizeof(buf)), "2001:db8::/64");
	assert_int_equal(ward_addr_parse("198.18.1.129/25", &p, &has_len), WARD_ADDR_HOST_BITS);
	assert_string_equal(ward_addr_format(&p, buf, sizeof(buf)), "198.18.1.128/25");
}

static void test_addr_lookalike(void **state)
{
	assert_true(ward_addr_lookalike("198.18.1.300"));
	assert_true(ward_addr_lookalike("2001:db8::zz") == false);
	assert_true(ward_addr_lookalike("10.0.0.0/8"));
	assert_false(ward_addr_lookalike("pacs"));
	assert_false(ward_addr_lookalike("cafe"));
}

static void test_addr_format(void **state)
{
	struct ward_prefix p;
	char buf[WARD_ADDR_STRLEN];
	bool has_len;

	ward_addr_parse("198.18.0.21", &p, &has_len);
	assert_string_equal(ward_addr_format(&p, buf, sizeof(buf)), "198.18.0.21");
	ward_addr_parse("2001:db8:2::/64", &p, &has_len);
	assert_string_equal(ward_addr_format(&p, buf, sizeof(buf)), "2001:db8:2::/64");
	ward_addr_parse("0.0.0.0/0", &p, &has_len);
	assert_string_equal(ward_addr_format(&p, buf, sizeof(buf)), "0.0.0.0/0");
}

static void test_addr_covers_and_families(void **state)
{
	struct ward_prefix net, host, other, any = {.plen = 0}, v6;
	bool has_len;

	ward_addr_parse("198.18.1.0/24", &net, &has_len);
	ward_addr_parse("198.18.1.7", &host, &has_len);
	ward_addr_parse("198.18.2.7", &other, &has_len);
	ward_addr_parse("2001:db8::1", &v6, &has_len);
	assert_true(ward_addr_covers(&net, &host));
	assert_false(ward_addr_covers(&host, &net));
	assert_false(ward_addr_covers(&net, &other));
	assert_true(ward_addr_covers(&any, &net));
	assert_true(ward_addr_covers(&any, &v6));
	assert_true(ward_addr_covers(&net, &net));

	assert_true(ward_addr_has_v4(&net) && !ward_addr_has_v6(&net));
	assert_true(ward_addr_has_v6(&v6) && !ward_addr_has_v4(&v6));
	assert_true(ward_addr_has_v4(&any) && ward_addr_has_v6(&any));
	ward_addr_parse("0.0.0.0/0", &net, &has_len);
	assert_true(ward_addr_has_v4(&net) && !ward_addr_has_v6(&net));
}

static void test_addr_mac(void **state)
{
	const uint8_t want[6] = {0x02, 0, 0, 0, 0, 0x21};
	uint8_t mac[6];

	assert_int_equal(ward_mac_parse("02:00:00:00:00:21", mac), WARD_MAC_OK);
	assert_memory_equal(mac, want, 6);
	assert_int_equal(ward_mac_parse("02-00-00-00-00-21", mac), WARD_MAC_OK);
	assert_int_equal(ward_mac_parse("02:00:00:00:00:2G", mac), WARD_MAC_BAD);
	assert_int_equal(ward_mac_parse("02:00:00:00:00", mac), WARD_MAC_BAD);
	assert_int_equal(ward_mac_parse("02:00-00:00:00:21", mac), WARD_MAC_BAD);
	assert_int_equal(ward_mac_parse("ff:ff:ff:ff:ff:ff", mac), WARD_MAC_GROUP);
	assert_int_equal(ward_mac_parse("01:00:5e:00:00:01", mac), WARD_MAC_GROUP);
	assert_int_equal(ward_mac_parse("00:00:00:00:00:00", mac), WARD_MAC_ZERO);
}

static void test_addr_ports(void **state)
{
	struct ward_port_range r;

	assert_int_equal(ward_port_parse("443", &r), WARD_PORT_OK);
	assert_int_equal(r.lo, 443);
	assert_int_equal(r.hi, 443);
	assert_int_equal(ward_port_parse("8000-8100", &r), WARD_PORT_OK);
	assert_int_equal(r.lo, 8000);
	assert_int_equal(r.hi, 8100);
	assert_int_equal(ward_port_parse("1-65535", &r), WARD_PORT_OK);
	assert_int_equal(ward_port_parse("0", &r), WARD_PORT_RANGE);
	assert_int_equal(ward_port_parse("65536", &r), WARD_PORT_RANGE);
	assert_int_equal(ward_port_parse("99999999999", &r), WARD_PORT_RANGE);
	assert_int_equal(ward_port_parse("8100-8000", &r), WARD_PORT_BACKWARDS);
	assert_int_equal(ward_port_parse("http", &r), WARD_PORT_BAD);
	assert_int_equal(ward_port_parse("-5", &r), WARD_PORT_BAD);
	assert_int_equal(ward_port_parse("5-", &r), WARD_PORT_BAD);
	assert_int_equal(ward_port_parse("", &r), WARD_PORT_BAD);
}

static void test_addr_protocols(void **state)
{
	char buf[8];

	assert_int_equal(ward_proto_parse("tcp"), 6);
	assert_int_equal(ward_proto_parse("udp"), 17);
	assert_int_equal(ward_proto_parse("icmp"), 1);
	assert_int_equal(ward_proto_parse("icmpv6"), 58);
	assert_int_equal(ward_proto_parse("any"), WARD_PROTO_ANY);
	assert_int_equal(ward_proto_parse("47"), 47);
	assert_int_equal(ward_proto_parse("0"), 0);
	assert_int_equal(ward_proto_parse("256"), WARD_PROTO_BAD);
	assert_int_equal(ward_proto_parse("TCP"), WARD_PROTO_BAD);
	assert_string_equal(ward_proto_name(47, buf, sizeof(buf)), "47");
	assert_string_equal(ward_proto_name(WARD_PROTO_ANY, buf, sizeof(buf)), "any");
}

static void test_addr_icmp_types(void **state)
{
	static const struct {
		const char *name;
		int v4, v6;
	} cases[] = {
		{"echo-reply", 0, 129},
		{"dest-unreachable", 3, 1},
		{"source-quench", 4, -1},
		{"redirect", 5, 137},
		{"echo-request", 8, 128},
		{"router-advertisement", 9, 134},
		{"router-solicitation", 10, 133},
		{"time-exceeded", 11, 3},
		{"parameter-problem", 12, 4},
		{"timestamp", 13, -1},
		{"timestamp-reply", 14, -1},
		{"packet-too-big", -1, 2},
		{"neighbor-solicitation", -1, 135},
		{"neighbor-advertisement", -1, 136},
		{"200", 200, 200},
		{"256", -1, -1},
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ward_icmp_parse(cases[i].name, false), cases[i].v4);
		assert_int_equal(ward_icmp_parse(cases[i].name, true), cases[i].v6);
	}
	assert_string_equal(ward_icmp_name_at(0, false), "echo-reply");
	assert_null(ward_icmp_name_at(1000, true));
}

static void test_addr_parse_u32(void **state)
{
	uint32_t v;

	assert_true(ward_parse_u32("4294967295", &v));
	assert_int_equal(v, 4294967295U);
	assert_false(ward_parse_u32("4294967296", &v));
	assert_false(ward_parse_u32("", &v));
	assert_false(ward_parse_u32("+1", &v));
	assert_false(ward_parse_u32("1.0", &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_ipv4_is_mapped),
		cmocka_unit_test(test_addr_ipv6),
		cmocka_unit_test(test_addr_errors),
		cmocka_unit_test(test_addr_lookalike),
		cmocka_unit_test(test_addr_format),
		cmocka_unit_test(test_addr_covers_and_families),
		cmocka_unit_test(test_addr_mac),
		cmocka_unit_test(test_addr_ports),
		cmocka_unit_test(test_addr_protocols),
		cmocka_unit_test(test_addr_icmp_types),
		cmocka_unit_test(test_addr_parse_u32),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
