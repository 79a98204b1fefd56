/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ward's events as JSON lines (../shared/spec/cli.md, "Events"): the packet
 * events of the datapath (drop, would-drop, host-seen) and the agent's own
 * (policy-loaded, policy-rejected, events-lost, attached, detached,
 * agent-start, agent-stop). sink.h writes them out.
 *
 * Use from the agent:
 *
 *	struct ward_sink *sink;
 *	struct ward_jbuf line;
 *	int64_t offset = ward_clock_offset_ns();
 *
 *	ward_sink_open("/var/log/ward/events.jsonl", &sink);
 *	ward_jbuf_init(&line);
 *	...for each batch read from the ring buffer:
 *	ward_sink_batch_begin(sink);
 *	...for each struct ward_event *ev in it:
 *	ward_event_names_resolve(tables, ntables, ifaces, nifaces, ev, &names);
 *	if (!ward_event_format_packet(&line, ev, &names, offset))
 *		ward_sink_write(sink, &line);
 *	...
 *	ward_jbuf_free(&line);
 *	ward_sink_close(sink);
 *
 * Every format function empties @line first and returns 0 or -ENOMEM.
 * Timestamps of agent events are realtime nanoseconds (ward_clock_now_ns()).
 */
#ifndef WARD_EVENTS_H
#define WARD_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "sink.h"
#include "ward_abi.h"

/*
 * The names a packet event carries, resolved by the caller. iface NULL:
 * the ifindex is written instead, as a decimal string. device NULL: the
 * event has no "device" nor "criticality" key when the event's device_id is
 * WARD_DEVICE_NONE (a host no device matches), and "device":"#ID" when the
 * id could not be named (a policy generation the caller no longer knows).
 */
struct ward_event_names {
	const char *iface;
	const char *device;
	enum ward_criticality criticality;
};

/* The lookup the agent keeps: interfaces, and devices by id per generation. */
struct ward_iface_name {
	uint32_t ifindex;
	char name[WARD_IFNAME_MAX];
};

struct ward_device_name {
	const char *name;
	enum ward_criticality criticality;
};

struct ward_name_table {
	uint64_t generation;			/* the policy generation of these ids */
	const struct ward_device_name *devices; /* indexed by device id */
	size_t ndevices;
};

/*
 * Fill @out for @ev from @tables (one per policy generation the agent still
 * knows: the one in force, and the previous one for events judged just
 * before a reload) and @ifaces. Names point into the tables.
 */
void ward_event_names_resolve(const struct ward_name_table *tables, size_t ntables,
			      const struct ward_iface_name *ifaces, size_t nifaces,
			      const struct ward_event *ev, struct ward_event_names *out);

/* CLOCK_REALTIME minus CLOCK_MONOTONIC (what bpf_ktime_get_ns() reads), in ns. */
int64_t ward_clock_offset_ns(void);
/* CLOCK_REALTIME now, in ns since the epoch. */
uint64_t ward_clock_now_ns(void);

/*
 * Write @ts_ns (realtime ns) as 2026-12-03T18:17:57.123456Z into @buf, which
 * holds at least WARD_TS_LEN bytes.
 */
#define WARD_TS_LEN 32
void ward_format_ts(uint64_t ts_ns, char *buf, size_t size);

const char *ward_reason_name(enum ward_reason reason);
const char *ward_criticality_name(enum ward_criticality crit);
const char *ward_direction_name(enum ward_direction dir);

/* drop, would-drop, host-seen: @ev->ts_ns is monotonic, shifted by @clock_offset_ns. */
int ward_event_format_packet(struct ward_jbuf *line, const struct ward_event *ev,
			     const struct ward_event_names *names, int64_t clock_offset_ns);

int ward_event_format_policy_loaded(struct ward_jbuf *line, uint64_t ts_ns, const char *path,
				    const char *sha256_hex, uint64_t generation, uint64_t devices);
int ward_event_format_policy_rejected(struct ward_jbuf *line, uint64_t ts_ns, const char *path,
				      const char *const *errors, size_t nerrors);
/* @count: events lost since the last events-lost event. */
int ward_event_format_events_lost(struct ward_jbuf *line, uint64_t ts_ns, uint64_t count);
/* attached or detached; @mode: "xdp-native", "xdp-generic" or "tc". */
int ward_event_format_attach(struct ward_jbuf *line, uint64_t ts_ns, bool attached,
			     const char *iface, const char *mode);
/* agent-start (with ward's version and the agent's pid) or agent-stop. */
int ward_event_format_agent(struct ward_jbuf *line, uint64_t ts_ns, bool start, long pid);

#endif /* WARD_EVENTS_H */
