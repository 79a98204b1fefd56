/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A plan of test runs ("probes") timed in interleaved rounds: every round
 * runs every probe once, starting from a different probe each round, so that
 * slow drifts of the machine spread over all of them alike. A probe's sample
 * is its time minus the time of its baseline probe in the same round.
 */
#ifndef BENCH_PROBE_H
#define BENCH_PROBE_H

#include "stats.h"
#include "testrun.h"

struct bench_probe {
	const char *name;  /* series name */
	const char *label; /* what the table prints */
	int fd;
	enum bench_hook hook;
	struct bench_frame frame;
	int ifindex;
	uint32_t repeat;
	int base;      /* index of the baseline probe; -1: record the time itself */
	uint32_t want; /* the verdict the probe must return, or it measured the wrong path */
	int (*prepare)(void *arg); /* called before each run (e.g. to point a tail call) */
	void *arg;
};

struct bench_plan {
	struct bench_probe *items;
	size_t count, cap;
};

/* Append a copy of @probe; returns its index, or -ENOMEM. */
int bench_plan_add(struct bench_plan *plan, const struct bench_probe *probe);

/*
 * Run @rounds rounds of the plan and append one sample per probe and round
 * to @res. Returns 0, -EPROTO when a probe returned another verdict than
 * its @want (reported on stderr), or the -errno of a failed test run.
 */
int bench_plan_run(struct bench_plan *plan, int rounds, struct bench_results *res);

/*
 * Run the probe named @name over and over for @seconds, recording nothing:
 * a load to look at with perf. Returns 0, -ENOENT when no probe has that
 * name, or the -errno of a failed test run.
 */
int bench_plan_spin(struct bench_plan *plan, const char *name, double seconds);

void bench_plan_free(struct bench_plan *plan);

#endif /* BENCH_PROBE_H */
