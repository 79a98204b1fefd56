// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The BPF test harness (see harness.h): the real skeleton, policies filled
 * through agent/maps.c, frames run with BPF_PROG_TEST_RUN, and readers for
 * what the datapath leaves behind (counters, events, flows).
 */
#include <errno.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "compile.h"
#include "harness.h"
#include "maps.h"
#include "policy.h"
#include "ward.skel.h"

/* Smaller tables than production: every test program loads its own copy. */
#define HARNESS_FLOWS	     (1 << 16)
#define HARNESS_CRIT_FLOWS   (1 << 12)
#define HARNESS_EVENTS_QUEUE 4096
#define LO_IFINDEX	     1

struct harness {
	struct ward_bpf *skel;
	struct ward_maps maps;
	struct ring_buffer *ring;
	uint32_t ifindex[WARD_MAX_IFACES];
	unsigned ndummies; /* interfaces created: iface_ids 1..ndummies */
	uint64_t generation;
	struct ward_event *queue; /* drained from the ring, not yet handed out */
	int nqueued;
	int cap;
};

static int libbpf_warnings(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_WARN)
		return vfprintf(stderr, fmt, args);
	return 0;
}

static void dummy_name(char *buf, size_t size, unsigned iface_id)
{
	snprintf(buf, size, "wd%d-%u", (int)getpid() % 1000000, iface_id);
}

static int run_ip(const char *fmt, const char *name)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), fmt, name, name);
	return system(cmd) == 0 ? 0 : -EIO;
}

/*
 * Give iface_ids 1..n-1 an interface each (iface_id 0 is lo): one end of a
 * veth pair, as this kernel has no dummy driver.
 */
static int ensure_ifaces(struct harness *h, size_t n)
{
	char name[IF_NAMESIZE];

	if (n > WARD_MAX_IFACES)
		return -E2BIG;
	while (h->ndummies + 1 < n) {
		unsigned id = h->ndummies + 1;

		dummy_name(name, sizeof(name), id);
		if (run_ip("ip link add %s type veth peer name %sp 2>/dev/null", name))
			return -EIO;
		h->ndummies++;
		h->ifindex[id] = if_nametoindex(name);
		if (!h->ifindex[id])
			return -errno;
	}
	return 0;
}

static int queue_event(void *ctx, void *data, size_t size)
{
	struct harness *h = ctx;
	struct ward_event *grown;

	if (size < sizeof(struct ward_event))
		return 0;
	if (h->nqueued == h->cap) {
		int cap = h->cap ? 2 * h->cap : HARNESS_EVENTS_QUEUE;

		grown = realloc(h->queue, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		h->queue = grown;
		h->cap = cap;
	}
	memcpy(&h->queue[h->nqueued++], data, sizeof(struct ward_event));
	return 0;
}

int harness_open(struct harness **out)
{
	struct harness *h;
	int err;

	libbpf_set_print(libbpf_warnings);
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->ifindex[0] = LO_IFINDEX;

	h->skel = ward_bpf__open();
	if (!h->skel) {
		err = -errno;
		goto free_h;
	}
	bpf_map__set_max_entries(h->skel->maps.ward_flows, HARNESS_FLOWS);
	bpf_map__set_max_entries(h->skel->maps.ward_flows_crit, HARNESS_CRIT_FLOWS);
	err = ward_bpf__load(h->skel);
	if (err)
		goto destroy_skel;
	err = ward_maps_from_object(&h->maps, h->skel->obj);
	if (err)
		goto destroy_skel;
	h->ring = ring_buffer__new(bpf_map__fd(h->skel->maps.ward_events), queue_event, h, NULL);
	if (!h->ring) {
		err = -errno;
		goto close_maps;
	}
	*out = h;
	return 0;

close_maps:
	ward_maps_close(&h->maps);
destroy_skel:
	ward_bpf__destroy(h->skel);
free_h:
	free(h);
	return err;
}

void harness_close(struct harness *h)
{
	char name[IF_NAMESIZE];

	if (!h)
		return;
	for (unsigned id = 1; id <= h->ndummies; id++) {
		dummy_name(name, sizeof(name), id);
		run_ip("ip link del %s 2>/dev/null # and %sp", name);
	}
	ring_buffer__free(h->ring);
	ward_maps_close(&h->maps);
	ward_bpf__destroy(h->skel);
	free(h->queue);
	free(h);
}

int harness_load_compiled(struct harness *h, const struct ward_compiled *compiled)
{
	int err;

	err = ensure_ifaces(h, compiled->nifaces);
	if (err)
		return err;
	err = ward_maps_install(&h->maps, compiled, h->ifindex, compiled->nifaces);
	if (err)
		return err;
	h->generation = compiled->config.generation;
	return 0;
}

int harness_load_policy(struct harness *h, const char *yaml)
{
	struct ward_diags diags = {0};
	struct ward_policy *policy = NULL;
	struct ward_compiled *compiled = NULL;
	int err;

	err = ward_policy_load_buffer("test-policy", yaml, strlen(yaml), &policy, &diags);
	if (err)
		goto print_diags;
	err = ward_compile(policy, h->generation + 1, &compiled, &diags);
	if (err)
		goto free_policy;
	err = harness_load_compiled(h, compiled);
	ward_compiled_free(compiled);
free_policy:
	ward_policy_free(policy);
print_diags:
	if (diags.count)
		ward_diags_print(&diags, "test-policy", stderr);
	ward_diags_free(&diags);
	return err;
}

uint32_t harness_ifindex(struct harness *h, unsigned iface_id)
{
	if (iface_id > h->ndummies)
		return 0;
	return h->ifindex[iface_id];
}

int harness_run(struct harness *h, enum ward_direction dir, unsigned iface_id, const void *frame,
		size_t len, int *pass)
{
	/* test_run wants data_end = the frame's length in an XDP context */
	struct xdp_md xdp = {.data_end = len, .ingress_ifindex = harness_ifindex(h, iface_id)};
	struct __sk_buff skb = {.ifindex = harness_ifindex(h, iface_id)};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame, .data_size_in = len, .repeat = 1);
	int fd;

	if (!xdp.ingress_ifindex)
		return -ENODEV;
	if (dir == WARD_DIR_FROM_DEVICE) {
		fd = bpf_program__fd(h->skel->progs.ward_xdp);
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
	} else {
		fd = bpf_program__fd(h->skel->progs.ward_tc);
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}
	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;
	if (dir == WARD_DIR_FROM_DEVICE)
		*pass = opts.retval == XDP_PASS;
	else
		*pass = opts.retval == TC_ACT_OK;
	return 0;
}

int harness_counters(struct harness *h, unsigned index, struct ward_counters *out)
{
	return ward_maps_counters(&h->maps, index, out);
}

int harness_events(struct harness *h, struct ward_event *events, int max)
{
	int n, err;

	err = ring_buffer__consume(h->ring);
	if (err < 0)
		return err;
	n = h->nqueued < max ? h->nqueued : max;
	if (n <= 0)
		return 0;
	memcpy(events, h->queue, n * sizeof(*events));
	memmove(h->queue, h->queue + n, (h->nqueued - n) * sizeof(*events));
	h->nqueued -= n;
	return n;
}

/* Move back by @delta the u64 time at @off in every value of @fd. */
/*
 * The keys of the hash @fd, collected before any update: rewriting an entry
 * moves it in its bucket, so updating while walking can revisit entries forever.
 */
static int collect_keys(int fd, size_t key_size, char **out, size_t *count)
{
	char *keys = NULL, *grown;
	size_t n = 0, cap = 0;
	void *prev = NULL;

	while (1) {
		if (n == cap) {
			cap = cap ? 2 * cap : 256;
			grown = realloc(keys, cap * key_size);
			if (!grown) {
				free(keys);
				return -ENOMEM;
			}
			keys = grown;
		}
		if (bpf_map_get_next_key(fd, prev, keys + n * key_size))
			break;
		prev = keys + n * key_size;
		n++;
	}
	*out = keys;
	*count = n;
	return 0;
}

static int age_map(int fd, size_t key_size, size_t value_size, size_t off, int64_t delta)
{
	char value[64], *keys;
	size_t i, n;
	uint64_t t;
	int err;

	if (value_size > sizeof(value))
		return -E2BIG;
	err = collect_keys(fd, key_size, &keys, &n);
	if (err)
		return err;

	for (i = 0; i < n && !err; i++) {
		char *key = keys + i * key_size;

		if (bpf_map_lookup_elem(fd, key, value))
			continue; /* gone meanwhile */
		memcpy(&t, value + off, sizeof(t));
		/*
		 * On a machine up for less than @delta this wraps below zero;
		 * the datapath reads timestamps as signed ages (ns_since()), so
		 * a wrapped one is still @delta in the past.
		 */
		t -= (uint64_t)delta;
		memcpy(value + off, &t, sizeof(t));
		if (bpf_map_update_elem(fd, key, value, BPF_EXIST))
			err = -errno;
	}
	free(keys);
	return err;
}

int harness_age_flows(struct harness *h, int64_t delta_ns)
{
	const struct ward_maps *m = &h->maps;
	int err;

	err = age_map(m->fd[WARD_MM_FLOWS], sizeof(struct ward_flow_key), sizeof(struct ward_flow),
		      offsetof(struct ward_flow, last_ns), delta_ns);
	if (!err)
		err = age_map(m->fd[WARD_MM_FLOWS_CRITICAL], sizeof(struct ward_flow_key),
			      sizeof(struct ward_flow), offsetof(struct ward_flow, last_ns),
			      delta_ns);
	if (!err)
		err = age_map(m->fd[WARD_MM_FRAGS], sizeof(struct ward_frag_key),
			      sizeof(struct ward_frag), offsetof(struct ward_frag, first_ns),
			      delta_ns);
	if (!err)
		err = age_map(m->fd[WARD_MM_EVENT_SUPPRESS], sizeof(struct ward_suppress_key),
			      sizeof(struct ward_suppress), offsetof(struct ward_suppress, last_ns),
			      delta_ns);
	if (!err)
		err = age_map(m->fd[WARD_MM_RATE], sizeof(struct ward_rate_key),
			      sizeof(struct ward_rate_state),
			      offsetof(struct ward_rate_state, last_ns), delta_ns);
	return err;
}

/* Delete every entry of the hash @fd. */
static int clear_map(int fd, size_t key_size)
{
	char key[64];

	if (key_size > sizeof(key))
		return -E2BIG;
	while (bpf_map_get_next_key(fd, NULL, key) == 0)
		if (bpf_map_delete_elem(fd, key) && errno != ENOENT)
			return -errno;
	return 0;
}

int harness_forget(struct harness *h)
{
	static const struct {
		enum ward_shared_map map;
		size_t key_size;
	} state[] = {
		{WARD_MM_FLOWS, sizeof(struct ward_flow_key)},
		{WARD_MM_FLOWS_CRITICAL, sizeof(struct ward_flow_key)},
		{WARD_MM_FRAGS, sizeof(struct ward_frag_key)},
		{WARD_MM_EVENT_SUPPRESS, sizeof(struct ward_suppress_key)},
		{WARD_MM_RATE, sizeof(struct ward_rate_key)},
		{WARD_MM_HOSTS_SEEN, sizeof(struct ward_host_key)},
	};
	size_t i;
	int err;

	for (i = 0; i < sizeof(state) / sizeof(state[0]); i++) {
		err = clear_map(h->maps.fd[state[i].map], state[i].key_size);
		if (err)
			return err;
	}
	return 0;
}

static int count_keys(int fd, size_t key_size)
{
	char key[64], next[64];
	void *prev = NULL;
	int n = 0;

	if (key_size > sizeof(key))
		return -E2BIG;
	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	return n;
}

int harness_flow_count(struct harness *h)
{
	int shared, critical;

	shared = count_keys(h->maps.fd[WARD_MM_FLOWS], sizeof(struct ward_flow_key));
	critical = count_keys(h->maps.fd[WARD_MM_FLOWS_CRITICAL], sizeof(struct ward_flow_key));
	if (shared < 0)
		return shared;
	if (critical < 0)
		return critical;
	return shared + critical;
}

int harness_stats(struct harness *h, struct ward_stats *out)
{
	return ward_maps_stats(&h->maps, out);
}

int harness_held(struct harness *h, unsigned index, enum ward_reason reason, uint64_t *held)
{
	int fd = h->maps.fd[WARD_MM_EVENT_SUPPRESS];
	struct ward_suppress_key key, next;
	struct ward_suppress value;
	struct ward_config config;
	uint32_t device = index, ifindex = 0;
	void *prev = NULL;
	int err;

	err = ward_maps_config(&h->maps, &config);
	if (err)
		return err;
	if (index >= config.ndevices) {
		device = WARD_DEVICE_NONE;
		ifindex = harness_ifindex(h, index - config.ndevices);
	}
	*held = 0;
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		key = next;
		prev = &key;
		if (key.generation != config.generation || key.reason != reason ||
		    key.device_id != device || (ifindex && key.ifindex != ifindex))
			continue;
		if (bpf_map_lookup_elem(fd, &key, &value) == 0)
			*held += value.held;
	}
	return 0;
}
