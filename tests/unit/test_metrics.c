// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tests of agent/metrics.c:
 *  - the text format: # HELP and # TYPE once before each family, every
 *    sample in its family's block, label values escaped, seconds with
 *    microseconds, the series a device's mode makes expected present at
 *    zero and the others only once counted;
 *  - before any policy only the agent's families are written;
 *  - the file is replaced whole, mode 0644 whatever the umask, with no
 *    temporary file left behind, and a missing directory is an error that
 *    leaves nothing;
 *  - ticks write when the interval has passed, not before.
 */
#include <errno.h>
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "metrics.h"

struct fixture {
	char dir[64];
	char path[128];
	char *text;
	size_t len;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/ward-test-metrics-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/ward.prom", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	free(fx->text);
	free(fx);
	return system(cmd) == 0 ? 0 : -1;
}

/* A policy of two devices (one auditing, with a name to escape) on one interface. */
static void sample_snap(struct ward_metrics_snap *s, struct ward_metrics_device *devs)
{
	memset(s, 0, sizeof(*s));
	memset(devs, 0, 2 * sizeof(*devs));
	s->has_policy = true;
	s->generation = 3;
	s->loaded_at_ns = 1700000000123456789ULL;
	memset(s->sha256, 'a', WARD_SHA256_HEX - 1);
	s->ndevices = 2;
	s->devices = devs;
	strcpy(devs[0].name, "icu-pump-1");
	devs[0].criticality = WARD_CRIT_LIFE_CRITICAL;
	devs[0].c.passed = 10;
	devs[0].c.dropped[WARD_REASON_SPOOFED_SOURCE] = 4;
	devs[0].c.event_pkts[WARD_REASON_SPOOFED_SOURCE] = 3;
	devs[0].c.event_lost[WARD_REASON_SPOOFED_SOURCE] = 1;
	strcpy(devs[1].name, "a\"b\\c\nd");
	devs[1].criticality = WARD_CRIT_ADMINISTRATIVE;
	devs[1].mode = WARD_MODE_AUDIT;
	devs[1].c.would_drop[WARD_REASON_NO_RULE] = 7;
	devs[1].c.event_pkts[WARD_REASON_NO_RULE] = 6;
	s->nifaces = 1;
	strcpy(s->ifnames[0], "dev0");
	s->unknown[0].passed = 2;
	s->stats.flows_created = 12;
	s->stats.flows_deleted = 2;
	s->flows_tracked = 4;
	s->flows_tracked_critical = 1;
	s->flow_table_size = 4;
	s->held_back = 1;
	s->agent.start_ns = 1700000001000000000ULL;
	s->agent.has_syslog = true;
	s->agent.syslog.sent = 9;
	s->agent.syslog.unsent = 2;
}

static void render(struct fixture *fx, const struct ward_metrics_snap *s)
{
	FILE *f = open_memstream(&fx->text, &fx->len);

	assert_non_null(f);
	ward_metrics_format(f, s);
	assert_int_equal(fclose(f), 0);
}

static void assert_line(const char *text, const char *line)
{
	char *want;

	assert_true(asprintf(&want, "\n%s\n", line) > 0);
	if (!strstr(text, want))
		fail_msg("missing line: %s", line);
	free(want);
}

static void assert_no_line(const char *text, const char *prefix)
{
	char *want;

	assert_true(asprintf(&want, "\n%s", prefix) > 0);
	if (strstr(text, want))
		fail_msg("unexpected line: %s", prefix);
	free(want);
}

/* Each sample's family was declared by the last # TYPE, and no family twice. */
static void assert_well_formed(const char *text)
{
	char family[128] = "", seen[8192] = " ", name[160];
	const char *line = text, *end;
	size_t n;

	for (; *line; line = end + 1) {
		end = strchr(line, '\n');
		assert_non_null(end);
		if (!strncmp(line, "# HELP ", 7))
			continue;
		if (sscanf(line, "# TYPE %127s", family) == 1) {
			snprintf(name, sizeof(name), " %s ", family);
			assert_null(strstr(seen, name));
			strncat(seen, name + 1, sizeof(seen) - strlen(seen) - 1);
			continue;
		}
		n = strcspn(line, "{ ");
		assert_true(n > 0);
		assert_int_equal(n, strlen(family));
		assert_memory_equal(line, family, n);
	}
}

static void test_format_families_and_values(void **state)
{
	struct fixture *fx = *state;
	struct ward_metrics_device devs[2];
	struct ward_metrics_snap s;

	sample_snap(&s, devs);
	render(fx, &s);
	assert_well_formed(fx->text);
	assert_line(fx->text, "# TYPE ward_packets_dropped_total counter");
	assert_line(fx->text, "ward_packets_passed_total{device=\"icu-pump-1\","
			      "criticality=\"life-critical\"} 10");
	assert_line(fx->text, "ward_packets_dropped_total{device=\"icu-pump-1\","
			      "criticality=\"life-critical\",reason=\"spoofed-source\"} 4");
	assert_line(fx->text, "ward_packets_would_drop_total{device=\"a\\\"b\\\\c\\nd\","
			      "criticality=\"administrative\",reason=\"no-rule\"} 7");
	assert_line(fx->text, "ward_unknown_host_packets_passed_total{iface=\"dev0\"} 2");
	assert_line(fx->text, "ward_unknown_host_packets_dropped_total{iface=\"dev0\","
			      "reason=\"unknown-host\"} 0");
	assert_line(fx->text, "ward_event_packets_delivered_total 9");
	assert_line(fx->text, "ward_event_packets_lost_total 1");
	assert_line(fx->text, "ward_event_packets_held_back 1");
	assert_line(fx->text, "ward_flows_tracked{table=\"shared\"} 4");
	assert_line(fx->text, "ward_flows_tracked{table=\"life-critical\"} 1");
	assert_line(fx->text, "ward_flows_created_total 12");
	assert_line(fx->text, "ward_flows_evicted_total 5");
	assert_line(fx->text, "ward_flows_table_size 4");
	assert_line(fx->text, "ward_policy_generation 3");
	assert_line(fx->text, "ward_policy_loaded_timestamp_seconds 1700000000.123456");
	assert_line(fx->text, "ward_agent_start_time_seconds 1700000001.000000");
	assert_line(fx->text, "ward_syslog_messages_sent_total 9");
	assert_line(fx->text, "ward_syslog_messages_unsent_total 2");
	assert_line(fx->text, "ward_syslog_up 0");
}

static void test_format_zero_series_follow_the_mode(void **state)
{
	struct fixture *fx = *state;
	struct ward_metrics_device devs[2];
	struct ward_metrics_snap s;

	sample_snap(&s, devs);
	render(fx, &s);
	/* enforcing: every drop reason, at zero too; no idle would-drop */
	assert_line(fx->text, "ward_packets_dropped_total{device=\"icu-pump-1\","
			      "criticality=\"life-critical\",reason=\"no-rule\"} 0");
	assert_no_line(fx->text, "ward_packets_would_drop_total{device=\"icu-pump-1\"");
	/* auditing: the other way round */
	assert_line(fx->text, "ward_packets_would_drop_total{device=\"a\\\"b\\\\c\\nd\","
			      "criticality=\"administrative\",reason=\"fragment\"} 0");
	assert_no_line(fx->text, "ward_packets_dropped_total{device=\"a\\\"");
	/* unknown hosts: unknown-host always, other reasons once counted */
	assert_no_line(fx->text, "ward_unknown_host_packets_dropped_total{iface=\"dev0\","
				 "reason=\"no-rule\"}");
}

static void test_format_before_any_policy_has_agent_only(void **state)
{
	struct fixture *fx = *state;
	struct ward_metrics_snap s = {0};

	s.agent.start_ns = 5000000000ULL;
	render(fx, &s);
	assert_well_formed(fx->text);
	assert_line(fx->text, "ward_agent_start_time_seconds 5.000000");
	assert_null(strstr(fx->text, "ward_policy_generation"));
	assert_null(strstr(fx->text, "ward_syslog"));
}

static void test_format_label_bytes_outside_ascii(void **state)
{
	struct fixture *fx = *state;
	struct ward_metrics_device devs[2];
	struct ward_metrics_snap s;

	sample_snap(&s, devs);
	strcpy(s.ifnames[0], "e\xc3\xa9\t");
	render(fx, &s);
	assert_line(fx->text, "ward_unknown_host_packets_passed_total{iface=\"e???\"} 2");
}

static int count_entries(const char *dir)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_file_replaces_whole_with_mode_0644(void **state)
{
	struct fixture *fx = *state;
	char buf[64] = "";
	struct stat st;
	mode_t old;
	FILE *f;

	old = umask(077);
	assert_int_equal(ward_metrics_write_file(fx->path, "a 1\n", 4), 0);
	assert_int_equal(ward_metrics_write_file(fx->path, "b 2\n", 4), 0);
	umask(old);
	assert_int_equal(stat(fx->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	f = fopen(fx->path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "b 2\n");
	assert_int_equal(count_entries(fx->dir), 1);
}

static void test_write_file_missing_dir_leaves_nothing(void **state)
{
	struct fixture *fx = *state;
	char path[160];

	snprintf(path, sizeof(path), "%s/nodir/ward.prom", fx->dir);
	assert_int_equal(ward_metrics_write_file(path, "a 1\n", 4), -ENOENT);
	assert_int_equal(count_entries(fx->dir), 0);
}

static void test_tick_writes_once_an_interval(void **state)
{
	struct fixture *fx = *state;
	struct ward_metrics_agent agent = {.start_ns = 1};
	struct ward_metrics *m;
	char pins[160];

	/* a pin directory with nothing pinned: the agent's families only */
	snprintf(pins, sizeof(pins), "%s/pins", fx->dir);
	assert_int_equal(ward_metrics_open(fx->path, pins, &m), 0);
	ward_metrics_tick(m, 1000, &agent);
	assert_int_equal(access(fx->path, R_OK), 0);
	assert_int_equal(unlink(fx->path), 0);
	ward_metrics_tick(m, 1000 + WARD_METRICS_INTERVAL_MS - 1, &agent);
	assert_int_equal(access(fx->path, R_OK), -1);
	ward_metrics_tick(m, 1000 + WARD_METRICS_INTERVAL_MS, &agent);
	assert_int_equal(access(fx->path, R_OK), 0);
	ward_metrics_close(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_format_families_and_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_format_zero_series_follow_the_mode, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_format_before_any_policy_has_agent_only, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_format_label_bytes_outside_ascii, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_file_replaces_whole_with_mode_0644,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_write_file_missing_dir_leaves_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tick_writes_once_an_interval, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
