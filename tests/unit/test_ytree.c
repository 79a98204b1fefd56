// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/ytree.c: node positions, the limits that guard
 * against hostile files (depth, alias expansion), aliases that loop or name
 * nothing, a second document, and bytes that are not UTF-8 text.
 */
#include <stdlib.h>

#include "diag.h"
#include "policy_test.h"
#include "ytree.h"

struct parsed {
	struct ward_ytree tree;
	struct ward_diags diags;
	int ret;
};

static void parse(struct parsed *p, const char *yaml, size_t len)
{
	memset(&p->diags, 0, sizeof(p->diags));
	p->ret = ward_ytree_parse(yaml, len, &p->tree, &p->diags);
}

static void parsed_free(struct parsed *p)
{
	ward_ytree_free(&p->tree);
	ward_diags_free(&p->diags);
}

static void expect_refused(const char *yaml, size_t len, uint32_t line, uint32_t col,
			   const char *message)
{
	struct parsed p;

	parse(&p, yaml, len);
	assert_int_equal(p.ret, -EINVAL);
	assert_true(has_diag(&p.diags, WARD_SEV_ERROR, line, col, message));
	parsed_free(&p);
}

static void test_ytree_positions_and_kinds(void **state)
{
	const char *yaml = "a: [x, 'y']\nb:\n  c: ~\n";
	const struct ward_ynode *root, *n;
	struct parsed p;
	uint32_t i;

	parse(&p, yaml, strlen(yaml));
	assert_int_equal(p.ret, 0);
	root = ward_ynode(&p.tree, p.tree.root);
	assert_int_equal(root->kind, WARD_Y_MAP);
	assert_int_equal(root->len, 4);

	i = root->first; /* a */
	assert_string_equal(ward_ystr(&p.tree, i), "a");
	i = p.tree.nodes[i].next; /* [x, 'y'] */
	n = ward_ynode(&p.tree, i);
	assert_int_equal(n->kind, WARD_Y_SEQ);
	assert_int_equal(n->pos.line, 1);
	assert_int_equal(n->pos.col, 4);
	assert_true(ward_ynode(&p.tree, n->first)->plain);
	assert_false(ward_ynode(&p.tree, p.tree.nodes[n->first].next)->plain);
	assert_int_equal(ward_ynode(&p.tree, p.tree.nodes[n->first].next)->pos.col, 8);

	i = p.tree.nodes[p.tree.nodes[i].next].next; /* c: ~ */
	n = ward_ynode(&p.tree, i);
	assert_int_equal(n->kind, WARD_Y_MAP);
	assert_int_equal(n->pos.line, 3);
	assert_int_equal(n->pos.col, 3);
	assert_true(ward_yis_null(&p.tree, p.tree.nodes[n->first].next));
	parsed_free(&p);
}

static void test_ytree_empty_file_has_no_root(void **state)
{
	struct parsed p;

	parse(&p, "", 0);
	assert_int_equal(p.ret, 0);
	assert_int_equal(p.tree.root, 0);
	parsed_free(&p);
}

static void test_ytree_alias_refers_to_anchor(void **state)
{
	const char *yaml = "a: &x [1, 2]\nb: *x\n";
	const struct ward_ynode *alias;
	struct parsed p;
	uint32_t b;

	parse(&p, yaml, strlen(yaml));
	assert_int_equal(p.ret, 0);
	b = p.tree.nodes[p.tree.nodes[p.tree.nodes[ward_ynode(&p.tree, p.tree.root)->first].next]
				 .next]
		    .next;
	alias = ward_ynode(&p.tree, b);
	assert_int_equal(alias->kind, WARD_Y_SEQ);
	assert_int_equal(alias->len, 2);
	assert_int_equal(ward_ynode(&p.tree, p.tree.root)->weight, 9);
	parsed_free(&p);
}

static void test_ytree_billion_laughs_is_refused(void **state)
{
	char *yaml = malloc(8192), *at = yaml;
	struct parsed p;
	int i;

	at += sprintf(at, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (i = 1; i < 10; i++)
		at += sprintf(at,
			      "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, "
			      "*a%d, *a%d]\n",
			      i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1,
			      i - 1);
	parse(&p, yaml, strlen(yaml));
	assert_int_equal(p.ret, -EINVAL);
	assert_int_equal(p.diags.count, 1);
	/* a6 stands for 1.1 million nodes: its seventh alias of a5 passes 8 million. */
	assert_int_equal(p.diags.items[0].pos.line, 7);
	assert_int_equal(p.diags.items[0].pos.col, 40);
	assert_string_equal(p.diags.items[0].message,
			    "aliases expand the policy to more than 8388608 nodes; the limit is "
			    "8388608");
	parsed_free(&p);
	free(yaml);
}

static void test_ytree_alias_errors(void **state)
{
	expect_refused("a: &x [1, *x]\n", 14, 1, 11, "alias *x is inside the node it names");
	expect_refused("a: *nope\n", 9, 1, 4, "alias *nope names no anchor (&nope) above it");
}

static void test_ytree_depth_limit(void **state)
{
	char yaml[200];

	memset(yaml, '[', 100);
	yaml[100] = '\0';
	expect_refused(yaml, 100, 1, 65,
		       "lists and mappings nest more than 64 deep here; the "
		       "limit is 64");
	memset(yaml, '[', 64);
	memset(yaml + 64, ']', 64);
	yaml[128] = '\0';
	{
		struct parsed p;

		parse(&p, yaml, 128);
		assert_int_equal(p.ret, 0);
		parsed_free(&p);
	}
}

static void test_ytree_second_document(void **state)
{
	expect_refused("a: 1\n---\nb: 2\n", 14, 2, 1,
		       "a second YAML document begins here; a policy file holds one");
}

static void test_ytree_not_text(void **state)
{
	expect_refused("a: 1\nname: ab\xff\n", 15, 2, 9,
		       "invalid UTF-8 (byte 0xff); a policy file must be UTF-8 text");
	expect_refused("a: \xc3\xa9\xc3\n", 7, 1, 5,
		       "invalid UTF-8 (byte 0xc3); a policy file must be UTF-8 text");
	expect_refused("a: \xed\xa0\x80\n", 7, 1, 4,
		       "invalid UTF-8 (byte 0xed); a policy file must be UTF-8 text");
	expect_refused("a: 1\n\x01\n", 7, 2, 1,
		       "control character 0x01; a policy file must be text");
	expect_refused("a: \0\n", 5, 1, 4, "control character 0x00; a policy file must be text");
}

static void test_ytree_syntax_errors(void **state)
{
	expect_refused("a:\n\tb: 1\n", 9, 2, 1,
		       "YAML syntax: found character that cannot start any token (a tab in the "
		       "indentation: YAML indents with spaces only)");
	expect_refused("a: [1, 2\n", 9, 2, 1,
		       "YAML syntax: did not find expected ',' or ']' while parsing a flow "
		       "sequence (from line 1)");
	expect_refused("a: b: c\n", 8, 1, 5,
		       "YAML syntax: mapping values are not allowed in this context");
}

static void test_ytree_describe(void **state)
{
	const char *yaml = "[{}, [], x, '', ~]";
	struct parsed p;
	char buf[64];
	uint32_t i;

	parse(&p, yaml, strlen(yaml));
	i = ward_ynode(&p.tree, p.tree.root)->first;
	assert_string_equal(ward_ydescribe(&p.tree, i, buf, sizeof(buf)), "a mapping");
	i = p.tree.nodes[i].next;
	assert_string_equal(ward_ydescribe(&p.tree, i, buf, sizeof(buf)), "a list");
	i = p.tree.nodes[i].next;
	assert_string_equal(ward_ydescribe(&p.tree, i, buf, sizeof(buf)), "'x'");
	i = p.tree.nodes[i].next;
	assert_string_equal(ward_ydescribe(&p.tree, i, buf, sizeof(buf)), "''");
	i = p.tree.nodes[i].next;
	assert_string_equal(ward_ydescribe(&p.tree, i, buf, sizeof(buf)), "nothing");
	parsed_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ytree_positions_and_kinds),
		cmocka_unit_test(test_ytree_empty_file_has_no_root),
		cmocka_unit_test(test_ytree_alias_refers_to_anchor),
		cmocka_unit_test(test_ytree_billion_laughs_is_refused),
		cmocka_unit_test(test_ytree_alias_errors),
		cmocka_unit_test(test_ytree_depth_limit),
		cmocka_unit_test(test_ytree_second_document),
		cmocka_unit_test(test_ytree_not_text),
		cmocka_unit_test(test_ytree_syntax_errors),
		cmocka_unit_test(test_ytree_describe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
