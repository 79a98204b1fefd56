/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The BPF test harness: loads the real ward programs (the verifier judges
 * them as it would in production), fills a policy slot the way the agent
 * does (agent/maps.c), and runs crafted frames through XDP or TC with
 * BPF_PROG_TEST_RUN.
 *
 * Interface iface_id 0 of a policy is the loopback device (ifindex 1); each
 * further interface is one end of a veth pair the harness creates, named
 * "wd<pid>-<iface_id>" (peer: the same with "p"), and removes in
 * harness_close(). Every function returns
 * 0 (or a count) on success and a negative errno on failure. Must run as root.
 */
#ifndef WARD_TEST_HARNESS_H
#define WARD_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "ward_abi.h"

struct harness;
struct ward_compiled;

/* Load the real programs and bind iface_id 0 to lo. The caller frees with harness_close(). */
int harness_open(struct harness **out);
void harness_close(struct harness *h);

/*
 * Load a policy given as YAML text: ward_policy_load_buffer() + ward_compile()
 * + agent/maps.c, as the agent does. Each load gets the next generation
 * (1, 2, ...) and becomes the active slot. Returns 0 or -errno; diagnostics
 * are printed to stderr.
 */
int harness_load_policy(struct harness *h, const char *yaml);

/*
 * Install an already compiled policy (its config.generation is used as is).
 * Creates the interfaces it needs. Returns 0 or -errno.
 */
int harness_load_compiled(struct harness *h, const struct ward_compiled *compiled);

/* The ifindex that stands for @iface_id, or 0 when there is none (yet). */
uint32_t harness_ifindex(struct harness *h, unsigned iface_id);

/*
 * Run one frame through XDP (WARD_DIR_FROM_DEVICE) or TC (WARD_DIR_TO_DEVICE)
 * on interface @iface_id; returns 0 and sets *@pass to 1 (XDP_PASS /
 * TC_ACT_OK) or 0 (drop). The kernel (6.18) refuses TC frames of an
 * Ethernet header or less (14 bytes or fewer): -EINVAL.
 */
int harness_run(struct harness *h, enum ward_direction dir, unsigned iface_id, const void *frame,
		size_t len, int *pass);

/* Counters of a device (or unknown host index ndevices + iface_id) summed over CPUs, active slot.
 */
int harness_counters(struct harness *h, unsigned index, struct ward_counters *out);

/* Drain the ring buffer into @events (at most @max; the rest stay queued); returns how many. */
int harness_events(struct harness *h, struct ward_event *events, int max);

/*
 * Move time forward by @delta_ns for everything the datapath dates: tracked
 * flows, fragments, event suppression and rate-limit buckets (their recorded
 * times are moved back by @delta_ns), so timeouts are tested without sleeping.
 * A negative @delta_ns dates them in the future, as another CPU can.
 */
int harness_age_flows(struct harness *h, int64_t delta_ns);

/*
 * Forget what the datapath remembers between packets: tracked flows (both
 * tables), fragments, event suppression, rate buckets and hosts seen, so the
 * next frame is judged as the first one. Returns 0 or -errno.
 */
int harness_forget(struct harness *h);

/* Number of tracked flows, shared and critical tables together (or -errno). */
int harness_flow_count(struct harness *h);

/* Sum over CPUs of the datapath-wide counters (WARD_MAP_STATS). */
int harness_stats(struct harness *h, struct ward_stats *out);

/*
 * Packets held back by event suppression for @index's device and @reason
 * (summed over the suppression table), for the accounting
 * event_pkts + held + event_lost = dropped (+ would_drop).
 */
int harness_held(struct harness *h, unsigned index, enum ward_reason reason, uint64_t *held);

#endif /* WARD_TEST_HARNESS_H */
