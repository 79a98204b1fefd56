// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The diff of mapdiff.h. The entries both sets share at their start and at
 * their end, in the same order, are set aside first with a sequential
 * compare: a compiled policy lists its entries in a stable order, so for a
 * change to a few devices only a small middle remains. That middle is
 * diffed through an open-addressing index over the new entries' keys
 * (FNV-1a, linear probing, at most half full), then one pass over the old
 * entries against it. Linear in the number of entries either way.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mapdiff.h"

#define SLOT_EMPTY SIZE_MAX

struct key_index {
	const struct ward_diff_set *set;
	size_t *slots;
	size_t mask;
};

static const char *entry_at(const struct ward_diff_set *s, size_t i)
{
	return (const char *)s->base + i * s->stride;
}

static uint64_t key_hash(const void *key, size_t len)
{
	const unsigned char *b = key;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h ^ (h >> 29);
}

/* The slot holding @key, or the empty slot where it would go. */
static size_t *index_find(const struct key_index *ix, const void *key)
{
	size_t pos = key_hash(key, ix->set->key_size) & ix->mask;

	for (;;) {
		size_t *slot = &ix->slots[pos];

		if (*slot == SLOT_EMPTY ||
		    !memcmp(entry_at(ix->set, *slot), key, ix->set->key_size))
			return slot;
		pos = (pos + 1) & ix->mask;
	}
}

/* Index every entry of @set by key; a repeated key keeps its last entry. */
static int index_build(struct key_index *ix, const struct ward_diff_set *set)
{
	size_t size = 16;

	while (size < 2 * set->n)
		size *= 2;
	ix->set = set;
	ix->mask = size - 1;
	ix->slots = malloc(size * sizeof(*ix->slots));
	if (!ix->slots)
		return -ENOMEM;
	memset(ix->slots, 0xff, size * sizeof(*ix->slots)); /* SLOT_EMPTY everywhere */
	for (size_t i = 0; i < set->n; i++)
		*index_find(ix, entry_at(set, i)) = i;
	return 0;
}

static bool same_layout(const struct ward_diff_set *a, const struct ward_diff_set *b)
{
	return a->key_size == b->key_size && a->val_off == b->val_off &&
	       a->val_size == b->val_size && a->key_size <= a->stride && b->key_size <= b->stride &&
	       a->val_off + a->val_size <= a->stride && b->val_off + b->val_size <= b->stride;
}

/* Old entries against the new index: deletions, and the new entries already in place. */
static void diff_old(const struct key_index *ix, const struct ward_diff_set *old,
		     const struct ward_diff_set *new, bool *in_place, struct ward_diff *out,
		     size_t base)
{
	for (size_t i = 0; i < old->n; i++) {
		const char *e = entry_at(old, i);
		size_t at = *index_find(ix, e);

		if (at == SLOT_EMPTY)
			out->del[out->ndel++] = base + i;
		else if (!memcmp(e + old->val_off, entry_at(new, at) + new->val_off, new->val_size))
			in_place[at] = true;
	}
}

static bool same_entry(const struct ward_diff_set *old, size_t i, const struct ward_diff_set *new,
		       size_t j)
{
	return !memcmp(entry_at(old, i), entry_at(new, j), new->key_size) &&
	       !memcmp(entry_at(old, i) + old->val_off, entry_at(new, j) + new->val_off,
		       new->val_size);
}

/* How many entries @old and @new share at their start, then at their end. */
static void common_ends(const struct ward_diff_set *old, const struct ward_diff_set *new,
			size_t *head, size_t *tail)
{
	size_t most = old->n < new->n ? old->n : new->n;

	*head = 0;
	while (*head < most && same_entry(old, *head, new, *head))
		(*head)++;
	*tail = 0;
	while (*head + *tail < most && same_entry(old, old->n - 1 - *tail, new, new->n - 1 - *tail))
		(*tail)++;
}

/* @s without its first @head and last @tail entries. */
static struct ward_diff_set middle_of(const struct ward_diff_set *s, size_t head, size_t tail)
{
	struct ward_diff_set m = *s;

	m.base = s->n ? entry_at(s, head) : s->base;
	m.n = s->n - head - tail;
	return m;
}

int ward_diff_compute(const struct ward_diff_set *old_set, const struct ward_diff_set *new_set,
		      struct ward_diff *out)
{
	struct ward_diff_set old, new;
	struct key_index ix = {0};
	bool *in_place = NULL;
	size_t head, tail;
	int err = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!same_layout(old_set, new_set))
		return -EINVAL;
	common_ends(old_set, new_set, &head, &tail);
	old = middle_of(old_set, head, tail);
	new = middle_of(new_set, head, tail);

	out->del = malloc((old.n ? old.n : 1) * sizeof(*out->del));
	out->put = malloc((new.n ? new.n : 1) * sizeof(*out->put));
	in_place = calloc(new.n ? new.n : 1, sizeof(*in_place));
	if (!out->del || !out->put || !in_place)
		goto free_diff;
	err = index_build(&ix, &new);
	if (err)
		goto free_diff;

	diff_old(&ix, &old, &new, in_place, out, head);
	for (size_t i = 0; i < new.n; i++)
		if (!in_place[i] && *index_find(&ix, entry_at(&new, i)) == i)
			out->put[out->nput++] = head + i;
	free(ix.slots);
	free(in_place);
	return 0;

free_diff:
	free(in_place);
	ward_diff_free(out);
	return err;
}

void ward_diff_free(struct ward_diff *diff)
{
	free(diff->del);
	free(diff->put);
	memset(diff, 0, sizeof(*diff));
}
