// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Fuzz target of the events-line parser (agent/json.c), which `ward tail`
 * runs on every line of a file anyone with write access may have edited:
 * any bytes must be refused or parsed without a leak or an out-of-bounds
 * read; what parses must, written back with the writer, be strict JSON
 * (jsoncheck.h) that parses again to the same keys and values.
 *
 * The parser takes a key given twice (ward_jobj_get() then sees the
 * first); the writer writes what it is given, so such an object is only
 * checked to come back the same, not for strictness.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "json.h"
#include "jsoncheck.h"

static void write_back(const struct ward_jobj *obj, struct ward_jbuf *line)
{
	const struct ward_jfield *f;
	size_t i;

	ward_json_begin(line);
	for (i = 0; i < obj->n; i++) {
		f = &obj->fields[i];
		if (f->type == WARD_JSTR)
			ward_json_str(line, f->key, f->str);
		else if (f->type == WARD_JNUM)
			ward_json_uint(line, f->key, f->num);
		else
			ward_json_str_array(line, f->key, (const char *const *)f->items, f->nitems);
	}
	ward_json_end(line);
}

/* Strings that were valid UTF-8 come back unchanged (as C strings). */
static bool same_str(const char *a, const char *b)
{
	return !jsoncheck_utf8(a, strlen(a)) || !strcmp(a, b);
}

static void compare_field(const struct ward_jfield *a, const struct ward_jfield *b)
{
	size_t i;

	if (!same_str(a->key, b->key) || a->type != b->type)
		fuzz_fail("key \"%s\" came back as \"%s\" or with another type", a->key, b->key);
	if (a->type == WARD_JSTR && !same_str(a->str, b->str))
		fuzz_fail("\"%s\" changed from \"%s\" to \"%s\"", a->key, a->str, b->str);
	if (a->type == WARD_JNUM && a->num != b->num)
		fuzz_fail("\"%s\" changed from %llu to %llu", a->key, (unsigned long long)a->num,
			  (unsigned long long)b->num);
	if (a->type != WARD_JARR)
		return;
	if (a->nitems != b->nitems)
		fuzz_fail("\"%s\" had %zu items, now %zu", a->key, a->nitems, b->nitems);
	for (i = 0; i < a->nitems; i++)
		if (!same_str(a->items[i], b->items[i]))
			fuzz_fail("\"%s\"[%zu] changed", a->key, i);
}

static bool has_duplicate_keys(const struct ward_jobj *obj)
{
	size_t i, j;

	for (i = 0; i < obj->n; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(obj->fields[i].key, obj->fields[j].key))
				return true;
	return false;
}

static void check_round_trip(const struct ward_jobj *obj)
{
	struct ward_jbuf line;
	struct ward_jobj again;
	const char *why;
	size_t at, i;

	ward_jbuf_init(&line);
	write_back(obj, &line);
	if (line.err)
		fuzz_fail("writing back failed: %d", line.err);
	if (!has_duplicate_keys(obj) && !jsoncheck_object(line.data, line.len, &why, &at))
		fuzz_fail("written back, not strict JSON (%s at %zu): %s", why, at, line.data);
	if (ward_json_parse(line.data, line.len, &again))
		fuzz_fail("written back, refused by the parser: %s", line.data);
	if (again.n != obj->n)
		fuzz_fail("%zu fields came back as %zu", obj->n, again.n);
	for (i = 0; i < obj->n; i++)
		compare_field(&obj->fields[i], &again.fields[i]);
	ward_jobj_free(&again);
	ward_jbuf_free(&line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_jobj obj;
	char *copy;

	/* An exact-size copy, so ASan sees any read past the line's end. */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	if (size)
		memcpy(copy, data, size);
	if (!ward_json_parse(copy, size, &obj)) {
		check_round_trip(&obj);
		ward_jobj_free(&obj);
	}
	free(copy);
	return 0;
}
