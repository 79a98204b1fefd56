// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tests of agent/events.c: the exact line of every event type, keys present
 * only where they apply, names resolved per policy generation, timestamps
 * shifted from the monotonic clock, hostile bytes in names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "events.h"
#include "version.h"

/* 2026-12-03T18:17:57Z, the example of cli.md. */
#define EXAMPLE_EPOCH_S 1796321877ULL
#define NSEC		1000000000ULL
#define EXAMPLE_TS_NS	(EXAMPLE_EPOCH_S * NSEC + 123456789ULL)
/* A monotonic time and the offset that maps it onto EXAMPLE_TS_NS. */
#define MONO_NS	  (5000ULL * NSEC)
#define OFFSET_NS ((int64_t)(EXAMPLE_TS_NS - MONO_NS))

static void set_v4(uint8_t addr[16], uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	memset(addr, 0, 16);
	addr[10] = 0xff;
	addr[11] = 0xff;
	addr[12] = a;
	addr[13] = b;
	addr[14] = c;
	addr[15] = d;
}

static void set_mac(uint8_t mac[6], uint8_t last)
{
	static const uint8_t base[6] = {0x02, 0, 0, 0, 0, 0};

	memcpy(mac, base, 6);
	mac[5] = last;
}

/* The drop of cli.md's example. */
static struct ward_event example_event(void)
{
	struct ward_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.ts_ns = MONO_NS;
	ev.generation = 1;
	ev.ifindex = 4;
	ev.device_id = 0;
	ev.count = 1;
	ev.len = 74;
	ev.type = WARD_EV_DROP;
	ev.reason = WARD_REASON_NO_RULE;
	ev.direction = WARD_DIR_TO_DEVICE;
	ev.proto = 6;
	ev.is_v4 = 1;
	ev.has_l4 = 1;
	ev.vlan = 20;
	set_v4(ev.src, 198, 18, 1, 66);
	set_v4(ev.dst, 198, 18, 0, 21);
	ev.sport = 51234;
	ev.dport = 22;
	set_mac(ev.src_mac, 0x66);
	set_mac(ev.dst_mac, 0x21);
	return ev;
}

static const struct ward_event_names ct_names = {
	.iface = "dev0",
	.device = "ct-01",
	.criticality = WARD_CRIT_CLINICAL,
};

static void assert_line(const struct ward_jbuf *line, const char *want)
{
	assert_int_equal(line->err, 0);
	assert_string_equal(line->data, want);
	assert_int_equal(line->len, strlen(want));
}

static void test_drop_tcp_matches_cli_example(void **state)
{
	struct ward_event ev = example_event();
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_packet(&line, &ev, &ct_names, OFFSET_NS), 0);
	assert_line(&line,
		    "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"drop\",\"iface\":\"dev0\","
		    "\"device\":\"ct-01\",\"criticality\":\"clinical\",\"direction\":\"to-device\","
		    "\"reason\":\"no-rule\",\"proto\":\"tcp\",\"src\":\"198.18.1.66\","
		    "\"sport\":51234,\"dst\":\"198.18.0.21\",\"dport\":22,\"vlan\":20,"
		    "\"src_mac\":\"02:00:00:00:00:66\",\"dst_mac\":\"02:00:00:00:00:21\","
		    "\"len\":74,\"count\":1}");
	ward_jbuf_free(&line);
}

static void test_would_drop_icmpv6_has_type_and_code_not_ports(void **state)
{
	struct ward_event ev = example_event();
	struct ward_event_names names = {"dev0", "pump-01", WARD_CRIT_LIFE_CRITICAL};
	struct ward_jbuf line;

	ev.type = WARD_EV_WOULD_DROP;
	ev.direction = WARD_DIR_FROM_DEVICE;
	ev.proto = 58;
	ev.is_v4 = 0;
	ev.vlan = 0;
	ev.count = 3;
	memset(ev.src, 0, 16);
	memset(ev.dst, 0, 16);
	ev.src[0] = 0x20, ev.src[1] = 0x01, ev.src[2] = 0x0d, ev.src[3] = 0xb8, ev.src[15] = 0x41;
	ev.dst[0] = 0x20, ev.dst[1] = 0x01, ev.dst[2] = 0x0d, ev.dst[3] = 0xb8, ev.dst[15] = 0x99;
	ev.sport = 128; /* echo request */
	ev.dport = 0;
	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_packet(&line, &ev, &names, OFFSET_NS), 0);
	assert_line(&line,
		    "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"would-drop\","
		    "\"iface\":\"dev0\",\"device\":\"pump-01\",\"criticality\":\"life-critical\","
		    "\"direction\":\"from-device\",\"reason\":\"no-rule\",\"proto\":\"icmpv6\","
		    "\"src\":\"2001:db8::41\",\"dst\":\"2001:db8::99\",\"icmp_type\":128,"
		    "\"icmp_code\":0,\"src_mac\":\"02:00:00:00:00:66\","
		    "\"dst_mac\":\"02:00:00:00:00:21\",\"len\":74,\"count\":3}");
	ward_jbuf_free(&line);
}

static void test_host_seen_has_no_device_nor_reason(void **state)
{
	struct ward_event ev = example_event();
	struct ward_event_names names = {.iface = "dev0"};
	struct ward_jbuf line;

	ev.type = WARD_EV_HOST_SEEN;
	ev.reason = WARD_REASON_NONE;
	ev.device_id = WARD_DEVICE_NONE;
	ev.proto = 17;
	ev.vlan = 0;
	ev.sport = 68;
	ev.dport = 67;
	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_packet(&line, &ev, &names, OFFSET_NS), 0);
	assert_line(&line,
		    "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"host-seen\","
		    "\"iface\":\"dev0\",\"direction\":\"to-device\",\"proto\":\"udp\","
		    "\"src\":\"198.18.1.66\",\"sport\":68,\"dst\":\"198.18.0.21\",\"dport\":67,"
		    "\"src_mac\":\"02:00:00:00:00:66\",\"dst_mac\":\"02:00:00:00:00:21\","
		    "\"len\":74,\"count\":1}");
	ward_jbuf_free(&line);
}

static void test_non_ip_drop_has_no_addresses(void **state)
{
	struct ward_event ev = example_event();
	struct ward_jbuf line;

	ev.reason = WARD_REASON_NON_IP;
	ev.proto = 0;
	ev.is_v4 = 0;
	ev.has_l4 = 0;
	memset(ev.src, 0, 16);
	memset(ev.dst, 0, 16);
	ev.len = 60;
	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_packet(&line, &ev, &ct_names, OFFSET_NS), 0);
	assert_line(&line,
		    "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"drop\",\"iface\":\"dev0\","
		    "\"device\":\"ct-01\",\"criticality\":\"clinical\",\"direction\":\"to-device\","
		    "\"reason\":\"non-ip\",\"vlan\":20,\"src_mac\":\"02:00:00:00:00:66\","
		    "\"dst_mac\":\"02:00:00:00:00:21\",\"len\":60,\"count\":1}");
	ward_jbuf_free(&line);
}

static void test_ip_without_ports_has_proto_number(void **state)
{
	struct ward_event ev = example_event();
	struct ward_jbuf line;

	ev.proto = 47; /* GRE */
	ev.has_l4 = 0;
	ev.vlan = 0;
	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_packet(&line, &ev, &ct_names, OFFSET_NS), 0);
	assert_line(&line,
		    "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"drop\",\"iface\":\"dev0\","
		    "\"device\":\"ct-01\",\"criticality\":\"clinical\",\"direction\":\"to-device\","
		    "\"reason\":\"no-rule\",\"proto\":\"47\",\"src\":\"198.18.1.66\","
		    "\"dst\":\"198.18.0.21\",\"src_mac\":\"02:00:00:00:00:66\","
		    "\"dst_mac\":\"02:00:00:00:00:21\",\"len\":74,\"count\":1}");
	ward_jbuf_free(&line);
}

static void test_unnamed_device_and_iface_fall_back_to_numbers(void **state)
{
	struct ward_event ev = example_event();
	struct ward_event_names names = {0};
	struct ward_jbuf line;

	ev.device_id = 7;
	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_packet(&line, &ev, &names, OFFSET_NS), 0);
	assert_non_null(strstr(line.data, "\"iface\":\"4\",\"device\":\"#7\",\"direction\""));
	assert_null(strstr(line.data, "criticality"));
	ward_jbuf_free(&line);
}

static void test_names_resolve_by_generation(void **state)
{
	static const struct ward_device_name gen1[] = {
		{"ct-01", WARD_CRIT_CLINICAL},
	};
	static const struct ward_device_name gen2[] = {
		{"mon-01", WARD_CRIT_LIFE_CRITICAL},
		{"ct-01", WARD_CRIT_CLINICAL},
	};
	const struct ward_name_table tables[] = {{2, gen2, 2}, {1, gen1, 1}};
	const struct ward_iface_name ifaces[] = {{3, "hosp0"}, {4, "dev0"}};
	struct ward_event ev = example_event();
	struct ward_event_names names;

	ward_event_names_resolve(tables, 2, ifaces, 2, &ev, &names);
	assert_string_equal(names.iface, "dev0");
	assert_string_equal(names.device, "ct-01");
	assert_int_equal(names.criticality, WARD_CRIT_CLINICAL);

	ev.generation = 2;
	ward_event_names_resolve(tables, 2, ifaces, 2, &ev, &names);
	assert_string_equal(names.device, "mon-01");
	assert_int_equal(names.criticality, WARD_CRIT_LIFE_CRITICAL);

	ev.generation = 3; /* unknown generation: no name */
	ward_event_names_resolve(tables, 2, ifaces, 2, &ev, &names);
	assert_null(names.device);

	ev.generation = 1;
	ev.device_id = 1; /* out of that generation's range */
	ward_event_names_resolve(tables, 2, ifaces, 2, &ev, &names);
	assert_null(names.device);

	ev.device_id = WARD_DEVICE_NONE;
	ev.ifindex = 9;
	ward_event_names_resolve(tables, 2, ifaces, 2, &ev, &names);
	assert_null(names.device);
	assert_null(names.iface);
}

static void test_ts_is_utc_with_microseconds(void **state)
{
	char ts[WARD_TS_LEN];

	ward_format_ts(0, ts, sizeof(ts));
	assert_string_equal(ts, "1970-01-01T00:00:00.000000Z");
	ward_format_ts(EXAMPLE_EPOCH_S * NSEC + 999999999ULL, ts, sizeof(ts));
	assert_string_equal(ts, "2026-12-03T18:17:57.999999Z");
}

static void test_clock_offset_maps_monotonic_to_now(void **state)
{
	struct timespec mono;
	int64_t offset = ward_clock_offset_ns();
	uint64_t now = ward_clock_now_ns();
	int64_t mapped, diff;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	mapped = (int64_t)mono.tv_sec * (int64_t)NSEC + mono.tv_nsec + offset;
	diff = mapped - (int64_t)now;
	assert_true(diff > -(int64_t)(NSEC / 10) && diff < (int64_t)(NSEC / 10));
}

static void test_policy_loaded_line(void **state)
{
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_policy_loaded(&line, EXAMPLE_TS_NS,
							 "/etc/ward/policy.yaml", "ab12", 2, 5),
			 0);
	assert_line(&line, "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"policy-loaded\","
			   "\"path\":\"/etc/ward/policy.yaml\",\"sha256\":\"ab12\","
			   "\"generation\":2,\"devices\":5}");
	ward_jbuf_free(&line);
}

static void test_policy_rejected_line_escapes_errors(void **state)
{
	const char *errors[] = {
		"p.yaml:3:5: error: unknown key 'devcies' (did you mean 'devices'?)",
		"p.yaml:9:1: error: bad name \"x\\y\"\n",
	};
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	assert_int_equal(
		ward_event_format_policy_rejected(&line, EXAMPLE_TS_NS, "p.yaml", errors, 2), 0);
	assert_line(&line,
		    "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"policy-rejected\","
		    "\"path\":\"p.yaml\",\"errors\":[\"p.yaml:3:5: error: unknown key 'devcies' "
		    "(did you mean 'devices'?)\","
		    "\"p.yaml:9:1: error: bad name \\\"x\\\\y\\\"\\n\"]}");

	assert_int_equal(ward_event_format_policy_rejected(&line, EXAMPLE_TS_NS, "p.yaml", NULL, 0),
			 0);
	assert_non_null(strstr(line.data, "\"errors\":[]}"));
	ward_jbuf_free(&line);
}

static void test_events_lost_line(void **state)
{
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_events_lost(&line, EXAMPLE_TS_NS, 1234), 0);
	assert_line(&line, "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"events-lost\","
			   "\"count\":1234}");
	ward_jbuf_free(&line);
}

static void test_attached_and_detached_lines(void **state)
{
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_attach(&line, EXAMPLE_TS_NS, true, "dev0", "xdp-native"),
			 0);
	assert_line(&line, "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"attached\","
			   "\"iface\":\"dev0\",\"mode\":\"xdp-native\"}");
	assert_int_equal(ward_event_format_attach(&line, EXAMPLE_TS_NS, false, "dev0", "tc"), 0);
	assert_line(&line, "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"detached\","
			   "\"iface\":\"dev0\",\"mode\":\"tc\"}");
	ward_jbuf_free(&line);
}

static void test_agent_start_and_stop_lines(void **state)
{
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_agent(&line, EXAMPLE_TS_NS, true, 4242), 0);
	assert_line(&line, "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"agent-start\","
			   "\"version\":\"" WARD_VERSION "\",\"pid\":4242}");
	assert_int_equal(ward_event_format_agent(&line, EXAMPLE_TS_NS, false, 4242), 0);
	assert_line(&line, "{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"agent-stop\","
			   "\"pid\":4242}");
	ward_jbuf_free(&line);
}

static void test_hostile_bytes_in_names_stay_valid_json(void **state)
{
	struct ward_event ev = example_event();
	/* A quote, a backslash, a newline, ESC, a lone continuation byte, UTF-8. */
	struct ward_event_names names = {"e\"v\\il\n\x1b", "dev\x80-\xc3\xa9", 1};
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_packet(&line, &ev, &names, OFFSET_NS), 0);
	assert_non_null(strstr(line.data, "\"iface\":\"e\\\"v\\\\il\\n\\u001b\","
					  "\"device\":\"dev\\ufffd-\xc3\xa9\","));
	assert_null(strchr(line.data, '\n'));
	ward_jbuf_free(&line);
}

static void test_reuse_of_one_buffer_starts_clean(void **state)
{
	struct ward_event ev = example_event();
	struct ward_jbuf line;

	ward_jbuf_init(&line);
	assert_int_equal(ward_event_format_events_lost(&line, EXAMPLE_TS_NS, 1), 0);
	assert_int_equal(ward_event_format_packet(&line, &ev, &ct_names, OFFSET_NS), 0);
	assert_int_equal(strncmp(line.data, "{\"ts\":", 6), 0);
	assert_null(strstr(line.data, "events-lost"));
	ward_jbuf_free(&line);
}

static void test_reason_and_criticality_names(void **state)
{
	assert_string_equal(ward_reason_name(WARD_REASON_FLOW_REVOKED), "flow-revoked");
	assert_string_equal(ward_reason_name(WARD_REASON_SPOOFED_SOURCE), "spoofed-source");
	assert_string_equal(ward_reason_name(WARD_REASON_COUNT), "unknown");
	assert_string_equal(ward_criticality_name(WARD_CRIT_ADMINISTRATIVE), "administrative");
	assert_string_equal(ward_direction_name(WARD_DIR_FROM_DEVICE), "from-device");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drop_tcp_matches_cli_example),
		cmocka_unit_test(test_would_drop_icmpv6_has_type_and_code_not_ports),
		cmocka_unit_test(test_host_seen_has_no_device_nor_reason),
		cmocka_unit_test(test_non_ip_drop_has_no_addresses),
		cmocka_unit_test(test_ip_without_ports_has_proto_number),
		cmocka_unit_test(test_unnamed_device_and_iface_fall_back_to_numbers),
		cmocka_unit_test(test_names_resolve_by_generation),
		cmocka_unit_test(test_ts_is_utc_with_microseconds),
		cmocka_unit_test(test_clock_offset_maps_monotonic_to_now),
		cmocka_unit_test(test_policy_loaded_line),
		cmocka_unit_test(test_policy_rejected_line_escapes_errors),
		cmocka_unit_test(test_events_lost_line),
		cmocka_unit_test(test_attached_and_detached_lines),
		cmocka_unit_test(test_agent_start_and_stop_lines),
		cmocka_unit_test(test_hostile_bytes_in_names_stay_valid_json),
		cmocka_unit_test(test_reuse_of_one_buffer_starts_clean),
		cmocka_unit_test(test_reason_and_criticality_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
