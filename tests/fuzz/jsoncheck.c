// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The strict JSON validator of jsoncheck.h: a recursive descent over the
 * RFC 8259 grammar, one function per production, nesting bounded by
 * MAX_DEPTH. Keys of an object are kept (as raw escaped text, which is
 * enough to catch the writer repeating a key) to refuse duplicates.
 */
#include <string.h>

#include "jsoncheck.h"

#define MAX_DEPTH 32
#define MAX_KEYS  64

struct jc {
	const unsigned char *start, *p, *end;
	const char *why;
	int depth;
};

static bool fail(struct jc *c, const char *why)
{
	if (!c->why)
		c->why = why;
	return false;
}

static void skip_ws(struct jc *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
		c->p++;
}

/* The length of the well-formed UTF-8 sequence at @s, 0 when there is none. */
static size_t utf8_len(const unsigned char *s, size_t avail)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

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
	if (s[0] == 0xe0)
		lo = 0xa0; /* overlong */
	else if (s[0] == 0xed)
		hi = 0x9f; /* surrogates */
	else if (s[0] == 0xf0)
		lo = 0x90; /* overlong */
	else if (s[0] == 0xf4)
		hi = 0x8f; /* above U+10FFFF */
	if (avail < n || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

bool jsoncheck_utf8(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if (!p[i])
			return false;
		n = utf8_len(p + i, len - i);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

static bool hex4(struct jc *c, unsigned int *out)
{
	unsigned int v = 0;
	int i;

	if (c->end - c->p < 4)
		return fail(c, "truncated \\u escape");
	for (i = 0; i < 4; i++) {
		unsigned char h = c->p[i];

		v <<= 4;
		if (h >= '0' && h <= '9')
			v |= h - '0';
		else if (h >= 'a' && h <= 'f')
			v |= h - 'a' + 10;
		else if (h >= 'A' && h <= 'F')
			v |= h - 'A' + 10;
		else
			return fail(c, "bad hex digit in \\u escape");
	}
	c->p += 4;
	*out = v;
	return true;
}

/* After "\u": a code point, a high surrogate only when a low one follows. */
static bool unicode_escape(struct jc *c)
{
	unsigned int cp, lo;

	if (!hex4(c, &cp))
		return false;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(c, "lone low surrogate");
	if (cp < 0xd800 || cp > 0xdbff)
		return true;
	if (c->end - c->p < 2 || c->p[0] != '\\' || c->p[1] != 'u')
		return fail(c, "lone high surrogate");
	c->p += 2;
	if (!hex4(c, &lo))
		return false;
	if (lo < 0xdc00 || lo > 0xdfff)
		return fail(c, "high surrogate without its low half");
	return true;
}

static bool escape(struct jc *c)
{
	if (c->p >= c->end)
		return fail(c, "truncated escape");
	switch (*c->p++) {
	case '"':
	case '\\':
	case '/':
	case 'b':
	case 'f':
	case 'n':
	case 'r':
	case 't':
		return true;
	case 'u':
		return unicode_escape(c);
	}
	return fail(c, "unknown escape");
}

static bool string(struct jc *c)
{
	size_t n;

	if (c->p >= c->end || *c->p != '"')
		return fail(c, "expected a string");
	c->p++;
	while (c->p < c->end && *c->p != '"') {
		if (*c->p < 0x20)
			return fail(c, "control character in a string");
		if (*c->p == '\\') {
			c->p++;
			if (!escape(c))
				return false;
			continue;
		}
		n = utf8_len(c->p, c->end - c->p);
		if (!n)
			return fail(c, "invalid UTF-8 in a string");
		c->p += n;
	}
	if (c->p >= c->end)
		return fail(c, "unterminated string");
	c->p++;
	return true;
}

static bool digits(struct jc *c)
{
	const unsigned char *from = c->p;

	while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		c->p++;
	return c->p > from ? true : fail(c, "expected a digit");
}

static bool number(struct jc *c)
{
	if (c->p < c->end && *c->p == '-')
		c->p++;
	if (c->p < c->end && *c->p == '0')
		c->p++;
	else if (!digits(c))
		return false;
	if (c->p < c->end && *c->p == '.') {
		c->p++;
		if (!digits(c))
			return false;
	}
	if (c->p < c->end && (*c->p == 'e' || *c->p == 'E')) {
		c->p++;
		if (c->p < c->end && (*c->p == '+' || *c->p == '-'))
			c->p++;
		if (!digits(c))
			return false;
	}
	if (c->p < c->end && *c->p >= '0' && *c->p <= '9')
		return fail(c, "leading zero");
	return true;
}

static bool literal(struct jc *c, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n))
		return fail(c, "unknown literal");
	c->p += n;
	return true;
}

static bool value(struct jc *c);

static bool array(struct jc *c)
{
	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == ']') {
		c->p++;
		return true;
	}
	for (;;) {
		if (!value(c))
			return false;
		skip_ws(c);
		if (c->p < c->end && *c->p == ']') {
			c->p++;
			return true;
		}
		if (c->p >= c->end || *c->p != ',')
			return fail(c, "expected ',' or ']'");
		c->p++;
	}
}

struct key {
	const unsigned char *at;
	size_t len;
};

static bool remember_key(struct jc *c, struct key *keys, size_t *nkeys, const unsigned char *at)
{
	size_t len = c->p - at, i;

	for (i = 0; i < *nkeys; i++)
		if (keys[i].len == len && !memcmp(keys[i].at, at, len))
			return fail(c, "duplicate key");
	if (*nkeys == MAX_KEYS)
		return fail(c, "too many keys to check for duplicates");
	keys[*nkeys].at = at;
	keys[*nkeys].len = len;
	(*nkeys)++;
	return true;
}

static bool member(struct jc *c, struct key *keys, size_t *nkeys)
{
	const unsigned char *at;

	skip_ws(c);
	at = c->p;
	if (!string(c) || !remember_key(c, keys, nkeys, at))
		return false;
	skip_ws(c);
	if (c->p >= c->end || *c->p != ':')
		return fail(c, "expected ':'");
	c->p++;
	return value(c);
}

static bool object(struct jc *c)
{
	struct key keys[MAX_KEYS];
	size_t nkeys = 0;

	c->p++;
	skip_ws(c);
	if (c->p < c->end && *c->p == '}') {
		c->p++;
		return true;
	}
	for (;;) {
		if (!member(c, keys, &nkeys))
			return false;
		skip_ws(c);
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return true;
		}
		if (c->p >= c->end || *c->p != ',')
			return fail(c, "expected ',' or '}'");
		c->p++;
	}
}

static bool value(struct jc *c)
{
	bool ok;

	skip_ws(c);
	if (c->p >= c->end)
		return fail(c, "expected a value");
	if (++c->depth > MAX_DEPTH)
		return fail(c, "nested too deep");
	switch (*c->p) {
	case '{':
		ok = object(c);
		break;
	case '[':
		ok = array(c);
		break;
	case '"':
		ok = string(c);
		break;
	case 't':
		ok = literal(c, "true");
		break;
	case 'f':
		ok = literal(c, "false");
		break;
	case 'n':
		ok = literal(c, "null");
		break;
	default:
		ok = number(c);
	}
	c->depth--;
	return ok;
}

bool jsoncheck_object(const char *text, size_t len, const char **why, size_t *at)
{
	struct jc c = {(const unsigned char *)text, (const unsigned char *)text,
		       (const unsigned char *)text + len, NULL, 0};
	bool ok;

	skip_ws(&c);
	if (c.p >= c.end || *c.p != '{')
		ok = fail(&c, "not an object");
	else
		ok = value(&c);
	if (ok) {
		skip_ws(&c);
		if (c.p != c.end)
			ok = fail(&c, "bytes after the object");
	}
	*why = c.why;
	*at = c.p - c.start;
	return ok;
}
