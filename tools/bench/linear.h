/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The linear-scan filter of bpf/bench.bpf.c, holding the rules of
 * layout.h: what the cost of a filter looks like when it checks rules one
 * by one. The rules of every device are filled once; a probe chooses how
 * many of them the filter sees.
 */
#ifndef BENCH_LINEAR_H
#define BENCH_LINEAR_H

#include <stdint.h>

#include "bench.skel.h"

/* Fill the rules of @ndevices devices with @nrules rules each. Returns 0 or -errno. */
int bench_linear_fill(struct bench_bpf *skel, uint32_t ndevices, uint32_t nrules);

struct bench_linear_size {
	struct bench_bpf *skel;
	uint32_t nrules; /* rules the filter scans: devices x rules per device */
};

/* A probe's prepare(): make the filter see @arg's number of rules. */
int bench_linear_prepare(void *arg);

#endif /* BENCH_LINEAR_H */
