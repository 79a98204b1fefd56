// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/lint.c: warnings for rules that can never match, for
 * ICMP error types in rules, and for rules an earlier rule of the same device
 * and direction covers, and no warning where the earlier rule covers only
 * part of the later one.
 */
#include "policy_test.h"

#define OUT "devices:\n  - name: a\n    mac: \"02:00:00:00:00:01\"\n    outbound:\n"

static void expect_no_warning(const char *yaml)
{
	struct loaded l;

	expect_clean(&l, yaml);
	loaded_free(&l);
}

static void test_lint_never_matches(void **state)
{
	expect_warning(POLICY_HEAD "sets:\n  none: []\n" OUT "      - { to: [none] }\n", 9, 9,
		       "this rule can never match: its peer list is empty");
	expect_warning(POLICY_HEAD OUT "      - { to: [\"2001:db8::/32\"], proto: icmp }\n", 7, 9,
		       "this rule can never match: its proto is icmp (IPv4) but every peer is "
		       "IPv6; use icmpv6");
	expect_warning(POLICY_HEAD OUT "      - { to: [198.18.0.0/15], proto: icmpv6 }\n", 7, 9,
		       "this rule can never match: its proto is icmpv6 but every peer is IPv4; use "
		       "icmp");
	expect_no_warning(POLICY_HEAD OUT "      - { to: [any], proto: icmp }\n");
}

/* ICMP errors pass by quoting a flow the device has open, never by a rule. */
static void test_lint_icmp_error_types(void **state)
{
	expect_warning(POLICY_HEAD OUT
		       "      - { to: [any], proto: icmp, icmp: [3, time-exceeded] }\n",
		       7, 9,
		       "this rule can never match: its ICMP types are all errors; ICMP errors pass "
		       "only when they quote a flow the device has open, never by a rule");
	expect_warning(
		POLICY_HEAD OUT
		"      - { to: [any], proto: icmp, icmp: [echo-request, dest-unreachable] }\n",
		7, 9,
		"ICMP type dest-unreachable in this rule can never match: ICMP errors pass "
		"only when they quote a flow the device has open, never by a rule");
	expect_warning(
		POLICY_HEAD OUT "      - { to: [any], proto: icmpv6, icmp: [128, 1, 2, 3, 4] }\n",
		7, 9,
		"ICMP types dest-unreachable, packet-too-big, time-exceeded, parameter-problem "
		"in this rule can never match: ICMP errors pass only when they quote a flow "
		"the device has open, never by a rule");
	/* The same numbers are no errors under the other protocol. */
	expect_no_warning(POLICY_HEAD OUT
			  "      - { to: [any], proto: icmp, icmp: [1, 2, 4, 8] }\n");
}

static void test_lint_covered_rules(void **state)
{
	const char *covered = "this rule never decides anything: the earlier outbound rule of "
			      "'a' at line 7 already allows every flow it allows";

	/* A wider network, the same protocol, more ports. */
	expect_warning(POLICY_HEAD OUT
		       "      - { to: [198.18.0.0/16], proto: tcp, ports: [1-1000] }\n"
		       "      - { to: [198.18.1.0/24], proto: tcp, ports: [80, 443] }\n",
		       8, 9, covered);
	/* Protocol any covers everything of its peers. */
	expect_warning(POLICY_HEAD OUT "      - { to: [any] }\n"
				       "      - { to: [198.18.1.1], proto: icmp, icmp: [8] }\n",
		       8, 9, covered);
	/* Every ICMP type covers a list of them. */
	expect_warning(POLICY_HEAD OUT "      - { to: [any], proto: icmp }\n"
				       "      - { to: [198.18.1.1], proto: icmp, icmp: [8, 0] }\n",
		       8, 9, covered);
	/* The same rule twice. */
	expect_warning(POLICY_HEAD OUT "      - { to: [198.18.1.1, 198.18.1.2], proto: udp }\n"
				       "      - { to: [198.18.1.2, 198.18.1.1], proto: udp }\n",
		       8, 9, covered);
}

static void test_lint_partly_covered_rules_are_fine(void **state)
{
	/* A peer outside the earlier rule's. */
	expect_no_warning(POLICY_HEAD OUT
			  "      - { to: [198.18.1.0/24], proto: tcp }\n"
			  "      - { to: [198.18.1.0/24, 198.18.2.1], proto: tcp }\n");
	/* A port outside the earlier rule's. */
	expect_no_warning(POLICY_HEAD OUT "      - { to: [any], proto: tcp, ports: [80] }\n"
					  "      - { to: [any], proto: tcp, ports: [80, 443] }\n");
	/* Every port after some ports. */
	expect_no_warning(POLICY_HEAD OUT "      - { to: [any], proto: tcp, ports: [80] }\n"
					  "      - { to: [any], proto: tcp }\n");
	/* Another protocol. */
	expect_no_warning(POLICY_HEAD OUT "      - { to: [any], proto: tcp }\n"
					  "      - { to: [any], proto: udp }\n");
	/* Another ICMP type. */
	expect_no_warning(POLICY_HEAD OUT "      - { to: [any], proto: icmp, icmp: [8] }\n"
					  "      - { to: [any], proto: icmp, icmp: [0, 8] }\n");
	/* Another direction is another list. */
	expect_no_warning(POLICY_HEAD OUT "      - { to: [any] }\n"
					  "    inbound:\n      - { from: [any] }\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lint_never_matches),
		cmocka_unit_test(test_lint_icmp_error_types),
		cmocka_unit_test(test_lint_covered_rules),
		cmocka_unit_test(test_lint_partly_covered_rules_are_fine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
