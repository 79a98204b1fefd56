// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Reading YAML nodes as the types policy keys expect, with a message at the
 * node for each mismatch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "diag.h"
#include "schema.h"

#define NAME_MAX_BYTES (WARD_NAME_MAX - 1)

uint32_t ward_first(const struct ward_loader *ld, uint32_t n)
{
	const struct ward_ynode *node = ward_ynode(ld->tree, n);

	return node->kind == WARD_Y_SCALAR ? 0 : node->first;
}

/* Whether scalar @n is exactly @s (a NUL inside the scalar makes it differ). */
static bool text_is(const struct ward_loader *ld, uint32_t n, const char *s)
{
	return ward_ynode(ld->tree, n)->len == strlen(s) && !strcmp(ward_text(ld, n), s);
}

/* Append ", " separated @names to a message being built in @buf. */
static void list_names(char *buf, size_t size, const char *const *names, size_t n)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
}

static void unknown_key(struct ward_loader *ld, uint32_t key, const char *what,
			const struct ward_field *fields, size_t nfields)
{
	char quoted[WARD_QUOTE_SIZE], known[512];
	const char *names[32];
	struct ward_suggest s;
	size_t i;

	ward_quote(ward_text(ld, key), ward_ynode(ld->tree, key)->len, quoted, sizeof(quoted));
	ward_suggest_init(&s, ward_text(ld, key));
	for (i = 0; i < nfields && i < 32; i++) {
		names[i] = fields[i].name;
		ward_suggest_offer(&s, fields[i].name);
	}
	if (ward_suggest_best(&s)) {
		ward_diag_error(ld->diags, ward_pos_of(ld, key),
				"unknown key '%s' in %s; did you mean '%s'?", quoted, what,
				ward_suggest_best(&s));
		return;
	}
	list_names(known, sizeof(known), names, i);
	ward_diag_error(ld->diags, ward_pos_of(ld, key), "unknown key '%s' in %s; the keys are %s",
			quoted, what, known);
}

static void take_field(struct ward_loader *ld, uint32_t key, uint32_t value, const char *what,
		       struct ward_field *fields, size_t nfields)
{
	char buf[WARD_QUOTE_SIZE + 2];
	size_t i;

	if (ward_ynode(ld->tree, key)->kind != WARD_Y_SCALAR) {
		ward_diag_error(ld->diags, ward_pos_of(ld, key),
				"a key in %s must be a word, got %s", what,
				ward_ydescribe(ld->tree, key, buf, sizeof(buf)));
		return;
	}
	for (i = 0; i < nfields; i++)
		if (text_is(ld, key, fields[i].name))
			break;
	if (i == nfields) {
		unknown_key(ld, key, what, fields, nfields);
		return;
	}
	if (fields[i].key) {
		ward_diag_error(ld->diags, ward_pos_of(ld, key),
				"duplicate key '%s' in %s; the first is at line %u", fields[i].name,
				what, ward_pos_of(ld, fields[i].key).line);
		return;
	}
	fields[i].key = key;
	fields[i].value = value;
}

bool ward_take_fields(struct ward_loader *ld, uint32_t map, const char *what,
		      struct ward_field *fields, size_t nfields)
{
	char expected[128];
	uint32_t key;
	size_t i;

	for (i = 0; i < nfields; i++)
		fields[i].key = fields[i].value = 0;
	if (ward_yis_null(ld->tree, map))
		return true;
	if (ward_ynode(ld->tree, map)->kind != WARD_Y_MAP) {
		snprintf(expected, sizeof(expected), "%s (a mapping of keys to values)", what);
		return ward_expected(ld, map, expected);
	}
	for (key = ward_first(ld, map); key; key = ward_next(ld, ward_next(ld, key)))
		take_field(ld, key, ward_next(ld, key), what, fields, nfields);
	return true;
}

bool ward_expected(struct ward_loader *ld, uint32_t n, const char *what)
{
	char buf[WARD_QUOTE_SIZE + 2];

	ward_diag_error(ld->diags, ward_pos_of(ld, n), "expected %s, got %s", what,
			ward_ydescribe(ld->tree, n, buf, sizeof(buf)));
	return false;
}

bool ward_get_list(struct ward_loader *ld, uint32_t n, const char *what, uint32_t *first)
{
	char buf[WARD_QUOTE_SIZE + 2], quoted[WARD_QUOTE_SIZE];
	const struct ward_ynode *node = ward_ynode(ld->tree, n);

	*first = 0;
	if (node->kind == WARD_Y_SEQ) {
		*first = node->first;
		return true;
	}
	if (ward_yis_null(ld->tree, n))
		return true;
	if (node->kind == WARD_Y_MAP)
		return ward_expected(ld, n, what);
	/* A lone word: show how to write it as a list. */
	ward_quote(ward_text(ld, n), node->len, quoted, sizeof(quoted));
	ward_diag_error(ld->diags, ward_pos_of(ld, n), "expected %s, got %s (write [%s])", what,
			ward_ydescribe(ld->tree, n, buf, sizeof(buf)), quoted);
	return false;
}

bool ward_get_scalar(struct ward_loader *ld, uint32_t n, const char *what)
{
	if (ward_ynode(ld->tree, n)->kind == WARD_Y_SCALAR && !ward_yis_null(ld->tree, n))
		return true;
	return ward_expected(ld, n, what);
}

bool ward_get_uint(struct ward_loader *ld, uint32_t n, const char *what, uint32_t lo, uint32_t hi,
		   uint32_t *out)
{
	char buf[WARD_QUOTE_SIZE + 2], expected[128];

	snprintf(expected, sizeof(expected), "%s to be a number from %u to %u", what, lo, hi);
	if (!ward_get_scalar(ld, n, expected))
		return false;
	if (ward_parse_u32(ward_text(ld, n), out) && *out >= lo && *out <= hi)
		return true;
	ward_diag_error(ld->diags, ward_pos_of(ld, n), "%s must be a number from %u to %u, got %s",
			what, lo, hi, ward_ydescribe(ld->tree, n, buf, sizeof(buf)));
	return false;
}

int ward_get_enum(struct ward_loader *ld, uint32_t n, const char *what, const char *const *names)
{
	char quoted[WARD_QUOTE_SIZE], choices[256], expected[128];
	struct ward_suggest s;
	size_t i;

	snprintf(expected, sizeof(expected), "a %s", what);
	if (!ward_get_scalar(ld, n, expected))
		return -1;
	for (i = 0; names[i]; i++)
		if (text_is(ld, n, names[i]))
			return (int)i;

	ward_quote(ward_text(ld, n), ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
	ward_suggest_init(&s, ward_text(ld, n));
	for (i = 0; names[i]; i++)
		ward_suggest_offer(&s, names[i]);
	list_names(choices, sizeof(choices), names, i);
	if (ward_suggest_best(&s))
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"unknown %s '%s'; did you mean '%s'? (one of %s)", what, quoted,
				ward_suggest_best(&s), choices);
	else
		ward_diag_error(ld->diags, ward_pos_of(ld, n), "unknown %s '%s'; it is one of %s",
				what, quoted, choices);
	return -1;
}

bool ward_get_bool(struct ward_loader *ld, uint32_t n, const char *what, bool *out)
{
	static const char *const names[] = {"false", "true", NULL};
	char buf[WARD_QUOTE_SIZE + 2];
	size_t i;

	if (ward_ynode(ld->tree, n)->kind == WARD_Y_SCALAR)
		for (i = 0; names[i]; i++)
			if (text_is(ld, n, names[i])) {
				*out = i == 1;
				return true;
			}
	ward_diag_error(ld->diags, ward_pos_of(ld, n), "%s must be true or false, got %s", what,
			ward_ydescribe(ld->tree, n, buf, sizeof(buf)));
	return false;
}

static bool name_char(char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return !first && (c == '.' || c == '_' || c == '-');
}

bool ward_check_name(struct ward_loader *ld, uint32_t n, const char *what)
{
	const struct ward_ynode *node = ward_ynode(ld->tree, n);
	const char *s = ward_text(ld, n);
	char quoted[WARD_QUOTE_SIZE];
	struct ward_prefix p;
	bool has_len;
	size_t i;

	ward_quote(s, node->len, quoted, sizeof(quoted));
	if (node->len == 0 || node->len > NAME_MAX_BYTES) {
		ward_diag_error(ld->diags, node->pos,
				"%s name '%s' is %u bytes; it must be 1 to %d", what, quoted,
				node->len, NAME_MAX_BYTES);
		return false;
	}
	for (i = 0; i < node->len; i++)
		if (!name_char(s[i], i == 0))
			break;
	if (i < node->len) {
		ward_diag_error(ld->diags, node->pos,
				"%s name '%s' may hold only letters, digits, '.', '_' and '-', "
				"and must begin with a letter or digit",
				what, quoted);
		return false;
	}
	if (!strcmp(s, "any") || ward_addr_parse(s, &p, &has_len) != WARD_ADDR_BAD) {
		ward_diag_error(ld->diags, node->pos,
				"%s name '%s' could be read as an address; choose another name",
				what, quoted);
		return false;
	}
	return true;
}

bool ward_add_peers(struct ward_loader *ld, size_t count)
{
	ld->npeers += count;
	if (ld->npeers <= WARD_POLICY_MAX_PEERS)
		return true;
	if (!ld->too_many_peers)
		ward_diag_error(ld->diags, (struct ward_pos){0, 0},
				"the sets and rules resolve to more than %u peer prefixes; the "
				"limit is %u",
				WARD_POLICY_MAX_PEERS, WARD_POLICY_MAX_PEERS);
	ld->too_many_peers = true;
	return false;
}

bool ward_nomem(struct ward_loader *ld)
{
	ld->nomem = true;
	return false;
}

static int cmp_names(const void *a, const void *b, void *arg)
{
	const struct ward_name_ref *ra = a, *rb = b;
	int c = strcmp(ward_text(arg, ra->key), ward_text(arg, rb->key));

	if (c)
		return c;
	return ra->key < rb->key ? -1 : ra->key > rb->key;
}

void ward_names_sort(struct ward_loader *ld, struct ward_names *names, const char *what)
{
	uint32_t first, later;
	size_t i, kept = 0;

	if (names->count == 0)
		return;
	/* Node indexes grow through the file, so the first place of a name sorts first. */
	qsort_r(names->refs, names->count, sizeof(*names->refs), cmp_names, ld);
	for (i = 0; i < names->count; i++) {
		first = kept ? names->refs[kept - 1].key : 0;
		later = names->refs[i].key;
		if (first && !strcmp(ward_text(ld, first), ward_text(ld, later))) {
			ward_diag_error(ld->diags, ward_pos_of(ld, later),
					"duplicate %s '%s'; the first is at line %u", what,
					ward_text(ld, later), ward_pos_of(ld, first).line);
			continue;
		}
		names->refs[kept++] = names->refs[i];
	}
	names->count = kept;
}

long ward_names_find(const struct ward_loader *ld, const struct ward_names *names, const char *name)
{
	size_t lo = 0, hi = names->count, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(ward_text(ld, names->refs[mid].key), name);
		if (c == 0)
			return names->refs[mid].item;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

void ward_names_unknown(struct ward_loader *ld, const struct ward_names *names, uint32_t n,
			const char *what, const char *hint)
{
	char quoted[WARD_QUOTE_SIZE];
	struct ward_suggest s;
	size_t i;

	ward_quote(ward_text(ld, n), ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
	ward_suggest_init(&s, ward_text(ld, n));
	for (i = 0; ward_suggest_wanted(ld->diags) && i < names->count; i++)
		ward_suggest_offer(&s, ward_text(ld, names->refs[i].key));
	if (ward_suggest_best(&s))
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"unknown %s '%s'; did you mean '%s'?", what, quoted,
				ward_suggest_best(&s));
	else
		ward_diag_error(ld->diags, ward_pos_of(ld, n), "unknown %s '%s'%s", what, quoted,
				hint);
}
