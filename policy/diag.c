// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Errors and warnings of the policy loader: storing them with their
 * position, sorting and printing them, and the "did you mean" suggestions.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"

#define EDIT_MAX_LEN 64 /* longer words are never typos of a key we know */

static bool store(struct ward_diags *diags, struct ward_diag *d)
{
	struct ward_diag *items;

	if (diags->count >= WARD_DIAG_MAX)
		return false;
	/*
	 * Grow by one: other code (the compiler) appends to the same array the
	 * same way, and at most WARD_DIAG_MAX diagnostics are ever stored.
	 */
	items = realloc(diags->items, (diags->count + 1) * sizeof(*items));
	if (!items)
		return false;
	diags->items = items;
	diags->items[diags->count++] = *d;
	return true;
}

static void vdiag(struct ward_diags *diags, enum ward_severity severity, struct ward_pos pos,
		  const char *fmt, va_list ap)
{
	struct ward_diag d = {.severity = severity, .pos = pos};

	if (severity == WARD_SEV_ERROR)
		diags->nerrors++;
	if (diags->count >= WARD_DIAG_MAX || vasprintf(&d.message, fmt, ap) < 0) {
		diags->dropped++;
		return;
	}
	if (!store(diags, &d)) {
		free(d.message);
		diags->dropped++;
	}
}

void ward_diag(struct ward_diags *diags, enum ward_severity severity, struct ward_pos pos,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(diags, severity, pos, fmt, ap);
	va_end(ap);
}

void ward_diag_error(struct ward_diags *diags, struct ward_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(diags, WARD_SEV_ERROR, pos, fmt, ap);
	va_end(ap);
}

void ward_diag_warn(struct ward_diags *diags, struct ward_pos pos, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(diags, WARD_SEV_WARNING, pos, fmt, ap);
	va_end(ap);
}

static int cmp_pos(const struct ward_pos *a, const struct ward_pos *b)
{
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->col != b->col)
		return a->col < b->col ? -1 : 1;
	return 0;
}

void ward_diags_sort(struct ward_diags *diags)
{
	struct ward_diag d;
	size_t i, j;

	/* Insertion sort: stable, and the list is short and nearly in order. */
	for (i = 1; i < diags->count; i++) {
		d = diags->items[i];
		for (j = i; j > 0 && cmp_pos(&diags->items[j - 1].pos, &d.pos) > 0; j--)
			diags->items[j] = diags->items[j - 1];
		diags->items[j] = d;
	}
}

void ward_diags_print(const struct ward_diags *diags, const char *file, FILE *out)
{
	const struct ward_diag *d;
	const char *sev;
	size_t i;

	for (i = 0; i < diags->count; i++) {
		d = &diags->items[i];
		sev = d->severity == WARD_SEV_ERROR ? "error" : "warning";
		if (d->pos.line)
			fprintf(out, "%s:%u:%u: %s: %s\n", file, d->pos.line, d->pos.col, sev,
				d->message);
		else
			fprintf(out, "%s: %s: %s\n", file, sev, d->message);
	}
	if (diags->dropped)
		fprintf(out, "%s: note: %zu more errors and warnings not shown (%d at most are)\n",
			file, diags->dropped, WARD_DIAG_MAX);
}

void ward_diags_free(struct ward_diags *diags)
{
	size_t i;

	for (i = 0; i < diags->count; i++)
		free(diags->items[i].message);
	free(diags->items);
	memset(diags, 0, sizeof(*diags));
}

static unsigned int min3(unsigned int a, unsigned int b, unsigned int c)
{
	unsigned int m = a < b ? a : b;

	return m < c ? m : c;
}

unsigned int ward_edit_distance(const char *a, const char *b, unsigned int max)
{
	unsigned int row[EDIT_MAX_LEN + 1], diag, up, best;
	size_t la = strlen(a), lb = strlen(b), i, j;

	if (la > EDIT_MAX_LEN || lb > EDIT_MAX_LEN || (la > lb ? la - lb : lb - la) > max)
		return max + 1;

	/* Levenshtein distance, one row at a time. */
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		best = row[0];
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = min3(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1]));
			diag = up;
			best = best < row[j] ? best : row[j];
		}
		if (best > max)
			return max + 1;
	}
	return row[lb] <= max ? row[lb] : max + 1;
}

/* How far a word may be from a candidate and still look like a typo of it. */
static unsigned int typo_budget(const char *word)
{
	size_t len = strlen(word);

	if (len <= 3)
		return 1;
	return len <= 6 ? 2 : 3;
}

void ward_suggest_init(struct ward_suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->best_dist = typo_budget(word) + 1;
}

void ward_suggest_offer(struct ward_suggest *s, const char *candidate)
{
	unsigned int d;

	d = ward_edit_distance(s->word, candidate, s->best_dist - 1);
	if (d < s->best_dist && d > 0) {
		s->best = candidate;
		s->best_dist = d;
	}
}

const char *ward_suggest_best(const struct ward_suggest *s)
{
	return s->best;
}

bool ward_suggest_wanted(const struct ward_diags *diags)
{
	return diags->nerrors < WARD_SUGGEST_MAX_ERRORS;
}

const char *ward_quote(const char *s, size_t len, char *buf, size_t size)
{
	size_t i, n = 0;
	unsigned char c;

	for (i = 0; i < len && n + 8 < size; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			n += snprintf(buf + n, size - n, "\\x%02x", c);
		else
			buf[n++] = (char)c;
	}
	/* Do not cut a UTF-8 sequence in two. */
	if (i < len)
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0x80)
			n--;
	if (i < len && n > 0 && ((unsigned char)buf[n - 1] & 0xc0) == 0xc0)
		n--;
	if (i < len)
		n += snprintf(buf + n, size - n, "...");
	buf[n] = '\0';
	return buf;
}
