/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The maps of a loaded datapath, as userspace fills and reads them. A policy
 * is installed in two steps that a packet cannot see apart (docs/design.md,
 * "Two slots and one switch"): the inactive slot is made to hold the compiled
 * policy, that slot's rate buckets are reset, then ward_active is flipped
 * with one write. The first time, and whenever the slot's maps are not the
 * ones this process last wrote there, fresh inner maps are filled in full;
 * otherwise only the entries that differ from what the slot holds are
 * written, after a grace period that no packet still reads the slot.
 *
 * struct ward_maps holds file descriptors of the outer and shared maps. From a
 * bpf_object (a loaded skeleton's obj) they are borrowed; from a pin
 * directory they are owned and closed by ward_maps_close().
 * Functions return 0 or a negative errno.
 */
#ifndef WARD_MAPS_H
#define WARD_MAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ward_abi.h"

struct bpf_object;
struct ward_compiled;

/* The per-policy maps: outer ARRAY_OF_MAPS, one inner map per slot. */
enum ward_slot_map {
	WARD_SM_CONFIG,
	WARD_SM_IFACES,
	WARD_SM_DEV_MAC,
	WARD_SM_DEV_IP,
	WARD_SM_DEVICES,
	WARD_SM_PEERS,
	WARD_SM_SERVICES,
	WARD_SM_COUNTERS,
	WARD_SM_COUNT,
};

/* The shared maps userspace touches. */
enum ward_shared_map {
	WARD_MM_ACTIVE,
	WARD_MM_RATE,
	WARD_MM_FLOWS,
	WARD_MM_FLOWS_CRITICAL,
	WARD_MM_FRAGS,
	WARD_MM_EVENTS,
	WARD_MM_EVENT_SUPPRESS,
	WARD_MM_HOSTS_SEEN,
	WARD_MM_STATS,
	WARD_MM_PASSED,
	WARD_MM_COUNT,
};

struct ward_slot_cache;

struct ward_maps {
	int slot_fd[WARD_SM_COUNT];
	int fd[WARD_MM_COUNT];
	bool owned;		       /* close the descriptors in ward_maps_close() */
	struct ward_slot_cache *cache; /* what each slot holds; freed by ward_maps_close() */
};

/* The map name (as pinned) of a per-policy map and of a shared map. */
const char *ward_slot_map_name(enum ward_slot_map map);
const char *ward_shared_map_name(enum ward_shared_map map);

/*
 * Borrow the maps of a loaded object (e.g. skel->obj); -ENOENT names the
 * missing map in the log. Call ward_maps_close() when done, even then.
 */
int ward_maps_from_object(struct ward_maps *maps, const struct bpf_object *obj);

/* Open the maps pinned under @dir (one file per map name). */
int ward_maps_open_pinned(struct ward_maps *maps, const char *dir);

void ward_maps_close(struct ward_maps *maps);

/*
 * Install @compiled as the policy in force: fill the inactive slot from it,
 * reset that slot's rate buckets (full), then make it the active slot.
 * @ifindex[iface_id] is the kernel's ifindex of each of the policy's
 * @nifindex interfaces (nifindex must equal compiled->nifaces). On error the
 * slot in force is unchanged.
 */
int ward_maps_install(const struct ward_maps *maps, const struct ward_compiled *compiled,
		      const uint32_t *ifindex, size_t nifindex);

/* The slot in force (0 or 1). */
int ward_maps_active_slot(const struct ward_maps *maps, uint32_t *slot);

/* The config of the policy in force (generation, timeouts, ndevices); -ENOENT before any. */
int ward_maps_config(const struct ward_maps *maps, struct ward_config *config);

/* The generation of the policy in force; -ENOENT before any policy. */
int ward_maps_generation(const struct ward_maps *maps, uint64_t *generation);

/*
 * Counters of @index in the slot in force (a device id, or ndevices + iface_id
 * for hosts no device matches), summed over CPUs.
 */
int ward_maps_counters(const struct ward_maps *maps, uint32_t index, struct ward_counters *out);

/*
 * Add to @sum the packets passed at counter @index of @slot (WARD_MAP_PASSED),
 * summed over CPUs: what a reader of the slot's counters map adds to their
 * passed, which stays 0 there.
 */
int ward_maps_passed(const struct ward_maps *maps, uint32_t slot, uint32_t index, uint64_t *sum);

/* The datapath-wide counters (WARD_MAP_STATS), summed over CPUs. */
int ward_maps_stats(const struct ward_maps *maps, struct ward_stats *out);

/*
 * A new descriptor of the inner map of @map in @slot (the caller closes it):
 * a copy of this process's own when it installed that map (no privilege
 * needed), else found by id (CAP_SYS_ADMIN).
 */
int ward_maps_inner_fd(const struct ward_maps *maps, enum ward_slot_map map, uint32_t slot);

#endif /* WARD_MAPS_H */
