/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The pin directory (default /sys/fs/bpf/ward): where the agent leaves the
 * maps, the programs and a record of the policy in force, so that the
 * enforcement outlives the agent, a new agent adopts it, and `ward status`
 * and `ward detach` work with no agent running.
 *
 * bpffs holds no regular files, so the record is itself a pinned map:
 * WARD_PIN_STATE, an ARRAY of one struct ward_state, and WARD_PIN_DEVNAMES,
 * an ARRAY of struct ward_dev_name indexed by device id. Both are agent
 * business and outside the datapath's ABI.
 */
#ifndef WARD_PINS_H
#define WARD_PINS_H

#include <limits.h>
#include <stdint.h>

#include "ward_abi.h"
#include "sha256.h"

#define WARD_DEFAULT_PIN_DIR "/sys/fs/bpf/ward"
#define WARD_PIN_STATE	     "ward_state"
#define WARD_PIN_DEVNAMES    "ward_devnames"
#define WARD_PIN_PROG_XDP    "ward_prog_xdp"
#define WARD_PIN_PROG_TC     "ward_prog_tc"
/*
 * The counters of a slot (%u: 0 or 1), pinned by the agent when it puts a
 * policy in force: a reader opens the pin, where finding an inner map by its
 * id would need CAP_SYS_ADMIN. The slot's outer entry says which map is
 * current; a pin of another map is stale.
 */
#define WARD_PIN_COUNTERS_FMT "ward_counters_%u"
#define WARD_STATE_VERSION    1
#define WARD_PATH_MAX	      4096

struct ward_state {
	uint32_t version; /* WARD_STATE_VERSION */
	uint32_t nifaces;
	uint64_t generation;
	uint64_t loaded_at_ns; /* CLOCK_REALTIME when the policy went in force */
	uint32_t ndevices;
	uint32_t pad;
	uint8_t sha256[WARD_SHA256_LEN];
	char ifnames[WARD_MAX_IFACES][WARD_IFNAME_MAX]; /* indexed by iface_id */
	char path[WARD_PATH_MAX];
};

struct ward_dev_name {
	char name[WARD_NAME_MAX];
	uint8_t criticality; /* enum ward_criticality */
	uint8_t mode;	     /* enum ward_mode */
	uint8_t pad[6];
};

/*
 * Make @dir a directory of mode 0700 on a bpffs, creating it (and its
 * parents) and mounting a bpffs on it when it is not on one.
 * Returns 0 or a negative errno.
 */
int ward_pins_prepare(const char *dir);

/*
 * Take @dir for one agent: two agents filling the same maps would write
 * into each other's half-built policy. Returns the fd that holds the lock
 * until it is closed (or the process dies), -EBUSY when another process
 * holds it, or another negative errno.
 */
int ward_pins_lock(const char *dir);

/*
 * The process that holds @dir's lock, as /proc/locks tells it without
 * taking the lock: its pid, 0 when none holds it, or a negative errno.
 */
int ward_pins_holder(const char *dir);

/* " (pid N)" of the process that holds @dir's lock, for messages; "" when none is found. */
const char *ward_pins_holder_note(const char *dir, char *buf, size_t size);

/*
 * For readers of the pins (status, detach): when @dir is under /sys/fs/bpf
 * and no bpffs is mounted there (as under `ip netns exec`), join the mount
 * namespace that has the host's. Returns 0 (joined, not needed, or no bpffs
 * anywhere), or -EACCES, said in the log with what to do, when the kernel
 * would not let ward look for it.
 */
int ward_pins_find(const char *dir);

/* 1 when @dir exists and is on a bpffs, 0 when not, or a negative errno. */
int ward_pins_on_bpffs(const char *dir);

/* Write "@dir/@name" into @buf. Returns 0, or -ENAMETOOLONG. */
int ward_pin_path(char *buf, size_t size, const char *dir, const char *name);

/* Open the object pinned as @name under @dir. Returns an fd or a negative errno. */
int ward_pin_open(const char *dir, const char *name);

/*
 * Pin @fd as @name under @dir, replacing what was pinned there in one
 * step (pinned under a temporary name, then renamed over).
 */
int ward_pin_replace(const char *dir, const char *name, int fd);

/* Remove the pin @name under @dir; a missing one is not an error. */
int ward_pin_remove(const char *dir, const char *name);

/* Read the record of the policy in force. -ENOENT when nothing is pinned. */
int ward_state_read(const char *dir, struct ward_state *state);

/* Write the record, creating and pinning its map the first time. */
int ward_state_write(const char *dir, const struct ward_state *state);

/*
 * Pin a fresh WARD_PIN_DEVNAMES map holding @names[0..@n) (replacing the
 * old one in one step). Returns 0 or a negative errno.
 */
int ward_devnames_write(const char *dir, const struct ward_dev_name *names, uint32_t n);

/* Read the name of device @id. Returns 0, or a negative errno (-ENOENT: no such device). */
int ward_devnames_read(const char *dir, uint32_t id, struct ward_dev_name *name);

#endif /* WARD_PINS_H */
