// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The JSON writer and flat-object parser of json.h. The writer never
 * produces invalid UTF-8 (see json.h for how hostile bytes are written);
 * the parser accepts only the shapes the writer produces, invalid UTF-8
 * included, so anything else on an events line is reported as garbage
 * rather than guessed at.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

#define JBUF_MIN_CAP 256

void ward_jbuf_init(struct ward_jbuf *b)
{
	memset(b, 0, sizeof(*b));
}

void ward_jbuf_reset(struct ward_jbuf *b)
{
	b->len = 0;
	b->err = 0;
	b->need_comma = false;
	if (b->data)
		b->data[0] = '\0';
}

void ward_jbuf_free(struct ward_jbuf *b)
{
	free(b->data);
	ward_jbuf_init(b);
}

static bool jbuf_reserve(struct ward_jbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : JBUF_MIN_CAP;
	char *data;

	if (b->err)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	while (cap < b->len + more + 1)
		cap *= 2;
	data = realloc(b->data, cap);
	if (!data) {
		b->err = -ENOMEM;
		return false;
	}
	b->data = data;
	b->cap = cap;
	return true;
}

static void jbuf_put(struct ward_jbuf *b, const char *s, size_t len)
{
	if (!jbuf_reserve(b, len))
		return;
	memcpy(b->data + b->len, s, len);
	b->len += len;
	b->data[b->len] = '\0';
}

static void jbuf_puts(struct ward_jbuf *b, const char *s)
{
	jbuf_put(b, s, strlen(s));
}

/*
 * The length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when there is none.
 */
static size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;

	/* The second byte's range excludes overlongs, surrogates, > U+10FFFF. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;

	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

static void escape_control(struct ward_jbuf *b, unsigned char c)
{
	char esc[8];

	switch (c) {
	case '\b':
		jbuf_puts(b, "\\b");
		return;
	case '\f':
		jbuf_puts(b, "\\f");
		return;
	case '\n':
		jbuf_puts(b, "\\n");
		return;
	case '\r':
		jbuf_puts(b, "\\r");
		return;
	case '\t':
		jbuf_puts(b, "\\t");
		return;
	}
	snprintf(esc, sizeof(esc), "\\u%04x", c);
	jbuf_puts(b, esc);
}

void ward_json_escape(struct ward_jbuf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (p[i] == '"' || p[i] == '\\') {
			jbuf_put(b, "\\", 1);
			jbuf_put(b, (const char *)&p[i], 1);
			i++;
		} else if (p[i] < 0x20) {
			escape_control(b, p[i]);
			i++;
		} else if ((n = utf8_seq_len(p + i, len - i)) > 0) {
			jbuf_put(b, (const char *)&p[i], n);
			i += n;
		} else {
			jbuf_puts(b, "\\ufffd");
			i++;
		}
	}
}

static void put_quoted(struct ward_jbuf *b, const char *s, size_t len)
{
	jbuf_put(b, "\"", 1);
	ward_json_escape(b, s, len);
	jbuf_put(b, "\"", 1);
}

static void put_key(struct ward_jbuf *b, const char *key)
{
	if (b->need_comma)
		jbuf_put(b, ",", 1);
	put_quoted(b, key, strlen(key));
	jbuf_put(b, ":", 1);
	b->need_comma = true;
}

void ward_json_begin(struct ward_jbuf *b)
{
	jbuf_put(b, "{", 1);
	b->need_comma = false;
}

void ward_json_end(struct ward_jbuf *b)
{
	jbuf_put(b, "}", 1);
	b->need_comma = true;
}

void ward_json_strn(struct ward_jbuf *b, const char *key, const char *val, size_t len)
{
	put_key(b, key);
	put_quoted(b, val, len);
}

void ward_json_str(struct ward_jbuf *b, const char *key, const char *val)
{
	ward_json_strn(b, key, val, strlen(val));
}

void ward_json_uint(struct ward_jbuf *b, const char *key, uint64_t val)
{
	char num[24];

	put_key(b, key);
	snprintf(num, sizeof(num), "%llu", (unsigned long long)val);
	jbuf_puts(b, num);
}

void ward_json_raw(struct ward_jbuf *b, const char *s, size_t len)
{
	jbuf_put(b, s, len);
}

void ward_json_str_array(struct ward_jbuf *b, const char *key, const char *const *vals, size_t n)
{
	size_t i;

	put_key(b, key);
	jbuf_put(b, "[", 1);
	for (i = 0; i < n; i++) {
		if (i)
			jbuf_put(b, ",", 1);
		put_quoted(b, vals[i], strlen(vals[i]));
	}
	jbuf_put(b, "]", 1);
}

/* The parser: a cursor over the line, one function per shape. */
struct cursor {
	const char *p;
	const char *end;
};

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\r' || *c->p == '\n'))
		c->p++;
}

static bool take(struct cursor *c, char ch)
{
	skip_ws(c);
	if (c->p >= c->end || *c->p != ch)
		return false;
	c->p++;
	return true;
}

static int hex4(struct cursor *c, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	if (c->end - c->p < 4)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		char h = c->p[i];

		v <<= 4;
		if (h >= '0' && h <= '9')
			v |= h - '0';
		else if (h >= 'a' && h <= 'f')
			v |= h - 'a' + 10;
		else if (h >= 'A' && h <= 'F')
			v |= h - 'A' + 10;
		else
			return -EINVAL;
	}
	c->p += 4;
	*out = v;
	return 0;
}

static void put_utf8(struct ward_jbuf *b, unsigned int cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		u[0] = 0xf0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	jbuf_put(b, u, n);
}

/* After "\u": one code point, joining a surrogate pair; a lone one is U+FFFD. */
static int unicode_escape(struct cursor *c, struct ward_jbuf *b)
{
	unsigned int cp, lo;

	if (hex4(c, &cp))
		return -EINVAL;
	if (cp >= 0xd800 && cp <= 0xdbff && c->end - c->p >= 6 && c->p[0] == '\\' &&
	    c->p[1] == 'u') {
		struct cursor look = {c->p + 2, c->end};

		if (!hex4(&look, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
			c->p = look.p;
			cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		}
	}
	if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	put_utf8(b, cp);
	return 0;
}

static int simple_escape(char e, struct ward_jbuf *b)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	const char *at = e ? strchr(from, e) : NULL;

	if (!at)
		return -EINVAL;
	jbuf_put(b, &to[at - from], 1);
	return 0;
}

/* After a backslash. */
static int parse_escape(struct cursor *c, struct ward_jbuf *b)
{
	if (c->p >= c->end)
		return -EINVAL;
	if (*c->p == 'u') {
		c->p++;
		return unicode_escape(c, b);
	}
	return simple_escape(*c->p++, b);
}

static int parse_string(struct cursor *c, char **out)
{
	struct ward_jbuf b;
	int err = 0;

	if (!take(c, '"'))
		return -EINVAL;
	ward_jbuf_init(&b);
	jbuf_reserve(&b, 0);
	if (b.data)
		b.data[0] = '\0';
	while (!err && c->p < c->end && *c->p != '"') {
		unsigned char ch = *c->p;
		size_t n;

		if (ch == '\\') {
			c->p++;
			err = parse_escape(c, &b);
			continue;
		}
		/* The writer never writes a control byte nor invalid UTF-8. */
		n = utf8_seq_len((const unsigned char *)c->p, c->end - c->p);
		if (ch < 0x20 || !n) {
			err = -EINVAL;
			continue;
		}
		jbuf_put(&b, c->p, n);
		c->p += n;
	}
	if (!err && c->p >= c->end)
		err = -EINVAL;
	if (!err)
		err = b.err;
	if (err) {
		ward_jbuf_free(&b);
		return err;
	}
	c->p++;
	*out = b.data;
	return 0;
}

static int parse_uint(struct cursor *c, uint64_t *out)
{
	uint64_t v = 0;
	const char *start;

	skip_ws(c);
	start = c->p;
	while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
		unsigned int digit = *c->p++ - '0';

		if (v > (UINT64_MAX - digit) / 10)
			return -EINVAL;
		v = v * 10 + digit;
	}
	if (c->p == start)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_str_array(struct cursor *c, struct ward_jfield *f)
{
	char **items;
	int err;

	if (!take(c, '['))
		return -EINVAL;
	if (take(c, ']'))
		return 0;
	do {
		items = realloc(f->items, (f->nitems + 1) * sizeof(*items));
		if (!items)
			return -ENOMEM;
		f->items = items;
		err = parse_string(c, &f->items[f->nitems]);
		if (err)
			return err;
		f->nitems++;
	} while (take(c, ','));
	return take(c, ']') ? 0 : -EINVAL;
}

static int parse_value(struct cursor *c, struct ward_jfield *f)
{
	skip_ws(c);
	if (c->p >= c->end)
		return -EINVAL;
	if (*c->p == '"') {
		f->type = WARD_JSTR;
		return parse_string(c, &f->str);
	}
	if (*c->p == '[') {
		f->type = WARD_JARR;
		return parse_str_array(c, f);
	}
	f->type = WARD_JNUM;
	return parse_uint(c, &f->num);
}

static void field_free(struct ward_jfield *f)
{
	size_t i;

	free(f->key);
	free(f->str);
	for (i = 0; i < f->nitems; i++)
		free(f->items[i]);
	free(f->items);
}

static int parse_field(struct cursor *c, struct ward_jobj *o)
{
	struct ward_jfield *fields, *f;
	int err;

	fields = realloc(o->fields, (o->n + 1) * sizeof(*fields));
	if (!fields)
		return -ENOMEM;
	o->fields = fields;
	f = &fields[o->n];
	memset(f, 0, sizeof(*f));

	err = parse_string(c, &f->key);
	if (!err && !take(c, ':'))
		err = -EINVAL;
	if (!err)
		err = parse_value(c, f);
	if (err) {
		field_free(f);
		return err;
	}
	o->n++;
	return 0;
}

int ward_json_parse(const char *line, size_t len, struct ward_jobj *out)
{
	struct cursor c = {line, line + len};
	int err = 0;

	memset(out, 0, sizeof(*out));
	if (!take(&c, '{'))
		return -EINVAL;
	if (!take(&c, '}')) {
		do {
			err = parse_field(&c, out);
		} while (!err && take(&c, ','));
		if (!err && !take(&c, '}'))
			err = -EINVAL;
	}
	skip_ws(&c);
	if (!err && c.p != c.end)
		err = -EINVAL;
	if (err)
		ward_jobj_free(out);
	return err;
}

void ward_jobj_free(struct ward_jobj *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		field_free(&o->fields[i]);
	free(o->fields);
	o->fields = NULL;
	o->n = 0;
}

const struct ward_jfield *ward_jobj_get(const struct ward_jobj *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!strcmp(o->fields[i].key, key))
			return &o->fields[i];
	return NULL;
}

const char *ward_jobj_str(const struct ward_jobj *o, const char *key)
{
	const struct ward_jfield *f = ward_jobj_get(o, key);

	return f && f->type == WARD_JSTR ? f->str : NULL;
}

int ward_jobj_uint(const struct ward_jobj *o, const char *key, uint64_t *out)
{
	const struct ward_jfield *f = ward_jobj_get(o, key);

	if (!f || f->type != WARD_JNUM)
		return -ENOENT;
	*out = f->num;
	return 0;
}
