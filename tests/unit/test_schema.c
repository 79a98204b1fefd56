// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/schema.c on YAML trees built in the test: known and
 * unknown keys with suggestions, duplicate keys, wrong types, numbers in a
 * range, words from a list, booleans, names, and the name index.
 */
#include <stdlib.h>

#include "policy_test.h"
#include "schema.h"

struct fixture {
	struct ward_ytree tree;
	struct ward_diags diags;
	struct ward_loader ld;
};

/* Parse @yaml into @f; the value under the root's first key is returned. */
static uint32_t setup(struct fixture *f, const char *yaml)
{
	memset(f, 0, sizeof(*f));
	assert_int_equal(ward_ytree_parse(yaml, strlen(yaml), &f->tree, &f->diags), 0);
	f->ld.tree = &f->tree;
	f->ld.diags = &f->diags;
	return f->tree.nodes[ward_first(&f->ld, f->tree.root)].next;
}

static void teardown(struct fixture *f)
{
	ward_ytree_free(&f->tree);
	ward_diags_free(&f->diags);
}

static void test_schema_take_fields(void **state)
{
	struct ward_field fields[] = {{.name = "name"}, {.name = "outbound"}};
	struct fixture f;
	uint32_t map;

	map = setup(&f, "x:\n  name: a\n  outbond: b\n  name: c\n  [1]: d\n");
	assert_true(ward_take_fields(&f.ld, map, "device", fields, 2));
	assert_string_equal(ward_text(&f.ld, fields[0].value), "a");
	assert_int_equal(fields[1].value, 0);
	assert_int_equal(f.diags.count, 3);
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 3, 3,
			     "unknown key 'outbond' in device; did you mean 'outbound'?"));
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 4, 3,
			     "duplicate key 'name' in device; the first is at line 2"));
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 5, 3,
			     "a key in device must be a word, got a list"));
	teardown(&f);
}

static void test_schema_take_fields_of_null_and_list(void **state)
{
	struct ward_field fields[] = {{.name = "a"}};
	struct fixture f;
	uint32_t n;

	n = setup(&f, "x:\n");
	assert_true(ward_take_fields(&f.ld, n, "limits", fields, 1));
	assert_int_equal(f.diags.count, 0);
	teardown(&f);

	n = setup(&f, "x: [1]\n");
	assert_false(ward_take_fields(&f.ld, n, "limits", fields, 1));
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 1, 4,
			     "expected limits (a mapping of keys to values), got a list"));
	teardown(&f);
}

static void test_schema_numbers(void **state)
{
	struct fixture f;
	uint32_t n, v;

	n = setup(&f, "x: 20\n");
	assert_true(ward_get_uint(&f.ld, n, "vlan", 1, 4094, &v));
	assert_int_equal(v, 20);
	assert_false(ward_get_uint(&f.ld, n, "vlan", 21, 30, &v));
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 1, 4,
			     "vlan must be a number from 21 to 30, got '20'"));
	teardown(&f);

	n = setup(&f, "x: {}\n");
	assert_false(ward_get_uint(&f.ld, n, "vlan", 1, 4094, &v));
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 1, 4,
			     "expected vlan to be a number from 1 to 4094, got a mapping"));
	teardown(&f);
}

static void test_schema_enum_and_bool(void **state)
{
	static const char *const modes[] = {"enforce", "audit", NULL};
	struct fixture f;
	bool b;
	uint32_t n;

	n = setup(&f, "x: audit\n");
	assert_int_equal(ward_get_enum(&f.ld, n, "mode", modes), 1);
	assert_false(ward_get_bool(&f.ld, n, "dhcp", &b));
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 1, 4,
			     "dhcp must be true or false, got 'audit'"));
	teardown(&f);

	n = setup(&f, "x: true\n");
	assert_true(ward_get_bool(&f.ld, n, "dhcp", &b));
	assert_true(b);
	assert_int_equal(ward_get_enum(&f.ld, n, "mode", modes), -1);
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 1, 4,
			     "unknown mode 'true'; it is one of enforce, audit"));
	teardown(&f);
}

static void test_schema_lists(void **state)
{
	struct fixture f;
	uint32_t n, first;

	n = setup(&f, "x: ~\n");
	assert_true(ward_get_list(&f.ld, n, "a list of rules", &first));
	assert_int_equal(first, 0);
	teardown(&f);

	n = setup(&f, "x: [a, b]\n");
	assert_true(ward_get_list(&f.ld, n, "a list of rules", &first));
	assert_string_equal(ward_text(&f.ld, first), "a");
	assert_string_equal(ward_text(&f.ld, ward_next(&f.ld, first)), "b");
	teardown(&f);
}

static void test_schema_name_index(void **state)
{
	struct ward_name_ref refs[3];
	struct ward_names names = {.refs = refs};
	struct fixture f;
	uint32_t seq, a, b, c;

	seq = setup(&f, "x: [pacs, dns, pacs]\n");
	a = ward_first(&f.ld, seq);
	b = ward_next(&f.ld, a);
	c = ward_next(&f.ld, b);
	ward_names_add(&names, a, 10);
	ward_names_add(&names, b, 11);
	ward_names_add(&names, c, 12);
	ward_names_sort(&f.ld, &names, "set");
	assert_int_equal(names.count, 2);
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 1, 16,
			     "duplicate set 'pacs'; the first is at line 1"));
	assert_int_equal(ward_names_find(&f.ld, &names, "pacs"), 10);
	assert_int_equal(ward_names_find(&f.ld, &names, "dns"), 11);
	assert_int_equal(ward_names_find(&f.ld, &names, "ntp"), -1);
	ward_names_unknown(&f.ld, &names, a, "service", "");
	assert_true(has_diag(&f.diags, WARD_SEV_ERROR, 1, 5, "unknown service 'pacs'"));
	teardown(&f);
}

static void test_schema_peer_limit(void **state)
{
	struct fixture f;

	setup(&f, "x: 1\n");
	assert_true(ward_add_peers(&f.ld, WARD_POLICY_MAX_PEERS));
	assert_false(ward_add_peers(&f.ld, 1));
	assert_false(ward_add_peers(&f.ld, 1));
	assert_int_equal(f.diags.count, 1);
	assert_string_equal(f.diags.items[0].message,
			    "the sets and rules resolve to more than 4194304 peer prefixes; the "
			    "limit is 4194304");
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schema_take_fields),
		cmocka_unit_test(test_schema_take_fields_of_null_and_list),
		cmocka_unit_test(test_schema_numbers),
		cmocka_unit_test(test_schema_enum_and_bool),
		cmocka_unit_test(test_schema_lists),
		cmocka_unit_test(test_schema_name_index),
		cmocka_unit_test(test_schema_peer_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
