// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Reading `sets` and resolving sets and peer lists into prefixes.
 *
 * Each set is resolved once, depth first, and its prefixes kept sorted and
 * without duplicates, so sets that include each other many times over cost
 * no more than their distinct addresses. Every prefix appended counts
 * against WARD_POLICY_MAX_PEERS, which bounds the memory a hostile file can
 * make the loader use.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "sets.h"

enum set_state {
	SET_NEW,
	SET_VISITING,
	SET_DONE,
};

struct ward_set {
	uint32_t key;  /* the name's node */
	uint32_t list; /* the value's node */
	enum set_state state;
	struct ward_prefix *prefixes;
	size_t nprefixes;
};

struct ward_sets {
	struct ward_set *items; /* in the file's order */
	size_t count;
	struct ward_names names;
	uint32_t chain[WARD_SET_MAX_DEPTH]; /* the sets being resolved, outermost first */
	unsigned int depth;
};

struct pvec {
	struct ward_prefix *v;
	size_t n, cap;
};

static bool pvec_append(struct ward_loader *ld, struct pvec *vec, const struct ward_prefix *p,
			size_t count)
{
	struct ward_prefix *v;
	size_t cap = vec->cap ? vec->cap : 4;

	if (!ward_add_peers(ld, count))
		return false;
	while (vec->n + count > cap)
		cap *= 2;
	if (cap != vec->cap) {
		v = realloc(vec->v, cap * sizeof(*v));
		if (!v)
			return ward_nomem(ld);
		vec->v = v;
		vec->cap = cap;
	}
	memcpy(vec->v + vec->n, p, count * sizeof(*p));
	vec->n += count;
	return true;
}

static int cmp_prefix(const void *a, const void *b)
{
	return ward_addr_cmp(a, b);
}

static void pvec_sort_unique(struct pvec *vec)
{
	size_t i, kept = 0;

	if (vec->n < 2)
		return;
	qsort(vec->v, vec->n, sizeof(*vec->v), cmp_prefix);
	for (i = 1; i < vec->n; i++)
		if (ward_addr_cmp(&vec->v[kept], &vec->v[i]))
			vec->v[++kept] = vec->v[i];
	vec->n = kept + 1;
}

void ward_report_addr(struct ward_loader *ld, uint32_t n, enum ward_addr_status status,
		      const struct ward_prefix *masked)
{
	const char *s = ward_text(ld, n);
	char quoted[WARD_QUOTE_SIZE], fixed[WARD_ADDR_STRLEN];
	struct ward_pos pos = ward_pos_of(ld, n);

	ward_quote(s, ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
	switch (status) {
	case WARD_ADDR_BAD_PLEN:
		ward_diag_error(ld->diags, pos,
				"bad prefix length in '%s': it is 0 to 32 for IPv4, 0 to 128 for "
				"IPv6",
				quoted);
		break;
	case WARD_ADDR_HOST_BITS:
		ward_diag_error(ld->diags, pos, "%s has host bits set; did you mean %s?", quoted,
				ward_addr_format(masked, fixed, sizeof(fixed)));
		break;
	case WARD_ADDR_MAPPED:
		ward_diag_error(ld->diags, pos,
				"'%s' is an IPv4 address in IPv6 form; write it as IPv4", quoted);
		break;
	default:
		ward_diag_error(ld->diags, pos, "bad address '%s': not an IPv4 or IPv6 address",
				quoted);
		break;
	}
}

/* "a -> b -> c -> @next": the sets being resolved from the @from-th one, then @next. */
static void chain_text(struct ward_loader *ld, unsigned int from, const struct ward_set *next,
		       char *buf, size_t size)
{
	struct ward_sets *sets = ld->sets;
	size_t used = 0;
	unsigned int i;

	for (i = from; i < sets->depth && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s -> ",
					 ward_text(ld, sets->items[sets->chain[i]].key));
	if (used < size)
		snprintf(buf + used, size - used, "%s", ward_text(ld, next->key));
}

/* Where @set is in the chain of sets being resolved. */
static unsigned int chain_place(const struct ward_sets *sets, const struct ward_set *set)
{
	unsigned int i = 0;

	while (i < sets->depth && &sets->items[sets->chain[i]] != set)
		i++;
	return i;
}

static bool resolve_list(struct ward_loader *ld, uint32_t list, struct pvec *vec);

static bool resolve_set(struct ward_loader *ld, struct ward_set *set)
{
	struct ward_sets *sets = ld->sets;
	struct pvec vec = {0};
	bool ok;

	sets->chain[sets->depth++] = (uint32_t)(set - sets->items);
	set->state = SET_VISITING;
	ok = resolve_list(ld, set->list, &vec);
	pvec_sort_unique(&vec);
	set->prefixes = vec.v;
	set->nprefixes = vec.n;
	set->state = SET_DONE;
	sets->depth--;
	return ok;
}

/* Append the prefixes of the set @set, named at node @n, resolving it first. */
static bool append_set(struct ward_loader *ld, uint32_t n, struct ward_set *set, struct pvec *vec)
{
	char chain[2048];

	if (set->state == SET_VISITING) {
		chain_text(ld, chain_place(ld->sets, set), set, chain, sizeof(chain));
		ward_diag_error(ld->diags, ward_pos_of(ld, n), "set '%s' includes itself: %s",
				ward_text(ld, set->key), chain);
		return false;
	}
	if (set->state == SET_NEW && ld->sets->depth == WARD_SET_MAX_DEPTH) {
		chain_text(ld, 0, set, chain, sizeof(chain));
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"sets nest more than %d deep here (%s); the limit is %d",
				WARD_SET_MAX_DEPTH, chain, WARD_SET_MAX_DEPTH);
		return false;
	}
	if (set->state == SET_NEW && !resolve_set(ld, set))
		return false;
	return set->nprefixes == 0 || pvec_append(ld, vec, set->prefixes, set->nprefixes);
}

static bool resolve_item(struct ward_loader *ld, uint32_t n, struct pvec *vec)
{
	static const struct ward_prefix any = {.plen = 0};
	const char *s = ward_text(ld, n);
	enum ward_addr_status status;
	struct ward_prefix p;
	bool has_len;
	long found;

	if (!ward_get_scalar(ld, n, "an address, a CIDR, 'any' or the name of a set"))
		return false;
	if (!strcmp(s, "any"))
		return pvec_append(ld, vec, &any, 1);
	found = ward_names_find(ld, &ld->sets->names, s);
	if (found >= 0)
		return append_set(ld, n, &ld->sets->items[found], vec);

	status = ward_addr_parse(s, &p, &has_len);
	if (status == WARD_ADDR_OK)
		return pvec_append(ld, vec, &p, 1);
	if (status == WARD_ADDR_BAD && !ward_addr_lookalike(s))
		ward_names_unknown(ld, &ld->sets->names, n, "set",
				   " (a peer is an address, a CIDR, 'any' or the name of a set)");
	else
		ward_report_addr(ld, n, status, &p);
	return false;
}

static bool resolve_list(struct ward_loader *ld, uint32_t list, struct pvec *vec)
{
	uint32_t item;
	bool ok = true;

	if (!ward_get_list(ld, list, "a list of addresses, CIDRs, 'any' or set names", &item))
		return false;
	for (; item && !ld->too_many_peers && !ld->nomem; item = ward_next(ld, item))
		ok &= resolve_item(ld, item, vec);
	return ok && !ld->nomem && !ld->too_many_peers;
}

bool ward_peers_resolve(struct ward_loader *ld, uint32_t list, struct ward_prefix **out, size_t *n)
{
	struct pvec vec = {0};
	bool ok;

	ok = resolve_list(ld, list, &vec);
	pvec_sort_unique(&vec);
	if (!ok) {
		free(vec.v);
		vec.v = NULL;
		vec.n = 0;
	}
	*out = vec.v;
	*n = vec.n;
	return ok;
}

/* Read the names and lists of the `sets` mapping, without resolving them yet. */
static int read_sets(struct ward_loader *ld, uint32_t map)
{
	struct ward_sets *sets = ld->sets;
	const struct ward_ynode *node = ward_ynode(ld->tree, map);
	uint32_t key;

	if (ward_yis_null(ld->tree, map))
		return 0;
	if (node->kind != WARD_Y_MAP) {
		ward_expected(ld, map, "a mapping of set names to lists of addresses");
		return 0;
	}
	sets->items = calloc(node->len / 2 + 1, sizeof(*sets->items));
	sets->names.refs = calloc(node->len / 2 + 1, sizeof(*sets->names.refs));
	if (!sets->items || !sets->names.refs)
		return -ENOMEM;

	for (key = ward_first(ld, map); key; key = ward_next(ld, ward_next(ld, key))) {
		if (!ward_get_scalar(ld, key, "a set name") || !ward_check_name(ld, key, "set"))
			continue;
		sets->items[sets->count].key = key;
		sets->items[sets->count].list = ward_next(ld, key);
		ward_names_add(&sets->names, key, (uint32_t)sets->count++);
	}
	return 0;
}

int ward_sets_load(struct ward_loader *ld, uint32_t map)
{
	size_t i;
	int ret;

	ld->sets = calloc(1, sizeof(*ld->sets));
	if (!ld->sets)
		return -ENOMEM;
	if (!map)
		return 0;
	ret = read_sets(ld, map);
	if (ret)
		return ret;

	ward_names_sort(ld, &ld->sets->names, "set");
	for (i = 0; i < ld->sets->count && !ld->nomem; i++)
		if (ld->sets->items[i].state == SET_NEW)
			resolve_set(ld, &ld->sets->items[i]);
	return ld->nomem ? -ENOMEM : 0;
}

size_t ward_sets_count(const struct ward_sets *sets)
{
	return sets ? sets->names.count : 0;
}

void ward_sets_free(struct ward_sets *sets)
{
	size_t i;

	if (!sets)
		return;
	for (i = 0; i < sets->count; i++)
		free(sets->items[i].prefixes);
	free(sets->items);
	free(sets->names.refs);
	free(sets);
}
