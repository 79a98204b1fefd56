// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Fuzz target of the policy loader, the compiler and the evaluator: any
 * bytes given to ward_policy_load_buffer() must give either a policy and no
 * error, or no policy and at least one error, never a crash, a leak,
 * undefined behaviour or a hang. A policy is then compiled (a map entry per
 * rule and device, or an error naming a limit), and for each of its first
 * devices and rules a packet made to match the rule is judged twice: by
 * ward_evaluate(), and by the lookups of docs/design.md ("Judging a packet
 * with a few lookups") done by hand over the compiled entries, as the
 * datapath does them. Both must allow it by the same rule, and that rule
 * may be no later than the one the packet was made for.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "compile.h"
#include "eval.h"
#include "fuzz.h"
#include "policy.h"

#define MAX_DEVICES_JUDGED 8
#define MAX_RULES_JUDGED   8
#define QUERY_SPORT	   40000
#define PROTO_TCP	   6
#define PROTO_UDP	   17
#define PROTO_ICMP	   1
#define PROTO_ICMPV6	   58
#define V4_ANY_PEER	   "\0\0\0\0\0\0\0\0\0\0\xff\xff\xc6\x13\xfe\xfe" /* 198.19.254.254 */

static FILE *devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	devnull = fopen("/dev/null", "w");
	if (!devnull)
		fuzz_fail("cannot open /dev/null");
	return 0;
}

static void check_diags(const struct ward_diags *diags)
{
	size_t i, nerrors = 0;

	for (i = 0; i < diags->count; i++) {
		if (!diags->items[i].message || !diags->items[i].message[0])
			fuzz_fail("diagnostic %zu has no message", i);
		nerrors += diags->items[i].severity == WARD_SEV_ERROR;
	}
	if (nerrors != diags->nerrors)
		fuzz_fail("nerrors %zu, but %zu diagnostics are errors", diags->nerrors, nerrors);
	ward_diags_print(diags, "fuzz.yaml", devnull);
}

/* True when @addr is inside the first @plen bits of @prefix. */
static bool bits_match(const uint8_t *prefix, const uint8_t *addr, unsigned int plen)
{
	unsigned int full = plen / 8, rest = plen % 8;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	if (memcmp(prefix, addr, full))
		return false;
	return !rest || !((prefix[full] ^ addr[full]) & mask);
}

/* The WARD_MAP_PEERS lookup: the mask of the longest prefix holding @addr. */
static uint64_t peer_lookup(const struct ward_compiled *c, uint32_t dev_dir, const uint8_t *addr)
{
	uint32_t best = 0;
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < c->npeers; i++) {
		const struct ward_peer_key *k = &c->peers[i].key;

		if (k->dev_dir != dev_dir || k->prefixlen < WARD_PEER_BASE_PREFIX ||
		    k->prefixlen > WARD_PEER_BASE_PREFIX + 128)
			continue;
		if (!bits_match(k->addr, addr, k->prefixlen - WARD_PEER_BASE_PREFIX))
			continue;
		if (k->prefixlen >= best) {
			best = k->prefixlen;
			mask = c->peers[i].rules;
		}
	}
	return mask;
}

/* The WARD_MAP_SERVICES lookup, over (protocol, port). */
static uint64_t service_lookup(const struct ward_compiled *c, uint32_t dev_dir, uint8_t proto,
			       const uint8_t port[2])
{
	uint8_t want[3] = {proto, port[0], port[1]};
	uint32_t best = 0;
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < c->nservices; i++) {
		const struct ward_service_key *k = &c->services[i].key;
		uint8_t have[3] = {k->proto, k->port[0], k->port[1]};

		if (k->dev_dir != dev_dir || k->prefixlen < WARD_SERVICE_BASE_PREFIX ||
		    k->prefixlen > WARD_PEER_BASE_PREFIX + 24)
			continue;
		if (!bits_match(have, want, k->prefixlen - WARD_PEER_BASE_PREFIX))
			continue;
		if (k->prefixlen >= best) {
			best = k->prefixlen;
			mask = c->services[i].rules;
		}
	}
	return mask;
}

/* The rule the compiled entries allow @q by, or -1; @dev is the device's id. */
static int compiled_rule(const struct ward_compiled *c, uint32_t dev, const struct ward_query *q)
{
	uint32_t dev_dir = dev << 1 | q->direction;
	const uint8_t *peer = q->direction == WARD_DIR_FROM_DEVICE ? q->dst : q->src;
	uint8_t port[2] = {0, 0};
	uint64_t mask;

	if (q->proto == PROTO_ICMP || q->proto == PROTO_ICMPV6) {
		port[0] = q->icmp_type;
		port[1] = q->icmp_code;
	} else if (q->has_ports) {
		port[0] = q->dport >> 8;
		port[1] = q->dport & 0xff;
	}
	mask = peer_lookup(c, dev_dir, peer) & (service_lookup(c, dev_dir, q->proto, port) |
						c->devices[dev].any_proto_rules[q->direction]);
	return mask ? __builtin_ctzll(mask) : -1;
}

/* The device's first address of the family of @peer (any: the device's first). */
static const uint8_t *device_addr(const struct ward_device *dev, const struct ward_prefix *peer,
				  bool *is_v4)
{
	bool any = peer->plen == 0;

	if ((any || peer->is_v4) && dev->nipv4) {
		*is_v4 = true;
		return dev->ipv4[0];
	}
	if ((any || !peer->is_v4) && dev->nipv6) {
		*is_v4 = false;
		return dev->ipv6[0];
	}
	return NULL;
}

/* The first ICMP type of @r that a rule can let through (errors never are), or -1. */
static int matchable_icmp_type(const struct ward_rule *r)
{
	size_t i;

	if (!r->nicmp)
		return 0;
	for (i = 0; i < r->nicmp; i++)
		if (!ward_icmp_is_error(r->proto, r->icmp_types[i]))
			return r->icmp_types[i];
	return -1;
}

/* A flow-opening packet that rule @r of @dev, direction @dir, allows; false if none. */
static bool query_for(const struct ward_device *dev, enum ward_direction dir,
		      const struct ward_rule *r, struct ward_query *q)
{
	int icmp_type = matchable_icmp_type(r);
	const uint8_t *addr;
	bool from = dir == WARD_DIR_FROM_DEVICE;

	memset(q, 0, sizeof(*q));
	if (icmp_type < 0 || !r->npeers || !(addr = device_addr(dev, &r->peers[0], &q->is_v4)))
		return false;
	q->iface = dev->iface;
	q->direction = dir;
	q->vlan = dev->vlan;
	q->has_src_mac = q->has_dst_mac = true;
	memcpy(from ? q->src_mac : q->dst_mac, dev->mac, 6);
	memcpy(from ? q->dst_mac : q->src_mac, "\x02\xfe\xfe\xfe\xfe\xfe", 6);
	memcpy(from ? q->src : q->dst, addr, 16);
	memcpy(from ? q->dst : q->src, r->peers[0].addr, 16);
	if (r->peers[0].plen == 0 && q->is_v4) /* any: an IPv4 peer for an IPv4 device */
		memcpy(from ? q->dst : q->src, V4_ANY_PEER, 16);
	q->proto = r->proto == WARD_PROTO_ANY ? PROTO_TCP : r->proto;
	q->has_ports = q->proto == PROTO_TCP || q->proto == PROTO_UDP;
	q->sport = QUERY_SPORT;
	q->dport = r->nports ? r->ports[0].hi : 1;
	q->icmp_type = (uint8_t)icmp_type;
	return true;
}

static void judge_rule(const struct ward_policy *p, const struct ward_compiled *c, size_t d,
		       enum ward_direction dir, size_t ri)
{
	const struct ward_device *dev = &p->devices[d];
	struct ward_verdict v;
	struct ward_query q;
	int by;

	if (!query_for(dev, dir, &dev->rules[dir][ri], &q))
		return;
	ward_evaluate(p, &q, &v);
	if (v.device != (int)d)
		fuzz_fail("device %zu's packet found device %d", d, v.device);
	if (!v.pass || v.would_drop || !v.rule)
		fuzz_fail("device %zu dir %d: rule %zu's own packet is refused (reason %d)", d, dir,
			  ri, v.reason);
	if (v.rule != &dev->rules[dir][v.rule_index] || v.rule_index > ri)
		fuzz_fail("device %zu dir %d: rule %zu's packet allowed by rule %zu", d, dir, ri,
			  v.rule_index);
	by = compiled_rule(c, d, &q);
	if (by != (int)v.rule_index)
		fuzz_fail("device %zu dir %d: evaluator allows by rule %zu, compiled maps by %d", d,
			  dir, v.rule_index, by);
}

/* The compiled device lookups find each device by its MAC and addresses. */
static void check_device_keys(const struct ward_policy *p, const struct ward_compiled *c, size_t d)
{
	const struct ward_device *dev = &p->devices[d];
	size_t i, found = 0;

	for (i = 0; i < c->nmacs; i++)
		if (c->macs[i].device_id == d &&
		    (!dev->has_mac || memcmp(c->macs[i].key.mac, dev->mac, 6)))
			fuzz_fail("device %zu has a MAC entry that is not its MAC", d);
	for (i = 0; i < c->nips; i++)
		found += c->ips[i].device_id == d;
	if (found != dev->nipv4 + dev->nipv6)
		fuzz_fail("device %zu has %zu address entries for %zu addresses", d, found,
			  dev->nipv4 + dev->nipv6);
}

static void judge(const struct ward_policy *p, const struct ward_compiled *c)
{
	size_t d, ri;
	int dir;

	if (c->ndevices != p->ndevices || c->nifaces != p->nifaces)
		fuzz_fail("compiled %zu devices and %zu interfaces of %zu and %zu", c->ndevices,
			  c->nifaces, p->ndevices, p->nifaces);
	for (d = 0; d < p->ndevices && d < MAX_DEVICES_JUDGED; d++) {
		check_device_keys(p, c, d);
		for (dir = 0; dir < WARD_DIR_COUNT; dir++)
			for (ri = 0; ri < p->devices[d].nrules[dir] && ri < MAX_RULES_JUDGED; ri++)
				judge_rule(p, c, d, dir, ri);
	}
}

static void compile_and_judge(const struct ward_policy *p)
{
	struct ward_diags diags = {0};
	struct ward_compiled *c = NULL;
	int err;

	err = ward_compile(p, 1, &c, &diags);
	check_diags(&diags);
	if (!err) {
		if (!c)
			fuzz_fail("ward_compile returned 0 without a result");
		judge(p, c);
		ward_compiled_free(c);
	} else if (err == -E2BIG && !diags.nerrors) {
		fuzz_fail("ward_compile refused the policy without saying why");
	}
	ward_diags_free(&diags);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ward_diags diags = {0};
	struct ward_policy *p = NULL;
	int err;

	err = ward_policy_load_buffer("fuzz.yaml", (const char *)data, size, &p, &diags);
	check_diags(&diags);
	if (!err && (!p || diags.nerrors))
		fuzz_fail("load returned 0 with %s and %zu errors", p ? "a policy" : "no policy",
			  diags.nerrors);
	if (err && (p || !diags.nerrors))
		fuzz_fail("load returned %d with %s and %zu errors", err,
			  p ? "a policy" : "no policy", diags.nerrors);
	ward_diags_free(&diags);
	if (p) {
		compile_and_judge(p);
		ward_policy_free(p);
	}
	return 0;
}
