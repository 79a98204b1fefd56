// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Interleaved rounds of test runs, each probe minus its baseline.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "probe.h"

int bench_plan_add(struct bench_plan *plan, const struct bench_probe *probe)
{
	struct bench_probe *items;
	size_t cap;

	if (plan->count == plan->cap) {
		cap = plan->cap ? 2 * plan->cap : 16;
		items = realloc(plan->items, cap * sizeof(*items));
		if (!items)
			return -ENOMEM;
		plan->items = items;
		plan->cap = cap;
	}
	plan->items[plan->count] = *probe;
	return (int)plan->count++;
}

static int run_probe(struct bench_probe *p, uint32_t *ns)
{
	struct bench_run run;
	int err;

	if (p->prepare) {
		err = p->prepare(p->arg);
		if (err)
			return err;
	}

	err = bench_test_run(p->fd, p->hook, &p->frame, p->ifindex, p->repeat, &run);
	if (err) {
		pr_err("test run of %s failed: %s", p->name, strerror(-err));
		return err;
	}

	if (run.retval != p->want) {
		pr_err("%s returned verdict %u, expected %u: it did not take the path it measures",
		       p->name, run.retval, p->want);
		return -EPROTO;
	}
	*ns = run.duration_ns;
	return 0;
}

static int record_round(const struct bench_plan *plan, const uint32_t *ns,
			struct bench_results *res)
{
	int err;

	for (size_t i = 0; i < plan->count; i++) {
		const struct bench_probe *p = &plan->items[i];
		double v = ns[i];

		if (p->base >= 0)
			v -= ns[p->base];
		err = bench_add(res, p->name, p->label, "ns", v);
		if (err)
			return err;
	}
	return 0;
}

int bench_plan_run(struct bench_plan *plan, int rounds, struct bench_results *res)
{
	uint32_t *ns;
	int err = 0;

	ns = calloc(plan->count ? plan->count : 1, sizeof(*ns));
	if (!ns)
		return -ENOMEM;

	for (int r = 0; r < rounds && !err; r++) {
		for (size_t k = 0; k < plan->count && !err; k++) {
			size_t i = (k + (size_t)r) % plan->count;

			err = run_probe(&plan->items[i], &ns[i]);
		}
		if (!err)
			err = record_round(plan, ns, res);
	}

	free(ns);
	return err;
}

int bench_plan_spin(struct bench_plan *plan, const char *name, double seconds)
{
	struct timespec start, now;
	uint32_t ns;
	int err = 0;

	for (size_t i = 0; i < plan->count; i++) {
		if (strcmp(plan->items[i].name, name))
			continue;
		clock_gettime(CLOCK_MONOTONIC, &start);
		do {
			err = run_probe(&plan->items[i], &ns);
			clock_gettime(CLOCK_MONOTONIC, &now);
		} while (!err && (double)(now.tv_sec - start.tv_sec) +
						 (double)(now.tv_nsec - start.tv_nsec) / 1e9 <
					 seconds);
		return err;
	}
	pr_err("no probe named %s", name);
	return -ENOENT;
}

void bench_plan_free(struct bench_plan *plan)
{
	free(plan->items);
	memset(plan, 0, sizeof(*plan));
}
