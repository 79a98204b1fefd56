// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Differential test of the datapath against the reference evaluator: random
 * policies (devices with MACs and addresses, VLANs, DHCP, audit mode, rules
 * with sets, CIDRs, any, protocols, port ranges and ICMP types) and random
 * opening packets, biased toward the addresses, protocols and ports the
 * policy mentions so that passes and drops both come often. For each packet
 * the verdict of the real XDP or TC program, and the one counter it moved,
 * must be what ward_evaluate() says.
 *
 * Every packet is a flow's first: its flow key is new in the harness (each
 * policy gets a fresh harness). Nothing that needs state or raw bytes is
 * generated (fragments, ICMP errors, neighbour discovery, rate limits).
 *
 * WARD_SEED fixes the seed (else it comes from the clock); WARD_DIFF_CASES
 * changes the number of packets (100000). A mismatch prints the seed, the
 * policy and the packet, enough to replay it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "eval.h"
#include "policy.h"
#include "scenario.h"

#define CASES_DEFAULT	 100000
#define CASES_PER_POLICY 1000
#define MAX_DEVS	 8
#define MAX_ADDRS	 2
#define MAX_RULES	 6
#define MAX_PEERS	 3
#define MAX_SETS	 3
#define MAX_SET_ITEMS	 3
#define MAX_PORTS	 3
#define MAX_TYPES	 3
#define YAML_MAX	 16384
#define MISMATCH_PRINTS	 5
#define EPHEMERAL_LO	 20000 /* source ports 20000..39999 are unique per flow */

/* --- Random numbers: splitmix64, so a seed replays the same run. --- */

static uint64_t rng_state;

static uint64_t rnd64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rnd(uint32_t n)
{
	return n ? (uint32_t)(rnd64() % n) : 0;
}

/* True with probability @pct percent. */
static bool chance(unsigned pct)
{
	return rnd(100) < pct;
}

/* --- The generator's own view of a random policy. --- */

struct gen_prefix {
	uint8_t addr[16];
	uint8_t plen; /* over 128 bits */
};

struct gen_peer {
	enum {
		PEER_ANY,
		PEER_SET,
		PEER_PREFIX
	} kind;
	int set;
	struct gen_prefix prefix;
};

struct gen_rule {
	struct gen_peer peers[MAX_PEERS];
	int npeers;
	int proto; /* WARD_PROTO_ANY or a number */
	struct ward_port_range ports[MAX_PORTS];
	int nports;
	uint8_t types[MAX_TYPES];
	int ntypes;
};

struct gen_dev {
	bool has_mac;
	uint8_t mac[6];
	uint8_t v4[MAX_ADDRS][16], v6[MAX_ADDRS][16];
	int nv4, nv6;
	uint16_t vlan;
	bool audit, dhcp;
	struct gen_rule rules[WARD_DIR_COUNT][MAX_RULES];
	int nrules[WARD_DIR_COUNT];
};

struct gen_policy {
	enum ward_unknown_hosts unknown;
	struct gen_prefix sets[MAX_SETS][MAX_SET_ITEMS];
	int nset_items[MAX_SETS];
	int nsets;
	struct gen_dev devs[MAX_DEVS];
	int ndevs;
};

static const uint16_t port_pool[] = {22, 53, 67, 68, 80, 104, 161, 443, 2575, 11112};
static const struct ward_port_range range_pool[] = {
	{1000, 2000}, {8000, 8100}, {5000, 5000}, {40000, 40100}, {1, 1023}, {4242, 4243},
};
static const uint16_t vlan_pool[] = {10, 20, 30};

static void v4_addr(uint8_t out[16], uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	memset(out, 0, 16);
	out[10] = out[11] = 0xff;
	out[12] = a;
	out[13] = b;
	out[14] = c;
	out[15] = d;
}

static void v6_addr(uint8_t out[16], uint16_t g3, uint16_t last)
{
	memset(out, 0, 16);
	out[0] = 0x20;
	out[1] = 0x01;
	out[2] = 0x0d;
	out[3] = 0xb8;
	out[4] = g3 >> 8;
	out[5] = g3 & 0xff;
	out[14] = last >> 8;
	out[15] = last & 0xff;
}

/* A peer address: 198.18.1-3.x / 198.19.x.x, or 2001:db8:1-3::x. */
static void random_peer_addr(uint8_t out[16], bool v6)
{
	if (v6)
		v6_addr(out, (uint16_t)(1 + rnd(3)), (uint16_t)(1 + rnd(40)));
	else if (chance(70))
		v4_addr(out, 198, 18, (uint8_t)(1 + rnd(3)), (uint8_t)(1 + rnd(40)));
	else
		v4_addr(out, 198, 19, (uint8_t)rnd(4), (uint8_t)(1 + rnd(250)));
}

static void mask_prefix(struct gen_prefix *p)
{
	for (int bit = p->plen; bit < 128; bit++)
		p->addr[bit / 8] &= (uint8_t) ~(0x80 >> (bit % 8));
}

static void random_prefix(struct gen_prefix *p)
{
	bool v6 = chance(35);

	random_peer_addr(p->addr, v6);
	if (v6)
		p->plen = (uint8_t)(chance(40) ? 128 : 48 + rnd(80));
	else
		p->plen = (uint8_t)(96 + (chance(40) ? 32 : 15 + rnd(18)));
	mask_prefix(p);
}

static void random_peers(struct gen_policy *g, struct gen_rule *r)
{
	r->npeers = 1 + (int)rnd(MAX_PEERS);
	for (int i = 0; i < r->npeers; i++) {
		struct gen_peer *p = &r->peers[i];
		uint32_t pick = rnd(100);

		if (pick < 12)
			p->kind = PEER_ANY;
		else if (pick < 35 && g->nsets)
			p->kind = PEER_SET;
		else
			p->kind = PEER_PREFIX;
		p->set = (int)rnd((uint32_t)g->nsets);
		random_prefix(&p->prefix);
	}
}

static void random_ports(struct gen_rule *r)
{
	if (chance(35))
		return;
	r->nports = 1 + (int)rnd(MAX_PORTS);
	for (int i = 0; i < r->nports; i++) {
		if (chance(60)) {
			uint16_t port = port_pool[rnd(sizeof(port_pool) / sizeof(port_pool[0]))];

			r->ports[i] = (struct ward_port_range){port, port};
		} else {
			r->ports[i] = range_pool[rnd(sizeof(range_pool) / sizeof(range_pool[0]))];
		}
	}
}

static void random_types(struct gen_rule *r, bool v6)
{
	static const uint8_t v4_types[] = {0, 8, 13};
	static const uint8_t v6_types[] = {128, 129};

	if (chance(40))
		return;
	r->ntypes = 1 + (int)rnd(MAX_TYPES);
	for (int i = 0; i < r->ntypes; i++)
		r->types[i] = v6 ? v6_types[rnd(2)] : v4_types[rnd(3)];
}

static void random_rule(struct gen_policy *g, struct gen_rule *r)
{
	static const int protos[] = {6, 6, 6, 17, 17, 1, 58, WARD_PROTO_ANY, 47};

	memset(r, 0, sizeof(*r));
	random_peers(g, r);
	r->proto = protos[rnd(sizeof(protos) / sizeof(protos[0]))];
	if (r->proto == 6 || r->proto == 17)
		random_ports(r);
	if (r->proto == 1 || r->proto == 58)
		random_types(r, r->proto == 58);
}

static void random_device(struct gen_policy *g, int i)
{
	struct gen_dev *d = &g->devs[i];

	memset(d, 0, sizeof(*d));
	d->has_mac = chance(80);
	d->mac[0] = 0x02;
	d->mac[4] = 0x01;
	d->mac[5] = (uint8_t)(0x10 + i);
	d->nv4 = (int)rnd(MAX_ADDRS + 1);
	d->nv6 = (int)rnd(MAX_ADDRS + 1);
	if (!d->has_mac && !d->nv4 && !d->nv6)
		d->nv4 = 1;
	for (int k = 0; k < d->nv4; k++)
		v4_addr(d->v4[k], 198, 18, 0, (uint8_t)(10 + i * 4 + k));
	for (int k = 0; k < d->nv6; k++)
		v6_addr(d->v6[k], 0, (uint16_t)(0x10 + i * 4 + k));
	d->vlan = chance(20) ? vlan_pool[rnd(3)] : 0;
	d->audit = chance(20);
	d->dhcp = chance(20);
	for (int dir = 0; dir < WARD_DIR_COUNT; dir++) {
		d->nrules[dir] = (int)rnd(MAX_RULES + 1);
		for (int r = 0; r < d->nrules[dir]; r++)
			random_rule(g, &d->rules[dir][r]);
	}
}

static void random_policy(struct gen_policy *g)
{
	memset(g, 0, sizeof(*g));
	g->unknown = (enum ward_unknown_hosts)rnd(3);
	g->nsets = (int)rnd(MAX_SETS + 1);
	for (int s = 0; s < g->nsets; s++) {
		g->nset_items[s] = 1 + (int)rnd(MAX_SET_ITEMS);
		for (int k = 0; k < g->nset_items[s]; k++)
			random_prefix(&g->sets[s][k]);
	}
	g->ndevs = 1 + (int)rnd(MAX_DEVS);
	for (int i = 0; i < g->ndevs; i++)
		random_device(g, i);
}

/* --- The policy as YAML. --- */

struct buf {
	char *s;
	size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < b->cap - b->len);
	b->len += (size_t)n;
}

static void put_prefix(struct buf *b, const struct gen_prefix *p)
{
	char text[48];
	bool v4 = pkt_addr_is_v4(p->addr);

	pkt_addr_str(p->addr, text);
	put(b, "\"%s/%u\"", text, v4 ? p->plen - 96 : p->plen);
}

static void put_addrs(struct buf *b, const char *key, uint8_t (*addrs)[16], int n)
{
	char text[48];

	if (!n)
		return;
	put(b, "    %s: [", key);
	for (int k = 0; k < n; k++)
		put(b, "%s\"%s\"", k ? ", " : "", pkt_addr_str(addrs[k], text));
	put(b, "]\n");
}

static void put_rule(struct buf *b, const struct gen_rule *r, int dir)
{
	put(b, "      - %s: [", dir == WARD_DIR_FROM_DEVICE ? "to" : "from");
	for (int i = 0; i < r->npeers; i++) {
		put(b, "%s", i ? ", " : "");
		if (r->peers[i].kind == PEER_ANY)
			put(b, "any");
		else if (r->peers[i].kind == PEER_SET)
			put(b, "set%d", r->peers[i].set);
		else
			put_prefix(b, &r->peers[i].prefix);
	}
	put(b, "]\n");
	if (r->proto == WARD_PROTO_ANY)
		put(b, "        proto: any\n");
	else
		put(b, "        proto: %d\n", r->proto);
	if (r->nports) {
		put(b, "        ports: [");
		for (int i = 0; i < r->nports; i++)
			put(b, "%s\"%u-%u\"", i ? ", " : "", r->ports[i].lo, r->ports[i].hi);
		put(b, "]\n");
	}
	if (r->ntypes) {
		put(b, "        icmp: [");
		for (int i = 0; i < r->ntypes; i++)
			put(b, "%s%u", i ? ", " : "", r->types[i]);
		put(b, "]\n");
	}
}

static void put_device(struct buf *b, const struct gen_dev *d, int i)
{
	static const char *const crit[] = {"life-critical", "clinical", "administrative"};

	put(b, "  - name: d%d\n", i);
	if (d->has_mac)
		put(b, "    mac: \"%02x:%02x:%02x:%02x:%02x:%02x\"\n", d->mac[0], d->mac[1],
		    d->mac[2], d->mac[3], d->mac[4], d->mac[5]);
	put_addrs(b, "ipv4", (uint8_t(*)[16])d->v4, d->nv4);
	put_addrs(b, "ipv6", (uint8_t(*)[16])d->v6, d->nv6);
	if (d->vlan)
		put(b, "    vlan: %u\n", d->vlan);
	put(b, "    criticality: %s\n", crit[i % 3]);
	put(b, "    mode: %s\n", d->audit ? "audit" : "enforce");
	if (d->dhcp)
		put(b, "    dhcp: true\n");
	for (int dir = 0; dir < WARD_DIR_COUNT; dir++) {
		if (!d->nrules[dir])
			continue;
		put(b, "    %s:\n", dir == WARD_DIR_FROM_DEVICE ? "outbound" : "inbound");
		for (int r = 0; r < d->nrules[dir]; r++)
			put_rule(b, &d->rules[dir][r], dir);
	}
}

static void policy_yaml(const struct gen_policy *g, struct buf *b)
{
	static const char *const unknown[] = {"pass", "audit", "drop"};

	b->len = 0;
	put(b, "version: 1\ninterfaces:\n  - name: dev0\n    unknown_hosts: %s\n",
	    unknown[g->unknown]);
	if (g->nsets) {
		put(b, "sets:\n");
		for (int s = 0; s < g->nsets; s++) {
			put(b, "  set%d: [", s);
			for (int k = 0; k < g->nset_items[s]; k++) {
				put(b, "%s", k ? ", " : "");
				put_prefix(b, &g->sets[s][k]);
			}
			put(b, "]\n");
		}
	}
	put(b, "devices:\n");
	for (int i = 0; i < g->ndevs; i++)
		put_device(b, &g->devs[i], i);
}

/* --- Random opening packets. --- */

/* An address inside @p, host bits random. */
static void addr_in_prefix(const struct gen_prefix *p, uint8_t out[16])
{
	memcpy(out, p->addr, 16);
	for (int bit = p->plen; bit < 128; bit++) {
		if (chance(50))
			out[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	}
}

/* A peer address some rule of @d in @dir mentions, of family @v6 when it can. */
static void biased_peer(const struct gen_policy *g, const struct gen_dev *d, int dir, bool v6,
			uint8_t out[16])
{
	const struct gen_rule *r;
	const struct gen_peer *p;
	const struct gen_prefix *pre;

	if (!d || !d->nrules[dir] || chance(30)) {
		random_peer_addr(out, v6);
		return;
	}
	r = &d->rules[dir][rnd((uint32_t)d->nrules[dir])];
	p = &r->peers[rnd((uint32_t)r->npeers)];
	if (p->kind == PEER_ANY) {
		random_peer_addr(out, v6);
		return;
	}
	pre = p->kind == PEER_SET ? &g->sets[p->set][rnd((uint32_t)g->nset_items[p->set])]
				  : &p->prefix;
	addr_in_prefix(pre, out);
	/* A prefix of the other family cannot hold this packet's peer: keep to one family. */
	if (pkt_addr_is_v4(out) == v6)
		random_peer_addr(out, v6);
}

struct gen_packet {
	struct ward_query q;
	bool dhcp_shape;
};

static uint16_t random_dport(const struct gen_rule *r)
{
	if (r && r->nports && chance(75)) {
		const struct ward_port_range *pr = &r->ports[rnd((uint32_t)r->nports)];

		return (uint16_t)(pr->lo + rnd((uint32_t)(pr->hi - pr->lo + 1)));
	}
	if (chance(60))
		return port_pool[rnd(sizeof(port_pool) / sizeof(port_pool[0]))];
	return (uint16_t)(40101 + rnd(65535 - 40101));
}

static void random_l4(const struct gen_dev *d, int dir, struct gen_packet *gp, uint16_t unique)
{
	struct ward_query *q = &gp->q;
	const struct gen_rule *r = NULL;
	static const uint8_t protos[] = {6, 6, 17, 1, 47};
	int proto;

	if (d && d->nrules[dir] && chance(70))
		r = &d->rules[dir][rnd((uint32_t)d->nrules[dir])];
	proto = r && r->proto != WARD_PROTO_ANY && chance(80) ? r->proto : protos[rnd(5)];
	if (proto == 1 || proto == 58)
		proto = q->is_v4 ? 1 : 58;
	q->proto = (uint8_t)proto;
	q->has_ports = proto == 6 || proto == 17;
	if (q->has_ports) {
		q->sport = unique;
		q->dport = random_dport(r);
	}
	if (proto == 1 || proto == 58) {
		const uint8_t *types = r && r->ntypes && chance(75) ? r->types : NULL;
		static const uint8_t v4_types[] = {0, 8, 13}, v6_types[] = {128, 129};

		if (types)
			q->icmp_type = types[rnd((uint32_t)r->ntypes)];
		else
			q->icmp_type = proto == 1 ? v4_types[rnd(3)] : v6_types[rnd(2)];
		if ((proto == 1) != (q->icmp_type < 128))
			q->icmp_type = proto == 1 ? 8 : 128;
		q->sport = unique; /* the echo identifier */
	}
}

/* The device side of the packet: its MAC, address and tag, mostly right. */
static void device_side(const struct gen_dev *d, bool v6, uint8_t mac[6], uint8_t addr[16],
			uint16_t *vlan)
{
	int naddr = d ? (v6 ? d->nv6 : d->nv4) : 0;

	memcpy(mac, scn_stranger_mac, 6);
	mac[5] = (uint8_t)rnd(256);
	if (d && d->has_mac && chance(90))
		memcpy(mac, d->mac, 6);
	if (naddr && chance(88))
		memcpy(addr, v6 ? d->v6[rnd((uint32_t)naddr)] : d->v4[rnd((uint32_t)naddr)], 16);
	else if (v6)
		v6_addr(addr, 0, (uint16_t)(0x100 + rnd(50)));
	else
		v4_addr(addr, 198, 18, 0, (uint8_t)(100 + rnd(100)));
	*vlan = 0;
	if (d && d->vlan && chance(75))
		*vlan = d->vlan;
	else if (chance(12))
		*vlan = vlan_pool[rnd(3)];
}

static bool pick_v6(const struct gen_dev *d)
{
	if (!d || (d->nv4 && d->nv6) || (!d->nv4 && !d->nv6))
		return chance(50);
	return d->nv6 ? chance(85) : chance(15);
}

/* Make @gp an IPv4 DHCP client request or server reply, broadcast. */
static void dhcp_shape(struct gen_packet *gp)
{
	struct ward_query *q = &gp->q;
	bool from = q->direction == WARD_DIR_FROM_DEVICE;

	gp->dhcp_shape = true;
	q->proto = 17;
	q->has_ports = true;
	q->sport = from ? 68 : 67;
	q->dport = from ? 67 : 68;
	if (!q->is_v4)
		return;
	v4_addr(q->dst, 255, 255, 255, 255);
	memcpy(q->dst_mac, scn_bcast_mac, 6);
	if (from && chance(50))
		v4_addr(q->src, 0, 0, 0, 0); /* a client before its lease */
}

static void random_packet(const struct gen_policy *g, struct gen_packet *gp, uint16_t unique)
{
	struct ward_query *q = &gp->q;
	int idx = chance(85) ? (int)rnd((uint32_t)g->ndevs) : -1;
	const struct gen_dev *d = idx >= 0 ? &g->devs[idx] : NULL;
	bool v6 = pick_v6(d);
	uint8_t dmac[6], daddr[16], peer[16];
	int dir = (int)rnd(2);

	memset(gp, 0, sizeof(*gp));
	q->iface = 0;
	q->direction = (enum ward_direction)dir;
	q->is_v4 = !v6;
	q->has_src_mac = q->has_dst_mac = true;
	device_side(d, v6, dmac, daddr, &q->vlan);
	biased_peer(g, d, dir, v6, peer);
	if (dir == WARD_DIR_FROM_DEVICE) {
		memcpy(q->src_mac, dmac, 6);
		memcpy(q->dst_mac, scn_gw_mac, 6);
		memcpy(q->src, daddr, 16);
		memcpy(q->dst, peer, 16);
	} else {
		memcpy(q->src_mac, scn_gw_mac, 6);
		memcpy(q->dst_mac, chance(4) ? scn_bcast_mac : dmac, 6);
		memcpy(q->src, peer, 16);
		memcpy(q->dst, daddr, 16);
	}
	random_l4(d, dir, gp, unique);
	if (chance(4))
		dhcp_shape(gp);
}

/* The frame the datapath will parse into @q. */
static size_t query_frame(const struct ward_query *q, struct pkt *p)
{
	static const uint8_t gre[8] = {0, 0, 0x08, 0x00};

	pkt_init(p);
	pkt_eth(p, q->dst_mac, q->src_mac, 0);
	if (q->vlan)
		pkt_vlan(p, ETH_P_8021Q_, q->vlan, 0);
	if (q->is_v4) {
		struct pkt_ipv4 ip = {0};

		memcpy(ip.src, q->src, 16);
		memcpy(ip.dst, q->dst, 16);
		ip.proto = q->proto;
		pkt_ipv4(p, &ip);
	} else {
		struct pkt_ipv6 ip = {0};

		memcpy(ip.src, q->src, 16);
		memcpy(ip.dst, q->dst, 16);
		ip.next = q->proto;
		ip.set_next = true;
		pkt_ipv6(p, &ip);
	}
	switch (q->proto) {
	case 6: {
		struct pkt_tcp tcp = {.sport = q->sport,
				      .dport = q->dport,
				      .seq = 1,
				      .flags = q->sport % 5 ? TCP_SYN : TCP_ACK | TCP_PSH};

		pkt_tcp(p, &tcp);
		break;
	}
	case 17: {
		struct pkt_udp udp = {.sport = q->sport, .dport = q->dport};

		pkt_udp(p, &udp);
		pkt_zeros(p, 8);
		break;
	}
	case 1:
	case 58: {
		struct pkt_icmp icmp = {.type = q->icmp_type,
					.rest = {q->sport >> 8, q->sport & 0xff, 0, 1}};

		if (q->proto == 1)
			pkt_icmp(p, &icmp);
		else
			pkt_icmpv6(p, &icmp);
		pkt_zeros(p, 8);
		break;
	}
	default:
		pkt_bytes(p, gre, sizeof(gre));
		break;
	}
	return pkt_finish(p);
}

/* --- Flow keys already used in this harness: a packet must open a new flow. --- */

struct used_keys {
	uint64_t keys[CASES_PER_POLICY];
	int n;
};

static uint64_t mix(uint64_t h, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	return h;
}

/* A hash of the flow's endpoints in either order, protocol and ports (echo: its id). */
static uint64_t flow_key(const struct ward_query *q)
{
	bool echo = (q->proto == 1 && (q->icmp_type == 0 || q->icmp_type == 8)) ||
		    (q->proto == 58 && (q->icmp_type == 128 || q->icmp_type == 129));
	uint16_t sp = q->has_ports || echo ? q->sport : 0;
	uint16_t dp = q->has_ports ? q->dport : 0;
	uint8_t a[18], b[18];
	uint64_t h = 0xcbf29ce484222325ULL;

	memcpy(a, q->src, 16);
	memcpy(b, q->dst, 16);
	memcpy(a + 16, &sp, 2);
	memcpy(b + 16, &dp, 2);
	if (memcmp(a, b, sizeof(a)) > 0) {
		h = mix(h, b, sizeof(b));
		h = mix(h, a, sizeof(a));
	} else {
		h = mix(h, a, sizeof(a));
		h = mix(h, b, sizeof(b));
	}
	return mix(h, &q->proto, 1);
}

static bool key_used(struct used_keys *u, uint64_t key)
{
	for (int i = 0; i < u->n; i++)
		if (u->keys[i] == key)
			return true;
	return false;
}

/* --- Running and comparing. --- */

struct diff_run {
	uint64_t seed;
	unsigned cases;
	unsigned npolicy;
	struct gen_policy gen;
	struct buf yaml;
	struct ward_policy *policy;
	struct harness *h;
	struct scn_snapshot last;
	struct used_keys used;
	unsigned mismatches;
	unsigned passes, drops, would;
	unsigned reasons[WARD_REASON_COUNT];
};

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case 6:
		return "tcp";
	case 17:
		return "udp";
	case 1:
		return "icmp";
	case 58:
		return "icmpv6";
	default:
		return "other";
	}
}

static void print_query(const struct ward_query *q)
{
	char s[48], d[48];

	fprintf(stderr,
		"#   packet: %s iface %u, src mac %02x:%02x:%02x:%02x:%02x:%02x dst mac "
		"%02x:%02x:%02x:%02x:%02x:%02x vlan %u\n",
		q->direction == WARD_DIR_FROM_DEVICE ? "XDP from-device" : "TC to-device", q->iface,
		q->src_mac[0], q->src_mac[1], q->src_mac[2], q->src_mac[3], q->src_mac[4],
		q->src_mac[5], q->dst_mac[0], q->dst_mac[1], q->dst_mac[2], q->dst_mac[3],
		q->dst_mac[4], q->dst_mac[5], q->vlan);
	fprintf(stderr, "#     %s %s -> %s proto %u (%s) sport %u dport %u icmp type %u\n",
		q->is_v4 ? "IPv4" : "IPv6", pkt_addr_str(q->src, s), pkt_addr_str(q->dst, d),
		q->proto, proto_name(q->proto), q->sport, q->dport, q->icmp_type);
}

static void print_mismatch(struct diff_run *run, unsigned case_no, const struct ward_query *q,
			   const struct pkt *p, int err, int pass, const char *moved,
			   const struct ward_verdict *v)
{
	if (++run->mismatches > MISMATCH_PRINTS)
		return;
	fprintf(stderr, "# MISMATCH: WARD_SEED=%llu, policy %u, case %u\n",
		(unsigned long long)run->seed, run->npolicy, case_no);
	fprintf(stderr, "#   datapath: run=%d %s; counters:%s\n", err,
		pass == 1 ? "pass" : (pass == 0 ? "drop" : "none"), moved);
	fprintf(stderr, "#   evaluator: %s%s reason %s device %d", v->pass ? "pass" : "drop",
		v->would_drop ? " (would-drop)" : "", scn_reason_name(v->reason), v->device);
	if (v->rule)
		fprintf(stderr, " rule %zu", v->rule_index);
	fprintf(stderr, "%s\n", v->builtin ? " (built-in DHCP)" : "");
	print_query(q);
	fprintf(stderr, "#   policy:\n");
	for (const char *line = run->yaml.s; *line;) {
		const char *nl = strchr(line, '\n');
		int len = nl ? (int)(nl - line) : (int)strlen(line);

		fprintf(stderr, "#     %.*s\n", len, line);
		line += len + (nl ? 1 : 0);
	}
	fprintf(stderr, "#   frame:\n");
	scn_dump_frame(p->buf, p->len);
}

/* The one counter the evaluator's verdict should move. */
static struct scn_expect expected_counter(const struct diff_run *run, const struct ward_verdict *v)
{
	struct scn_expect want = {
		.pass = v->pass,
		.reason = v->pass && !v->would_drop ? WARD_REASON_NONE : v->reason,
		.would_drop = v->would_drop,
		.index = v->device >= 0 ? v->device : run->gen.ndevs,
	};

	return want;
}

static void tally(struct diff_run *run, const struct ward_verdict *v)
{
	if (v->would_drop)
		run->would++;
	else if (v->pass)
		run->passes++;
	else
		run->drops++;
	run->reasons[v->reason]++;
}

static void run_case(struct diff_run *run, unsigned case_no, uint16_t unique)
{
	struct scn_snapshot after;
	struct gen_packet gp;
	struct ward_verdict v;
	struct scn_expect want;
	char moved[1024];
	struct pkt p;
	int pass = -1, err, tries = 0;
	uint64_t key;

	do {
		random_packet(&run->gen, &gp, unique);
		key = flow_key(&gp.q);
	} while (key_used(&run->used, key) && ++tries < 20);
	if (tries == 20)
		return;
	run->used.keys[run->used.n++] = key;

	ward_evaluate(run->policy, &gp.q, &v);
	tally(run, &v);
	want = expected_counter(run, &v);
	assert_true(query_frame(&gp.q, &p) > 0);
	err = harness_run(run->h, gp.q.direction, 0, p.buf, p.len, &pass);
	assert_int_equal(scn_snapshot(run->h, run->last.nindex, &after), 0);
	if (err || pass != v.pass ||
	    scn_check_delta(&run->last, &after, &want, moved, sizeof(moved)))
		print_mismatch(run, case_no, &gp.q, &p, err, pass, moved, &v);
	run->last = after;
}

/* A fresh harness and a fresh random policy, loaded into it and into the evaluator. */
static void next_policy(struct diff_run *run)
{
	struct ward_diags diags = {0};
	int err;

	if (run->h)
		harness_close(run->h);
	run->h = NULL;
	ward_policy_free(run->policy);
	run->policy = NULL;
	run->npolicy++;
	random_policy(&run->gen);
	policy_yaml(&run->gen, &run->yaml);
	err = ward_policy_load_buffer("random", run->yaml.s, run->yaml.len, &run->policy, &diags);
	if (err) {
		ward_diags_print(&diags, "random", stderr);
		fprintf(stderr, "# seed %llu policy %u:\n%s\n", (unsigned long long)run->seed,
			run->npolicy, run->yaml.s);
	}
	ward_diags_free(&diags);
	assert_int_equal(err, 0);
	assert_int_equal(harness_open(&run->h), 0);
	err = harness_load_policy(run->h, run->yaml.s);
	if (err)
		fprintf(stderr, "# seed %llu policy %u:\n%s\n", (unsigned long long)run->seed,
			run->npolicy, run->yaml.s);
	assert_int_equal(err, 0);
	assert_int_equal(scn_snapshot(run->h, (unsigned)run->gen.ndevs + 1, &run->last), 0);
	run->used.n = 0;
}

static uint64_t seed_from_env(void)
{
	const char *s = getenv("WARD_SEED");

	if (s && *s)
		return strtoull(s, NULL, 0);
	return (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
}

static void test_datapath_agrees_with_reference_evaluator(void **state)
{
	struct diff_run *run = *state;
	const char *cases = getenv("WARD_DIFF_CASES");

	run->cases = cases && *cases ? (unsigned)strtoul(cases, NULL, 0) : CASES_DEFAULT;
	fprintf(stderr, "# WARD_SEED=%llu, %u cases\n", (unsigned long long)run->seed, run->cases);
	for (unsigned i = 0; i < run->cases; i++) {
		if (i % CASES_PER_POLICY == 0)
			next_policy(run);
		run_case(run, i, (uint16_t)(EPHEMERAL_LO + i % CASES_PER_POLICY));
	}
	fprintf(stderr, "# %u policies: %u passed, %u would-drop, %u dropped", run->npolicy,
		run->passes, run->would, run->drops);
	for (int r = 1; r < WARD_REASON_COUNT; r++)
		fprintf(stderr, ", %s %u", scn_reason_name(r), run->reasons[r]);
	fprintf(stderr, "\n");
	if (run->mismatches)
		fail_msg("%u of %u packets judged differently (WARD_SEED=%llu)", run->mismatches,
			 run->cases, (unsigned long long)run->seed);
}

/* The random packets must not all fall on one side: both verdicts, often. */
static void test_random_cases_exercise_both_verdicts(void **state)
{
	struct diff_run *run = *state;

	assert_true(run->passes > run->cases / 20);
	assert_true(run->drops > run->cases / 20);
	assert_true(run->would > run->cases / 100);
	assert_true(run->reasons[WARD_REASON_NO_RULE] > run->cases / 50);
	assert_true(run->reasons[WARD_REASON_SPOOFED_SOURCE] > 0);
	assert_true(run->reasons[WARD_REASON_WRONG_VLAN] > 0);
}

static int setup_run(void **state)
{
	static char yaml[YAML_MAX];
	struct diff_run *run = calloc(1, sizeof(*run));

	if (!run)
		return -1;
	run->seed = seed_from_env();
	rng_state = run->seed;
	run->yaml = (struct buf){.s = yaml, .cap = sizeof(yaml)};
	*state = run;
	return 0;
}

static int teardown_run(void **state)
{
	struct diff_run *run = *state;

	if (run->h)
		harness_close(run->h);
	ward_policy_free(run->policy);
	free(run);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_datapath_agrees_with_reference_evaluator),
		cmocka_unit_test(test_random_cases_exercise_both_verdicts),
	};

	return cmocka_run_group_tests(tests, setup_run, teardown_run);
}
