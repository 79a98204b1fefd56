/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What turns the entries a map holds into the entries it should hold: the
 * keys to delete and the entries to write, so that a reload writes to the
 * kernel only what changed (agent/maps.c). Entries are fixed-size records,
 * @stride bytes apart, the key at offset 0 and the value at @val_off; keys
 * and values are compared byte for byte. Pure userspace: no map is touched.
 */
#ifndef WARD_MAPDIFF_H
#define WARD_MAPDIFF_H

#include <stddef.h>

struct ward_diff_set {
	const void *base;
	size_t n;
	size_t stride;
	size_t key_size;
	size_t val_off;
	size_t val_size;
};

/* The outcome: indexes into the old set (to delete) and into the new one (to write). */
struct ward_diff {
	size_t *del;
	size_t ndel;
	size_t *put;
	size_t nput;
};

/*
 * Compare @old with @new (same key and value layout), each holding a key at
 * most once, as a map does (and a compiled policy's lists do). A key of
 * @old that @new lacks is to be deleted; an entry of @new whose key @old
 * lacks, or holds with another value, is to be written. Indexes come in
 * increasing order. Returns 0 or -ENOMEM (or -EINVAL for sets of different
 * layouts); free with ward_diff_free().
 */
int ward_diff_compute(const struct ward_diff_set *old, const struct ward_diff_set *new,
		      struct ward_diff *out);

void ward_diff_free(struct ward_diff *diff);

#endif /* WARD_MAPDIFF_H */
