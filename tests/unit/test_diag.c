// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/diag.c: storing, capping, sorting and printing
 * diagnostics, edit distances and "did you mean" suggestions, and quoting
 * untrusted text in messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "diag.h"

static void test_diag_counts_and_stores(void **state)
{
	struct ward_diags d = {0};

	ward_diag_error(&d, (struct ward_pos){3, 4}, "bad %s", "thing");
	ward_diag_warn(&d, (struct ward_pos){1, 2}, "odd");
	assert_int_equal(d.count, 2);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.items[0].message, "bad thing");
	assert_int_equal(d.items[1].severity, WARD_SEV_WARNING);
	ward_diags_free(&d);
	assert_int_equal(d.count, 0);
}

static void test_diag_cap_counts_the_rest(void **state)
{
	struct ward_diags d = {0};
	int i;

	for (i = 0; i < WARD_DIAG_MAX + 5; i++)
		ward_diag_error(&d, (struct ward_pos){1, 1}, "e%d", i);
	assert_int_equal(d.count, WARD_DIAG_MAX);
	assert_int_equal(d.dropped, 5);
	assert_int_equal(d.nerrors, WARD_DIAG_MAX + 5);
	ward_diags_free(&d);
}

static void test_diag_sort_is_stable(void **state)
{
	struct ward_diags d = {0};

	ward_diag_error(&d, (struct ward_pos){5, 1}, "c");
	ward_diag_error(&d, (struct ward_pos){2, 9}, "a");
	ward_diag_error(&d, (struct ward_pos){2, 9}, "b");
	ward_diag_error(&d, (struct ward_pos){0, 0}, "file");
	ward_diags_sort(&d);
	assert_string_equal(d.items[0].message, "file");
	assert_string_equal(d.items[1].message, "a");
	assert_string_equal(d.items[2].message, "b");
	assert_string_equal(d.items[3].message, "c");
	ward_diags_free(&d);
}

static void test_diag_print_format(void **state)
{
	struct ward_diags d = {0};
	char *text = NULL;
	size_t size = 0;
	FILE *out;

	ward_diag_error(&d, (struct ward_pos){0, 0}, "cannot open the policy: x");
	ward_diag_error(&d, (struct ward_pos){12, 7}, "bad");
	ward_diag_warn(&d, (struct ward_pos){13, 1}, "hmm");
	d.dropped = 2;
	out = open_memstream(&text, &size);
	assert_non_null(out);
	ward_diags_print(&d, "p.yaml", out);
	fclose(out);
	assert_string_equal(text,
			    "p.yaml: error: cannot open the policy: x\n"
			    "p.yaml:12:7: error: bad\n"
			    "p.yaml:13:1: warning: hmm\n"
			    "p.yaml: note: 2 more errors and warnings not shown (1000 at most "
			    "are)\n");
	free(text);
	ward_diags_free(&d);
}

static void test_diag_edit_distance(void **state)
{
	assert_int_equal(ward_edit_distance("outbond", "outbound", 3), 1);
	assert_int_equal(ward_edit_distance("kitten", "sitting", 3), 3);
	assert_int_equal(ward_edit_distance("same", "same", 3), 0);
	assert_int_equal(ward_edit_distance("a", "abcdefgh", 2), 3);
	assert_int_equal(ward_edit_distance("abcdef", "uvwxyz", 2), 3);
}

static void test_diag_suggest(void **state)
{
	struct ward_suggest s;

	ward_suggest_init(&s, "outbond");
	ward_suggest_offer(&s, "inbound");
	ward_suggest_offer(&s, "outbound");
	ward_suggest_offer(&s, "name");
	assert_string_equal(ward_suggest_best(&s), "outbound");

	ward_suggest_init(&s, "zzz");
	ward_suggest_offer(&s, "name");
	assert_null(ward_suggest_best(&s));
}

static void test_diag_quote(void **state)
{
	char buf[WARD_QUOTE_SIZE], long_text[300];

	assert_string_equal(ward_quote("a\x01"
				       "b",
				       3, buf, sizeof(buf)),
			    "a\\x01b");
	assert_string_equal(ward_quote("a\0b", 3, buf, sizeof(buf)), "a\\x00b");
	memset(long_text, 'x', sizeof(long_text));
	ward_quote(long_text, sizeof(long_text), buf, sizeof(buf));
	assert_true(strlen(buf) < sizeof(buf));
	assert_string_equal(buf + strlen(buf) - 3, "...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_counts_and_stores),
		cmocka_unit_test(test_diag_cap_counts_the_rest),
		cmocka_unit_test(test_diag_sort_is_stable),
		cmocka_unit_test(test_diag_print_format),
		cmocka_unit_test(test_diag_edit_distance),
		cmocka_unit_test(test_diag_suggest),
		cmocka_unit_test(test_diag_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
