/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What the parts of the loader share: the loader's state, and helpers that
 * read one YAML node as the type a key expects (a mapping with known keys,
 * a list, a number in a range, one word of a few), reporting the mismatch
 * at the node when it is not.
 */
#ifndef WARD_SCHEMA_H
#define WARD_SCHEMA_H

#include "policy.h"
#include "ytree.h"

/* Resolved peer prefixes over all sets and rules: bounds the memory sets can multiply into. */
#define WARD_POLICY_MAX_PEERS (4U << 20)

struct ward_sets;
struct ward_services;

/*
 * Names (of sets, services, interfaces, devices) sorted for lookup: each is
 * the scalar node holding the name and the index of what it names.
 */
struct ward_name_ref {
	uint32_t key;
	uint32_t item;
};

struct ward_names {
	struct ward_name_ref *refs;
	size_t count;
};

struct ward_loader {
	const struct ward_ytree *tree;
	struct ward_diags *diags;
	struct ward_policy *policy;
	struct ward_sets *sets;
	struct ward_services *services;
	struct ward_names ifaces; /* interface names, to devices' `interface` */
	enum ward_mode default_mode;
	enum ward_criticality default_criticality;
	size_t npeers;	     /* resolved so far, against WARD_POLICY_MAX_PEERS */
	bool too_many_peers; /* the limit was reported */
	bool nomem;
};

/* A key a mapping may have; ward_take_fields() sets key and value (0 when absent). */
struct ward_field {
	const char *name;
	uint32_t key;
	uint32_t value;
};

static inline struct ward_pos ward_pos_of(const struct ward_loader *ld, uint32_t n)
{
	return ld->tree->nodes[n].pos;
}

static inline const char *ward_text(const struct ward_loader *ld, uint32_t n)
{
	return ward_ystr(ld->tree, n);
}

/* The first child of a list or mapping, or 0; then ward_next() until 0. */
uint32_t ward_first(const struct ward_loader *ld, uint32_t n);

static inline uint32_t ward_next(const struct ward_loader *ld, uint32_t n)
{
	return ld->tree->nodes[n].next;
}

/*
 * Read mapping @map (@what names it in messages, e.g. "device") into
 * @fields: unknown keys (with the nearest known one as a suggestion),
 * duplicate keys and keys that are not plain words are errors. A null value
 * counts as an empty mapping. Returns false, after an error, when @map is
 * not a mapping.
 */
bool ward_take_fields(struct ward_loader *ld, uint32_t map, const char *what,
		      struct ward_field *fields, size_t nfields);

/* Report "expected @what, got ..." at @n. Returns false, for use in a return statement. */
bool ward_expected(struct ward_loader *ld, uint32_t n, const char *what);

/* A list, or null as an empty one: sets *@first to its first item (0: none). */
bool ward_get_list(struct ward_loader *ld, uint32_t n, const char *what, uint32_t *first);

/* A scalar that is not null; @what says what it should be. */
bool ward_get_scalar(struct ward_loader *ld, uint32_t n, const char *what);

/* A whole number from @lo to @hi; @what names the key, e.g. "vlan". */
bool ward_get_uint(struct ward_loader *ld, uint32_t n, const char *what, uint32_t lo, uint32_t hi,
		   uint32_t *out);

/* One of @names (NULL-terminated): its index, or -1 after an error naming the choices. */
int ward_get_enum(struct ward_loader *ld, uint32_t n, const char *what, const char *const *names);

bool ward_get_bool(struct ward_loader *ld, uint32_t n, const char *what, bool *out);

/*
 * Whether the scalar @n is a valid name of a set or service: a letter or
 * digit, then letters, digits, '.', '_' or '-', at most 63 bytes. Reports
 * the problem when not.
 */
bool ward_check_name(struct ward_loader *ld, uint32_t n, const char *what);

/* Add the name at node @key for item @item; @names must have room (sized by the caller). */
static inline void ward_names_add(struct ward_names *names, uint32_t key, uint32_t item)
{
	names->refs[names->count].key = key;
	names->refs[names->count].item = item;
	names->count++;
}

/*
 * Sort @names. A name given twice is an error at its later place ("duplicate
 * @what 'x'; the first is at line N"), and only its first place is kept.
 */
void ward_names_sort(struct ward_loader *ld, struct ward_names *names, const char *what);

/* The item called @name, or -1. */
long ward_names_find(const struct ward_loader *ld, const struct ward_names *names,
		     const char *name);

/* Report "unknown @what 'x'", with the nearest name in @names as a suggestion, or @hint. */
void ward_names_unknown(struct ward_loader *ld, const struct ward_names *names, uint32_t n,
			const char *what, const char *hint);

/* Account for @count more resolved peers. Returns false (reported once) past the limit. */
bool ward_add_peers(struct ward_loader *ld, size_t count);

/* Remember that memory ran out: the load fails with -ENOMEM. Returns false. */
bool ward_nomem(struct ward_loader *ld);

#endif /* WARD_SCHEMA_H */
