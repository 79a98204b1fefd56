/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The capabilities the agent needs (cli.md, "Privilege"): CAP_BPF,
 * CAP_NET_ADMIN and CAP_PERFMON. Checked at start so that a missing one is
 * named, and once the agent is set up, every other capability is dropped
 * from all sets, bounding and ambient included. Done with capget/capset and
 * prctl directly: libcap is not among ward's dependencies.
 */
#ifndef WARD_CAPS_H
#define WARD_CAPS_H

#include <stddef.h>
#include <stdint.h>

/* Bit masks over capability numbers (bit n = capability n). */
uint64_t ward_caps_needed(void);

/* The effective set of the calling thread. Returns 0 or a negative errno. */
int ward_caps_effective(uint64_t *mask);

/*
 * Write into @buf the names of the capabilities in ward_caps_needed() that
 * @have lacks, separated by ", ". Returns how many are missing.
 */
int ward_caps_missing(uint64_t have, char *buf, size_t size);

/*
 * Keep only @keep in the effective and permitted sets, clear inheritable
 * and ambient, and drop the rest from the bounding set. Returns 0 or a
 * negative errno.
 */
int ward_caps_drop_except(uint64_t keep);

#endif /* WARD_CAPS_H */
