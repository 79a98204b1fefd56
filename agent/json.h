/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The small JSON of ward's event lines: a writer that builds one flat object
 * (strings, unsigned numbers, arrays of strings) in a growing buffer, and a
 * parser for exactly those objects, which `ward tail` reads back.
 *
 * Strings are written as valid UTF-8 whatever bytes they hold: '"', '\' and
 * control characters are escaped ("\n", "\t", ... or "\u00XX"), well-formed
 * UTF-8 sequences are copied, and every byte that does not belong to one
 * (a stray continuation byte, a truncated sequence, an overlong form, a
 * surrogate, a code point above U+10FFFF) becomes U+FFFD, written "\ufffd".
 * The reader of the line sees that a byte was unreadable; it never receives
 * invalid UTF-8.
 */
#ifndef WARD_JSON_H
#define WARD_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A growing buffer holding one object. On allocation failure the buffer
 * keeps what it had and err becomes -ENOMEM; later writes do nothing, so a
 * caller checks err once, at the end.
 */
struct ward_jbuf {
	char *data; /* NUL-terminated once anything is written */
	size_t len;
	size_t cap;
	int err;
	bool need_comma;
};

void ward_jbuf_init(struct ward_jbuf *b);
void ward_jbuf_reset(struct ward_jbuf *b); /* empty it, keep the memory */
void ward_jbuf_free(struct ward_jbuf *b);

void ward_json_begin(struct ward_jbuf *b); /* '{' */
void ward_json_end(struct ward_jbuf *b);   /* '}' */
void ward_json_str(struct ward_jbuf *b, const char *key, const char *val);
void ward_json_strn(struct ward_jbuf *b, const char *key, const char *val, size_t len);
void ward_json_uint(struct ward_jbuf *b, const char *key, uint64_t val);
/* Append @len bytes of JSON text as they are: the caller vouches that they need no escaping. */
void ward_json_raw(struct ward_jbuf *b, const char *s, size_t len);
void ward_json_str_array(struct ward_jbuf *b, const char *key, const char *const *vals, size_t n);

/* Append @len bytes of @s as the inside of a JSON string (no quotes). */
void ward_json_escape(struct ward_jbuf *b, const char *s, size_t len);

enum ward_jtype {
	WARD_JSTR,
	WARD_JNUM,
	WARD_JARR, /* of strings */
};

struct ward_jfield {
	char *key;
	enum ward_jtype type;
	char *str;    /* WARD_JSTR, decoded, NUL-terminated */
	uint64_t num; /* WARD_JNUM */
	char **items; /* WARD_JARR */
	size_t nitems;
};

struct ward_jobj {
	struct ward_jfield *fields;
	size_t n;
};

/*
 * Parse one line holding a flat object of strings, unsigned integers and
 * arrays of strings, surrounded by optional whitespace. Returns 0 and fills
 * @out (freed with ward_jobj_free()), -EINVAL when the line is anything
 * else (a string holding bytes that are not UTF-8 included), -ENOMEM. \uXXXX escapes (and surrogate
 * pairs) are decoded to UTF-8.
 */
int ward_json_parse(const char *line, size_t len, struct ward_jobj *out);
void ward_jobj_free(struct ward_jobj *o);

/* The string or number of @key; NULL / -ENOENT when absent or another type. */
const char *ward_jobj_str(const struct ward_jobj *o, const char *key);
int ward_jobj_uint(const struct ward_jobj *o, const char *key, uint64_t *out);
const struct ward_jfield *ward_jobj_get(const struct ward_jobj *o, const char *key);

#endif /* WARD_JSON_H */
