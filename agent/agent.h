/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The state of a running `ward run` agent, shared by its parts: cmd_run.c
 * (start, the poll loop, stop), reload.c (a policy into the maps, whole and
 * at once) and ifaces.c (attaching to the policy's interfaces and following
 * them as they come and go).
 */
#ifndef WARD_AGENT_H
#define WARD_AGENT_H

#include <stdbool.h>
#include <stdint.h>

#include "compile.h"
#include "events.h"
#include "maps.h"
#include "metrics.h"
#include "pins.h"
#include "policy.h"
#include "syslog.h"
#include "watch.h"

struct ward_bpf;
struct ring_buffer;

struct agent_iface {
	char name[WARD_IFNAME_MAX];
	unsigned int ifindex; /* 0: the interface does not exist now */
	enum ward_xdp_mode xdp_mode;
	bool attached;
};

/* Device names of one policy generation, for the events judged under it. */
struct agent_names {
	struct ward_device_name *devices;
	struct ward_name_table table;
};

struct agent {
	const char *policy_path;
	const char *events_path;
	const char *pin_dir;
	uint32_t flow_table; /* --flow-table: shared table size, 0: the default */

	struct ward_bpf *skel;
	struct ward_maps maps; /* borrowed from skel->obj */
	int xdp_fd;	       /* the programs in force */
	int tc_fd;
	int old_xdp_fd; /* an older ward's, to replace; -1 when none */
	int old_tc_fd;

	struct ward_policy *policy;	       /* in force */
	struct ward_state state;	       /* what the pins say about it */
	uint8_t rejected_sha[WARD_SHA256_LEN]; /* last refused file, not refused twice */
	bool has_rejected;

	struct agent_iface ifaces[WARD_MAX_IFACES];
	uint32_t nifaces;

	struct agent_names names[2]; /* [0] in force, [1] the one before */
	struct ward_iface_name ifnames[WARD_MAX_IFACES];

	struct ward_sink *sink;
	struct ward_jbuf line;
	int64_t clock_offset;
	uint64_t lost_reported;	      /* events-lost already told, this generation */
	uint64_t lost_checked_ms;     /* monotonic: when the lost count was last read */
	uint64_t policy_gone_ms;      /* monotonic: when the policy file went missing, or 0 */
	struct ward_syslog *syslog;   /* --syslog, or NULL (ops.c) */
	struct ward_metrics *metrics; /* --metrics, or NULL (ops.c) */
	uint64_t start_ns;	      /* CLOCK_REALTIME at start, for metrics */

	struct ring_buffer *rb;
	int sig_fd;
	int link_fd;
	int lock_fd; /* holds the pin directory (ward_pins_lock()) */
	struct ward_file_watch policy_watch;
	bool links_dirty;
	bool stop;
};

/* Write one agent event line (already formatted in agent->line). */
void agent_emit(struct agent *agent);

/*
 * ops.c: open the syslog sender and the metrics writer asked for (NULL: not
 * asked); returns 0 or a negative errno (logged). Then agent_ops_emit() for
 * each event line, agent_ops_tick() at each turn of the loop, and
 * agent_ops_close() after the last line (it writes the metrics a last time).
 */
int agent_ops_open(struct agent *agent, const char *syslog_url, const char *metrics_path);
void agent_ops_emit(struct agent *agent);
void agent_ops_tick(struct agent *agent);
void agent_ops_close(struct agent *agent);

/*
 * Load, validate and compile the policy file, print its diagnostics, and on
 * success make it the policy in force: maps filled and flipped, record and
 * names pinned, `policy-loaded` emitted. On failure the old policy stays and,
 * when @is_reload, `policy-rejected` is emitted with the errors.
 * Returns 0, -EINVAL (invalid policy) or another negative errno (kernel).
 */
int agent_load_policy(struct agent *agent, bool is_reload);

/* Put the policy in force again, e.g. after an interface got a new ifindex. */
int agent_refresh_policy(struct agent *agent);

/* Sum of packets whose event found the ring buffer full, in the slot in force. */
int agent_events_lost(struct agent *agent, uint64_t *lost);

void agent_names_free(struct agent_names *names);

/* Set agent->ifaces from the policy in force, keeping what is known of each. */
void agent_ifaces_from_policy(struct agent *agent);

/*
 * Look up every interface of the policy again: one gone gets a `detached`
 * event. *@changed says whether an ifindex changed: the maps then need the
 * policy put in force again before agent_ifaces_attach_missing().
 */
void agent_ifaces_sync(struct agent *agent, bool *changed);

/*
 * Attach where ward is missing (a new interface, or one deleted and created
 * again), with an `attached` event. Returns 0 or the first negative errno.
 */
int agent_ifaces_attach_missing(struct agent *agent);

/* Attach to one interface now; messages name it and what to do. */
int agent_attach_iface(struct agent *agent, struct agent_iface *iface);

/* ifindex of each iface_id of the policy in force (0 for a missing one). */
void agent_ifindexes(const struct agent *agent, uint32_t *out);

#endif /* WARD_AGENT_H */
