// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The Prometheus textfile of metrics.h: read the pins, format the families,
 * replace the file atomically.
 *
 * Series of a reason appear once their counter is not zero, except the ones
 * a device's mode makes expected (dropped for an enforcing device, would-drop
 * for an auditing one), which are there from the start so that rate() and
 * increase() see the first packet. That keeps a gateway of thousands of
 * devices from writing ten idle series for each.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events.h"
#include "log.h"
#include "maps.h"
#include "metrics.h"
#include "pins.h"
#include "version.h"

#define METRICS_FILE_MODE 0644 /* node_exporter runs as another user */
#define BATCH_ENTRIES	  4096

struct ward_metrics {
	char *path;
	char *pin_dir;
	uint64_t next_ms;
	int last_err; /* logged once per cause */
};

/* Per-CPU counters of @index in @fd, summed into @out. */
static int read_counters(int fd, uint32_t index, int ncpus, struct ward_counters *percpu,
			 struct ward_counters *out)
{
	int cpu, r;

	memset(out, 0, sizeof(*out));
	if (bpf_map_lookup_elem(fd, &index, percpu))
		return -errno;
	for (cpu = 0; cpu < ncpus; cpu++) {
		out->passed += percpu[cpu].passed;
		for (r = 0; r < WARD_REASON_COUNT; r++) {
			out->dropped[r] += percpu[cpu].dropped[r];
			out->would_drop[r] += percpu[cpu].would_drop[r];
			out->event_pkts[r] += percpu[cpu].event_pkts[r];
			out->event_lost[r] += percpu[cpu].event_lost[r];
		}
	}
	return 0;
}

static void read_device_names(const char *pin_dir, struct ward_metrics_snap *snap)
{
	struct ward_dev_name dn;
	uint32_t i;
	int fd;

	fd = ward_pin_open(pin_dir, WARD_PIN_DEVNAMES);
	for (i = 0; i < snap->ndevices; i++) {
		if (fd >= 0 && !bpf_map_lookup_elem(fd, &i, &dn)) {
			memcpy(snap->devices[i].name, dn.name, sizeof(dn.name));
			snap->devices[i].name[WARD_NAME_MAX - 1] = '\0';
			snap->devices[i].criticality = dn.criticality;
			snap->devices[i].mode = dn.mode;
		} else {
			snprintf(snap->devices[i].name, WARD_NAME_MAX, "#%u", i);
		}
	}
	if (fd >= 0)
		close(fd);
}

static int read_all_counters(const struct ward_maps *maps, struct ward_metrics_snap *snap)
{
	int ncpus = libbpf_num_possible_cpus();
	struct ward_counters *percpu;
	uint32_t slot, i;
	int fd, err;

	if (ncpus < 0)
		return ncpus;
	err = ward_maps_active_slot(maps, &slot);
	if (err)
		return err;
	fd = ward_maps_inner_fd(maps, WARD_SM_COUNTERS, slot);
	if (fd < 0)
		return fd;
	percpu = calloc(ncpus, sizeof(*percpu));
	if (!percpu) {
		err = -ENOMEM;
		goto close_inner;
	}
	for (i = 0; i < snap->ndevices + snap->nifaces; i++) {
		struct ward_counters *c = i < snap->ndevices ? &snap->devices[i].c
							     : &snap->unknown[i - snap->ndevices];
		uint64_t passed = 0;

		read_counters(fd, i, ncpus, percpu, c);
		ward_maps_passed(maps, slot, i, &passed); /* passes are counted apart */
		c->passed += passed;
	}
	free(percpu);

close_inner:
	close(fd);
	return err;
}

/*
 * Walk a hash map in batches: count its entries and, when @held is not NULL,
 * sum the held field of its ward_suppress values.
 */
static void walk_hash(int fd, size_t key_size, size_t value_size, uint64_t *entries, uint64_t *held)
{
	uint8_t *keys = malloc(BATCH_ENTRIES * key_size);
	uint8_t *values = malloc(BATCH_ENTRIES * value_size);
	uint64_t token = 0, next = 0;
	bool first = true, done = false;
	uint32_t n, i;
	int err;

	*entries = 0;
	while (keys && values && !done) {
		n = BATCH_ENTRIES;
		err = bpf_map_lookup_batch(fd, first ? NULL : &token, &next, keys, values, &n,
					   NULL);
		if (err && err != -ENOENT)
			break;
		done = err == -ENOENT;
		*entries += n;
		for (i = 0; held && i < n; i++)
			*held += ((struct ward_suppress *)(values + i * value_size))->held;
		token = next;
		first = false;
	}
	free(keys);
	free(values);
}

static uint32_t max_entries(int fd)
{
	struct bpf_map_info info = {0};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return 0;
	return info.max_entries;
}

static void read_tables(const struct ward_maps *maps, struct ward_metrics_snap *snap)
{
	uint64_t n;

	ward_maps_stats(maps, &snap->stats);
	snap->flow_table_size = max_entries(maps->fd[WARD_MM_FLOWS]);
	walk_hash(maps->fd[WARD_MM_FLOWS], sizeof(struct ward_flow_key), sizeof(struct ward_flow),
		  &snap->flows_tracked, NULL);
	walk_hash(maps->fd[WARD_MM_FLOWS_CRITICAL], sizeof(struct ward_flow_key),
		  sizeof(struct ward_flow), &snap->flows_tracked_critical, NULL);
	walk_hash(maps->fd[WARD_MM_EVENT_SUPPRESS], sizeof(struct ward_suppress_key),
		  sizeof(struct ward_suppress), &n, &snap->held_back);
}

static int read_maps(const char *pin_dir, const struct ward_maps *maps,
		     struct ward_metrics_snap *snap)
{
	struct ward_maps pinned;
	int err;

	if (maps) {
		err = read_all_counters(maps, snap);
		if (!err)
			read_tables(maps, snap);
		return err;
	}
	err = ward_maps_open_pinned(&pinned, pin_dir);
	if (err)
		return err;
	err = read_all_counters(&pinned, snap);
	if (!err)
		read_tables(&pinned, snap);
	ward_maps_close(&pinned);
	return err;
}

int ward_metrics_collect(const char *pin_dir, const struct ward_maps *maps,
			 struct ward_metrics_snap *snap)
{
	struct ward_state state;
	uint32_t i;
	int err;

	memset(snap, 0, sizeof(*snap));
	err = ward_state_read(pin_dir, &state);
	if (err == -ENOENT)
		return 0;
	if (err)
		return err;

	snap->has_policy = true;
	snap->generation = state.generation;
	snap->loaded_at_ns = state.loaded_at_ns;
	ward_sha256_hex(state.sha256, snap->sha256);
	snap->ndevices = state.ndevices;
	snap->nifaces = state.nifaces < WARD_MAX_IFACES ? state.nifaces : WARD_MAX_IFACES;
	for (i = 0; i < snap->nifaces; i++)
		memcpy(snap->ifnames[i], state.ifnames[i], WARD_IFNAME_MAX);
	snap->devices = calloc(snap->ndevices ? snap->ndevices : 1, sizeof(*snap->devices));
	if (!snap->devices)
		return -ENOMEM;
	read_device_names(pin_dir, snap);
	return read_maps(pin_dir, maps, snap);
}

void ward_metrics_snap_free(struct ward_metrics_snap *snap)
{
	free(snap->devices);
	snap->devices = NULL;
}

/*
 * A label value of the text format: '\', '"' and newline escaped. Bytes that
 * are not printable ASCII become '?': the format wants UTF-8, and device and
 * interface names are ASCII when valid.
 */
static void put_label(FILE *f, const char *name, const char *val, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *val; val++) {
		if (*val == '\\' || *val == '"')
			fprintf(f, "\\%c", *val);
		else if (*val == '\n')
			fputs("\\n", f);
		else if ((unsigned char)*val < 0x20 || (unsigned char)*val > 0x7e)
			fputc('?', f);
		else
			fputc(*val, f);
	}
	fputc('"', f);
}

static void family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void put_seconds(FILE *f, uint64_t ns)
{
	fprintf(f, " %llu.%06llu\n", (unsigned long long)(ns / 1000000000ULL),
		(unsigned long long)(ns % 1000000000ULL / 1000));
}

static void put_device(FILE *f, const char *metric, const struct ward_metrics_device *d)
{
	fprintf(f, "%s{", metric);
	put_label(f, "device", d->name, true);
	put_label(f, "criticality", ward_criticality_name(d->criticality), false);
}

static void format_passed(FILE *f, const struct ward_metrics_snap *s)
{
	const char *m = "ward_packets_passed_total";
	uint32_t i;

	family(f, m, "counter",
	       "Packets of a device passed, since the policy in force was loaded.");
	for (i = 0; i < s->ndevices; i++) {
		put_device(f, m, &s->devices[i]);
		fprintf(f, "} %llu\n", (unsigned long long)s->devices[i].c.passed);
	}
}

/* Dropped (@audit false) or would-drop (@audit true) packets by device and reason. */
static void format_by_reason(FILE *f, const struct ward_metrics_snap *s, bool audit)
{
	const char *m = audit ? "ward_packets_would_drop_total" : "ward_packets_dropped_total";
	const struct ward_metrics_device *d;
	const __u64 *by;
	uint32_t i;
	int r;

	family(f, m, "counter",
	       audit ? "Packets an auditing device's policy would drop (passed), by reason."
		     : "Packets of a device dropped, by reason, since the policy was loaded.");
	for (i = 0; i < s->ndevices; i++) {
		d = &s->devices[i];
		by = audit ? d->c.would_drop : d->c.dropped;
		for (r = 1; r < WARD_REASON_COUNT; r++) {
			if (!by[r] && (d->mode == WARD_MODE_AUDIT) != audit)
				continue;
			put_device(f, m, d);
			put_label(f, "reason", ward_reason_name(r), false);
			fprintf(f, "} %llu\n", (unsigned long long)by[r]);
		}
	}
}

static void format_unknown(FILE *f, const struct ward_metrics_snap *s)
{
	const char *passed = "ward_unknown_host_packets_passed_total";
	const char *dropped = "ward_unknown_host_packets_dropped_total";
	uint32_t i;
	int r;

	family(f, passed, "counter", "Packets of hosts that no device matches, passed.");
	for (i = 0; i < s->nifaces; i++) {
		fprintf(f, "%s{", passed);
		put_label(f, "iface", s->ifnames[i], true);
		fprintf(f, "} %llu\n", (unsigned long long)s->unknown[i].passed);
	}
	family(f, dropped, "counter", "Packets of hosts that no device matches, dropped.");
	for (i = 0; i < s->nifaces; i++) {
		for (r = 1; r < WARD_REASON_COUNT; r++) {
			if (!s->unknown[i].dropped[r] && r != WARD_REASON_UNKNOWN_HOST)
				continue;
			fprintf(f, "%s{", dropped);
			put_label(f, "iface", s->ifnames[i], true);
			put_label(f, "reason", ward_reason_name(r), false);
			fprintf(f, "} %llu\n", (unsigned long long)s->unknown[i].dropped[r]);
		}
	}
}

static void format_events(FILE *f, const struct ward_metrics_snap *s)
{
	uint64_t delivered = 0, lost = 0;
	uint32_t i;
	int r;

	for (i = 0; i < s->ndevices + s->nifaces; i++) {
		const struct ward_counters *c =
			i < s->ndevices ? &s->devices[i].c : &s->unknown[i - s->ndevices];

		for (r = 0; r < WARD_REASON_COUNT; r++) {
			delivered += c->event_pkts[r];
			lost += c->event_lost[r];
		}
	}
	family(f, "ward_event_packets_delivered_total", "counter",
	       "Dropped and would-drop packets told by events that reached the agent.");
	fprintf(f, "ward_event_packets_delivered_total %llu\n", (unsigned long long)delivered);
	family(f, "ward_event_packets_held_back", "gauge",
	       "Packets held back, waiting for the next event of their kind (at most 1 s).");
	fprintf(f, "ward_event_packets_held_back %llu\n", (unsigned long long)s->held_back);
	family(f, "ward_event_packets_lost_total", "counter",
	       "Packets whose event found the ring buffer full.");
	fprintf(f, "ward_event_packets_lost_total %llu\n", (unsigned long long)lost);
}

/* The LRU table evicts silently: created, less deleted, less still there (ward_abi.h). */
static uint64_t flows_evicted(const struct ward_metrics_snap *s)
{
	uint64_t gone = s->stats.flows_deleted + s->flows_tracked + s->flows_tracked_critical;

	return s->stats.flows_created > gone ? s->stats.flows_created - gone : 0;
}

static void format_flows(FILE *f, const struct ward_metrics_snap *s)
{
	family(f, "ward_flows_table_size", "gauge", "Flows the shared (LRU) table holds at most.");
	fprintf(f, "ward_flows_table_size %u\n", s->flow_table_size);
	family(f, "ward_flows_tracked", "gauge", "Flows in the flow tables now.");
	fprintf(f, "ward_flows_tracked{table=\"shared\"} %llu\n",
		(unsigned long long)s->flows_tracked);
	fprintf(f, "ward_flows_tracked{table=\"life-critical\"} %llu\n",
		(unsigned long long)s->flows_tracked_critical);
	family(f, "ward_flows_created_total", "counter", "Flows opened since the maps were made.");
	fprintf(f, "ward_flows_created_total %llu\n", (unsigned long long)s->stats.flows_created);
	family(f, "ward_flows_evicted_total", "counter",
	       "Flows the full shared table evicted to make room for new ones.");
	fprintf(f, "ward_flows_evicted_total %llu\n", (unsigned long long)flows_evicted(s));
	family(f, "ward_flow_insert_failures_total", "counter",
	       "Flows allowed but not tracked: the flow table refused the entry.");
	fprintf(f, "ward_flow_insert_failures_total %llu\n",
		(unsigned long long)s->stats.flow_insert_failed);
	family(f, "ward_flows_critical_table_full_total", "counter",
	       "Flows of life-critical devices put in the shared table: theirs was full.");
	fprintf(f, "ward_flows_critical_table_full_total %llu\n",
		(unsigned long long)s->stats.critical_table_full);
	family(f, "ward_fragments_tracked_total", "counter",
	       "First fragments whose verdict was kept for the later fragments.");
	fprintf(f, "ward_fragments_tracked_total %llu\n",
		(unsigned long long)s->stats.frags_tracked);
}

static void format_policy(FILE *f, const struct ward_metrics_snap *s)
{
	family(f, "ward_policy_generation", "gauge", "Generation of the policy in force.");
	fprintf(f, "ward_policy_generation %llu\n", (unsigned long long)s->generation);
	family(f, "ward_policy_loaded_timestamp_seconds", "gauge",
	       "When the policy in force was loaded; packet counters count from then.");
	fputs("ward_policy_loaded_timestamp_seconds", f);
	put_seconds(f, s->loaded_at_ns);
	family(f, "ward_policy_devices", "gauge", "Devices in the policy in force.");
	fprintf(f, "ward_policy_devices %u\n", s->ndevices);
	family(f, "ward_policy_info", "gauge", "The policy in force, by the SHA-256 of its file.");
	fprintf(f, "ward_policy_info{sha256=\"%s\"} 1\n", s->sha256);
}

static void format_agent(FILE *f, const struct ward_metrics_agent *a)
{
	family(f, "ward_build_info", "gauge", "The version of the running ward agent.");
	fprintf(f, "ward_build_info{version=\"%s\"} 1\n", WARD_VERSION);
	family(f, "ward_agent_start_time_seconds", "gauge", "When the ward agent started.");
	fputs("ward_agent_start_time_seconds", f);
	put_seconds(f, a->start_ns);
	if (!a->has_syslog)
		return;
	family(f, "ward_syslog_messages_sent_total", "counter",
	       "Events sent to the syslog collector since the agent started.");
	fprintf(f, "ward_syslog_messages_sent_total %llu\n", (unsigned long long)a->syslog.sent);
	family(f, "ward_syslog_messages_unsent_total", "counter",
	       "Events that could not be sent to the syslog collector (all are in the file).");
	fprintf(f, "ward_syslog_messages_unsent_total %llu\n",
		(unsigned long long)a->syslog.unsent);
	family(f, "ward_syslog_messages_queued", "gauge",
	       "Events waiting for the syslog collector.");
	fprintf(f, "ward_syslog_messages_queued %llu\n", (unsigned long long)a->syslog.queued);
	family(f, "ward_syslog_up", "gauge", "1 when the last send to the collector succeeded.");
	fprintf(f, "ward_syslog_up %d\n", a->syslog.connected ? 1 : 0);
}

void ward_metrics_format(FILE *out, const struct ward_metrics_snap *snap)
{
	format_agent(out, &snap->agent);
	if (!snap->has_policy)
		return;
	format_policy(out, snap);
	format_passed(out, snap);
	format_by_reason(out, snap, false);
	format_by_reason(out, snap, true);
	format_unknown(out, snap);
	format_events(out, snap);
	format_flows(out, snap);
}

static int write_all(int fd, const char *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		data += n;
		len -= n;
	}
	return 0;
}

static int sync_dir(const char *dir)
{
	int fd, err = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd))
		err = -errno;
	close(fd);
	return err;
}

int ward_metrics_write_file(const char *path, const char *data, size_t len)
{
	char *copy = strdup(path), *copy2 = strdup(path), *tmp = NULL, *dir;
	int fd = -1, err = -ENOMEM;

	/* hidden and not *.prom: node_exporter never reads the temporary file */
	if (!copy || !copy2 || asprintf(&tmp, "%s/.%s.XXXXXX", dirname(copy), basename(copy2)) < 0)
		goto free_names;
	dir = copy;
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = -errno;
		goto free_names;
	}
	err = write_all(fd, data, len);
	if (!err && fchmod(fd, METRICS_FILE_MODE))
		err = -errno;
	if (!err && fsync(fd))
		err = -errno;
	if (close(fd) && !err)
		err = -errno;
	if (!err && rename(tmp, path))
		err = -errno;
	if (err)
		goto unlink_tmp;
	err = sync_dir(dir);
	goto free_names;

unlink_tmp:
	unlink(tmp);
free_names:
	free(tmp);
	free(copy2);
	free(copy);
	return err;
}

int ward_metrics_open(const char *path, const char *pin_dir, struct ward_metrics **out)
{
	size_t len = strlen(path);
	struct ward_metrics *m;

	if (len < 5 || strcmp(path + len - 5, ".prom"))
		pr_warn("--metrics %s: node_exporter's textfile collector reads only *.prom files",
			path);
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->path = strdup(path);
	m->pin_dir = strdup(pin_dir);
	if (!m->path || !m->pin_dir) {
		ward_metrics_close(m);
		return -ENOMEM;
	}
	*out = m;
	return 0;
}

static int render(struct ward_metrics *m, const struct ward_metrics_agent *agent, char **buf,
		  size_t *len)
{
	struct ward_metrics_snap snap;
	FILE *f;
	int err;

	err = ward_metrics_collect(m->pin_dir, agent->maps, &snap);
	if (err)
		goto free_snap;
	snap.agent = *agent;
	f = open_memstream(buf, len);
	if (!f) {
		err = -ENOMEM;
		goto free_snap;
	}
	ward_metrics_format(f, &snap);
	if (fclose(f))
		err = -ENOMEM;

free_snap:
	ward_metrics_snap_free(&snap);
	return err;
}

int ward_metrics_write(struct ward_metrics *m, const struct ward_metrics_agent *agent)
{
	char *buf = NULL;
	size_t len = 0;
	int err;

	err = render(m, agent, &buf, &len);
	if (!err)
		err = ward_metrics_write_file(m->path, buf, len);
	free(buf);
	if (err && err != m->last_err)
		pr_warn("cannot write metrics to %s: %s (trying again every %d s)", m->path,
			strerror(-err), WARD_METRICS_INTERVAL_MS / 1000);
	else if (!err && m->last_err)
		pr_info("metrics written to %s again", m->path);
	m->last_err = err;
	return err;
}

void ward_metrics_tick(struct ward_metrics *m, uint64_t now_ms,
		       const struct ward_metrics_agent *agent)
{
	if (now_ms < m->next_ms)
		return;
	m->next_ms = now_ms + WARD_METRICS_INTERVAL_MS;
	ward_metrics_write(m, agent);
}

void ward_metrics_close(struct ward_metrics *m)
{
	if (!m)
		return;
	free(m->path);
	free(m->pin_dir);
	free(m);
}
