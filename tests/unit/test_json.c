// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tests of agent/json.c: escaping of every kind of hostile byte into valid
 * UTF-8 JSON, and the flat-object parser reading back what the writer
 * wrote while refusing anything else.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

static void assert_escapes_to(const char *in, size_t len, const char *want)
{
	struct ward_jbuf b;

	ward_jbuf_init(&b);
	ward_json_escape(&b, in, len);
	assert_int_equal(b.err, 0);
	assert_string_equal(b.data, want);
	ward_jbuf_free(&b);
}

static void test_escape_quote_backslash_and_controls(void **state)
{
	assert_escapes_to("a\"b\\c", 5, "a\\\"b\\\\c");
	assert_escapes_to("\b\f\n\r\t", 5, "\\b\\f\\n\\r\\t");
	assert_escapes_to("\x01\x1f\x7f", 3, "\\u0001\\u001f\x7f");
	assert_escapes_to("a\0b", 3, "a\\u0000b");
}

static void test_escape_keeps_valid_utf8(void **state)
{
	/* é (2 bytes), € (3 bytes), 😀 (4 bytes), U+10FFFF */
	const char *s = "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xf4\x8f\xbf\xbf";

	assert_escapes_to(s, strlen(s), s);
}

static void test_escape_replaces_each_invalid_byte(void **state)
{
	/* lone continuation, truncated sequence at the end, bytes never valid */
	assert_escapes_to("a\x80z", 3, "a\\ufffdz");
	assert_escapes_to("a\xe2\x82", 3, "a\\ufffd\\ufffd");
	assert_escapes_to("\xc0\xaf", 2, "\\ufffd\\ufffd");			  /* overlong '/' */
	assert_escapes_to("\xe0\x80\xaf", 3, "\\ufffd\\ufffd\\ufffd");		  /* overlong */
	assert_escapes_to("\xed\xa0\x80", 3, "\\ufffd\\ufffd\\ufffd");		  /* surrogate */
	assert_escapes_to("\xf4\x90\x80\x80", 4, "\\ufffd\\ufffd\\ufffd\\ufffd"); /* > 10FFFF */
	assert_escapes_to("\xff\xfe", 2, "\\ufffd\\ufffd");
	assert_escapes_to("\xc3(", 2, "\\ufffd(");
}

static void test_writer_builds_flat_object(void **state)
{
	const char *items[] = {"one", "t\"wo"};
	struct ward_jbuf b;

	ward_jbuf_init(&b);
	ward_json_begin(&b);
	ward_json_str(&b, "a", "x");
	ward_json_uint(&b, "n", UINT64_MAX);
	ward_json_str_array(&b, "l", items, 2);
	ward_json_strn(&b, "s", "abc", 2);
	ward_json_end(&b);
	assert_int_equal(b.err, 0);
	assert_string_equal(b.data, "{\"a\":\"x\",\"n\":18446744073709551615,"
				    "\"l\":[\"one\",\"t\\\"wo\"],\"s\":\"ab\"}");
	ward_jbuf_reset(&b);
	ward_json_begin(&b);
	ward_json_end(&b);
	assert_string_equal(b.data, "{}");
	ward_jbuf_free(&b);
}

static void test_writer_grows_past_initial_capacity(void **state)
{
	char big[5000];
	struct ward_jbuf b;

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ward_jbuf_init(&b);
	ward_json_begin(&b);
	ward_json_str(&b, "k", big);
	ward_json_end(&b);
	assert_int_equal(b.err, 0);
	assert_int_equal(b.len, strlen(big) + 8);
	ward_jbuf_free(&b);
}

static void test_parse_reads_back_what_writer_wrote(void **state)
{
	const char *items[] = {"e1", "\xc3\xa9\n"};
	struct ward_jbuf b;
	struct ward_jobj o;
	const struct ward_jfield *f;
	uint64_t n;

	ward_jbuf_init(&b);
	ward_json_begin(&b);
	ward_json_str(&b, "name", "a\"b\\c\x01\xff");
	ward_json_uint(&b, "count", 42);
	ward_json_str_array(&b, "errors", items, 2);
	ward_json_end(&b);

	assert_int_equal(ward_json_parse(b.data, b.len, &o), 0);
	assert_int_equal(o.n, 3);
	assert_string_equal(ward_jobj_str(&o, "name"), "a\"b\\c\x01\xef\xbf\xbd");
	assert_int_equal(ward_jobj_uint(&o, "count", &n), 0);
	assert_int_equal(n, 42);
	f = ward_jobj_get(&o, "errors");
	assert_non_null(f);
	assert_int_equal(f->type, WARD_JARR);
	assert_int_equal(f->nitems, 2);
	assert_string_equal(f->items[1], "\xc3\xa9\n");
	assert_null(ward_jobj_str(&o, "count"));
	assert_null(ward_jobj_str(&o, "missing"));
	assert_int_equal(ward_jobj_uint(&o, "name", &n), -ENOENT);
	ward_jobj_free(&o);
	ward_jbuf_free(&b);
}

static void test_parse_decodes_unicode_escapes(void **state)
{
	const char *line = "{\"k\":\"\\u00e9\\u20ac\\ud83d\\ude00\\ud800x\\/\"}";
	struct ward_jobj o;

	assert_int_equal(ward_json_parse(line, strlen(line), &o), 0);
	assert_string_equal(ward_jobj_str(&o, "k"),
			    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbdx/");
	ward_jobj_free(&o);
}

static void test_parse_accepts_whitespace_and_empty(void **state)
{
	const char *line = "  { \"a\" : 1 , \"b\" : [ ] }\r\n";
	struct ward_jobj o;

	assert_int_equal(ward_json_parse(line, strlen(line), &o), 0);
	assert_int_equal(o.n, 2);
	ward_jobj_free(&o);
	assert_int_equal(ward_json_parse("{}", 2, &o), 0);
	assert_int_equal(o.n, 0);
	ward_jobj_free(&o);
}

static void test_parse_refuses_garbage(void **state)
{
	static const char *const bad[] = {
		"",
		"garbage",
		"{",
		"{\"a\":1",
		"{\"a\":1}x",
		"{\"a\" 1}",
		"{\"a\":-1}",
		"{\"a\":1.5}",
		"{\"a\":true}",
		"{\"a\":{\"b\":1}}",
		"{\"a\":[1]}",
		"{\"a\":\"unterminated}",
		"{\"a\":\"bad \\q escape\"}",
		"{\"a\":\"short \\u12\"}",
		"{\"a\":\"raw\nnewline\"}",
		"{\"a\":99999999999999999999}",
		"{a:1}",
		"[1,2]",
		"{\"a\":1,}",
		"{\"a\":\"x\\",
	};
	struct ward_jobj o;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ward_json_parse(bad[i], strlen(bad[i]), &o) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	}
}

static void test_parse_stops_at_given_length(void **state)
{
	const char *line = "{\"a\":1}{\"b\":2}";
	struct ward_jobj o;

	assert_int_equal(ward_json_parse(line, 7, &o), 0);
	assert_int_equal(o.n, 1);
	ward_jobj_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_quote_backslash_and_controls),
		cmocka_unit_test(test_escape_keeps_valid_utf8),
		cmocka_unit_test(test_escape_replaces_each_invalid_byte),
		cmocka_unit_test(test_writer_builds_flat_object),
		cmocka_unit_test(test_writer_grows_past_initial_capacity),
		cmocka_unit_test(test_parse_reads_back_what_writer_wrote),
		cmocka_unit_test(test_parse_decodes_unicode_escapes),
		cmocka_unit_test(test_parse_accepts_whitespace_and_empty),
		cmocka_unit_test(test_parse_refuses_garbage),
		cmocka_unit_test(test_parse_stops_at_given_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
