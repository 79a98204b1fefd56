// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Event lines and the file sink of events.h. Keys are written in the order
 * of ../shared/spec/cli.md, and only where they apply: a non-IP frame has
 * no addresses, a packet without ports has none, ICMP has a type and a code
 * instead of ports, an untagged frame no vlan, an unknown host no device.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "events.h"
#include "version.h"

#define NSEC_PER_SEC	 1000000000LL
#define NSEC_PER_USEC	 1000LL
#define IPPROTO_ICMP_NR	 1
#define IPPROTO_TCP_NR	 6
#define IPPROTO_UDP_NR	 17
#define IPPROTO_ICMP6_NR 58

static const char *const reason_names[WARD_REASON_COUNT] = {
	[WARD_REASON_NONE] = "none",
	[WARD_REASON_NO_RULE] = "no-rule",
	[WARD_REASON_SPOOFED_SOURCE] = "spoofed-source",
	[WARD_REASON_WRONG_VLAN] = "wrong-vlan",
	[WARD_REASON_FRAGMENT] = "fragment",
	[WARD_REASON_MALFORMED] = "malformed",
	[WARD_REASON_IP_OPTIONS] = "ip-options",
	[WARD_REASON_NON_IP] = "non-ip",
	[WARD_REASON_RATE_LIMIT] = "rate-limit",
	[WARD_REASON_UNKNOWN_HOST] = "unknown-host",
	[WARD_REASON_FLOW_REVOKED] = "flow-revoked",
};

const char *ward_reason_name(enum ward_reason reason)
{
	if ((unsigned int)reason >= WARD_REASON_COUNT)
		return "unknown";
	return reason_names[reason];
}

const char *ward_criticality_name(enum ward_criticality crit)
{
	switch (crit) {
	case WARD_CRIT_LIFE_CRITICAL:
		return "life-critical";
	case WARD_CRIT_CLINICAL:
		return "clinical";
	case WARD_CRIT_ADMINISTRATIVE:
		return "administrative";
	}
	return "unknown";
}

const char *ward_direction_name(enum ward_direction dir)
{
	return dir == WARD_DIR_TO_DEVICE ? "to-device" : "from-device";
}

static const char *event_type_name(uint8_t type)
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

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

int64_t ward_clock_offset_ns(void)
{
	int64_t before = clock_ns(CLOCK_MONOTONIC);
	int64_t real = clock_ns(CLOCK_REALTIME);
	int64_t after = clock_ns(CLOCK_MONOTONIC);

	return real - (before + (after - before) / 2);
}

uint64_t ward_clock_now_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

void ward_format_ts(uint64_t ts_ns, char *buf, size_t size)
{
	time_t secs = ts_ns / NSEC_PER_SEC;
	long usecs = (ts_ns % NSEC_PER_SEC) / NSEC_PER_USEC;
	struct tm tm;
	char date[24];

	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06ldZ", date, usecs);
}

void ward_event_names_resolve(const struct ward_name_table *tables, size_t ntables,
			      const struct ward_iface_name *ifaces, size_t nifaces,
			      const struct ward_event *ev, struct ward_event_names *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < nifaces; i++)
		if (ifaces[i].ifindex == ev->ifindex)
			out->iface = ifaces[i].name;

	if (ev->device_id == WARD_DEVICE_NONE)
		return;
	for (i = 0; i < ntables; i++) {
		const struct ward_name_table *t = &tables[i];

		if (t->generation != ev->generation || ev->device_id >= t->ndevices)
			continue;
		out->device = t->devices[ev->device_id].name;
		out->criticality = t->devices[ev->device_id].criticality;
		return;
	}
}

static void put_ts(struct ward_jbuf *line, uint64_t ts_ns)
{
	char ts[WARD_TS_LEN];

	ward_format_ts(ts_ns, ts, sizeof(ts));
	ward_json_str(line, "ts", ts);
}

static void put_uint_str(struct ward_jbuf *line, const char *key, uint64_t val)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)val);
	ward_json_str(line, key, num);
}

static void put_device(struct ward_jbuf *line, const struct ward_event *ev,
		       const struct ward_event_names *names)
{
	char id[16];

	if (names->device) {
		ward_json_str(line, "device", names->device);
		ward_json_str(line, "criticality", ward_criticality_name(names->criticality));
	} else if (ev->device_id != WARD_DEVICE_NONE) {
		snprintf(id, sizeof(id), "#%u", ev->device_id);
		ward_json_str(line, "device", id);
	}
}

static void put_addr(struct ward_jbuf *line, const char *key, const uint8_t addr[16], bool v4)
{
	char text[INET6_ADDRSTRLEN];

	if (v4)
		inet_ntop(AF_INET, addr + 12, text, sizeof(text));
	else
		inet_ntop(AF_INET6, addr, text, sizeof(text));
	ward_json_str(line, key, text);
}

static void put_mac(struct ward_jbuf *line, const char *key, const uint8_t mac[6])
{
	char text[18];

	snprintf(text, sizeof(text), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5]);
	ward_json_str(line, key, text);
}

static bool is_zero(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

/*
 * The event has no flag for "this was IP": an IPv4 packet says is_v4, and
 * an IPv6 packet has an address that is not all zeros (a packet from :: to
 * :: does not exist).
 */
static bool event_is_ip(const struct ward_event *ev)
{
	return ev->is_v4 || !is_zero(ev->src, 16) || !is_zero(ev->dst, 16);
}

static void put_proto(struct ward_jbuf *line, uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP_NR:
		ward_json_str(line, "proto", "tcp");
		return;
	case IPPROTO_UDP_NR:
		ward_json_str(line, "proto", "udp");
		return;
	case IPPROTO_ICMP_NR:
		ward_json_str(line, "proto", "icmp");
		return;
	case IPPROTO_ICMP6_NR:
		ward_json_str(line, "proto", "icmpv6");
		return;
	}
	put_uint_str(line, "proto", proto);
}

static void put_l3_l4(struct ward_jbuf *line, const struct ward_event *ev)
{
	bool icmp = ev->proto == IPPROTO_ICMP_NR || ev->proto == IPPROTO_ICMP6_NR;
	bool ports = ev->has_l4 && !icmp;

	put_proto(line, ev->proto);
	put_addr(line, "src", ev->src, ev->is_v4);
	if (ports)
		ward_json_uint(line, "sport", ev->sport);
	put_addr(line, "dst", ev->dst, ev->is_v4);
	if (ports)
		ward_json_uint(line, "dport", ev->dport);
	if (icmp && ev->has_l4) {
		ward_json_uint(line, "icmp_type", ev->sport);
		ward_json_uint(line, "icmp_code", ev->dport);
	}
}

int ward_event_format_packet(struct ward_jbuf *line, const struct ward_event *ev,
			     const struct ward_event_names *names, int64_t clock_offset_ns)
{
	ward_jbuf_reset(line);
	ward_json_begin(line);
	/* Unsigned: wraps rather than overflows for any ts_ns the ring holds. */
	put_ts(line, ev->ts_ns + (uint64_t)clock_offset_ns);
	ward_json_str(line, "event", event_type_name(ev->type));
	if (names->iface)
		ward_json_str(line, "iface", names->iface);
	else
		put_uint_str(line, "iface", ev->ifindex);
	put_device(line, ev, names);
	ward_json_str(line, "direction", ward_direction_name(ev->direction));
	if (ev->reason != WARD_REASON_NONE)
		ward_json_str(line, "reason", ward_reason_name(ev->reason));
	if (event_is_ip(ev))
		put_l3_l4(line, ev);
	if (ev->vlan)
		ward_json_uint(line, "vlan", ev->vlan);
	put_mac(line, "src_mac", ev->src_mac);
	put_mac(line, "dst_mac", ev->dst_mac);
	ward_json_uint(line, "len", ev->len);
	ward_json_uint(line, "count", ev->count);
	ward_json_end(line);
	return line->err;
}

static void agent_event_begin(struct ward_jbuf *line, uint64_t ts_ns, const char *event)
{
	ward_jbuf_reset(line);
	ward_json_begin(line);
	put_ts(line, ts_ns);
	ward_json_str(line, "event", event);
}

int ward_event_format_policy_loaded(struct ward_jbuf *line, uint64_t ts_ns, const char *path,
				    const char *sha256_hex, uint64_t generation, uint64_t devices)
{
	agent_event_begin(line, ts_ns, "policy-loaded");
	ward_json_str(line, "path", path);
	ward_json_str(line, "sha256", sha256_hex);
	ward_json_uint(line, "generation", generation);
	ward_json_uint(line, "devices", devices);
	ward_json_end(line);
	return line->err;
}

int ward_event_format_policy_rejected(struct ward_jbuf *line, uint64_t ts_ns, const char *path,
				      const char *const *errors, size_t nerrors)
{
	agent_event_begin(line, ts_ns, "policy-rejected");
	ward_json_str(line, "path", path);
	ward_json_str_array(line, "errors", errors, nerrors);
	ward_json_end(line);
	return line->err;
}

int ward_event_format_events_lost(struct ward_jbuf *line, uint64_t ts_ns, uint64_t count)
{
	agent_event_begin(line, ts_ns, "events-lost");
	ward_json_uint(line, "count", count);
	ward_json_end(line);
	return line->err;
}

int ward_event_format_attach(struct ward_jbuf *line, uint64_t ts_ns, bool attached,
			     const char *iface, const char *mode)
{
	agent_event_begin(line, ts_ns, attached ? "attached" : "detached");
	ward_json_str(line, "iface", iface);
	ward_json_str(line, "mode", mode);
	ward_json_end(line);
	return line->err;
}

int ward_event_format_agent(struct ward_jbuf *line, uint64_t ts_ns, bool start, long pid)
{
	agent_event_begin(line, ts_ns, start ? "agent-start" : "agent-stop");
	if (start)
		ward_json_str(line, "version", WARD_VERSION);
	ward_json_uint(line, "pid", (uint64_t)pid);
	ward_json_end(line);
	return line->err;
}
