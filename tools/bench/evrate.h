/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * B6: how many events per second go from the datapath's ring buffer to the
 * JSON lines file, sustained, and whether every dropped packet is accounted
 * for. One thread floods ward's XDP program with denied packets, each of a
 * new kind (bench_fresh varying the destination address and port), so none
 * is held back; the other drains the ring buffer the way the agent does:
 * ward_event_names_resolve(), ward_event_format_packet(), ward_sink_append().
 */
#ifndef BENCH_EVRATE_H
#define BENCH_EVRATE_H

#include <stdint.h>

#include "testrun.h"

struct ward_maps;

struct bench_evrate_setup {
	int driver_fd;	/* bench_fresh, its tail call pointing at ward's XDP program */
	int ringbuf_fd; /* ward_events */
	const struct ward_maps *maps; /* agent/maps.c's: the counters of the slot in force */
	int suppress_fd;	      /* ward_ev_suppress */
	uint32_t device_id;
	uint64_t generation;
	const char *device_name;
	const char *iface_name;
	struct bench_frame frame; /* a denied packet of the device */
	int ifindex;
	int flood_cpu, drain_cpu;
	double seconds;
	const char *path; /* the JSON lines file */
};

struct bench_evrate {
	double seconds;	    /* how long the flood lasted */
	uint64_t lines;	    /* event lines in the file */
	uint64_t delivered; /* packets they stand for (sum of "count") */
	uint64_t held;	    /* held back in ward_ev_suppress */
	uint64_t lost;	    /* counted as lost by the datapath */
	uint64_t dropped;   /* counted as dropped by the datapath */
	uint64_t flooded;   /* packets the flood sent */
};

/* Returns 0 and fills @out, or a negative errno. */
int bench_evrate_run(const struct bench_evrate_setup *setup, struct bench_evrate *out);

#endif /* BENCH_EVRATE_H */
