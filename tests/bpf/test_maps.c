// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * agent/maps.c against the kernel: after every install of a sequence of
 * policies (a rule changed, devices added and removed, a policy too large
 * for the maps in place, back to a small one), the slot in force holds
 * exactly the compiled policy, entry for entry, with its counters (and its
 * pass counters in ward_passed) at zero;
 * and a slot that this process filled before is updated in place (the same
 * inner maps), not made anew.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <cmocka.h>

#include "compile.h"
#include "maps.h"
#include "policy.h"
#include "ward.skel.h"

#define IFINDEX_LO  1
#define YAML_MAX    (256 * 1024)
#define MAX_ENTRIES 4096

struct fixture {
	struct ward_bpf *skel;
	struct ward_maps maps;
	uint64_t generation;
};

/*
 * @ndev devices d<first>..; device i may open TCP @port + i to its own
 * peer prefix and UDP 53 to a shared one; device 1's port is @port1 when
 * not zero.
 */
static char *policy_yaml(unsigned first, unsigned ndev, unsigned port, unsigned port1)
{
	char *y = malloc(YAML_MAX);
	size_t n;

	assert_non_null(y);
	n = snprintf(y, YAML_MAX,
		     "version: 1\ninterfaces:\n  - name: lo\n    "
		     "unknown_hosts: drop\ndevices:\n");
	for (unsigned i = first; i < first + ndev; i++) {
		n += snprintf(y + n, YAML_MAX - n,
			      "  - name: d%u\n    mac: \"02:00:00:00:%02x:%02x\"\n"
			      "    ipv4: [198.18.%u.%u]\n    outbound:\n"
			      "      - to: [198.19.%u.0/24]\n        proto: tcp\n"
			      "        ports: [%u]\n"
			      "      - to: [198.19.255.0/24]\n        proto: udp\n"
			      "        ports: [53]\n",
			      i, i / 256, i % 256, i / 250, i % 250 + 1, i % 250,
			      i == 1 && port1 ? port1 : port + i);
		assert_true(n < YAML_MAX);
	}
	return y;
}

static struct ward_compiled *compile_yaml(struct fixture *f, char *yaml)
{
	struct ward_diags diags = {0};
	struct ward_policy *policy = NULL;
	struct ward_compiled *c = NULL;

	assert_int_equal(ward_policy_load_buffer("t", yaml, strlen(yaml), &policy, &diags), 0);
	assert_int_equal(ward_compile(policy, ++f->generation, &c, &diags), 0);
	ward_policy_free(policy);
	ward_diags_free(&diags);
	free(yaml);
	return c;
}

static uint32_t inner_id(struct fixture *f, enum ward_slot_map map, uint32_t slot)
{
	uint32_t id = 0;

	assert_int_equal(bpf_map_lookup_elem(f->maps.slot_fd[map], &slot, &id), 0);
	return id;
}

/* The keys of map @fd, at most MAX_ENTRIES of @key_size bytes; returns how many. */
static size_t map_keys(int fd, size_t key_size, char *keys)
{
	char *prev = NULL;
	size_t n = 0;

	while (n < MAX_ENTRIES && bpf_map_get_next_key(fd, prev, keys + n * key_size) == 0) {
		prev = keys + n * key_size;
		n++;
	}
	return n;
}

static int has_key(const char *keys, size_t n, size_t key_size, const void *key)
{
	for (size_t i = 0; i < n; i++)
		if (!memcmp(keys + i * key_size, key, key_size))
			return 1;
	return 0;
}

/* Map @map of the slot in force holds exactly @n entries of @stride, key first. */
static void expect_entries(struct fixture *f, enum ward_slot_map map, const void *entries, size_t n,
			   size_t stride, size_t key_size, size_t val_off, size_t val_size)
{
	char *keys = calloc(MAX_ENTRIES, key_size);
	char val[64];
	uint32_t slot;
	int fd;

	assert_non_null(keys);
	assert_int_equal(ward_maps_active_slot(&f->maps, &slot), 0);
	fd = ward_maps_inner_fd(&f->maps, map, slot);
	assert_true(fd >= 0);
	assert_int_equal(map_keys(fd, key_size, keys), n);
	for (size_t i = 0; i < n; i++) {
		const char *e = (const char *)entries + i * stride;

		assert_true(has_key(keys, n, key_size, e));
		assert_int_equal(bpf_map_lookup_elem(fd, e, val), 0);
		assert_memory_equal(val, e + val_off, val_size);
	}
	close(fd);
	free(keys);
}

/* Devices by id, zero beyond them; the config; the interface; counters at zero. */
static void expect_fixed(struct fixture *f, const struct ward_compiled *c)
{
	struct ward_dev_info info, zero = {0};
	struct ward_iface_info iface;
	struct ward_config config;
	struct ward_counters sum;
	uint32_t slot, key, ifindex = IFINDEX_LO;
	int fd;

	assert_int_equal(ward_maps_config(&f->maps, &config), 0);
	assert_memory_equal(&config, &c->config, sizeof(config));
	assert_int_equal(ward_maps_active_slot(&f->maps, &slot), 0);

	fd = ward_maps_inner_fd(&f->maps, WARD_SM_DEVICES, slot);
	assert_true(fd >= 0);
	for (key = 0; bpf_map_lookup_elem(fd, &key, &info) == 0; key++) {
		if (key < c->ndevices)
			assert_memory_equal(&info, &c->devices[key], sizeof(info));
		else
			assert_memory_equal(&info, &zero, sizeof(info));
	}
	assert_true(key >= c->ndevices);
	close(fd);

	fd = ward_maps_inner_fd(&f->maps, WARD_SM_IFACES, slot);
	assert_true(fd >= 0);
	assert_int_equal(bpf_map_lookup_elem(fd, &ifindex, &iface), 0);
	assert_memory_equal(&iface, &c->ifaces[0], sizeof(iface));
	close(fd);

	for (key = 0; key < c->ndevices + c->nifaces; key++) {
		assert_int_equal(ward_maps_counters(&f->maps, key, &sum), 0);
		assert_int_equal(sum.passed, 0);
		assert_int_equal(sum.dropped[WARD_REASON_NO_RULE], 0);
	}
	assert_int_equal(ward_maps_counters(&f->maps, key, &sum), -ENOENT);
}

/* Install @c and check the slot in force holds it; frees @c. */
static void install_and_check(struct fixture *f, struct ward_compiled *c)
{
	uint32_t ifindex = IFINDEX_LO;

	assert_int_equal(ward_maps_install(&f->maps, c, &ifindex, 1), 0);
	expect_fixed(f, c);
	expect_entries(f, WARD_SM_DEV_MAC, c->macs, c->nmacs, sizeof(*c->macs),
		       sizeof(struct ward_mac_key), offsetof(struct ward_mac_entry, device_id), 4);
	expect_entries(f, WARD_SM_DEV_IP, c->ips, c->nips, sizeof(*c->ips),
		       sizeof(struct ward_ip_key), offsetof(struct ward_ip_entry, device_id), 4);
	expect_entries(f, WARD_SM_PEERS, c->peers, c->npeers, sizeof(*c->peers),
		       sizeof(struct ward_peer_key), offsetof(struct ward_peer_entry, rules), 8);
	expect_entries(f, WARD_SM_SERVICES, c->services, c->nservices, sizeof(*c->services),
		       sizeof(struct ward_service_key), offsetof(struct ward_service_entry, rules),
		       8);
	ward_compiled_free(c);
}

/* Count a packet in the slot in force, so that a later install must zero it. */
static void dirty_counters(struct fixture *f)
{
	int ncpus = libbpf_num_possible_cpus();
	struct ward_counters *percpu = calloc(ncpus, sizeof(*percpu));
	struct ward_counters sum;
	uint64_t *passed;
	uint32_t slot, key = 0;
	int fd;

	assert_non_null(percpu);
	assert_int_equal(ward_maps_active_slot(&f->maps, &slot), 0);
	fd = ward_maps_inner_fd(&f->maps, WARD_SM_COUNTERS, slot);
	assert_true(fd >= 0);
	percpu[0].dropped[WARD_REASON_NO_RULE] = 7;
	assert_int_equal(bpf_map_update_elem(fd, &key, percpu, BPF_EXIST), 0);
	close(fd);
	free(percpu);

	passed = calloc(ncpus, sizeof(*passed));
	assert_non_null(passed);
	passed[ncpus - 1] = 5;
	key = slot * WARD_COUNTER_STRIDE + 1;
	assert_int_equal(bpf_map_update_elem(f->maps.fd[WARD_MM_PASSED], &key, passed, 0), 0);
	assert_int_equal(ward_maps_counters(&f->maps, 1, &sum), 0);
	assert_int_equal(sum.passed, 5);
	free(passed);
}

static void test_installs_hold_the_compiled_policy(void **state)
{
	struct fixture *f = *state;
	uint32_t peers1, devices1;

	install_and_check(f, compile_yaml(f, policy_yaml(0, 5, 2000, 0))); /* slot 1, fresh */
	peers1 = inner_id(f, WARD_SM_PEERS, 1);
	devices1 = inner_id(f, WARD_SM_DEVICES, 1);
	dirty_counters(f);
	install_and_check(f, compile_yaml(f, policy_yaml(0, 5, 2000, 0))); /* slot 0, fresh */
	dirty_counters(f);

	/* slot 1 again: one device's rule changed, in place */
	install_and_check(f, compile_yaml(f, policy_yaml(0, 5, 2000, 4444)));
	assert_int_equal(inner_id(f, WARD_SM_PEERS, 1), peers1);
	assert_int_equal(inner_id(f, WARD_SM_DEVICES, 1), devices1);
	dirty_counters(f);

	/* devices removed and added: ids shift, slot 0 in place */
	install_and_check(f, compile_yaml(f, policy_yaml(2, 6, 3000, 0)));
	/* fewer devices, then too many for the maps in place, then few again */
	install_and_check(f, compile_yaml(f, policy_yaml(0, 2, 2000, 0)));
	install_and_check(f, compile_yaml(f, policy_yaml(0, 300, 2000, 0)));
	install_and_check(f, compile_yaml(f, policy_yaml(0, 300, 2000, 9)));
	assert_int_not_equal(inner_id(f, WARD_SM_DEVICES, 1), devices1);
	install_and_check(f, compile_yaml(f, policy_yaml(7, 3, 5000, 0)));
	install_and_check(f, compile_yaml(f, policy_yaml(7, 3, 5000, 0)));
}

/* A slot another process installed (ids this one does not know) is made anew. */
static void test_foreign_slot_is_rebuilt(void **state)
{
	struct fixture *f = *state;
	struct ward_maps other;
	uint32_t ifindex = IFINDEX_LO;
	struct ward_compiled *c;

	install_and_check(f, compile_yaml(f, policy_yaml(0, 4, 2000, 0)));
	install_and_check(f, compile_yaml(f, policy_yaml(0, 4, 2000, 0)));
	assert_int_equal(ward_maps_from_object(&other, f->skel->obj), 0);
	c = compile_yaml(f, policy_yaml(0, 4, 6000, 0));
	assert_int_equal(ward_maps_install(&other, c, &ifindex, 1), 0);
	ward_compiled_free(c);
	ward_maps_close(&other);
	install_and_check(f, compile_yaml(f, policy_yaml(1, 4, 2000, 0)));
	install_and_check(f, compile_yaml(f, policy_yaml(1, 4, 2000, 17)));
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->skel = ward_bpf__open_and_load();
	if (!f->skel || ward_maps_from_object(&f->maps, f->skel->obj)) {
		ward_bpf__destroy(f->skel);
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ward_maps_close(&f->maps);
	ward_bpf__destroy(f->skel);
	free(f);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_installs_hold_the_compiled_policy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_foreign_slot_is_rebuilt, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
