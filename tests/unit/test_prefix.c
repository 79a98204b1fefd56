// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/prefix.c: bit comparison and masking, prefix
 * containment, address parsing and printing, and the cutting of port ranges
 * into the exact, fewest prefixes the LPM tries need.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "prefix.h"

static void parse(const char *text, uint8_t out[16])
{
	bool is_v4;

	assert_int_equal(ward_ip_parse(text, out, &is_v4), 0);
}

/* Comparison stops at the prefix length, including inside a byte. */
static void test_bits_equal_stops_at_prefix_length(void **state)
{
	const uint8_t a[3] = {0xc6, 0x12, 0x80};
	const uint8_t b[3] = {0xc6, 0x13, 0xff};

	assert_true(ward_bits_equal(a, b, 0));
	assert_true(ward_bits_equal(a, b, 15));
	assert_false(ward_bits_equal(a, b, 16));
	assert_false(ward_bits_equal(a, b, 24));
}

/* Masking keeps the first bits and clears the rest, within and across bytes. */
static void test_bits_mask_clears_host_bits(void **state)
{
	uint8_t bits[4] = {0xff, 0xff, 0xff, 0xff};

	ward_bits_mask(bits, sizeof(bits), 12);
	assert_int_equal(bits[0], 0xff);
	assert_int_equal(bits[1], 0xf0);
	assert_int_equal(bits[2], 0);
	assert_int_equal(bits[3], 0);

	memset(bits, 0xff, sizeof(bits));
	ward_bits_mask(bits, sizeof(bits), 32);
	assert_int_equal(bits[3], 0xff);
	ward_bits_mask(bits, sizeof(bits), 0);
	assert_int_equal(bits[0], 0);
}

/* An IPv4 /24 is 96 + 24 over the mapped form; ::/0 holds both families. */
static void test_prefix_contains_both_families(void **state)
{
	struct ward_prefix net = {.plen = 96 + 24, .is_v4 = true};
	struct ward_prefix any = {.plen = 0};
	uint8_t in[16], out[16], v6[16];

	parse("198.18.1.0", net.addr);
	parse("198.18.1.200", in);
	parse("198.18.2.1", out);
	parse("2001:db8::1", v6);

	assert_true(ward_prefix_contains(&net, in));
	assert_false(ward_prefix_contains(&net, out));
	assert_false(ward_prefix_contains(&net, v6));
	assert_true(ward_prefix_contains(&any, in));
	assert_true(ward_prefix_contains(&any, v6));
}

/* IPv4 is stored IPv4-mapped; IPv6 as is; junk is refused. */
static void test_addr_parse_maps_ipv4(void **state)
{
	const uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 21};
	uint8_t addr[16];
	bool is_v4;

	assert_int_equal(ward_ip_parse("198.18.0.21", addr, &is_v4), 0);
	assert_true(is_v4);
	assert_memory_equal(addr, want, 16);
	assert_true(ward_ip_is_v4(addr));

	assert_int_equal(ward_ip_parse("2001:db8::21", addr, &is_v4), 0);
	assert_false(is_v4);
	assert_false(ward_ip_is_v4(addr));

	assert_int_equal(ward_ip_parse("198.18.0.256", addr, &is_v4), -EINVAL);
	assert_int_equal(ward_ip_parse("198.18.0.0/24", addr, &is_v4), -EINVAL);
	assert_int_equal(ward_ip_parse("", addr, &is_v4), -EINVAL);
}

/* Addresses and prefixes print as an operator writes them. */
static void test_format_addresses_and_prefixes(void **state)
{
	struct ward_prefix pfx = {.plen = 96 + 24, .is_v4 = true};
	char buf[64];

	parse("198.18.1.0", pfx.addr);
	ward_ip_format(pfx.addr, buf);
	assert_string_equal(buf, "198.18.1.0");
	ward_prefix_format(&pfx, buf, sizeof(buf));
	assert_string_equal(buf, "198.18.1.0/24");

	pfx.plen = 128;
	ward_prefix_format(&pfx, buf, sizeof(buf));
	assert_string_equal(buf, "198.18.1.0");

	parse("2001:db8::", pfx.addr);
	pfx.is_v4 = false;
	pfx.plen = 32;
	ward_prefix_format(&pfx, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8::/32");

	pfx.plen = 0;
	ward_prefix_format(&pfx, buf, sizeof(buf));
	assert_string_equal(buf, "any");
}

/* 8000-8100 is 8000/10 (64 ports), 8064/11 (32), 8096/14 (4) and 8100/16. */
static void test_port_range_8000_8100(void **state)
{
	struct ward_port_prefix out[WARD_PORT_PREFIXES_MAX];
	size_t n = ward_port_range_prefixes(8000, 8100, out);

	assert_int_equal(n, 4);
	assert_int_equal(out[0].port, 8000);
	assert_int_equal(out[0].plen, 10);
	assert_int_equal(out[1].port, 8064);
	assert_int_equal(out[1].plen, 11);
	assert_int_equal(out[2].port, 8096);
	assert_int_equal(out[2].plen, 14);
	assert_int_equal(out[3].port, 8100);
	assert_int_equal(out[3].plen, 16);
}

/* A single port is one /16; every port is one /0; 1-65535 takes 16 prefixes. */
static void test_port_range_edges(void **state)
{
	struct ward_port_prefix out[WARD_PORT_PREFIXES_MAX];

	assert_int_equal(ward_port_range_prefixes(104, 104, out), 1);
	assert_int_equal(out[0].port, 104);
	assert_int_equal(out[0].plen, 16);

	assert_int_equal(ward_port_range_prefixes(0, 65535, out), 1);
	assert_int_equal(out[0].plen, 0);

	assert_int_equal(ward_port_range_prefixes(1, 65535, out), 16);
	assert_int_equal(out[15].port, 32768);
	assert_int_equal(out[15].plen, 1);

	assert_int_equal(ward_port_range_prefixes(65535, 65535, out), 1);
	assert_int_equal(ward_port_range_prefixes(10, 9, out), 0);
	assert_int_equal(ward_port_range_prefixes(1, 65534, out), WARD_PORT_PREFIXES_MAX);
}

static void check_range(uint16_t lo, uint16_t hi)
{
	struct ward_port_prefix out[WARD_PORT_PREFIXES_MAX];
	size_t n = ward_port_range_prefixes(lo, hi, out);
	uint32_t next = lo;
	size_t i;

	/* Exact: the blocks are aligned and follow each other from lo to hi. */
	for (i = 0; i < n; i++) {
		uint32_t size = 1U << (16 - out[i].plen);

		assert_int_equal(out[i].port, next);
		assert_int_equal(out[i].port & (size - 1), 0);
		next += size;
	}
	assert_int_equal(next, (uint32_t)hi + 1);

	/* Fewest: no two neighbours are the halves of one aligned block. */
	for (i = 0; i + 1 < n; i++) {
		bool siblings = out[i].plen == out[i + 1].plen && out[i].plen > 0 &&
				(out[i].port >> (16 - out[i].plen + 1)) ==
					(out[i + 1].port >> (16 - out[i].plen + 1));

		assert_false(siblings);
	}
}

/* Random ranges: every port inside is covered once, none outside, fewest prefixes. */
static void test_port_range_random_exact(void **state)
{
	unsigned int seed = 7;
	int i;

	for (i = 0; i < 200; i++) {
		uint16_t a = (uint16_t)rand_r(&seed), b = (uint16_t)rand_r(&seed);

		if (i % 3 == 0)
			b = (uint16_t)(a + rand_r(&seed) % 300);
		check_range(a < b ? a : b, a < b ? b : a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bits_equal_stops_at_prefix_length),
		cmocka_unit_test(test_bits_mask_clears_host_bits),
		cmocka_unit_test(test_prefix_contains_both_families),
		cmocka_unit_test(test_addr_parse_maps_ipv4),
		cmocka_unit_test(test_format_addresses_and_prefixes),
		cmocka_unit_test(test_port_range_8000_8100),
		cmocka_unit_test(test_port_range_edges),
		cmocka_unit_test(test_port_range_random_exact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
