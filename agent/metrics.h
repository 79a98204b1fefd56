/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ward's counters for Prometheus, as a file in the text exposition format
 * that node_exporter's textfile collector serves (e.g. --metrics
 * /var/lib/prometheus/node-exporter/ward.prom). The agent rewrites it every
 * WARD_METRICS_INTERVAL_MS and when it stops, atomically: a hidden temporary
 * file in the same directory, written, synced, made 0644 and renamed over
 * the old one, so a scrape never reads half a file.
 *
 * What is written comes from the pins (as `ward status` reads them) and
 * from the agent (its start time, its syslog counts). Packet counters count
 * since the policy in force was loaded, so a reload resets them; Prometheus
 * sees the reset as it sees a restart. Names and meanings: docs/operations.md.
 *
 * Use from the agent:
 *
 *	ward_metrics_open(path, pin_dir, &m);
 *	...at every tick: ward_metrics_tick(m, now_ms, &agent_info);
 *	...at the end: ward_metrics_write(m, &agent_info); ward_metrics_close(m);
 */
#ifndef WARD_METRICS_H
#define WARD_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sha256.h"
#include "syslog.h"
#include "ward_abi.h"

#define WARD_METRICS_INTERVAL_MS 5000

struct ward_maps;

/* What only the agent knows. */
struct ward_metrics_agent {
	const struct ward_maps *maps; /* the agent's, or NULL to open the pins */
	uint64_t start_ns;	      /* CLOCK_REALTIME when the agent started */
	bool has_syslog;
	struct ward_syslog_stats syslog;
};

struct ward_metrics_device {
	char name[WARD_NAME_MAX];
	uint8_t criticality; /* enum ward_criticality */
	uint8_t mode;	     /* enum ward_mode */
	struct ward_counters c;
};

/* One reading of everything written. */
struct ward_metrics_snap {
	bool has_policy; /* false before any policy was put in force */
	uint64_t generation;
	uint64_t loaded_at_ns;
	char sha256[WARD_SHA256_HEX];
	uint32_t ndevices;
	struct ward_metrics_device *devices;
	uint32_t nifaces;
	char ifnames[WARD_MAX_IFACES][WARD_IFNAME_MAX];
	struct ward_counters unknown[WARD_MAX_IFACES]; /* hosts no device matches */
	struct ward_stats stats;
	uint64_t flows_tracked;
	uint64_t flows_tracked_critical;
	uint32_t flow_table_size; /* max_entries of the shared table */
	uint64_t held_back;	  /* packets waiting for the next event of their kind */
	struct ward_metrics_agent agent;
};

/*
 * Read the pins under @pin_dir, and the counters through @maps (NULL: the
 * maps pinned there), into @snap (agent part left zero). A missing policy is
 * not an error: has_policy says so. Returns 0 or a negative errno; free with
 * ward_metrics_snap_free().
 */
int ward_metrics_collect(const char *pin_dir, const struct ward_maps *maps,
			 struct ward_metrics_snap *snap);
void ward_metrics_snap_free(struct ward_metrics_snap *snap);

/* Write @snap in the text format, # HELP and # TYPE before each family. */
void ward_metrics_format(FILE *out, const struct ward_metrics_snap *snap);

/*
 * Replace @path with @len bytes of @data, atomically (see above).
 * Returns 0 or a negative errno; nothing is left behind on failure.
 */
int ward_metrics_write_file(const char *path, const char *data, size_t len);

struct ward_metrics;

/*
 * Start writing metrics to @path (its directory must exist) from the pins
 * under @pin_dir. Returns 0, -EINVAL (logged) or -ENOMEM.
 */
int ward_metrics_open(const char *path, const char *pin_dir, struct ward_metrics **out);

/* Write now when WARD_METRICS_INTERVAL_MS passed since the last write (@now_ms monotonic). */
void ward_metrics_tick(struct ward_metrics *m, uint64_t now_ms,
		       const struct ward_metrics_agent *agent);

/* Collect and write now. Returns 0 or a negative errno (logged once a cause). */
int ward_metrics_write(struct ward_metrics *m, const struct ward_metrics_agent *agent);

void ward_metrics_close(struct ward_metrics *m);

#endif /* WARD_METRICS_H */
