// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Fuzz target of the event lines (agent/events.c, agent/json.c): arbitrary
 * bytes taken as a struct ward_event from the ring buffer, a clock offset,
 * and hostile interface, device, path and error strings. Every line must be
 * exactly one line of strict JSON (jsoncheck.h), hold the keys of cli.md in
 * their order and only where they apply, carry the event's numbers and
 * names unchanged, and read back with ward_json_parse() as `ward tail` does.
 *
 * Input layout: the event (88 bytes), the clock offset (8), a flags byte
 * (bit 0: name the interface, bit 1: name the device, bit 2: resolve the
 * names through a name table, bits 3-4: criticality, 3 being out of range),
 * then NUL-separated strings: interface, device, path, mode, errors...
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fuzz.h"
#include "jsoncheck.h"

#define NAME_MAX_FUZZ 256
#define MAX_ERRORS    8
#define IP_TCP	      6
#define IP_UDP	      17
#define IP_ICMP	      1
#define IP_ICMP6      58

/* cli.md's order of the keys of a packet event. */
static const char *const packet_keys[] = {
	"ts",	 "event",   "iface",   "device", "criticality", "direction", "reason",
	"proto", "src",	    "sport",   "dst",	 "dport",	"icmp_type", "icmp_code",
	"vlan",	 "src_mac", "dst_mac", "len",	 "count",
};
#define NPACKET_KEYS (sizeof(packet_keys) / sizeof(packet_keys[0]))

struct input {
	struct ward_event ev;
	int64_t offset;
	uint8_t flags;
	char iface[NAME_MAX_FUZZ + 1];
	char device[NAME_MAX_FUZZ + 1];
	char path[NAME_MAX_FUZZ + 1];
	char mode[NAME_MAX_FUZZ + 1];
	char errors[MAX_ERRORS][NAME_MAX_FUZZ + 1];
	size_t nerrors;
};

static void take_input(const uint8_t *data, size_t size, struct input *in)
{
	memset(in, 0, sizeof(*in));
	fuzz_take(&data, &size, &in->ev, sizeof(in->ev));
	fuzz_take(&data, &size, &in->offset, sizeof(in->offset));
	fuzz_take(&data, &size, &in->flags, sizeof(in->flags));
	fuzz_take_str(&data, &size, in->iface, NAME_MAX_FUZZ);
	fuzz_take_str(&data, &size, in->device, NAME_MAX_FUZZ);
	fuzz_take_str(&data, &size, in->path, NAME_MAX_FUZZ);
	fuzz_take_str(&data, &size, in->mode, NAME_MAX_FUZZ);
	while (size && in->nerrors < MAX_ERRORS)
		fuzz_take_str(&data, &size, in->errors[in->nerrors++], NAME_MAX_FUZZ);
}

/* One line of strict JSON, parsed into @obj. */
static void check_line(const struct ward_jbuf *line, int err, struct ward_jobj *obj)
{
	const char *why;
	size_t at;

	if (err)
		fuzz_fail("formatting failed: %d", err);
	if (!line->data || strlen(line->data) != line->len)
		fuzz_fail("line is empty or holds a NUL byte");
	if (memchr(line->data, '\n', line->len) || memchr(line->data, '\r', line->len))
		fuzz_fail("line break inside an event line: %s", line->data);
	if (!jsoncheck_object(line->data, line->len, &why, &at))
		fuzz_fail("not strict JSON (%s at byte %zu): %s", why, at, line->data);
	if (ward_json_parse(line->data, line->len, obj))
		fuzz_fail("ward_json_parse refuses the line: %s", line->data);
}

static void expect_str(const struct ward_jobj *obj, const char *key, const char *want)
{
	const char *got = ward_jobj_str(obj, key);

	if (!got || strcmp(got, want))
		fuzz_fail("\"%s\" is \"%s\", expected \"%s\"", key, got ? got : "(absent)", want);
}

/* A string given by the caller comes back unchanged when it was valid UTF-8. */
static void expect_name(const struct ward_jobj *obj, const char *key, const char *name)
{
	if (jsoncheck_utf8(name, strlen(name)))
		expect_str(obj, key, name);
	else if (!ward_jobj_str(obj, key))
		fuzz_fail("\"%s\" missing for a name that is not UTF-8", key);
}

static void expect_uint(const struct ward_jobj *obj, const char *key, uint64_t want)
{
	uint64_t got;

	if (ward_jobj_uint(obj, key, &got) || got != want)
		fuzz_fail("\"%s\" is not the number %llu", key, (unsigned long long)want);
}

static void expect_presence(const struct ward_jobj *obj, const char *key, bool want)
{
	if (!ward_jobj_get(obj, key) != !want)
		fuzz_fail("key \"%s\" is %s", key, want ? "missing" : "present but should not be");
}

/* Every key is one of cli.md's, in cli.md's order. */
static void check_key_order(const struct ward_jobj *obj)
{
	size_t i, k = 0;

	for (i = 0; i < obj->n; i++) {
		while (k < NPACKET_KEYS && strcmp(packet_keys[k], obj->fields[i].key))
			k++;
		if (k == NPACKET_KEYS)
			fuzz_fail("key \"%s\" unknown or out of order", obj->fields[i].key);
	}
}

/* 2026-12-03T18:17:57.123456Z */
static void check_ts(const struct ward_jobj *obj)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd.ddddddZ";
	const char *ts = ward_jobj_str(obj, "ts");
	size_t i;

	if (!ts || strlen(ts) != sizeof(shape) - 1)
		fuzz_fail("ts \"%s\" is not a timestamp", ts ? ts : "(absent)");
	for (i = 0; i < sizeof(shape) - 1; i++)
		if (shape[i] == 'd' ? ts[i] < '0' || ts[i] > '9' : ts[i] != shape[i])
			fuzz_fail("ts \"%s\" is not a timestamp", ts);
}

static void expect_addr(const struct ward_jobj *obj, const char *key, const uint8_t addr[16],
			bool v4)
{
	const char *text = ward_jobj_str(obj, key);
	uint8_t got[16];

	if (!text || inet_pton(v4 ? AF_INET : AF_INET6, text, got) != 1)
		fuzz_fail("\"%s\" is not an address", key);
	if (memcmp(got, v4 ? addr + 12 : addr, v4 ? 4 : 16))
		fuzz_fail("\"%s\" is %s, not the event's address", key, text);
}

static void expect_mac(const struct ward_jobj *obj, const char *key, const uint8_t mac[6])
{
	char want[18];

	snprintf(want, sizeof(want), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	expect_str(obj, key, want);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* The addresses and the layer-4 keys, present only where they apply. */
static void check_l3_l4(const struct ward_jobj *obj, const struct ward_event *ev)
{
	bool ip = ev->is_v4 || !all_zero(ev->src, 16) || !all_zero(ev->dst, 16);
	bool icmp = ev->proto == IP_ICMP || ev->proto == IP_ICMP6;
	bool ports = ip && ev->has_l4 && !icmp;
	bool types = ip && ev->has_l4 && icmp;

	expect_presence(obj, "proto", ip);
	expect_presence(obj, "src", ip);
	expect_presence(obj, "dst", ip);
	expect_presence(obj, "sport", ports);
	expect_presence(obj, "dport", ports);
	expect_presence(obj, "icmp_type", types);
	expect_presence(obj, "icmp_code", types);
	if (ip) {
		expect_addr(obj, "src", ev->src, ev->is_v4);
		expect_addr(obj, "dst", ev->dst, ev->is_v4);
	}
	if (ports) {
		expect_uint(obj, "sport", ev->sport);
		expect_uint(obj, "dport", ev->dport);
	}
	if (types) {
		expect_uint(obj, "icmp_type", ev->sport);
		expect_uint(obj, "icmp_code", ev->dport);
	}
}

static const char *expected_type(uint8_t type)
{
	switch (type) {
	case WARD_EV_DROP:
		return "drop";
	case WARD_EV_WOULD_DROP:
		return "would-drop";
	case WARD_EV_HOST_SEEN:
		return "host-seen";
	}
	return "unknown";
}

static void check_packet(const struct ward_jobj *obj, const struct ward_event *ev,
			 const struct ward_event_names *names)
{
	char num[24];

	check_key_order(obj);
	check_ts(obj);
	expect_str(obj, "event", expected_type(ev->type));
	if (names->iface) {
		expect_name(obj, "iface", names->iface);
	} else {
		snprintf(num, sizeof(num), "%u", ev->ifindex);
		expect_str(obj, "iface", num);
	}
	expect_presence(obj, "device", names->device || ev->device_id != WARD_DEVICE_NONE);
	expect_presence(obj, "criticality", names->device);
	if (names->device)
		expect_name(obj, "device", names->device);
	expect_str(obj, "direction",
		   ev->direction == WARD_DIR_TO_DEVICE ? "to-device" : "from-device");
	expect_presence(obj, "reason", ev->reason != WARD_REASON_NONE);
	check_l3_l4(obj, ev);
	expect_presence(obj, "vlan", ev->vlan);
	if (ev->vlan)
		expect_uint(obj, "vlan", ev->vlan);
	expect_mac(obj, "src_mac", ev->src_mac);
	expect_mac(obj, "dst_mac", ev->dst_mac);
	expect_uint(obj, "len", ev->len);
	expect_uint(obj, "count", ev->count);
}

/* What ward_event_names_resolve() reads: the names point into it. */
struct tables {
	struct ward_device_name devs[2];
	struct ward_name_table table;
	struct ward_iface_name ifn;
};

/* The names, given directly or resolved through @t as the agent does. */
static void names_of(const struct input *in, struct tables *t, struct ward_event_names *names)
{
	enum ward_criticality crit = (in->flags >> 3) & 3;

	memset(names, 0, sizeof(*names));
	if (!(in->flags & 4)) {
		names->iface = in->flags & 1 ? in->iface : NULL;
		names->device = in->flags & 2 ? in->device : NULL;
		names->criticality = crit;
		return;
	}
	t->devs[0].name = in->device;
	t->devs[0].criticality = crit;
	t->devs[1].name = in->path;
	t->devs[1].criticality = crit;
	t->table.generation = in->ev.generation ^ (in->flags >> 5);
	t->table.devices = t->devs;
	t->table.ndevices = 2;
	t->ifn.ifindex = in->ev.ifindex;
	memset(t->ifn.name, 0, sizeof(t->ifn.name));
	memcpy(t->ifn.name, in->iface, strnlen(in->iface, sizeof(t->ifn.name) - 1));
	ward_event_names_resolve(&t->table, 1, &t->ifn, in->flags & 1, &in->ev, names);
}

static void fuzz_packet_event(const struct input *in, struct ward_jbuf *line)
{
	struct ward_event_names names;
	struct tables t;
	struct ward_jobj obj;
	int err;

	names_of(in, &t, &names);
	err = ward_event_format_packet(line, &in->ev, &names, in->offset);
	check_line(line, err, &obj);
	check_packet(&obj, &in->ev, &names);
	ward_jobj_free(&obj);
}

/* An agent event: strict JSON, its exact keys in order, ts and event first. */
static void check_agent(const struct ward_jbuf *line, int err, const char *event,
			const char *const *keys, size_t nkeys, struct ward_jobj *obj)
{
	size_t i;

	check_line(line, err, obj);
	check_ts(obj);
	expect_str(obj, "event", event);
	if (obj->n != nkeys + 2)
		fuzz_fail("%s has %zu keys, expected %zu: %s", event, obj->n, nkeys + 2,
			  line->data);
	for (i = 0; i < nkeys; i++)
		if (strcmp(obj->fields[i + 2].key, keys[i]))
			fuzz_fail("%s: key %zu is \"%s\", expected \"%s\"", event, i + 2,
				  obj->fields[i + 2].key, keys[i]);
}

static void fuzz_policy_events(const struct input *in, struct ward_jbuf *line)
{
	static const char *const loaded_keys[] = {"path", "sha256", "generation", "devices"};
	static const char *const rejected_keys[] = {"path", "errors"};
	const char *errors[MAX_ERRORS];
	const struct ward_jfield *arr;
	struct ward_jobj obj;
	size_t i;
	int err;

	err = ward_event_format_policy_loaded(line, in->ev.ts_ns, in->path, in->mode,
					      in->ev.generation, in->ev.ifindex);
	check_agent(line, err, "policy-loaded", loaded_keys, 4, &obj);
	expect_name(&obj, "path", in->path);
	expect_uint(&obj, "generation", in->ev.generation);
	ward_jobj_free(&obj);

	for (i = 0; i < in->nerrors; i++)
		errors[i] = in->errors[i];
	err = ward_event_format_policy_rejected(line, in->ev.ts_ns, in->path, errors, in->nerrors);
	check_agent(line, err, "policy-rejected", rejected_keys, 2, &obj);
	arr = ward_jobj_get(&obj, "errors");
	if (!arr || arr->type != WARD_JARR || arr->nitems != in->nerrors)
		fuzz_fail("policy-rejected does not carry its %zu errors", in->nerrors);
	for (i = 0; i < in->nerrors; i++)
		if (jsoncheck_utf8(errors[i], strlen(errors[i])) &&
		    strcmp(arr->items[i], errors[i]))
			fuzz_fail("error %zu changed on its way: \"%s\"", i, arr->items[i]);
	ward_jobj_free(&obj);
}

static void fuzz_agent_events(const struct input *in, struct ward_jbuf *line)
{
	static const char *const lost_keys[] = {"count"};
	static const char *const attach_keys[] = {"iface", "mode"};
	static const char *const start_keys[] = {"version", "pid"};
	bool flag = in->flags & 1;
	struct ward_jobj obj;
	int err;

	err = ward_event_format_events_lost(line, in->ev.ts_ns, in->ev.generation);
	check_agent(line, err, "events-lost", lost_keys, 1, &obj);
	expect_uint(&obj, "count", in->ev.generation);
	ward_jobj_free(&obj);

	err = ward_event_format_attach(line, in->ev.ts_ns, flag, in->iface, in->mode);
	check_agent(line, err, flag ? "attached" : "detached", attach_keys, 2, &obj);
	expect_name(&obj, "iface", in->iface);
	expect_name(&obj, "mode", in->mode);
	ward_jobj_free(&obj);

	err = ward_event_format_agent(line, in->ev.ts_ns, flag, in->ev.device_id);
	check_agent(line, err, flag ? "agent-start" : "agent-stop", start_keys + !flag,
		    flag ? 2 : 1, &obj);
	expect_uint(&obj, "pid", in->ev.device_id);
	ward_jobj_free(&obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct input in;
	struct ward_jbuf line;

	take_input(data, size, &in);
	ward_jbuf_init(&line);
	fuzz_packet_event(&in, &line);
	fuzz_policy_events(&in, &line);
	fuzz_agent_events(&in, &line);
	ward_jbuf_free(&line);
	return 0;
}
