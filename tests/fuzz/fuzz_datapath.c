// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Fuzz target of the datapath: the real XDP and TC programs, loaded by
 * tests/bpf/harness.c with one fixed policy, run each input frame with
 * BPF_PROG_TEST_RUN. Every frame must get a verdict (the verifier already
 * rules out reads out of bounds; this checks the programs never fail to
 * run). A frame the reference evaluator can judge (an Ethernet frame with
 * up to two 802.1Q/802.1ad tags, IPv4 with no option but padding, IPv6
 * with at most six extension headers, neither fragmented, its layer-4
 * header whole, not ARP, not neighbour discovery, not an ICMP error) must
 * get the verdict that
 * ward_evaluate() gives, with the datapath's memory emptied before each
 * frame (harness_forget()) so that every frame opens its flow.
 *
 * Input: one byte (bit 0: toward the device, TC, else from it, XDP; the
 * other bits unused), then the frame, on the policy's one interface. Seeds:
 * tests/fuzz/corpus/datapath, written by tests/fuzz/seeds/datapath_seeds.c.
 * Needs root.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../bpf/harness.h"
#include "eval.h"
#include "fuzz.h"
#include "policy.h"
#include "prefix.h"
#include "datapath_policy.h"

#define ETH_HLEN_      14
#define VLAN_HLEN_     4
#define IPV4_HLEN      20
#define IPV6_HLEN      40
#define TCP_HLEN       20
#define UDP_HLEN       8
#define ICMP_HLEN      8
#define PROTO_ICMP     1
#define PROTO_TCP      6
#define PROTO_UDP      17
#define PROTO_ICMPV6   58
#define PROTO_HOPOPTS  0
#define PROTO_ROUTING  43
#define PROTO_FRAGMENT 44
#define PROTO_AH       51
#define PROTO_DSTOPTS  60
#define MAX_EVENTS     64

static struct harness *harness;
static struct ward_policy *policy;

static void close_harness(void)
{
	harness_close(harness);
	ward_policy_free(policy);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct ward_diags diags = {0};
	int err;

	err = harness_open(&harness);
	if (err)
		fuzz_fail("harness_open: %s (root is needed)", strerror(-err));
	atexit(close_harness);
	err = harness_load_policy(harness, datapath_policy_yaml);
	if (err)
		fuzz_fail("harness_load_policy: %s", strerror(-err));
	err = ward_policy_load_buffer("datapath-policy", datapath_policy_yaml,
				      strlen(datapath_policy_yaml), &policy, &diags);
	ward_diags_free(&diags);
	if (err)
		fuzz_fail("the fuzz policy does not load: %d", err);
	return 0;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Ethernet and VLAN tags: the offset of the IP header, or 0 to skip the frame. */
static size_t parse_l2(const uint8_t *f, size_t len, struct ward_query *q, uint16_t *type)
{
	size_t off = ETH_HLEN_ - 2;
	int tags;

	memcpy(q->dst_mac, f, 6);
	memcpy(q->src_mac, f + 6, 6);
	q->has_src_mac = q->has_dst_mac = true;
	*type = get16(f + off);
	off += 2;
	for (tags = 0; *type == 0x8100 || *type == 0x88a8; tags++) {
		if (tags == 2 || len < off + VLAN_HLEN_)
			return 0;
		q->vlan = get16(f + off) & 0x0fff;
		*type = get16(f + off + 2);
		off += VLAN_HLEN_;
	}
	return off;
}

/* IPv4 options made only of no-operation and end-of-list bytes: none that matters. */
static bool harmless_options(const uint8_t *opt, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (opt[i] > 1)
			return false;
	return true;
}

/* IPv4, not a fragment, no option that matters: the L4 offset, or 0 to skip. */
static size_t parse_v4(const uint8_t *f, size_t len, size_t off, struct ward_query *q, size_t *end)
{
	const uint8_t *ip = f + off;
	size_t hlen;
	uint16_t tot;

	if (len < off + IPV4_HLEN || (ip[0] >> 4) != 4 || (ip[0] & 0xf) < 5)
		return 0;
	hlen = (ip[0] & 0xf) * 4;
	tot = get16(ip + 2);
	if (tot < hlen || off + tot > len || (get16(ip + 6) & 0x3fff))
		return 0;
	if (!harmless_options(ip + IPV4_HLEN, hlen - IPV4_HLEN))
		return 0;
	q->is_v4 = true;
	q->proto = ip[9];
	memset(q->src, 0, 10);
	memset(q->dst, 0, 10);
	q->src[10] = q->src[11] = q->dst[10] = q->dst[11] = 0xff;
	memcpy(q->src + 12, ip + 12, 4);
	memcpy(q->dst + 12, ip + 16, 4);
	*end = off + tot;
	return off + hlen;
}

/*
 * The IPv6 extension header at @off: its length, or 0 when the frame is
 * not one to judge (a routing header of type 0, a fragment that is not
 * atomic, a header past @end).
 */
static size_t v6_ext_len(const uint8_t *f, size_t off, size_t end, uint8_t type)
{
	size_t len;

	if (end < off + 8)
		return 0;
	if (type == PROTO_FRAGMENT)
		return (get16(f + off + 2) & 0xfff9) ? 0 : 8;
	len = type == PROTO_AH ? (f[off + 1] + 2) * 4 : (f[off + 1] + 1) * 8;
	if (type == PROTO_ROUTING && f[off + 2] == 0)
		return 0;
	return end < off + len ? 0 : len;
}

static bool is_v6_ext(uint8_t type)
{
	return type == PROTO_HOPOPTS || type == PROTO_ROUTING || type == PROTO_FRAGMENT ||
	       type == PROTO_AH || type == PROTO_DSTOPTS;
}

/* IPv6 and its extension headers, at most WARD_MAX_IPV6_EXT_HDRS: the L4 offset, or 0. */
static size_t parse_v6(const uint8_t *f, size_t len, size_t off, struct ward_query *q, size_t *end)
{
	static const uint8_t unknown_ext[] = {135, 139, 140, 253, 254};
	const uint8_t *ip = f + off;
	uint8_t next;
	size_t hlen;
	int n;

	if (len < off + IPV6_HLEN || (ip[0] >> 4) != 6)
		return 0;
	*end = off + IPV6_HLEN + get16(ip + 4);
	if (*end > len)
		return 0;
	memcpy(q->src, ip + 8, 16);
	memcpy(q->dst, ip + 24, 16);
	/* An IPv4-mapped address is malformed in an IPv6 header (test_adversarial). */
	if (ward_ip_is_v4(q->src) || ward_ip_is_v4(q->dst))
		return 0;
	next = ip[6];
	off += IPV6_HLEN;
	for (n = 0; is_v6_ext(next); n++) {
		hlen = n < WARD_MAX_IPV6_EXT_HDRS ? v6_ext_len(f, off, *end, next) : 0;
		if (!hlen)
			return 0;
		next = f[off];
		off += hlen;
	}
	if (memchr(unknown_ext, next, sizeof(unknown_ext)))
		return 0;
	q->proto = next;
	return off;
}

/* ICMP errors and neighbour discovery are judged by other means than rules. */
static bool icmp_judged_by_rules(uint8_t proto, uint8_t type)
{
	if (proto == PROTO_ICMP)
		return type != 3 && type != 4 && type != 5 && type != 11 && type != 12;
	return type >= 128 && (type < 133 || type > 137);
}

/* The layer-4 fields, whole within the IP packet; false to skip. */
static bool parse_l4(const uint8_t *f, size_t off, size_t end, struct ward_query *q)
{
	const uint8_t *l4 = f + off;

	switch (q->proto) {
	case PROTO_TCP:
		if (end < off + TCP_HLEN || (l4[12] >> 4) < 5 || end < off + (l4[12] >> 4) * 4)
			return false;
		break;
	case PROTO_UDP:
		if (end < off + UDP_HLEN)
			return false;
		break;
	case PROTO_ICMP:
	case PROTO_ICMPV6:
		if (end < off + ICMP_HLEN || (q->proto == PROTO_ICMP) != q->is_v4)
			return false;
		q->icmp_type = l4[0];
		q->icmp_code = l4[1];
		return icmp_judged_by_rules(q->proto, l4[0]);
	default:
		return true;
	}
	q->has_ports = true;
	q->sport = get16(l4);
	q->dport = get16(l4 + 2);
	return true;
}

/* The query of a frame the evaluator can judge; false when it cannot. */
static bool frame_query(const uint8_t *f, size_t len, struct ward_query *q)
{
	size_t off, end = 0;
	uint16_t type;

	if (len < ETH_HLEN_)
		return false;
	off = parse_l2(f, len, q, &type);
	if (!off)
		return false;
	if (type == 0x0800)
		off = parse_v4(f, len, off, q, &end);
	else if (type == 0x86dd)
		off = parse_v6(f, len, off, q, &end);
	else
		return false;
	return off && parse_l4(f, off, end, q);
}

static void report(const uint8_t *f, size_t len, const struct ward_query *q,
		   const struct ward_verdict *v, int pass)
{
	size_t i;

	fprintf(stderr, "frame (%zu bytes, %s, iface %u):", len,
		q->direction == WARD_DIR_TO_DEVICE ? "to-device" : "from-device", q->iface);
	for (i = 0; i < len; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n  ", f[i]);
	fuzz_fail("\ndatapath %s, evaluator %s (device %d, reason %d, rule %zu%s)",
		  pass ? "passes" : "drops", v->pass ? "passes" : "drops", v->device, v->reason,
		  v->rule_index, v->rule ? "" : " none");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ward_event events[MAX_EVENTS];
	enum ward_direction dir;
	struct ward_verdict v;
	struct ward_query q;
	int pass, err;

	if (size < 1 + ETH_HLEN_)
		return 0;
	dir = data[0] & 1 ? WARD_DIR_TO_DEVICE : WARD_DIR_FROM_DEVICE;
	data++;
	size--;

	err = harness_forget(harness);
	if (err)
		fuzz_fail("harness_forget: %s", strerror(-err));
	err = harness_run(harness, dir, 0, data, size, &pass);
	/* The kernel's TC test runner refuses an IP frame shorter than its IP header. */
	if (err == -EINVAL && dir == WARD_DIR_TO_DEVICE)
		return 0;
	if (err)
		fuzz_fail("a %zu-byte frame did not run: %s", size, strerror(-err));
	harness_events(harness, events, MAX_EVENTS);

	memset(&q, 0, sizeof(q));
	q.direction = dir;
	if (!frame_query(data, size, &q))
		return 0;
	ward_evaluate(policy, &q, &v);
	if (v.pass != !!pass)
		report(data, size, &q, &v, pass);
	return 0;
}
