/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One instance of ward's datapath for the benchmark: the real programs from
 * the skeleton, with their own maps, holding a policy of layout.h compiled
 * with ward_compile() and installed with agent/maps.c, as ward run does.
 * Each policy size gets its own instance, so the sizes can be timed in
 * interleaved rounds without reloading anything between them.
 */
#ifndef BENCH_WARD_H
#define BENCH_WARD_H

#include <stdint.h>

#include "maps.h"
#include "testrun.h"

struct ward_bpf;
struct ward_policy;

struct bench_ward {
	struct ward_bpf *skel;
	struct ward_maps maps; /* borrowed from skel */
	struct ward_policy *policy;
	uint32_t ndevices, nrules;
	uint64_t generation;
	int ifindex;
	char scale[24]; /* "10000x20" */
};

/* Times of one policy load, in seconds. */
struct bench_load {
	double compile_s; /* ward_compile() */
	double apply_s;	  /* compile + fill the inactive slot + flip it */
};

/*
 * Load ward's programs and install the policy of @ndevices x @nrules on
 * interface @iface (@ifindex). Returns 0, or a negative errno (logged);
 * the caller frees with bench_ward_close() either way.
 */
int bench_ward_open(struct bench_ward *w, const char *iface, int ifindex, uint32_t ndevices,
		    uint32_t nrules, struct bench_load *load);

/* Compile the policy again under the next generation and install it. */
int bench_ward_reload(struct bench_ward *w, struct bench_load *load);

/* Open the measured flow: its SYN through XDP, the SYN-ACK through TC. */
int bench_ward_open_flow(void *w);

int bench_ward_xdp_fd(const struct bench_ward *w);
int bench_ward_tc_fd(const struct bench_ward *w);
int bench_ward_events_fd(const struct bench_ward *w);	/* the ring buffer */
int bench_ward_suppress_fd(const struct bench_ward *w); /* ward_ev_suppress */

void bench_ward_close(struct bench_ward *w);

#endif /* BENCH_WARD_H */
