// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * agent/mapdiff.c: the keys to delete and the entries to write that turn
 * one set of map entries into another, including repeated keys, empty sets,
 * a set large enough to make the index probe, and mismatched layouts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "mapdiff.h"

struct rec {
	uint32_t key[3];
	uint32_t pad;
	uint64_t value;
};

#define SET(array, count)                                                                 \
	((struct ward_diff_set){.base = (array), .n = (count), .stride = sizeof(struct rec), \
				.key_size = sizeof(((struct rec *)0)->key),                    \
				.val_off = offsetof(struct rec, value), .val_size = 8})

static struct rec rec(uint32_t k, uint64_t v)
{
	return (struct rec){.key = {k, k * 7, 1}, .value = v};
}

static void test_changes_additions_and_removals(void **state)
{
	struct rec old[] = {rec(1, 10), rec(2, 20), rec(3, 30), rec(4, 40)};
	struct rec new[] = {rec(4, 40), rec(2, 21), rec(5, 50), rec(1, 10)};
	struct ward_diff d;

	assert_int_equal(ward_diff_compute(&SET(old, 4), &SET(new, 4), &d), 0);
	assert_int_equal(d.ndel, 1);
	assert_int_equal(d.del[0], 2); /* key 3 */
	assert_int_equal(d.nput, 2);
	assert_int_equal(d.put[0], 1); /* key 2, new value */
	assert_int_equal(d.put[1], 2); /* key 5 */
	ward_diff_free(&d);
}

static void test_identical_sets_need_nothing(void **state)
{
	struct rec a[] = {rec(9, 1), rec(8, 2)};
	struct ward_diff d;

	assert_int_equal(ward_diff_compute(&SET(a, 2), &SET(a, 2), &d), 0);
	assert_int_equal(d.ndel, 0);
	assert_int_equal(d.nput, 0);
	ward_diff_free(&d);
}

static void test_empty_sides(void **state)
{
	struct rec a[] = {rec(1, 1), rec(2, 2), rec(3, 3)};
	struct ward_diff d;

	assert_int_equal(ward_diff_compute(&SET(NULL, 0), &SET(a, 3), &d), 0);
	assert_int_equal(d.ndel, 0);
	assert_int_equal(d.nput, 3);
	ward_diff_free(&d);
	assert_int_equal(ward_diff_compute(&SET(a, 3), &SET(NULL, 0), &d), 0);
	assert_int_equal(d.ndel, 3);
	assert_int_equal(d.nput, 0);
	ward_diff_free(&d);
}

/* A repeated key counts with its last entry, as a batch update leaves it. */
static void test_repeated_key_keeps_the_last(void **state)
{
	struct rec old[] = {rec(1, 5)};
	struct rec new[] = {rec(1, 6), rec(1, 5)};
	struct ward_diff d;

	assert_int_equal(ward_diff_compute(&SET(old, 1), &SET(new, 2), &d), 0);
	assert_int_equal(d.ndel, 0);
	assert_int_equal(d.nput, 0);
	ward_diff_free(&d);

	new[1].value = 7;
	assert_int_equal(ward_diff_compute(&SET(old, 1), &SET(new, 2), &d), 0);
	assert_int_equal(d.nput, 1);
	assert_int_equal(d.put[0], 1);
	ward_diff_free(&d);
}

/* Many entries, every other one changed: collisions in the index resolve. */
static void test_large_sets(void **state)
{
	enum { N = 50000 };
	struct rec *old = calloc(N, sizeof(*old)), *new = calloc(N, sizeof(*new));
	struct ward_diff d;

	assert_non_null(old);
	assert_non_null(new);
	for (uint32_t i = 0; i < N; i++) {
		old[i] = rec(i, i);
		new[i] = rec(i + N / 2, i + N / 2 + ((i + N / 2) % 2));
	}
	assert_int_equal(ward_diff_compute(&SET(old, N), &SET(new, N), &d), 0);
	assert_int_equal(d.ndel, N / 2);    /* keys below N / 2 */
	assert_int_equal(d.nput, N / 2 + N / 4); /* keys from N, and odd keys changed */
	for (size_t i = 0; i < d.ndel; i++)
		assert_true(d.del[i] < N / 2);
	ward_diff_free(&d);
	free(old);
	free(new);
}

static void test_layouts_must_match(void **state)
{
	struct rec a[] = {rec(1, 1)};
	struct ward_diff_set other = SET(a, 1);
	struct ward_diff d;

	other.val_size = 4;
	assert_int_equal(ward_diff_compute(&SET(a, 1), &other, &d), -EINVAL);
	other = SET(a, 1);
	other.val_off = sizeof(struct rec);
	assert_int_equal(ward_diff_compute(&other, &other, &d), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_changes_additions_and_removals),
		cmocka_unit_test(test_identical_sets_need_nothing),
		cmocka_unit_test(test_empty_sides),
		cmocka_unit_test(test_repeated_key_keeps_the_last),
		cmocka_unit_test(test_large_sets),
		cmocka_unit_test(test_layouts_must_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
