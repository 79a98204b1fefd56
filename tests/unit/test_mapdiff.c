// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * agent/mapdiff.c: the keys to delete and the entries to write that turn
 * one set of map entries into another: shared ends set aside, random edits
 * against a plain search, empty sets, a set large enough to make the index
 * probe, and mismatched layouts.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mapdiff.h"

struct rec {
	uint32_t key[3];
	uint32_t pad;
	uint64_t value;
};

#define SET(array, count)                                                   \
	((struct ward_diff_set){.base = (array),                            \
				.n = (count),                               \
				.stride = sizeof(struct rec),               \
				.key_size = sizeof(((struct rec *)0)->key), \
				.val_off = offsetof(struct rec, value),     \
				.val_size = 8})

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

/* Shared start and end are set aside; what changed in between is still found. */
static void test_common_ends_and_a_changed_middle(void **state)
{
	struct rec old[] = {rec(1, 1), rec(2, 2), rec(3, 3), rec(4, 4), rec(5, 5), rec(6, 6)};
	struct rec new[] = {rec(1, 1), rec(2, 2), rec(4, 40), rec(7, 7), rec(3, 3), rec(6, 6)};
	struct ward_diff d;

	assert_int_equal(ward_diff_compute(&SET(old, 6), &SET(new, 6), &d), 0);
	assert_int_equal(d.ndel, 1);
	assert_int_equal(d.del[0], 4); /* key 5 */
	assert_int_equal(d.nput, 2);
	assert_int_equal(d.put[0], 2); /* key 4, new value */
	assert_int_equal(d.put[1], 3); /* key 7 */
	ward_diff_free(&d);
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static const struct rec *find_key(const struct rec *set, size_t n, const struct rec *r)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(set[i].key, r->key, sizeof(r->key)))
			return &set[i];
	return NULL;
}

/* The diff against a plain search, over random edits of random sets. */
static void test_random_edits_match_a_plain_search(void **state)
{
	enum {
		N = 300,
		ROUNDS = 200
	};
	struct rec old[N], new[2 * N];
	struct ward_diff d;

	for (int round = 0; round < ROUNDS; round++) {
		size_t nold = next_rand() % N, nnew = 0, ndel = 0, nput = 0, di = 0, pi = 0;

		for (size_t i = 0; i < nold; i++)
			old[i] = rec(i * 3 + round, next_rand() % 4);
		for (size_t i = 0; i < nold; i++) {
			uint32_t r = next_rand() % 16;

			if (r == 0)
				continue; /* deleted */
			new[nnew] = old[i];
			if (r == 1)
				new[nnew].value += 9;
			nnew++;
			if (r == 2)
				new[nnew++] = rec(i * 3 + round + 1, r); /* inserted */
		}
		assert_int_equal(ward_diff_compute(&SET(old, nold), &SET(new, nnew), &d), 0);
		for (size_t i = 0; i < nold; i++)
			if (!find_key(new, nnew, &old[i])) {
				assert_true(ndel < d.ndel);
				assert_int_equal(d.del[di++], i);
				ndel++;
			}
		for (size_t i = 0; i < nnew; i++) {
			const struct rec *o = find_key(old, nold, &new[i]);

			if (!o || o->value != new[i].value) {
				assert_true(nput < d.nput);
				assert_int_equal(d.put[pi++], i);
				nput++;
			}
		}
		assert_int_equal(d.ndel, ndel);
		assert_int_equal(d.nput, nput);
		ward_diff_free(&d);
	}
}

/* Many entries, every other one changed: collisions in the index resolve. */
static void test_large_sets(void **state)
{
	enum {
		N = 50000
	};
	struct rec *old = calloc(N, sizeof(*old)), *new = calloc(N, sizeof(*new));
	struct ward_diff d;

	assert_non_null(old);
	assert_non_null(new);
	for (uint32_t i = 0; i < N; i++) {
		old[i] = rec(i, i);
		new[i] = rec(i + N / 2, i + N / 2 + ((i + N / 2) % 2));
	}
	assert_int_equal(ward_diff_compute(&SET(old, N), &SET(new, N), &d), 0);
	assert_int_equal(d.ndel, N / 2);	 /* keys below N / 2 */
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
		cmocka_unit_test(test_common_ends_and_a_changed_middle),
		cmocka_unit_test(test_random_edits_match_a_plain_search),
		cmocka_unit_test(test_large_sets),
		cmocka_unit_test(test_layouts_must_match),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
