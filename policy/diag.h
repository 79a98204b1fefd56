/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Collecting the loader's errors and warnings (struct ward_diags of
 * policy.h), and finding the known word nearest to a misspelt one so that a
 * message can say "did you mean ...?".
 *
 * At most WARD_DIAG_MAX diagnostics are stored; further ones are counted
 * (ward_diags.dropped, and errors in nerrors) so that a file with a million
 * mistakes still loads in bounded memory and prints a readable report.
 */
#ifndef WARD_DIAG_H
#define WARD_DIAG_H

#include <stdarg.h>

#include "policy.h"

#define WARD_DIAG_MAX 1000

/* Suggestions are computed for the first errors only, so that their cost stays bounded. */
#define WARD_SUGGEST_MAX_ERRORS 100

void ward_diag(struct ward_diags *diags, enum ward_severity severity, struct ward_pos pos,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ward_diag_error(struct ward_diags *diags, struct ward_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ward_diag_warn(struct ward_diags *diags, struct ward_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Order the diagnostics by position, keeping the order of those at one position. */
void ward_diags_sort(struct ward_diags *diags);

/*
 * The candidate nearest to a word, by edit distance, among those offered
 * with ward_suggest_offer(); none when every candidate is too far to be a
 * plausible typo.
 */
struct ward_suggest {
	const char *word;
	const char *best;
	unsigned int best_dist;
};

void ward_suggest_init(struct ward_suggest *s, const char *word);
void ward_suggest_offer(struct ward_suggest *s, const char *candidate);
/* The best candidate, or NULL. */
const char *ward_suggest_best(const struct ward_suggest *s);

/* Whether suggestions are still worth computing for @diags (see WARD_SUGGEST_MAX_ERRORS). */
bool ward_suggest_wanted(const struct ward_diags *diags);

/* The edit distance of @a and @b when at most @max, else @max + 1. */
unsigned int ward_edit_distance(const char *a, const char *b, unsigned int max);

/*
 * @s (of @len bytes) made safe to quote in a message: control bytes become
 * \xNN and a long text is cut short with "...". Writes into @buf of @size bytes.
 */
const char *ward_quote(const char *s, size_t len, char *buf, size_t size);

#define WARD_QUOTE_SIZE 96

#endif /* WARD_DIAG_H */
