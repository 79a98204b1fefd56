// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Named series of samples and their median and range, for `make bench`.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

struct bench_series *bench_series_get(struct bench_results *res, const char *name,
				      const char *label, const char *unit)
{
	struct bench_series *s;
	size_t cap;

	for (size_t i = 0; i < res->count; i++)
		if (!strcmp(res->items[i].name, name))
			return &res->items[i];

	if (res->count == res->cap) {
		cap = res->cap ? 2 * res->cap : 32;
		s = realloc(res->items, cap * sizeof(*s));
		if (!s)
			return NULL;
		res->items = s;
		res->cap = cap;
	}

	s = &res->items[res->count++];
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", name);
	snprintf(s->label, sizeof(s->label), "%s", label);
	snprintf(s->unit, sizeof(s->unit), "%s", unit);
	return s;
}

const struct bench_series *bench_series_find(const struct bench_results *res, const char *name)
{
	for (size_t i = 0; i < res->count; i++)
		if (!strcmp(res->items[i].name, name))
			return &res->items[i];
	return NULL;
}

int bench_add(struct bench_results *res, const char *name, const char *label, const char *unit,
	      double value)
{
	struct bench_series *s;
	double *v;
	size_t cap;

	s = bench_series_get(res, name, label, unit);
	if (!s)
		return -ENOMEM;

	if (s->n == s->cap) {
		cap = s->cap ? 2 * s->cap : 8;
		v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = value;
	return 0;
}

static int compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_summarize(const struct bench_series *s, struct bench_summary *out)
{
	double *sorted;

	memset(out, 0, sizeof(*out));
	sorted = s->n ? malloc(s->n * sizeof(*sorted)) : NULL;
	if (!sorted)
		return;

	out->n = s->n;
	memcpy(sorted, s->v, s->n * sizeof(*sorted));
	qsort(sorted, s->n, sizeof(*sorted), compare_doubles);
	out->min = sorted[0];
	out->max = sorted[s->n - 1];
	if (s->n % 2)
		out->median = sorted[s->n / 2];
	else
		out->median = (sorted[s->n / 2 - 1] + sorted[s->n / 2]) / 2;
	free(sorted);
}

void bench_results_free(struct bench_results *res)
{
	for (size_t i = 0; i < res->count; i++)
		free(res->items[i].v);
	free(res->items);
	memset(res, 0, sizeof(*res));
}
