// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Filling and reading the datapath's maps (see maps.h): inner maps created
 * to the compiled policy's size, filled with batch updates where the map type
 * has them, installed in the inactive slot, then one write to ward_active.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "compile.h"
#include "log.h"
#include "maps.h"

#define BATCH_CHUNK 4096 /* entries per batch update: bounds the per-CPU buffers */

static const char *const slot_names[WARD_SM_COUNT] = {
	[WARD_SM_CONFIG] = WARD_MAP_CONFIG,	[WARD_SM_IFACES] = WARD_MAP_IFACES,
	[WARD_SM_DEV_MAC] = WARD_MAP_DEV_MAC,	[WARD_SM_DEV_IP] = WARD_MAP_DEV_IP,
	[WARD_SM_DEVICES] = WARD_MAP_DEVICES,	[WARD_SM_PEERS] = WARD_MAP_PEERS,
	[WARD_SM_SERVICES] = WARD_MAP_SERVICES, [WARD_SM_COUNTERS] = WARD_MAP_COUNTERS,
};

static const char *const shared_names[WARD_MM_COUNT] = {
	[WARD_MM_ACTIVE] = WARD_MAP_ACTIVE,
	[WARD_MM_RATE] = WARD_MAP_RATE,
	[WARD_MM_FLOWS] = WARD_MAP_FLOWS,
	[WARD_MM_FLOWS_CRITICAL] = WARD_MAP_FLOWS_CRITICAL,
	[WARD_MM_FRAGS] = WARD_MAP_FRAGS,
	[WARD_MM_EVENTS] = WARD_MAP_EVENTS,
	[WARD_MM_EVENT_SUPPRESS] = WARD_MAP_EVENT_SUPPRESS,
	[WARD_MM_HOSTS_SEEN] = WARD_MAP_HOSTS_SEEN,
	[WARD_MM_STATS] = WARD_MAP_STATS,
};

/* How each slot's inner map is created; must match the templates in bpf/maps.h. */
struct inner_shape {
	enum bpf_map_type type;
	uint32_t key_size;
	uint32_t value_size;
	uint32_t flags;
};

static const struct inner_shape shapes[WARD_SM_COUNT] = {
	[WARD_SM_CONFIG] = {BPF_MAP_TYPE_ARRAY, 4, sizeof(struct ward_config), BPF_F_INNER_MAP},
	[WARD_SM_IFACES] = {BPF_MAP_TYPE_HASH, 4, sizeof(struct ward_iface_info), 0},
	[WARD_SM_DEV_MAC] = {BPF_MAP_TYPE_HASH, sizeof(struct ward_mac_key), 4, 0},
	[WARD_SM_DEV_IP] = {BPF_MAP_TYPE_HASH, sizeof(struct ward_ip_key), 4, 0},
	[WARD_SM_DEVICES] = {BPF_MAP_TYPE_ARRAY, 4, sizeof(struct ward_dev_info), BPF_F_INNER_MAP},
	[WARD_SM_PEERS] = {BPF_MAP_TYPE_LPM_TRIE, sizeof(struct ward_peer_key), 8,
			   BPF_F_NO_PREALLOC},
	[WARD_SM_SERVICES] = {BPF_MAP_TYPE_LPM_TRIE, sizeof(struct ward_service_key), 8,
			      BPF_F_NO_PREALLOC},
	[WARD_SM_COUNTERS] = {BPF_MAP_TYPE_PERCPU_HASH, 4, sizeof(struct ward_counters), 0},
};

const char *ward_slot_map_name(enum ward_slot_map map)
{
	return map < WARD_SM_COUNT ? slot_names[map] : "?";
}

const char *ward_shared_map_name(enum ward_shared_map map)
{
	return map < WARD_MM_COUNT ? shared_names[map] : "?";
}

static void maps_reset(struct ward_maps *maps)
{
	for (int i = 0; i < WARD_SM_COUNT; i++)
		maps->slot_fd[i] = -1;
	for (int i = 0; i < WARD_MM_COUNT; i++)
		maps->fd[i] = -1;
	maps->owned = false;
}

int ward_maps_from_object(struct ward_maps *maps, const struct bpf_object *obj)
{
	int fd;

	maps_reset(maps);
	for (int i = 0; i < WARD_SM_COUNT; i++) {
		fd = bpf_object__find_map_fd_by_name(obj, slot_names[i]);
		if (fd < 0) {
			pr_err("map %s: not in the BPF object", slot_names[i]);
			return -ENOENT;
		}
		maps->slot_fd[i] = fd;
	}
	for (int i = 0; i < WARD_MM_COUNT; i++) {
		fd = bpf_object__find_map_fd_by_name(obj, shared_names[i]);
		if (fd < 0) {
			pr_err("map %s: not in the BPF object", shared_names[i]);
			return -ENOENT;
		}
		maps->fd[i] = fd;
	}
	return 0;
}

static int open_pin(const char *dir, const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		fd = -errno;
		pr_err("%s: cannot open the pinned map: %s", path, strerror(-fd));
	}
	return fd;
}

int ward_maps_open_pinned(struct ward_maps *maps, const char *dir)
{
	int fd;

	maps_reset(maps);
	maps->owned = true;
	for (int i = 0; i < WARD_SM_COUNT; i++) {
		fd = open_pin(dir, slot_names[i]);
		if (fd < 0)
			goto close_maps;
		maps->slot_fd[i] = fd;
	}
	for (int i = 0; i < WARD_MM_COUNT; i++) {
		fd = open_pin(dir, shared_names[i]);
		if (fd < 0)
			goto close_maps;
		maps->fd[i] = fd;
	}
	return 0;

close_maps:
	ward_maps_close(maps);
	return fd;
}

void ward_maps_close(struct ward_maps *maps)
{
	if (maps->owned) {
		for (int i = 0; i < WARD_SM_COUNT; i++)
			if (maps->slot_fd[i] >= 0)
				close(maps->slot_fd[i]);
		for (int i = 0; i < WARD_MM_COUNT; i++)
			if (maps->fd[i] >= 0)
				close(maps->fd[i]);
	}
	maps_reset(maps);
}

static int create_inner(enum ward_slot_map map, size_t entries)
{
	const struct inner_shape *s = &shapes[map];
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = s->flags);
	int fd;

	if (entries == 0)
		entries = 1; /* the kernel refuses empty maps; nothing will be looked up */
	if (entries > UINT32_MAX)
		return -E2BIG;
	fd = bpf_map_create(s->type, slot_names[map], s->key_size, s->value_size, entries, &opts);
	if (fd < 0) {
		fd = -errno;
		pr_err("map %s: cannot create an inner map of %zu entries: %s", slot_names[map],
		       entries, strerror(-fd));
	}
	return fd;
}

/*
 * Write @n entries laid out @stride bytes apart (key at offset 0, value at
 * @val_off). Batches where the map type has them, one by one otherwise.
 */
static int fill_entries(int fd, const char *name, const void *entries, size_t n, size_t stride,
			size_t key_size, size_t val_off, size_t val_size)
{
	const char *base = entries;
	char *keys = NULL, *vals = NULL;
	int err = 0;

	if (n == 0)
		return 0;
	keys = malloc(key_size * n);
	vals = malloc(val_size * n);
	if (!keys || !vals) {
		err = -ENOMEM;
		goto free_bufs;
	}
	for (size_t i = 0; i < n; i++) {
		memcpy(keys + i * key_size, base + i * stride, key_size);
		memcpy(vals + i * val_size, base + i * stride + val_off, val_size);
	}

	for (size_t done = 0; done < n;) {
		uint32_t count = n - done > BATCH_CHUNK ? BATCH_CHUNK : n - done;

		if (bpf_map_update_batch(fd, keys + done * key_size, vals + done * val_size, &count,
					 NULL) == 0) {
			done += count;
			continue;
		}
		err = -errno;
		if (err != -EINVAL && err != -ENOTSUP && err != -EOPNOTSUPP)
			goto report;
		/* no batch operations for this map type: one by one */
		for (; done < n; done++) {
			if (bpf_map_update_elem(fd, keys + done * key_size, vals + done * val_size,
						BPF_ANY)) {
				err = -errno;
				goto report;
			}
		}
	}
	err = 0;
	goto free_bufs;

report:
	pr_err("map %s: cannot write %zu entries: %s", name, n, strerror(-err));
free_bufs:
	free(keys);
	free(vals);
	return err;
}

static int fill_config(int fd, const struct ward_compiled *c)
{
	uint32_t key = 0;

	if (bpf_map_update_elem(fd, &key, &c->config, BPF_ANY))
		return -errno;
	return 0;
}

static int fill_ifaces(int fd, const struct ward_compiled *c, const uint32_t *ifindex)
{
	for (size_t i = 0; i < c->nifaces; i++) {
		if (bpf_map_update_elem(fd, &ifindex[i], &c->ifaces[i], BPF_NOEXIST)) {
			pr_err("map %s: interface %zu (ifindex %u): %s", WARD_MAP_IFACES, i,
			       ifindex[i], strerror(errno));
			return -errno;
		}
	}
	return 0;
}

static int fill_devices(int fd, const struct ward_compiled *c)
{
	struct {
		uint32_t key;
		struct ward_dev_info info;
	} * entries;
	int err;

	entries = calloc(c->ndevices ? c->ndevices : 1, sizeof(*entries));
	if (!entries)
		return -ENOMEM;
	for (size_t i = 0; i < c->ndevices; i++) {
		entries[i].key = i;
		entries[i].info = c->devices[i];
	}
	err = fill_entries(fd, WARD_MAP_DEVICES, entries, c->ndevices, sizeof(*entries), 4,
			   offsetof(__typeof__(*entries), info), sizeof(struct ward_dev_info));
	free(entries);
	return err;
}

/* Every counter index present, at zero: the datapath only looks up. */
static int fill_counters(int fd, size_t n)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t chunk = n > BATCH_CHUNK ? BATCH_CHUNK : n;
	struct ward_counters *zero;
	uint32_t *keys;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	keys = calloc(chunk ? chunk : 1, sizeof(*keys));
	zero = calloc((chunk ? chunk : 1) * ncpus, sizeof(*zero));
	if (!keys || !zero) {
		err = -ENOMEM;
		goto free_bufs;
	}
	for (size_t done = 0; done < n;) {
		uint32_t count = n - done > chunk ? chunk : n - done;

		for (uint32_t i = 0; i < count; i++)
			keys[i] = done + i;
		if (bpf_map_update_batch(fd, keys, zero, &count, NULL)) {
			err = -errno;
			pr_err("map %s: cannot write %zu entries: %s", WARD_MAP_COUNTERS, n,
			       strerror(-err));
			goto free_bufs;
		}
		done += count;
	}
free_bufs:
	free(keys);
	free(zero);
	return err;
}

static size_t inner_entries(enum ward_slot_map map, const struct ward_compiled *c)
{
	switch (map) {
	case WARD_SM_CONFIG:
		return 1;
	case WARD_SM_IFACES:
		return c->nifaces;
	case WARD_SM_DEV_MAC:
		return c->nmacs;
	case WARD_SM_DEV_IP:
		return c->nips;
	case WARD_SM_DEVICES:
		return c->ndevices;
	case WARD_SM_PEERS:
		return c->npeers;
	case WARD_SM_SERVICES:
		return c->nservices;
	case WARD_SM_COUNTERS:
		return c->ndevices + c->nifaces;
	default:
		return 0;
	}
}

static int fill_inner(enum ward_slot_map map, int fd, const struct ward_compiled *c,
		      const uint32_t *ifindex)
{
	switch (map) {
	case WARD_SM_CONFIG:
		return fill_config(fd, c);
	case WARD_SM_IFACES:
		return fill_ifaces(fd, c, ifindex);
	case WARD_SM_DEV_MAC:
		return fill_entries(fd, WARD_MAP_DEV_MAC, c->macs, c->nmacs, sizeof(*c->macs),
				    sizeof(struct ward_mac_key),
				    offsetof(struct ward_mac_entry, device_id), 4);
	case WARD_SM_DEV_IP:
		return fill_entries(fd, WARD_MAP_DEV_IP, c->ips, c->nips, sizeof(*c->ips),
				    sizeof(struct ward_ip_key),
				    offsetof(struct ward_ip_entry, device_id), 4);
	case WARD_SM_DEVICES:
		return fill_devices(fd, c);
	case WARD_SM_PEERS:
		return fill_entries(fd, WARD_MAP_PEERS, c->peers, c->npeers, sizeof(*c->peers),
				    sizeof(struct ward_peer_key),
				    offsetof(struct ward_peer_entry, rules), 8);
	case WARD_SM_SERVICES:
		return fill_entries(fd, WARD_MAP_SERVICES, c->services, c->nservices,
				    sizeof(*c->services), sizeof(struct ward_service_key),
				    offsetof(struct ward_service_entry, rules), 8);
	case WARD_SM_COUNTERS:
		return fill_counters(fd, c->ndevices + c->nifaces);
	default:
		return -EINVAL;
	}
}

/* Create, fill and install in @slot the inner map of @map. */
static int install_inner(const struct ward_maps *maps, enum ward_slot_map map, uint32_t slot,
			 const struct ward_compiled *c, const uint32_t *ifindex)
{
	int fd, err;

	fd = create_inner(map, inner_entries(map, c));
	if (fd < 0)
		return fd;
	err = fill_inner(map, fd, c, ifindex);
	if (err)
		goto close_inner;
	if (bpf_map_update_elem(maps->slot_fd[map], &slot, &fd, BPF_ANY)) {
		err = -errno;
		pr_err("map %s: cannot install slot %u: %s", slot_names[map], slot, strerror(-err));
	}
close_inner:
	close(fd); /* the outer map holds its own reference */
	return err;
}

static uint64_t monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* the clock of bpf_ktime_get_ns() */
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Drop @slot's buckets, then give each rate-limited device a full one. */
static int reset_rate(const struct ward_maps *maps, uint32_t slot, const struct ward_compiled *c)
{
	int fd = maps->fd[WARD_MM_RATE];
	struct ward_rate_key key, next;
	struct ward_rate_state full = {.last_ns = monotonic_ns()};
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.slot == slot && bpf_map_delete_elem(fd, &key) == 0)
			prev = NULL; /* the walk restarts: deleting may reorder the hash */
	}

	for (size_t i = 0; i < c->ndevices; i++) {
		uint32_t rate = c->devices[i].new_flows_per_s;

		if (!rate)
			continue;
		key = (struct ward_rate_key){.slot = slot, .device_id = i};
		full.tokens_milli = (uint64_t)rate * 1000;
		if (bpf_map_update_elem(fd, &key, &full, BPF_ANY)) {
			pr_err("map %s: device %zu: %s", WARD_MAP_RATE, i, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

int ward_maps_active_slot(const struct ward_maps *maps, uint32_t *slot)
{
	struct ward_active active;
	uint32_t key = 0;

	if (bpf_map_lookup_elem(maps->fd[WARD_MM_ACTIVE], &key, &active))
		return -errno;
	*slot = active.slot;
	return 0;
}

int ward_maps_install(const struct ward_maps *maps, const struct ward_compiled *compiled,
		      const uint32_t *ifindex, size_t nifindex)
{
	struct ward_active active = {0};
	uint32_t key = 0, slot = 0;
	int err;

	if (nifindex != compiled->nifaces) {
		pr_err("policy has %zu interfaces, %zu ifindexes given", compiled->nifaces,
		       nifindex);
		return -EINVAL;
	}
	err = ward_maps_active_slot(maps, &slot);
	if (err)
		return err;
	active.slot = slot ^ 1;

	for (int map = 0; map < WARD_SM_COUNT; map++) {
		err = install_inner(maps, map, active.slot, compiled, ifindex);
		if (err)
			return err;
	}
	err = reset_rate(maps, active.slot, compiled);
	if (err)
		return err;

	if (bpf_map_update_elem(maps->fd[WARD_MM_ACTIVE], &key, &active, BPF_ANY)) {
		err = -errno;
		pr_err("map %s: cannot switch to slot %u: %s", WARD_MAP_ACTIVE, active.slot,
		       strerror(-err));
		return err;
	}
	pr_debug("policy generation %llu in force in slot %u",
		 (unsigned long long)compiled->config.generation, active.slot);
	return 0;
}

int ward_maps_inner_fd(const struct ward_maps *maps, enum ward_slot_map map, uint32_t slot)
{
	uint32_t id;
	int fd;

	if (map >= WARD_SM_COUNT)
		return -EINVAL;
	if (bpf_map_lookup_elem(maps->slot_fd[map], &slot, &id))
		return -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

/* A new descriptor of @map's inner map in the slot in force. */
static int active_inner_fd(const struct ward_maps *maps, enum ward_slot_map map)
{
	uint32_t slot = 0;
	int err;

	err = ward_maps_active_slot(maps, &slot);
	if (err)
		return err;
	return ward_maps_inner_fd(maps, map, slot);
}

int ward_maps_config(const struct ward_maps *maps, struct ward_config *config)
{
	uint32_t key = 0;
	int fd, err = 0;

	fd = active_inner_fd(maps, WARD_SM_CONFIG);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, config))
		err = -errno;
	close(fd);
	return err;
}

int ward_maps_generation(const struct ward_maps *maps, uint64_t *generation)
{
	struct ward_config config;
	int err;

	err = ward_maps_config(maps, &config);
	if (err)
		return err;
	*generation = config.generation;
	return 0;
}

static void counters_add(struct ward_counters *sum, const struct ward_counters *c)
{
	sum->passed += c->passed;
	for (int r = 0; r < WARD_REASON_COUNT; r++) {
		sum->dropped[r] += c->dropped[r];
		sum->would_drop[r] += c->would_drop[r];
		sum->event_pkts[r] += c->event_pkts[r];
		sum->event_lost[r] += c->event_lost[r];
	}
}

int ward_maps_counters(const struct ward_maps *maps, uint32_t index, struct ward_counters *out)
{
	int ncpus = libbpf_num_possible_cpus();
	struct ward_counters *percpu;
	int fd, err = 0;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	fd = active_inner_fd(maps, WARD_SM_COUNTERS);
	if (fd < 0) {
		err = fd;
		goto free_percpu;
	}
	if (bpf_map_lookup_elem(fd, &index, percpu)) {
		err = -errno;
		goto close_inner;
	}
	memset(out, 0, sizeof(*out));
	for (int cpu = 0; cpu < ncpus; cpu++)
		counters_add(out, &percpu[cpu]);
close_inner:
	close(fd);
free_percpu:
	free(percpu);
	return err;
}

int ward_maps_stats(const struct ward_maps *maps, struct ward_stats *out)
{
	int ncpus = libbpf_num_possible_cpus();
	struct ward_stats *percpu;
	uint32_t key = 0;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(maps->fd[WARD_MM_STATS], &key, percpu)) {
		err = -errno;
		goto free_percpu;
	}
	memset(out, 0, sizeof(*out));
	for (int cpu = 0; cpu < ncpus; cpu++) {
		out->flows_created += percpu[cpu].flows_created;
		out->critical_table_full += percpu[cpu].critical_table_full;
		out->flow_insert_failed += percpu[cpu].flow_insert_failed;
		out->frags_tracked += percpu[cpu].frags_tracked;
	}
free_percpu:
	free(percpu);
	return err;
}
