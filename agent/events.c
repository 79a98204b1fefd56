// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Event lines and the file sink of events.h. Keys are written in the order
 * of ../shared/spec/cli.md, and only where they apply: a non-IP frame has
 * no addresses, a packet without ports has none, ICMP has a type and a code
 * instead of ports, an untagged frame no vlan, an unknown host no device.
 *
 * Packet events come by the hundred thousand a second in a flood, so their
 * line is put together by hand (struct piece): keys, numbers, IPv4
 * addresses, MACs and the date of the last second seen, none of which
 * needs escaping; only the names from the policy go through the JSON
 * escaper. The bytes are those the JSON writer would produce.
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

/* "YYYY-MM-DDTHH:MM:SS" of @secs; the last one is kept, as events come in bursts. */
static const char *date_of(time_t secs)
{
	static __thread time_t cached_secs = -1;
	static __thread char cached[24];
	struct tm tm;

	if (secs != cached_secs) {
		gmtime_r(&secs, &tm);
		strftime(cached, sizeof(cached), "%Y-%m-%dT%H:%M:%S", &tm);
		cached_secs = secs;
	}
	return cached;
}

void ward_format_ts(uint64_t ts_ns, char *buf, size_t size)
{
	time_t secs = ts_ns / NSEC_PER_SEC;
	long usecs = (ts_ns % NSEC_PER_SEC) / NSEC_PER_USEC;

	snprintf(buf, size, "%s.%06ldZ", date_of(secs), usecs);
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

/* A stretch of a line that needs no escaping, made in place. */
#define PIECE_MAX 512

struct piece {
	char *p;
	char buf[PIECE_MAX];
};

static void piece_lit(struct piece *pc, const char *s)
{
	size_t n = strlen(s);

	memcpy(pc->p, s, n);
	pc->p += n;
}

static void piece_uint(struct piece *pc, uint64_t v)
{
	char digits[20];
	int n = 0;

	do {
		digits[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*pc->p++ = digits[--n];
}

/* Zero-padded to @width digits. */
static void piece_uint_pad(struct piece *pc, uint64_t v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		pc->p[i] = '0' + v % 10;
		v /= 10;
	}
	pc->p += width;
}

static void piece_key_uint(struct piece *pc, const char *key_colon, uint64_t v)
{
	piece_lit(pc, key_colon);
	piece_uint(pc, v);
}

/* Hand the piece to the line and start anew. */
static void piece_flush(struct piece *pc, struct ward_jbuf *line)
{
	ward_json_raw(line, pc->buf, pc->p - pc->buf);
	pc->p = pc->buf;
}

/* ,"key":"escaped text" for a name the policy gave. */
static void piece_name(struct piece *pc, struct ward_jbuf *line, const char *key_colon,
		       const char *name)
{
	piece_lit(pc, key_colon);
	*pc->p++ = '"';
	piece_flush(pc, line);
	ward_json_escape(line, name, strlen(name));
	*pc->p++ = '"';
}

static void piece_ts(struct piece *pc, uint64_t ts_ns)
{
	piece_lit(pc, date_of(ts_ns / NSEC_PER_SEC));
	*pc->p++ = '.';
	piece_uint_pad(pc, (ts_ns % NSEC_PER_SEC) / NSEC_PER_USEC, 6);
	*pc->p++ = 'Z';
}

static void piece_addr(struct piece *pc, const char *key_colon, const uint8_t addr[16], bool v4)
{
	piece_lit(pc, key_colon);
	*pc->p++ = '"';
	if (v4) {
		for (int i = 12; i < 16; i++) {
			if (i > 12)
				*pc->p++ = '.';
			piece_uint(pc, addr[i]);
		}
	} else {
		inet_ntop(AF_INET6, addr, pc->p, INET6_ADDRSTRLEN);
		pc->p += strlen(pc->p);
	}
	*pc->p++ = '"';
}

static void piece_mac(struct piece *pc, const char *key_colon, const uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";

	piece_lit(pc, key_colon);
	*pc->p++ = '"';
	for (int i = 0; i < 6; i++) {
		if (i)
			*pc->p++ = ':';
		*pc->p++ = hex[mac[i] >> 4];
		*pc->p++ = hex[mac[i] & 0xf];
	}
	*pc->p++ = '"';
}

static void piece_device(struct piece *pc, struct ward_jbuf *line, const struct ward_event *ev,
			 const struct ward_event_names *names)
{
	if (names->device) {
		piece_name(pc, line, ",\"device\":", names->device);
		piece_lit(pc, ",\"criticality\":\"");
		piece_lit(pc, ward_criticality_name(names->criticality));
		*pc->p++ = '"';
	} else if (ev->device_id != WARD_DEVICE_NONE) {
		piece_lit(pc, ",\"device\":\"#");
		piece_uint(pc, ev->device_id);
		*pc->p++ = '"';
	}
}

static void piece_proto(struct piece *pc, uint8_t proto)
{
	piece_lit(pc, ",\"proto\":\"");
	switch (proto) {
	case IPPROTO_TCP_NR:
		piece_lit(pc, "tcp");
		break;
	case IPPROTO_UDP_NR:
		piece_lit(pc, "udp");
		break;
	case IPPROTO_ICMP_NR:
		piece_lit(pc, "icmp");
		break;
	case IPPROTO_ICMP6_NR:
		piece_lit(pc, "icmpv6");
		break;
	default:
		piece_uint(pc, proto);
	}
	*pc->p++ = '"';
}

static void piece_l3_l4(struct piece *pc, const struct ward_event *ev)
{
	bool icmp = ev->proto == IPPROTO_ICMP_NR || ev->proto == IPPROTO_ICMP6_NR;
	bool ports = ev->has_l4 && !icmp;

	piece_proto(pc, ev->proto);
	piece_addr(pc, ",\"src\":", ev->src, ev->is_v4);
	if (ports)
		piece_key_uint(pc, ",\"sport\":", ev->sport);
	piece_addr(pc, ",\"dst\":", ev->dst, ev->is_v4);
	if (ports)
		piece_key_uint(pc, ",\"dport\":", ev->dport);
	if (icmp && ev->has_l4) {
		piece_key_uint(pc, ",\"icmp_type\":", ev->sport);
		piece_key_uint(pc, ",\"icmp_code\":", ev->dport);
	}
}

int ward_event_format_packet(struct ward_jbuf *line, const struct ward_event *ev,
			     const struct ward_event_names *names, int64_t clock_offset_ns)
{
	struct piece pc;

	pc.p = pc.buf;
	ward_jbuf_reset(line);
	piece_lit(&pc, "{\"ts\":\"");
	/* Unsigned: wraps rather than overflows for any ts_ns the ring holds. */
	piece_ts(&pc, ev->ts_ns + (uint64_t)clock_offset_ns);
	piece_lit(&pc, "\",\"event\":\"");
	piece_lit(&pc, event_type_name(ev->type));
	*pc.p++ = '"';
	if (names->iface) {
		piece_name(&pc, line, ",\"iface\":", names->iface);
	} else {
		piece_lit(&pc, ",\"iface\":\"");
		piece_uint(&pc, ev->ifindex);
		*pc.p++ = '"';
	}
	piece_device(&pc, line, ev, names);
	piece_lit(&pc, ",\"direction\":\"");
	piece_lit(&pc, ward_direction_name(ev->direction));
	*pc.p++ = '"';
	if (ev->reason != WARD_REASON_NONE) {
		piece_lit(&pc, ",\"reason\":\"");
		piece_lit(&pc, ward_reason_name(ev->reason));
		*pc.p++ = '"';
	}
	if (event_is_ip(ev))
		piece_l3_l4(&pc, ev);
	if (ev->vlan)
		piece_key_uint(&pc, ",\"vlan\":", ev->vlan);
	piece_mac(&pc, ",\"src_mac\":", ev->src_mac);
	piece_mac(&pc, ",\"dst_mac\":", ev->dst_mac);
	piece_key_uint(&pc, ",\"len\":", ev->len);
	piece_key_uint(&pc, ",\"count\":", ev->count);
	*pc.p++ = '}';
	piece_flush(&pc, line);
	line->need_comma = true; /* as ward_json_end() leaves it */
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
