// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/sets.c: sets of addresses, CIDRs and other sets,
 * resolved into sorted prefixes without duplicates; sets that include
 * themselves; unknown set names; bad addresses and prefix lengths.
 */
#include "policy_test.h"

#define DEV "devices:\n  - name: a\n    mac: \"02:00:00:00:00:01\"\n    outbound:\n"

static void test_sets_nested_resolve_and_dedupe(void **state)
{
	const struct ward_rule *r;
	struct loaded l;

	expect_clean(&l, POLICY_HEAD "sets:\n"
				     "  a: [198.18.1.1, 198.18.1.2]\n"
				     "  b: [a, 198.18.1.1, \"2001:db8::/32\"]\n"
				     "  c: [b, a]\n" DEV "      - { to: [c, 198.18.1.2] }\n");
	assert_int_equal(l.policy->nsets, 3);
	r = &l.policy->devices[0].rules[WARD_DIR_FROM_DEVICE][0];
	assert_int_equal(r->npeers, 3);
	assert_int_equal(r->proto, WARD_PROTO_ANY);
	/* Sorted over the 128-bit form: ::ffff:198.18.1.1 comes before 2001:db8::. */
	assert_true(r->peers[0].is_v4);
	assert_int_equal(r->peers[0].addr[15], 1);
	assert_int_equal(r->peers[1].addr[15], 2);
	assert_false(r->peers[2].is_v4);
	assert_int_equal(r->peers[2].plen, 32);
	loaded_free(&l);
}

static void test_sets_any_and_cidr_forms(void **state)
{
	const struct ward_rule *r;
	struct loaded l;

	expect_clean(&l, POLICY_HEAD DEV "      - { to: [any], proto: udp }\n"
					 "      - { to: [198.18.0.0/15], proto: tcp }\n");
	r = &l.policy->devices[0].rules[WARD_DIR_FROM_DEVICE][0];
	assert_int_equal(r->npeers, 1);
	assert_int_equal(r->peers[0].plen, 0);
	assert_false(r->peers[0].is_v4);
	r++;
	assert_int_equal(r->peers[0].plen, 96 + 15);
	assert_true(r->peers[0].is_v4);
	assert_int_equal(r->peers[0].addr[10], 0xff);
	assert_int_equal(r->peers[0].addr[12], 198);
	loaded_free(&l);
}

static void test_sets_including_themselves(void **state)
{
	expect_error(POLICY_HEAD "sets:\n  a: [a]\n" DEV, 4, 7, "set 'a' includes itself: a -> a");
	expect_error(POLICY_HEAD "sets:\n  a: [b]\n  b: [c]\n  c: [198.18.0.1, a]\n" DEV, 6, 19,
		     "set 'a' includes itself: a -> b -> c -> a");
}

static void test_sets_depth_limit(void **state)
{
	char yaml[4096], *at = yaml;
	int i;

	at += sprintf(at, POLICY_HEAD "sets:\n");
	for (i = 0; i < 20; i++)
		at += sprintf(at, "  s%d: [s%d]\n", i, i + 1);
	at += sprintf(at, "  s20: [198.18.0.1]\n" DEV);
	expect_error(yaml, 4 + 15, 9,
		     "sets nest more than 16 deep here (s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 "
		     "-> s7 -> s8 -> s9 -> s10 -> s11 -> s12 -> s13 -> s14 -> s15 -> s16); the "
		     "limit is 16");
}

static void test_sets_errors(void **state)
{
	expect_error(POLICY_HEAD "sets:\n  pacs: [198.18.1.10]\n" DEV "      - { to: [pacz] }\n", 9,
		     16, "unknown set 'pacz'; did you mean 'pacs'?");
	expect_error(POLICY_HEAD DEV "      - { to: [pacs] }\n", 7, 16,
		     "unknown set 'pacs' (a peer is an address, a CIDR, 'any' or the name of a "
		     "set)");
	expect_error(POLICY_HEAD "sets:\n  x: [198.18.1.5/24]\n" DEV, 4, 7,
		     "198.18.1.5/24 has host bits set; did you mean 198.18.1.0/24?");
	expect_error(POLICY_HEAD "sets:\n  x: [198.18.1.0/33]\n" DEV, 4, 7,
		     "bad prefix length in '198.18.1.0/33': it is 0 to 32 for IPv4, 0 to 128 "
		     "for IPv6");
	expect_error(POLICY_HEAD "sets:\n  x: [198.18.1.300]\n" DEV, 4, 7,
		     "bad address '198.18.1.300': not an IPv4 or IPv6 address");
	expect_error(POLICY_HEAD "sets:\n  x: [\"::ffff:198.18.0.1\"]\n" DEV, 4, 7,
		     "'::ffff:198.18.0.1' is an IPv4 address in IPv6 form; write it as IPv4");
	expect_error(POLICY_HEAD "sets:\n  x: { a: 1 }\n" DEV, 4, 6,
		     "expected a list of addresses, CIDRs, 'any' or set names, got a mapping");
	expect_error(POLICY_HEAD "sets:\n  x: 198.18.0.1\n" DEV, 4, 6,
		     "expected a list of addresses, CIDRs, 'any' or set names, got "
		     "'198.18.0.1' (write [198.18.0.1])");
	expect_error(POLICY_HEAD "sets:\n  x: [[198.18.0.1]]\n" DEV, 4, 7,
		     "expected an address, a CIDR, 'any' or the name of a set, got a list");
	expect_error(POLICY_HEAD "sets:\n  x: [198.18.0.1]\n  x: [198.18.0.2]\n" DEV, 5, 3,
		     "duplicate set 'x'; the first is at line 4");
	expect_error(POLICY_HEAD "sets: [198.18.0.1]\n" DEV, 3, 7,
		     "expected a mapping of set names to lists of addresses, got a list");
}

static void test_sets_names(void **state)
{
	expect_error(POLICY_HEAD "sets:\n  any: [198.18.0.1]\n" DEV, 4, 3,
		     "set name 'any' could be read as an address; choose another name");
	expect_error(POLICY_HEAD "sets:\n  \"10.0.0.1\": [198.18.0.1]\n" DEV, 4, 3,
		     "set name '10.0.0.1' could be read as an address; choose another name");
	expect_error(POLICY_HEAD "sets:\n  \"a b\": [198.18.0.1]\n" DEV, 4, 3,
		     "set name 'a b' may hold only letters, digits, '.', '_' and '-', and must "
		     "begin with a letter or digit");
}

/* An empty set is allowed; a rule left with no peer is only a warning (see test_lint). */
static void test_sets_empty(void **state)
{
	struct loaded l;

	load_text(&l, POLICY_HEAD "sets:\n  none: []\n" DEV "      - { to: [none] }\n");
	assert_int_equal(l.ret, 0);
	assert_int_equal(l.policy->devices[0].rules[0][0].npeers, 0);
	loaded_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sets_nested_resolve_and_dedupe),
		cmocka_unit_test(test_sets_any_and_cidr_forms),
		cmocka_unit_test(test_sets_including_themselves),
		cmocka_unit_test(test_sets_depth_limit),
		cmocka_unit_test(test_sets_errors),
		cmocka_unit_test(test_sets_names),
		cmocka_unit_test(test_sets_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
