/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The samples of `make bench`: one named series per measured quantity, one
 * sample per interleaved round, summarised as median, minimum and maximum.
 * A struct bench_results owns its series and their samples.
 */
#ifndef BENCH_STATS_H
#define BENCH_STATS_H

#include <stddef.h>

#define BENCH_NAME_MAX 48

struct bench_series {
	char name[BENCH_NAME_MAX]; /* key in the JSON output, e.g. "xdp.ward.tracked" */
	char label[96];		   /* what the table prints */
	char unit[8];		   /* "ns", "ratio", "Gbit/s", ... */
	double *v;
	size_t n, cap;
};

struct bench_summary {
	double median, min, max;
	size_t n;
};

struct bench_results {
	struct bench_series *items;
	size_t count, cap;
};

/*
 * Find the series @name, creating it with @label and @unit when it does not
 * exist. Returns NULL when out of memory.
 */
struct bench_series *bench_series_get(struct bench_results *res, const char *name,
				      const char *label, const char *unit);

/* The series @name, or NULL. */
const struct bench_series *bench_series_find(const struct bench_results *res, const char *name);

/* Append @value to @name (see bench_series_get()). Returns 0 or -ENOMEM. */
int bench_add(struct bench_results *res, const char *name, const char *label, const char *unit,
	      double value);

/* Median (mean of the middle two for an even count), minimum and maximum. */
void bench_summarize(const struct bench_series *s, struct bench_summary *out);

void bench_results_free(struct bench_results *res);

#endif /* BENCH_STATS_H */
