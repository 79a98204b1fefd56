// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The standard ward of the datapath tests (scenario.h): its policy, frames
 * between its devices and their peers, and the verdict-and-counters check.
 */
#include "scenario.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

const uint8_t scn_ct_mac[6] = {0x02, 0, 0, 0, 0, 0x21};
const uint8_t scn_vl_mac[6] = {0x02, 0, 0, 0, 0, 0x22};
const uint8_t scn_au_mac[6] = {0x02, 0, 0, 0, 0, 0x23};
const uint8_t scn_dh_mac[6] = {0x02, 0, 0, 0, 0, 0x24};
const uint8_t scn_gw_mac[6] = {0x02, 0, 0, 0, 0, 0x01};
const uint8_t scn_stranger_mac[6] = {0x02, 0, 0, 0, 0x0e, 0x77};
const uint8_t scn_bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

const char SCN_POLICY[] = "version: 1\n"
			  "interfaces:\n"
			  "  - name: dev0\n"
			  "    unknown_hosts: drop\n"
			  "sets:\n"
			  "  pacs: [198.18.1.10, \"2001:db8:1::10\"]\n"
			  "  dns: [198.18.1.53, \"2001:db8:1::53\"]\n"
			  "  biomed: [198.18.2.0/24]\n"
			  "devices:\n"
			  "  - name: ct-01\n"
			  "    mac: \"02:00:00:00:00:21\"\n"
			  "    ipv4: [198.18.0.21]\n"
			  "    ipv6: [\"2001:db8::21\"]\n"
			  "    outbound:\n"
			  "      - to: [pacs]\n"
			  "        proto: tcp\n"
			  "        ports: [104]\n"
			  "      - to: [dns]\n"
			  "        proto: udp\n"
			  "        ports: [53]\n"
			  "      - to: [any]\n"
			  "        proto: icmp\n"
			  "        icmp: [echo-request]\n"
			  "      - to: [any]\n"
			  "        proto: icmpv6\n"
			  "        icmp: [echo-request]\n"
			  "    inbound:\n"
			  "      - from: [pacs]\n"
			  "        proto: tcp\n"
			  "        ports: [104]\n"
			  "      - from: [biomed]\n"
			  "        proto: icmp\n"
			  "        icmp: [echo-request]\n"
			  "  - name: vl-01\n"
			  "    mac: \"02:00:00:00:00:22\"\n"
			  "    ipv4: [198.18.0.22]\n"
			  "    ipv6: [\"2001:db8::22\"]\n"
			  "    vlan: 20\n"
			  "    outbound:\n"
			  "      - to: [pacs]\n"
			  "        proto: tcp\n"
			  "        ports: [104]\n"
			  "  - name: au-01\n"
			  "    mac: \"02:00:00:00:00:23\"\n"
			  "    ipv4: [198.18.0.23]\n"
			  "    mode: audit\n"
			  "    outbound:\n"
			  "      - to: [pacs]\n"
			  "        proto: tcp\n"
			  "        ports: [104]\n"
			  "  - name: dh-01\n"
			  "    mac: \"02:00:00:00:00:24\"\n"
			  "    dhcp: true\n"
			  "    outbound:\n"
			  "      - to: [pacs]\n"
			  "        proto: tcp\n"
			  "        ports: [104]\n";

struct scn_ends scn_ct(enum ward_direction dir, bool v6, const char *peer)
{
	return (struct scn_ends){
		.dir = dir,
		.dev_mac = scn_ct_mac,
		.dev_addr = v6 ? SCN_CT_V6 : SCN_CT_V4,
		.peer_addr = peer,
	};
}

void scn_eth(struct pkt *p, const struct scn_ends *e)
{
	if (e->dir == WARD_DIR_FROM_DEVICE)
		pkt_eth(p, scn_gw_mac, e->dev_mac, 0);
	else
		pkt_eth(p, e->dev_mac, scn_gw_mac, 0);
}

/* Source and destination addresses of a frame between the ends, by direction. */
static void scn_addrs(const struct scn_ends *e, uint8_t src[16], uint8_t dst[16])
{
	const char *s = e->dir == WARD_DIR_FROM_DEVICE ? e->dev_addr : e->peer_addr;
	const char *d = e->dir == WARD_DIR_FROM_DEVICE ? e->peer_addr : e->dev_addr;

	assert_int_equal(pkt_addr(s, src), 0);
	assert_int_equal(pkt_addr(d, dst), 0);
}

struct pkt_ipv4 scn_ipv4(const struct scn_ends *e)
{
	struct pkt_ipv4 ip = {.id = 0x4d2};

	scn_addrs(e, ip.src, ip.dst);
	return ip;
}

struct pkt_ipv6 scn_ipv6(const struct scn_ends *e)
{
	struct pkt_ipv6 ip = {0};

	scn_addrs(e, ip.src, ip.dst);
	return ip;
}

void scn_l3(struct pkt *p, const struct scn_ends *e)
{
	uint8_t a[16];

	assert_int_equal(pkt_addr(e->dev_addr, a), 0);
	scn_eth(p, e);
	if (pkt_addr_is_v4(a)) {
		struct pkt_ipv4 ip = scn_ipv4(e);

		pkt_ipv4(p, &ip);
	} else {
		struct pkt_ipv6 ip = scn_ipv6(e);

		pkt_ipv6(p, &ip);
	}
}

struct pkt_tcp scn_tcp(const struct scn_ends *e, uint16_t dev_port, uint16_t peer_port,
		       uint8_t flags)
{
	bool out = e->dir == WARD_DIR_FROM_DEVICE;

	return (struct pkt_tcp){
		.sport = out ? dev_port : peer_port,
		.dport = out ? peer_port : dev_port,
		.flags = flags,
		.seq = 1000,
		.ack = flags & TCP_ACK ? 2000 : 0,
	};
}

struct pkt_udp scn_udp(const struct scn_ends *e, uint16_t dev_port, uint16_t peer_port)
{
	bool out = e->dir == WARD_DIR_FROM_DEVICE;

	return (struct pkt_udp){
		.sport = out ? dev_port : peer_port,
		.dport = out ? peer_port : dev_port,
	};
}

size_t scn_tcp_frame(struct pkt *p, const struct scn_ends *e, uint16_t dev_port, uint16_t peer_port,
		     uint8_t flags)
{
	struct pkt_tcp tcp = scn_tcp(e, dev_port, peer_port, flags);

	pkt_init(p);
	scn_l3(p, e);
	pkt_tcp(p, &tcp);
	pkt_zeros(p, 6);
	return pkt_finish(p);
}

size_t scn_udp_frame(struct pkt *p, const struct scn_ends *e, uint16_t dev_port, uint16_t peer_port)
{
	struct pkt_udp udp = scn_udp(e, dev_port, peer_port);

	pkt_init(p);
	scn_l3(p, e);
	pkt_udp(p, &udp);
	pkt_zeros(p, 12);
	return pkt_finish(p);
}

int scn_snapshot(struct harness *h, unsigned nindex, struct scn_snapshot *out)
{
	int err;

	if (nindex > sizeof(out->c) / sizeof(out->c[0]))
		return -E2BIG;
	out->nindex = nindex;
	for (unsigned i = 0; i < nindex; i++) {
		err = harness_counters(h, i, &out->c[i]);
		if (err)
			return err;
	}
	return 0;
}

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

const char *scn_reason_name(enum ward_reason reason)
{
	if ((unsigned)reason >= WARD_REASON_COUNT)
		return "?";
	return reason_names[reason];
}

static const char *const kind_names[] = {
	[SCN_PASSED] = "passed",
	[SCN_DROPPED] = "dropped",
	[SCN_WOULD_DROP] = "would_drop",
};

static void add_moved(struct scn_moved *out, int max, int *n, unsigned index, enum scn_counter kind,
		      int reason, uint64_t delta)
{
	if (!delta)
		return;
	if (*n < max)
		out[*n] = (struct scn_moved){.index = (int)index,
					     .kind = kind,
					     .reason = (enum ward_reason)reason,
					     .delta = delta};
	(*n)++;
}

int scn_moved(const struct scn_snapshot *before, const struct scn_snapshot *after,
	      struct scn_moved *out, int max)
{
	int n = 0;

	for (unsigned i = 0; i < after->nindex; i++) {
		const struct ward_counters *a = &after->c[i], *b = &before->c[i];

		add_moved(out, max, &n, i, SCN_PASSED, WARD_REASON_NONE, a->passed - b->passed);
		for (int r = 0; r < WARD_REASON_COUNT; r++) {
			add_moved(out, max, &n, i, SCN_DROPPED, r, a->dropped[r] - b->dropped[r]);
			add_moved(out, max, &n, i, SCN_WOULD_DROP, r,
				  a->would_drop[r] - b->would_drop[r]);
		}
	}
	return n;
}

void scn_describe_moved(const struct scn_moved *moved, int n, char *why, size_t whylen)
{
	size_t used = 0;

	why[0] = '\0';
	if (!n)
		snprintf(why, whylen, " nothing moved;");
	for (int i = 0; i < n && used + 1 < whylen; i++) {
		const struct scn_moved *m = &moved[i];

		snprintf(why + used, whylen - used, " [%d] %s%s%s +%llu;", m->index,
			 kind_names[m->kind], m->reason ? " " : "",
			 m->reason ? scn_reason_name(m->reason) : "", (unsigned long long)m->delta);
		used = strlen(why);
	}
}

int scn_check_delta(const struct scn_snapshot *before, const struct scn_snapshot *after,
		    const struct scn_expect *want, char *why, size_t whylen)
{
	struct scn_moved moved[8];
	enum scn_counter kind = SCN_PASSED;
	int n = scn_moved(before, after, moved, 8);

	scn_describe_moved(moved, n < 8 ? n : 8, why, whylen);
	if (want->reason != WARD_REASON_NONE)
		kind = want->would_drop ? SCN_WOULD_DROP : SCN_DROPPED;
	if (n != 1 || moved[0].delta != 1 || moved[0].kind != kind ||
	    moved[0].reason != want->reason)
		return -1;
	if (want->index >= 0 && moved[0].index != want->index)
		return -1;
	return 0;
}

void scn_dump_frame(const uint8_t *frame, size_t len)
{
	for (size_t i = 0; i < len; i += 16) {
		fprintf(stderr, "#   %04zx:", i);
		for (size_t j = i; j < len && j < i + 16; j++)
			fprintf(stderr, " %02x", frame[j]);
		fprintf(stderr, "\n");
	}
}

void scn_expect_run(struct harness *h, unsigned nindex, enum ward_direction dir,
		    const struct pkt *p, size_t len, const struct scn_expect *want,
		    const char *what)
{
	struct scn_snapshot before, after;
	char why[1024];
	int pass = -1;
	int err;

	assert_int_equal(scn_snapshot(h, nindex, &before), 0);
	err = harness_run(h, dir, 0, p->buf, len, &pass);
	assert_int_equal(scn_snapshot(h, nindex, &after), 0);
	if (!err && pass == want->pass && !scn_check_delta(&before, &after, want, why, sizeof(why)))
		return;
	scn_check_delta(&before, &after, want, why, sizeof(why));
	fprintf(stderr, "# %s: %s, %u of %zu bytes\n", what,
		dir == WARD_DIR_FROM_DEVICE ? "XDP (from device)" : "TC (to device)", (unsigned)len,
		p->len);
	fprintf(stderr, "#   expected %s, %s %s on index %d\n", want->pass ? "pass" : "drop",
		want->would_drop ? "would_drop" : (want->reason ? "dropped" : "passed"),
		want->reason ? scn_reason_name(want->reason) : "", want->index);
	fprintf(stderr, "#   got run=%d verdict=%s; counters:%s\n", err,
		pass == 1 ? "pass" : (pass == 0 ? "drop" : "none"), why);
	scn_dump_frame(p->buf, len);
	fail_msg("%s: wrong verdict or counters", what);
}

struct harness *scn_open(const char *yaml)
{
	struct harness *h = NULL;

	assert_int_equal(harness_open(&h), 0);
	assert_int_equal(harness_load_policy(h, yaml), 0);
	return h;
}
