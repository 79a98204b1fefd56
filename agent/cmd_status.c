// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `ward status`: what is attached where, which policy is in force, and the
 * counters, read from the pins alone so that it works with or without an
 * agent running (cli.md, "Status"). Counters belong to the policy slot in
 * force and count since that policy was loaded.
 *
 * "events" counts packets: delivered (carried by events that reached the
 * ring buffer, with their held-back counts), held back (waiting for the
 * next event of their kind) and lost (the ring buffer was full). Together
 * they make the dropped and would-drop packets of every device.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attach.h"
#include "commands.h"
#include "events.h"
#include "json.h"
#include "log.h"
#include "pins.h"

struct status {
	const char *pin_dir;
	struct ward_state state;
	struct ward_attachment att[WARD_MAX_IFACES];
	unsigned int ifindex[WARD_MAX_IFACES];
	uint32_t slot;
	struct ward_counters *counters; /* ndevices + nifaces, summed over CPUs */
	uint32_t ncounters;
	struct ward_dev_name *names; /* ndevices */
	uint64_t held;
	uint64_t flows_tracked;
	uint64_t flows_evicted;
	uint32_t flow_table_size; /* max_entries of the shared table */
	struct ward_stats stats;
	int agent_pid; /* the ward run holding the pin directory, 0: none */
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ward status [--pin-dir DIR] [--json]\n\n"
		"Show what ward has attached where, the policy in force (its SHA-256 and when\n"
		"it was loaded) and the counters per device and reason, read from the pins\n"
		"under DIR (default %s). Works whether or not an agent runs.\n",
		WARD_DEFAULT_PIN_DIR);
}

static uint32_t map_id(int fd)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/*
 * The counters map of @slot: its pin when that is the current one (no
 * privilege but the pins'), else found by id (CAP_SYS_ADMIN).
 */
static int open_counters(const char *dir, uint32_t slot)
{
	char name[32];
	uint32_t id;
	int outer, fd;

	outer = ward_pin_open(dir, WARD_MAP_COUNTERS);
	if (outer < 0)
		return outer;
	if (bpf_map_lookup_elem(outer, &slot, &id)) {
		fd = -errno;
		goto close_outer;
	}
	snprintf(name, sizeof(name), WARD_PIN_COUNTERS_FMT, slot);
	fd = ward_pin_open(dir, name);
	if (fd >= 0 && map_id(fd) == id)
		goto close_outer;
	if (fd >= 0)
		close(fd);
	fd = bpf_map_get_fd_by_id(id);
	if (fd < 0)
		fd = -errno;

close_outer:
	close(outer);
	return fd;
}

static void add_counters(struct ward_counters *sum, const struct ward_counters *c)
{
	int r;

	sum->passed += c->passed;
	for (r = 0; r < WARD_REASON_COUNT; r++) {
		sum->dropped[r] += c->dropped[r];
		sum->would_drop[r] += c->would_drop[r];
		sum->event_pkts[r] += c->event_pkts[r];
		sum->event_lost[r] += c->event_lost[r];
	}
}

/* Passes are counted outside the slot's counters (ward_abi.h, WARD_MAP_PASSED). */
static int add_passed(struct status *st, int ncpus)
{
	uint64_t *percpu = calloc(ncpus, sizeof(*percpu));
	uint32_t i, key;
	int fd, cpu;

	if (!percpu)
		return -ENOMEM;
	fd = ward_pin_open(st->pin_dir, WARD_MAP_PASSED);
	if (fd < 0) {
		free(percpu);
		return fd;
	}
	for (i = 0; i < st->ncounters && i < WARD_COUNTER_STRIDE; i++) {
		key = st->slot * WARD_COUNTER_STRIDE + i;
		if (bpf_map_lookup_elem(fd, &key, percpu))
			continue;
		for (cpu = 0; cpu < ncpus; cpu++)
			st->counters[i].passed += percpu[cpu];
	}
	close(fd);
	free(percpu);
	return 0;
}

static int read_counters(struct status *st)
{
	int ncpus = libbpf_num_possible_cpus();
	struct ward_counters *percpu;
	uint32_t i;
	int fd, cpu, err = 0;

	if (ncpus < 0)
		return ncpus;
	fd = open_counters(st->pin_dir, st->slot);
	if (fd < 0)
		return fd;

	st->ncounters = st->state.ndevices + st->state.nifaces;
	st->counters = calloc(st->ncounters ? st->ncounters : 1, sizeof(*st->counters));
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!st->counters || !percpu) {
		err = -ENOMEM;
		goto free_percpu;
	}
	for (i = 0; i < st->ncounters; i++) {
		if (bpf_map_lookup_elem(fd, &i, percpu))
			continue; /* past the end of this slot's array */
		for (cpu = 0; cpu < ncpus; cpu++)
			add_counters(&st->counters[i], &percpu[cpu]);
	}
	err = add_passed(st, ncpus);

free_percpu:
	free(percpu);
	close(fd);
	return err;
}

static uint64_t count_keys(const char *dir, const char *name, size_t key_size)
{
	uint8_t key[64], next[64];
	uint64_t n = 0;
	void *prev = NULL;
	int fd;

	fd = ward_pin_open(dir, name);
	if (fd < 0 || key_size > sizeof(key))
		return 0;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		memcpy(key, next, key_size);
		prev = key;
		n++;
	}
	close(fd);
	return n;
}

static uint32_t table_size(const char *dir, const char *name)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);
	int fd;

	fd = ward_pin_open(dir, name);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.max_entries = 0;
	close(fd);
	return info.max_entries;
}

/*
 * The LRU table evicts without a word: what was created and is neither
 * deleted by the datapath nor still there was evicted (ward_abi.h).
 */
static void read_flows(struct status *st)
{
	uint64_t gone;

	st->flows_tracked =
		count_keys(st->pin_dir, WARD_MAP_FLOWS, sizeof(struct ward_flow_key)) +
		count_keys(st->pin_dir, WARD_MAP_FLOWS_CRITICAL, sizeof(struct ward_flow_key));
	st->flow_table_size = table_size(st->pin_dir, WARD_MAP_FLOWS);
	gone = st->stats.flows_deleted + st->flows_tracked;
	st->flows_evicted = st->stats.flows_created > gone ? st->stats.flows_created - gone : 0;
}

static void read_held(struct status *st)
{
	struct ward_suppress_key key, next;
	struct ward_suppress val;
	void *prev = NULL;
	int fd;

	fd = ward_pin_open(st->pin_dir, WARD_MAP_EVENT_SUPPRESS);
	if (fd < 0)
		return;
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(fd, &key, &val))
			st->held += val.held;
	}
	close(fd);
}

static void read_stats(struct status *st)
{
	int ncpus = libbpf_num_possible_cpus(), cpu;
	struct ward_stats *percpu;
	uint32_t key = 0;
	int fd;

	fd = ward_pin_open(st->pin_dir, WARD_MAP_STATS);
	percpu = ncpus > 0 ? calloc(ncpus, sizeof(*percpu)) : NULL;
	if (fd >= 0 && percpu && !bpf_map_lookup_elem(fd, &key, percpu)) {
		for (cpu = 0; cpu < ncpus; cpu++) {
			st->stats.flows_created += percpu[cpu].flows_created;
			st->stats.critical_table_full += percpu[cpu].critical_table_full;
			st->stats.flow_insert_failed += percpu[cpu].flow_insert_failed;
			st->stats.frags_tracked += percpu[cpu].frags_tracked;
			st->stats.flows_deleted += percpu[cpu].flows_deleted;
		}
	}
	free(percpu);
	if (fd >= 0)
		close(fd);
}

static int read_names(struct status *st)
{
	uint32_t i;

	st->names = calloc(st->state.ndevices ? st->state.ndevices : 1, sizeof(*st->names));
	if (!st->names)
		return -ENOMEM;
	for (i = 0; i < st->state.ndevices; i++)
		if (ward_devnames_read(st->pin_dir, i, &st->names[i]))
			snprintf(st->names[i].name, sizeof(st->names[i].name), "#%u", i);
	return 0;
}

static void read_attachments(struct status *st)
{
	uint32_t i;

	for (i = 0; i < st->state.nifaces; i++) {
		st->ifindex[i] = if_nametoindex(st->state.ifnames[i]);
		if (st->ifindex[i])
			ward_attach_query(st->ifindex[i], &st->att[i]);
	}
}

static int read_active(struct status *st)
{
	struct ward_active active;
	uint32_t key = 0;
	int fd, err = 0;

	fd = ward_pin_open(st->pin_dir, WARD_MAP_ACTIVE);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, &active))
		err = -errno;
	close(fd);
	st->slot = active.slot;
	return err;
}

static int read_status(struct status *st)
{
	int err;

	err = ward_state_read(st->pin_dir, &st->state);
	if (err)
		return err;
	err = read_active(st);
	if (err)
		return err;
	err = read_counters(st);
	if (err)
		return err;
	err = read_names(st);
	if (err)
		return err;

	read_attachments(st);
	read_held(st);
	read_stats(st);
	read_flows(st);
	st->agent_pid = ward_pins_holder(st->pin_dir);
	if (st->agent_pid < 0)
		st->agent_pid = 0;
	return 0;
}

/* Print @s as a JSON string, escaped as json.h does for event lines. */
static void print_jstr(const char *s)
{
	struct ward_jbuf b;

	ward_jbuf_init(&b);
	ward_json_escape(&b, s, strlen(s));
	printf("\"%s\"", b.err || !b.data ? "" : b.data);
	ward_jbuf_free(&b);
}

static void print_reasons_json(const char *key, const __u64 *by_reason)
{
	const char *sep = "";
	int r;

	printf(",\"%s\":{", key);
	for (r = 1; r < WARD_REASON_COUNT; r++) {
		if (!by_reason[r])
			continue;
		printf("%s\"%s\":%llu", sep, ward_reason_name(r), (unsigned long long)by_reason[r]);
		sep = ",";
	}
	printf("}");
}

static void print_interfaces_json(const struct status *st)
{
	uint32_t i;

	printf("\"interfaces\":[");
	for (i = 0; i < st->state.nifaces; i++) {
		printf("%s{\"name\":", i ? "," : "");
		print_jstr(st->state.ifnames[i]);
		printf(",\"ifindex\":%u,\"xdp_id\":%u,\"xdp_mode\":\"%s\",\"tc_id\":%u}",
		       st->ifindex[i], st->att[i].xdp_id, ward_xdp_mode_name(st->att[i].xdp_mode),
		       st->att[i].tc_id);
	}
	printf("]");
}

static void print_policy_json(const struct status *st)
{
	char hex[WARD_SHA256_HEX], ts[WARD_TS_LEN];

	ward_sha256_hex(st->state.sha256, hex);
	ward_format_ts(st->state.loaded_at_ns, ts, sizeof(ts));
	printf(",\"policy\":{\"path\":");
	print_jstr(st->state.path);
	printf(",\"sha256\":\"%s\",\"generation\":%llu,\"loaded_at\":\"%s\",\"devices\":%u}", hex,
	       (unsigned long long)st->state.generation, ts, st->state.ndevices);
}

static void print_agent_json(const struct status *st)
{
	if (st->agent_pid)
		printf(",\"agent\":{\"pid\":%d}", st->agent_pid);
	else
		printf(",\"agent\":null");
}

static void print_devices_json(const struct status *st)
{
	const struct ward_counters *c;
	uint32_t i;

	printf(",\"devices\":[");
	for (i = 0; i < st->state.ndevices && i < st->ncounters; i++) {
		c = &st->counters[i];
		printf("%s{\"name\":", i ? "," : "");
		print_jstr(st->names[i].name);
		printf(",\"criticality\":\"%s\",\"mode\":\"%s\",\"passed\":%llu",
		       ward_criticality_name(st->names[i].criticality),
		       st->names[i].mode == WARD_MODE_AUDIT ? "audit" : "enforce",
		       (unsigned long long)c->passed);
		print_reasons_json("dropped", c->dropped);
		print_reasons_json("would_drop", c->would_drop);
		printf("}");
	}
	printf("]");
}

static void print_unknown_json(const struct status *st)
{
	const struct ward_counters *c;
	uint32_t i;

	printf(",\"unknown_hosts\":[");
	for (i = 0; i < st->state.nifaces && st->state.ndevices + i < st->ncounters; i++) {
		c = &st->counters[st->state.ndevices + i];
		printf("%s{\"iface\":", i ? "," : "");
		print_jstr(st->state.ifnames[i]);
		printf(",\"passed\":%llu", (unsigned long long)c->passed);
		print_reasons_json("dropped", c->dropped);
		print_reasons_json("would_drop", c->would_drop);
		printf("}");
	}
	printf("]");
}

static void event_totals(const struct status *st, uint64_t *delivered, uint64_t *lost)
{
	uint32_t i;
	int r;

	*delivered = 0;
	*lost = 0;
	for (i = 0; i < st->ncounters; i++) {
		for (r = 0; r < WARD_REASON_COUNT; r++) {
			*delivered += st->counters[i].event_pkts[r];
			*lost += st->counters[i].event_lost[r];
		}
	}
}

static void print_json(const struct status *st)
{
	uint64_t delivered, lost;

	event_totals(st, &delivered, &lost);
	printf("{");
	print_interfaces_json(st);
	print_policy_json(st);
	print_agent_json(st);
	print_devices_json(st);
	print_unknown_json(st);
	printf(",\"flows\":{\"tracked\":%llu,\"evicted\":%llu,\"table_size\":%u,"
	       "\"created\":%llu,\"insert_failed\":%llu,\"critical_table_full\":%llu}",
	       (unsigned long long)st->flows_tracked, (unsigned long long)st->flows_evicted,
	       st->flow_table_size, (unsigned long long)st->stats.flows_created,
	       (unsigned long long)st->stats.flow_insert_failed,
	       (unsigned long long)st->stats.critical_table_full);
	printf(",\"events\":{\"delivered\":%llu,\"held_back\":%llu,\"lost\":%llu}}\n",
	       (unsigned long long)delivered, (unsigned long long)st->held,
	       (unsigned long long)lost);
}

static void print_reasons_text(const char *label, const __u64 *by_reason)
{
	uint64_t total = 0;
	const char *sep = "";
	int r;

	for (r = 1; r < WARD_REASON_COUNT; r++)
		total += by_reason[r];
	printf(", %s %llu", label, (unsigned long long)total);
	if (!total)
		return;
	printf(" (");
	for (r = 1; r < WARD_REASON_COUNT; r++) {
		if (!by_reason[r])
			continue;
		printf("%s%s %llu", sep, ward_reason_name(r), (unsigned long long)by_reason[r]);
		sep = ", ";
	}
	printf(")");
}

static void print_text(const struct status *st)
{
	char hex[WARD_SHA256_HEX], ts[WARD_TS_LEN];
	const struct ward_counters *c;
	uint64_t delivered, lost;
	uint32_t i;

	ward_sha256_hex(st->state.sha256, hex);
	ward_format_ts(st->state.loaded_at_ns, ts, sizeof(ts));
	printf("policy      %s\nsha256      %s\n", st->state.path, hex);
	printf("generation  %llu, loaded %s (counters count from then)\n",
	       (unsigned long long)st->state.generation, ts);
	if (st->agent_pid)
		printf("agent       ward run, pid %d\n", st->agent_pid);
	else
		printf("agent       none running: the programs enforce the pinned policy, no events "
		       "are written\n");
	printf("interfaces\n");
	for (i = 0; i < st->state.nifaces; i++)
		printf("  %-15s ifindex %u, xdp %u (%s), tc %u\n", st->state.ifnames[i],
		       st->ifindex[i], st->att[i].xdp_id, ward_xdp_mode_name(st->att[i].xdp_mode),
		       st->att[i].tc_id);
	printf("devices (%u)\n", st->state.ndevices);
	for (i = 0; i < st->state.ndevices && i < st->ncounters; i++) {
		c = &st->counters[i];
		printf("  %s [%s]%s: passed %llu", st->names[i].name,
		       ward_criticality_name(st->names[i].criticality),
		       st->names[i].mode == WARD_MODE_AUDIT ? " audit" : "",
		       (unsigned long long)c->passed);
		print_reasons_text("dropped", c->dropped);
		print_reasons_text("would-drop", c->would_drop);
		printf("\n");
	}
	for (i = 0; i < st->state.nifaces && st->state.ndevices + i < st->ncounters; i++) {
		c = &st->counters[st->state.ndevices + i];
		printf("  unknown hosts on %s: passed %llu", st->state.ifnames[i],
		       (unsigned long long)c->passed);
		print_reasons_text("dropped", c->dropped);
		print_reasons_text("would-drop", c->would_drop);
		printf("\n");
	}
	event_totals(st, &delivered, &lost);
	printf("flows       tracked %llu (shared table of %u), evicted %llu, created %llu, "
	       "insert failed %llu, life-critical in the shared table %llu\n",
	       (unsigned long long)st->flows_tracked, st->flow_table_size,
	       (unsigned long long)st->flows_evicted, (unsigned long long)st->stats.flows_created,
	       (unsigned long long)st->stats.flow_insert_failed,
	       (unsigned long long)st->stats.critical_table_full);
	printf("events      packets in delivered events %llu, held back %llu, lost %llu\n",
	       (unsigned long long)delivered, (unsigned long long)st->held,
	       (unsigned long long)lost);
}

static int parse_args(int argc, char **argv, const char **pin_dir, int *json)
{
	static const struct option opts[] = {
		{"pin-dir", required_argument, NULL, 'p'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			*pin_dir = optarg;
			break;
		case 'j':
			*json = 1;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("'ward status' takes no argument '%s'", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int cmd_status(int argc, char **argv)
{
	struct status st = {.pin_dir = WARD_DEFAULT_PIN_DIR};
	int json = 0, err, ret = WARD_EXIT_OK;

	err = parse_args(argc, argv, &st.pin_dir, &json);
	if (err)
		return err > 0 ? WARD_EXIT_OK : WARD_EXIT_USAGE;

	if (ward_pins_find(st.pin_dir))
		return WARD_EXIT_KERNEL;
	err = read_status(&st);
	if (err == -ENOENT) {
		pr_err("nothing of ward is pinned under %s: is an agent (ward run) started with this "
		       "--pin-dir?",
		       st.pin_dir);
		ret = WARD_EXIT_KERNEL;
		goto free_status;
	}
	if (err) {
		pr_err("cannot read ward's pins under %s: %s%s", st.pin_dir, strerror(-err),
		       err == -EPERM ? " (run as root, or with CAP_BPF and CAP_SYS_ADMIN)" : "");
		ret = WARD_EXIT_KERNEL;
		goto free_status;
	}

	if (json)
		print_json(&st);
	else
		print_text(&st);

free_status:
	free(st.counters);
	free(st.names);
	return ret;
}
