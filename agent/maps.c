// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Filling and reading the datapath's maps (see maps.h): inner maps created
 * to the compiled policy's size (with room to grow), filled with batch
 * updates where the map type has them, installed in the inactive slot, then
 * one write to ward_active. The next install in that slot writes only the
 * difference between the policy it holds (kept here, with the ids of the
 * maps holding it) and the new one: see update_slot() for why that is safe.
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
#include "mapdiff.h"
#include "maps.h"

#define BATCH_CHUNK 4096 /* entries per batch update: bounds the per-CPU buffers */
#define NSLOTS	    2

/* What one slot holds, as this process last wrote it: the base of the next diff there. */
struct slot_state {
	bool valid;
	uint32_t id[WARD_SM_COUNT]; /* the inner maps' ids */
	/*
	 * and the maps themselves, open where id[] is set: finding a map by id
	 * needs CAP_SYS_ADMIN, which the agent drops (and never has under the
	 * unit), so it reaches the slot's maps, counters included, through these
	 */
	int fd[WARD_SM_COUNT];
	uint32_t capacity[WARD_SM_COUNT]; /* and their max_entries */
	struct ward_compiled c;		  /* a deep copy of the policy written */
	uint32_t ifindex[WARD_MAX_IFACES];
};

struct ward_slot_cache {
	struct slot_state slot[NSLOTS];
};

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
	[WARD_MM_PASSED] = WARD_MAP_PASSED,
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
	maps->cache = NULL;
}

int ward_maps_from_object(struct ward_maps *maps, const struct bpf_object *obj)
{
	int fd;

	maps_reset(maps);
	maps->cache = calloc(1, sizeof(*maps->cache));
	if (!maps->cache)
		return -ENOMEM;
	for (int i = 0; i < WARD_SM_COUNT; i++) {
		fd = bpf_object__find_map_fd_by_name(obj, slot_names[i]);
		if (fd < 0) {
			pr_err("map %s: not in the BPF object", slot_names[i]);
			goto missing;
		}
		maps->slot_fd[i] = fd;
	}
	for (int i = 0; i < WARD_MM_COUNT; i++) {
		fd = bpf_object__find_map_fd_by_name(obj, shared_names[i]);
		if (fd < 0) {
			pr_err("map %s: not in the BPF object", shared_names[i]);
			goto missing;
		}
		maps->fd[i] = fd;
	}
	return 0;

missing:
	ward_maps_close(maps);
	return -ENOENT;
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
	maps->cache = calloc(1, sizeof(*maps->cache));
	if (!maps->cache)
		return -ENOMEM;
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

static void compiled_release(struct ward_compiled *c)
{
	free(c->ifaces);
	free(c->macs);
	free(c->ips);
	free(c->devices);
	free(c->peers);
	free(c->services);
	memset(c, 0, sizeof(*c));
}

static void slot_forget(struct slot_state *st)
{
	for (int map = 0; map < WARD_SM_COUNT; map++)
		if (st->id[map])
			close(st->fd[map]);
	compiled_release(&st->c);
	memset(st, 0, sizeof(*st));
}

void ward_maps_close(struct ward_maps *maps)
{
	if (maps->cache) {
		for (int i = 0; i < NSLOTS; i++)
			slot_forget(&maps->cache->slot[i]);
		free(maps->cache);
	}
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

/*
 * The size of a fresh inner map for @n entries: room to grow for the maps a
 * reload updates in place (an LPM trie allocates per entry, a hash of
 * devices' addresses is small); the counters are made anew when their count
 * changes, and hold exactly one entry per index.
 */
static size_t inner_capacity(enum ward_slot_map map, size_t n)
{
	switch (map) {
	case WARD_SM_CONFIG:
		return 1;
	case WARD_SM_COUNTERS:
		return n ? n : 1; /* the kernel refuses empty maps */
	case WARD_SM_PEERS:
	case WARD_SM_SERVICES:
		return n + n / 4 + 64;
	default:
		return n + n / 8 + 16;
	}
}

static int create_inner(enum ward_slot_map map, size_t entries)
{
	const struct inner_shape *s = &shapes[map];
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = s->flags);
	int fd;

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

/* Create, fill and install in @slot the inner map of @map; note its id in @st. */
static int install_inner(const struct ward_maps *maps, enum ward_slot_map map, uint32_t slot,
			 const struct ward_compiled *c, const uint32_t *ifindex,
			 struct slot_state *st)
{
	struct bpf_map_info info = {0};
	uint32_t info_len = sizeof(info);
	int fd, err;

	fd = create_inner(map, inner_capacity(map, inner_entries(map, c)));
	if (fd < 0)
		return fd;
	err = fill_inner(map, fd, c, ifindex);
	if (err)
		goto close_inner;
	if (bpf_map_update_elem(maps->slot_fd[map], &slot, &fd, BPF_ANY)) {
		err = -errno;
		pr_err("map %s: cannot install slot %u: %s", slot_names[map], slot, strerror(-err));
		goto close_inner;
	}
	if (bpf_obj_get_info_by_fd(fd, &info, &info_len)) {
		err = -errno;
		goto close_inner;
	}
	if (st->id[map])
		close(st->fd[map]);
	st->id[map] = info.id;
	st->fd[map] = fd;
	st->capacity[map] = info.max_entries;
	return 0;

close_inner:
	close(fd);
	return err;
}

/* Fresh inner maps for every per-policy map of @slot. */
static int build_slot(const struct ward_maps *maps, uint32_t slot, struct slot_state *st,
		      const struct ward_compiled *c, const uint32_t *ifindex)
{
	int err;

	for (int map = 0; map < WARD_SM_COUNT; map++) {
		err = install_inner(maps, map, slot, c, ifindex, st);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Apply the difference from @old to @new to map @fd: delete (or, in an
 * array, zero) the keys @new lacks, then write what is new or changed.
 */
static int apply_diff(int fd, enum ward_slot_map map, const struct ward_diff_set *old,
		      const struct ward_diff_set *new)
{
	bool array = shapes[map].type == BPF_MAP_TYPE_ARRAY;
	struct ward_diff d;
	char *buf;
	size_t most;
	int err;

	err = ward_diff_compute(old, new, &d);
	if (err)
		return err;
	most = d.ndel > d.nput ? d.ndel : d.nput;
	buf = calloc(most ? most : 1, new->stride);
	if (!buf) {
		err = -ENOMEM;
		goto free_diff;
	}
	for (size_t i = 0; i < d.ndel; i++) {
		const char *e = (const char *)old->base + d.del[i] * old->stride;

		if (array) /* the key, then a zero value */
			memcpy(buf + i * new->stride, e, new->key_size);
		else if (bpf_map_delete_elem(fd, e) && errno != ENOENT)
			err = -errno;
	}
	if (!err && array)
		err = fill_entries(fd, slot_names[map], buf, d.ndel, new->stride, new->key_size,
				   new->val_off, new->val_size);
	for (size_t i = 0; !err && i < d.nput; i++)
		memcpy(buf + i * new->stride, (const char *)new->base + d.put[i] * new->stride,
		       new->stride);
	if (!err)
		err = fill_entries(fd, slot_names[map], buf, d.nput, new->stride, new->key_size,
				   new->val_off, new->val_size);
	free(buf);
free_diff:
	ward_diff_free(&d);
	return err;
}

/* (key, value) records of the interfaces and of the devices, as the maps hold them. */
struct iface_rec {
	uint32_t ifindex;
	struct ward_iface_info info;
};

struct device_rec {
	uint32_t id;
	struct ward_dev_info info;
};

static struct iface_rec *iface_recs(const struct ward_compiled *c, const uint32_t *ifindex)
{
	struct iface_rec *r = calloc(c->nifaces ? c->nifaces : 1, sizeof(*r));

	for (size_t i = 0; r && i < c->nifaces; i++)
		r[i] = (struct iface_rec){.ifindex = ifindex[i], .info = c->ifaces[i]};
	return r;
}

static struct device_rec *device_recs(const struct ward_compiled *c)
{
	struct device_rec *r = calloc(c->ndevices ? c->ndevices : 1, sizeof(*r));

	for (size_t i = 0; r && i < c->ndevices; i++)
		r[i] = (struct device_rec){.id = i, .info = c->devices[i]};
	return r;
}

#define RECORD_SET(array, count, type, key, value)                    \
	((struct ward_diff_set){.base = (array),                      \
				.n = (count),                         \
				.stride = sizeof(type),               \
				.key_size = sizeof(((type *)0)->key), \
				.val_off = offsetof(type, value),     \
				.val_size = sizeof(((type *)0)->value)})

static int diff_ifaces(int fd, const struct slot_state *st, const struct ward_compiled *c,
		       const uint32_t *ifindex)
{
	struct iface_rec *old = iface_recs(&st->c, st->ifindex), *new = iface_recs(c, ifindex);
	int err = -ENOMEM;

	if (old && new)
		err = apply_diff(fd, WARD_SM_IFACES,
				 &RECORD_SET(old, st->c.nifaces, struct iface_rec, ifindex, info),
				 &RECORD_SET(new, c->nifaces, struct iface_rec, ifindex, info));
	free(old);
	free(new);
	return err;
}

static int diff_devices(int fd, const struct slot_state *st, const struct ward_compiled *c)
{
	struct device_rec *old = device_recs(&st->c), *new = device_recs(c);
	int err = -ENOMEM;

	if (old && new)
		err = apply_diff(fd, WARD_SM_DEVICES,
				 &RECORD_SET(old, st->c.ndevices, struct device_rec, id, info),
				 &RECORD_SET(new, c->ndevices, struct device_rec, id, info));
	free(old);
	free(new);
	return err;
}

/*
 * Bring the inner map of @map that @st says @slot holds to @c. -ENOSPC when
 * it has no room for @c (or, for the counters, another number of indexes).
 */
static int update_inner(enum ward_slot_map map, int fd, const struct slot_state *st,
			const struct ward_compiled *c, const uint32_t *ifindex)
{
	const struct ward_compiled *o = &st->c;

	if (inner_entries(map, c) > st->capacity[map])
		return -ENOSPC;
	switch (map) {
	case WARD_SM_CONFIG:
		return fill_config(fd, c);
	case WARD_SM_IFACES:
		return diff_ifaces(fd, st, c, ifindex);
	case WARD_SM_DEV_MAC:
		return apply_diff(
			fd, map,
			&RECORD_SET(o->macs, o->nmacs, struct ward_mac_entry, key, device_id),
			&RECORD_SET(c->macs, c->nmacs, struct ward_mac_entry, key, device_id));
	case WARD_SM_DEV_IP:
		return apply_diff(
			fd, map, &RECORD_SET(o->ips, o->nips, struct ward_ip_entry, key, device_id),
			&RECORD_SET(c->ips, c->nips, struct ward_ip_entry, key, device_id));
	case WARD_SM_DEVICES:
		return diff_devices(fd, st, c);
	case WARD_SM_PEERS:
		return apply_diff(
			fd, map,
			&RECORD_SET(o->peers, o->npeers, struct ward_peer_entry, key, rules),
			&RECORD_SET(c->peers, c->npeers, struct ward_peer_entry, key, rules));
	case WARD_SM_SERVICES:
		return apply_diff(fd, map,
				  &RECORD_SET(o->services, o->nservices, struct ward_service_entry,
					      key, rules),
				  &RECORD_SET(c->services, c->nservices, struct ward_service_entry,
					      key, rules));
	case WARD_SM_COUNTERS:
		if (inner_entries(map, c) != inner_entries(map, o))
			return -ENOSPC;
		return fill_counters(fd, inner_entries(map, c)); /* all back to zero */
	default:
		return -EINVAL;
	}
}

/* The inner maps in @slot are still the ones @st describes (nobody else installed there). */
static bool slot_unchanged(const struct ward_maps *maps, uint32_t slot, const struct slot_state *st)
{
	uint32_t id;

	if (!st->valid)
		return false;
	for (int map = 0; map < WARD_SM_COUNT; map++)
		if (bpf_map_lookup_elem(maps->slot_fd[map], &slot, &id) || id != st->id[map])
			return false;
	return true;
}

/* A new descriptor of the inner map @map that @st holds. */
static int slot_inner_fd(const struct slot_state *st, enum ward_slot_map map)
{
	int fd;

	if (!st->id[map])
		return -ENOENT;
	fd = dup(st->fd[map]);
	return fd < 0 ? -errno : fd;
}

/*
 * Write @slot's config inner map back into its own place: an update of an
 * ARRAY_OF_MAPS returns only after synchronize_rcu() (the kernel's
 * maybe_wait_bpf_programs()), so every program that read ward_active before
 * the last flip, and may still be reading this slot, has finished.
 */
static int wait_for_readers(const struct ward_maps *maps, uint32_t slot,
			    const struct slot_state *st)
{
	int fd, err = 0;

	fd = slot_inner_fd(st, WARD_SM_CONFIG);
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(maps->slot_fd[WARD_SM_CONFIG], &slot, &fd, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

/*
 * Bring @slot from the policy @st holds to @c in place. Safe because no
 * packet reads the slot: it has been inactive since the last flip, and
 * wait_for_readers() outlasts every program that started before that flip;
 * programs read ward_active (the other slot) until the next flip, which
 * comes after these writes. A map that cannot take the new policy in place
 * is made anew instead.
 */
static int update_slot(const struct ward_maps *maps, uint32_t slot, struct slot_state *st,
		       const struct ward_compiled *c, const uint32_t *ifindex)
{
	int fd, err;

	err = wait_for_readers(maps, slot, st);
	for (int map = 0; !err && map < WARD_SM_COUNT; map++) {
		fd = slot_inner_fd(st, map);
		if (fd < 0)
			return fd;
		err = update_inner(map, fd, st, c, ifindex);
		close(fd);
		if (err == -ENOSPC)
			err = install_inner(maps, map, slot, c, ifindex, st);
	}
	return err;
}

/*
 * Make *@dst a copy of @n entries of @src, reusing its memory (a reload of
 * a policy of the same size reallocates nothing, and touches no new page).
 * Returns false when out of memory (*@dst is then freed).
 */
static bool keep_array(void *dst, const void *src, size_t n, size_t size)
{
	void **p = dst;
	void *copy = realloc(*p, n ? n * size : 1);

	if (!copy) {
		free(*p);
		*p = NULL;
		return false;
	}
	if (n)
		memcpy(copy, src, n * size);
	*p = copy;
	return true;
}

/* Remember that @st now holds @c (ifindexes @ifindex); on failure, remember nothing. */
static void slot_remember(struct slot_state *st, const struct ward_compiled *c,
			  const uint32_t *ifindex)
{
	struct ward_compiled *k = &st->c;
	bool ok;

	ok = keep_array(&k->ifaces, c->ifaces, c->nifaces, sizeof(*c->ifaces));
	ok &= keep_array(&k->macs, c->macs, c->nmacs, sizeof(*c->macs));
	ok &= keep_array(&k->ips, c->ips, c->nips, sizeof(*c->ips));
	ok &= keep_array(&k->devices, c->devices, c->ndevices, sizeof(*c->devices));
	ok &= keep_array(&k->peers, c->peers, c->npeers, sizeof(*c->peers));
	ok &= keep_array(&k->services, c->services, c->nservices, sizeof(*c->services));
	k->config = c->config;
	k->nifaces = c->nifaces;
	k->nmacs = c->nmacs;
	k->nips = c->nips;
	k->ndevices = c->ndevices;
	k->npeers = c->npeers;
	k->nservices = c->nservices;
	memcpy(st->ifindex, ifindex, c->nifaces * sizeof(*ifindex));
	st->valid = ok;
	if (!ok)
		compiled_release(k);
}

/* Make @slot hold @c: in place when this process knows what it holds, else anew. */
static int fill_slot(const struct ward_maps *maps, uint32_t slot, const struct ward_compiled *c,
		     const uint32_t *ifindex)
{
	struct slot_state *st = &maps->cache->slot[slot];
	int err;

	if (slot_unchanged(maps, slot, st))
		err = update_slot(maps, slot, st, c, ifindex);
	else
		err = build_slot(maps, slot, st, c, ifindex);
	if (err) {
		slot_forget(st);
		return err;
	}
	slot_remember(st, c, ifindex);
	return 0;
}

/*
 * Zero @slot's @n pass counters in ward_passed. After fill_slot(), which
 * waited for a grace period since the slot was last active (a map-of-maps
 * update), so no packet counts there any more.
 */
static int zero_passed(const struct ward_maps *maps, uint32_t slot, size_t n)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t chunk = n > BATCH_CHUNK ? BATCH_CHUNK : n;
	uint64_t *zero;
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
			keys[i] = slot * WARD_COUNTER_STRIDE + done + i;
		if (bpf_map_update_batch(maps->fd[WARD_MM_PASSED], keys, zero, &count, NULL)) {
			err = -errno;
			pr_err("map %s: cannot zero slot %u: %s", WARD_MAP_PASSED, slot,
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
	if (active.slot >= NSLOTS || !maps->cache)
		return -EINVAL;

	err = fill_slot(maps, active.slot, compiled, ifindex);
	if (err)
		return err;
	err = zero_passed(maps, active.slot, compiled->ndevices + compiled->nifaces);
	if (err)
		return err;
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

	if (map >= WARD_SM_COUNT || slot >= NSLOTS)
		return -EINVAL;
	if (bpf_map_lookup_elem(maps->slot_fd[map], &slot, &id))
		return -errno;
	if (maps->cache && maps->cache->slot[slot].id[map] == id)
		return slot_inner_fd(&maps->cache->slot[slot], map);
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

int ward_maps_passed(const struct ward_maps *maps, uint32_t slot, uint32_t index, uint64_t *sum)
{
	int ncpus = libbpf_num_possible_cpus();
	uint32_t key = slot * WARD_COUNTER_STRIDE + index;
	uint64_t *percpu;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	if (index >= WARD_COUNTER_STRIDE)
		return -ENOENT;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	if (bpf_map_lookup_elem(maps->fd[WARD_MM_PASSED], &key, percpu))
		err = -errno;
	for (int cpu = 0; !err && cpu < ncpus; cpu++)
		*sum += percpu[cpu];
	free(percpu);
	return err;
}

int ward_maps_counters(const struct ward_maps *maps, uint32_t index, struct ward_counters *out)
{
	uint64_t passed = 0;
	int ncpus = libbpf_num_possible_cpus();
	uint32_t slot = 0;
	struct ward_counters *percpu;
	int fd, err = 0;

	if (ncpus < 0)
		return ncpus;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu)
		return -ENOMEM;
	err = ward_maps_active_slot(maps, &slot);
	if (err)
		goto free_percpu;
	fd = ward_maps_inner_fd(maps, WARD_SM_COUNTERS, slot);
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
	err = ward_maps_passed(maps, slot, index, &passed);
	out->passed += passed;
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
		out->flows_deleted += percpu[cpu].flows_deleted;
	}
free_percpu:
	free(percpu);
	return err;
}
