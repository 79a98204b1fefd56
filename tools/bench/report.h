/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The output of `make bench`: one table of the measured series and of the
 * figures of issue 6 derived from them, each as median and min-max over the
 * rounds, and the same as JSON. A figure is computed round by round from
 * series measured in that round (a ratio of two series, or one series
 * scaled), so its range reflects how the figure itself varied.
 *
 * Targets are printed and compared, never enforced: a missed target is a
 * finding, not a failure.
 */
#ifndef BENCH_REPORT_H
#define BENCH_REPORT_H

#include <stdio.h>

#include "machine.h"
#include "stats.h"

enum bench_cmp {
	BENCH_NO_TARGET,
	BENCH_AT_MOST,
	BENCH_AT_LEAST,
};

struct bench_figure {
	const char *id; /* "B1" */
	const char *label;
	const char *num; /* series name */
	const char *den; /* series name, or NULL when the figure is num x scale */
	double scale;
	const char *unit;
	enum bench_cmp cmp;
	double target;
};

struct bench_report {
	struct bench_results *res;
	const struct bench_machine *machine;
	const struct bench_figure *figures;
	size_t nfigures;
	int rounds;
	unsigned int repeat;
	int cpu;
	char *notes[64]; /* why a figure or series is missing, or how it was taken */
	size_t nnotes;
};

/* Add a line under the table. Returns 0 or -ENOMEM. */
int bench_note(struct bench_report *rep, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Compute every figure's series ("fig.<id>") from the measured ones. Returns 0 or -ENOMEM. */
int bench_compute_figures(struct bench_report *rep);

void bench_print_table(const struct bench_report *rep, FILE *out);
void bench_print_json(const struct bench_report *rep, FILE *out);

void bench_report_free(struct bench_report *rep);

#endif /* BENCH_REPORT_H */
