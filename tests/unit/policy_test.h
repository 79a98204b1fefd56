/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Helpers shared by the unit tests of the policy loader: load a policy from
 * a string, and assert that one exact diagnostic (severity, line, column,
 * message) is among those reported, printing them all when it is not.
 */
#ifndef WARD_POLICY_TEST_H
#define WARD_POLICY_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "policy.h"

/* The smallest valid start of a policy: rules and devices are appended to it. */
#define POLICY_HEAD "version: 1\ninterfaces: [{ name: dev0 }]\n"

struct loaded {
	struct ward_policy *policy;
	struct ward_diags diags;
	int ret;
};

static inline void load_text(struct loaded *l, const char *yaml)
{
	memset(l, 0, sizeof(*l));
	l->ret = ward_policy_load_buffer("t.yaml", yaml, strlen(yaml), &l->policy, &l->diags);
}

static inline void loaded_free(struct loaded *l)
{
	ward_policy_free(l->policy);
	ward_diags_free(&l->diags);
}

static inline void print_diags(const struct ward_diags *d)
{
	size_t i;

	for (i = 0; i < d->count; i++)
		print_message("  %u:%u: %s: %s\n", d->items[i].pos.line, d->items[i].pos.col,
			      d->items[i].severity == WARD_SEV_ERROR ? "error" : "warning",
			      d->items[i].message);
}

static inline bool has_diag(const struct ward_diags *d, enum ward_severity sev, uint32_t line,
			    uint32_t col, const char *message)
{
	size_t i;

	for (i = 0; i < d->count; i++)
		if (d->items[i].severity == sev && d->items[i].pos.line == line &&
		    d->items[i].pos.col == col && !strcmp(d->items[i].message, message))
			return true;
	print_message("missing %u:%u: %s\namong:\n", line, col, message);
	print_diags(d);
	return false;
}

/* Load @yaml, expect it refused with this error among the others. */
static inline void expect_error(const char *yaml, uint32_t line, uint32_t col, const char *message)
{
	struct loaded l;

	load_text(&l, yaml);
	assert_int_equal(l.ret, -EINVAL);
	assert_null(l.policy);
	assert_true(has_diag(&l.diags, WARD_SEV_ERROR, line, col, message));
	loaded_free(&l);
}

/* Load @yaml, expect it accepted with this warning. */
static inline void expect_warning(const char *yaml, uint32_t line, uint32_t col,
				  const char *message)
{
	struct loaded l;

	load_text(&l, yaml);
	if (l.ret)
		print_diags(&l.diags);
	assert_int_equal(l.ret, 0);
	assert_true(has_diag(&l.diags, WARD_SEV_WARNING, line, col, message));
	loaded_free(&l);
}

/* Load @yaml, expect it accepted without any diagnostic. Free with loaded_free(). */
static inline void expect_clean(struct loaded *l, const char *yaml)
{
	load_text(l, yaml);
	if (l->diags.count)
		print_diags(&l->diags);
	assert_int_equal(l->ret, 0);
	assert_int_equal(l->diags.count, 0);
	assert_non_null(l->policy);
}

#endif /* WARD_POLICY_TEST_H */
