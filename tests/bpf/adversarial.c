// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The adversarial cases of adversarial.h: the frames, built from the ends
 * of SCN_POLICY, and what the datapath must do with each.
 *
 * Port pairs are named from the scanner's side: the "out" flow is the one
 * it opens (its port 40000 to the PACS's 104, allowed outbound), the "in"
 * flow is the one the PACS opens (PACS port 40000 to the scanner's 104,
 * allowed inbound). A frame of the "allowed" pair is the opening packet of
 * the flow its direction may open: "out" on XDP, "in" on TC.
 */
#include "adversarial.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define DENIED_PORT 105
#define FRAG_ID	    0x5151
#define PING_ID	    0x4242
#define SEC	    1000000000ULL

/* Flags of a step's argument. */
#define A_DENIED 0x100 /* use the denied port pair */
#define A_PEER	 0x200 /* the change is on the peer's side */

static struct scn_ends ct_ends(const struct adv_ctx *c, const char *v4, const char *v6)
{
	return scn_ct(c->dir, c->v6, c->v6 ? v6 : v4);
}

static struct scn_ends ct_pacs(const struct adv_ctx *c)
{
	return ct_ends(c, SCN_PACS_V4, SCN_PACS_V6);
}

/* The port pair a frame of @c opens, from the device's side. */
static void allowed_pair(const struct adv_ctx *c, bool denied, uint16_t *dev_port,
			 uint16_t *peer_port)
{
	if (c->dir == WARD_DIR_FROM_DEVICE) {
		*dev_port = SCN_DEV_PORT;
		*peer_port = denied ? DENIED_PORT : SCN_PACS_PORT;
	} else {
		*dev_port = denied ? DENIED_PORT : SCN_PACS_PORT;
		*peer_port = SCN_DEV_PORT;
	}
}

static struct pkt_tcp allowed_tcp(const struct adv_ctx *c, const struct scn_ends *e, bool denied,
				  uint8_t flags)
{
	uint16_t dev_port, peer_port;

	allowed_pair(c, denied, &dev_port, &peer_port);
	return scn_tcp(e, dev_port, peer_port, flags);
}

/* Ethernet and the IP header of @c's family, with no protocol filled in. */
static void ip_header(struct pkt *p, const struct scn_ends *e, bool v6)
{
	scn_eth(p, e);
	if (v6) {
		struct pkt_ipv6 ip = scn_ipv6(e);

		pkt_ipv6(p, &ip);
	} else {
		struct pkt_ipv4 ip = scn_ipv4(e);

		pkt_ipv4(p, &ip);
	}
}

static size_t tcp_pair_frame(struct pkt *p, const struct adv_ctx *c, const struct scn_ends *e,
			     bool denied, uint8_t flags)
{
	struct pkt_tcp tcp = allowed_tcp(c, e, denied, flags);

	pkt_init(p);
	ip_header(p, e, c->v6);
	pkt_tcp(p, &tcp);
	pkt_zeros(p, 6);
	return pkt_finish(p);
}

/* arg: TCP flags, | A_DENIED for the denied pair. */
static size_t b_tcp_allowed(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);

	return tcp_pair_frame(p, c, &e, c->arg & A_DENIED, (uint8_t)c->arg);
}

/* The scanner's own flow (port 40000 to 104), either way; arg: TCP flags. */
static size_t b_tcp_out(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);

	pkt_init(p);
	return scn_tcp_frame(p, &e, SCN_DEV_PORT, SCN_PACS_PORT, (uint8_t)c->arg);
}

/* The scanner's DNS flow (port 5353 to 53), either way. */
static size_t b_udp_dns(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_ends(c, SCN_DNS_V4, SCN_DNS_V6);

	return scn_udp_frame(p, &e, 5353, 53);
}

/*
 * IP header with fragment fields: @off in 8-byte units, @more; the protocol
 * is TCP. IPv6 carries a fragment header.
 */
static void frag_header(struct pkt *p, const struct scn_ends *e, bool v6, uint16_t off, bool more)
{
	scn_eth(p, e);
	if (v6) {
		struct pkt_ipv6 ip = scn_ipv6(e);

		pkt_ipv6(p, &ip);
		pkt_ipv6_frag(p, off, more, FRAG_ID);
		pkt_set_next(p, PKT_PROTO_TCP);
		return;
	}
	struct pkt_ipv4 ip = scn_ipv4(e);

	ip.id = FRAG_ID;
	ip.frag_off = off;
	ip.mf = more;
	ip.proto = PKT_PROTO_TCP;
	pkt_ipv4(p, &ip);
}

/* A later fragment (offset arg) whose payload looks like an allowed SYN. */
static size_t b_frag_later(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	struct pkt_tcp tcp = allowed_tcp(c, &e, false, TCP_SYN);

	pkt_init(p);
	frag_header(p, &e, c->v6, (uint16_t)c->arg, false);
	pkt_tcp(p, &tcp);
	pkt_zeros(p, 4);
	return pkt_finish(p);
}

/*
 * Part (arg & 0xff) of a 56-byte TCP datagram of the allowed pair (or the
 * denied one): 0 = TCP header + 4 bytes at offset 0, 1 = 24 bytes at
 * offset 3, 2 = the last 8 bytes at offset 6.
 */
static size_t b_frag_part(struct pkt *p, const struct adv_ctx *c)
{
	static const uint16_t offs[3] = {0, 3, 6};
	static const size_t lens[3] = {24, 24, 8};
	int part = c->arg & 0xff;
	struct scn_ends e = ct_pacs(c);

	pkt_init(p);
	frag_header(p, &e, c->v6, offs[part], part < 2);
	if (part == 0) {
		struct pkt_tcp tcp = allowed_tcp(c, &e, c->arg & A_DENIED, TCP_SYN);

		pkt_tcp(p, &tcp);
		pkt_zeros(p, 4);
	} else {
		pkt_zeros(p, lens[part]);
	}
	return pkt_finish(p);
}

/* A first fragment of 8 bytes: the ports and the sequence number, no flags. */
static size_t b_frag_short_first(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	struct pkt_tcp tcp = allowed_tcp(c, &e, false, TCP_SYN);
	uint16_t sp = tcp.sport, dp = tcp.dport;
	uint8_t head[8] = {sp >> 8, sp & 0xff, dp >> 8, dp & 0xff, 0, 0, 0x03, 0xe8};

	pkt_init(p);
	frag_header(p, &e, c->v6, 0, true);
	pkt_bytes(p, head, sizeof(head));
	return pkt_finish(p);
}

/* An IPv4 fragment at offset 1 (8 bytes in) over the TCP flags; var: more fragments. */
static size_t b_frag_offset1(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	uint8_t body[16] = {0, 0, 0, 0, 0x50, TCP_SYN, 0x20, 0};

	pkt_init(p);
	frag_header(p, &e, false, 1, c->var != 0);
	pkt_bytes(p, body, sizeof(body));
	return pkt_finish(p);
}

/* An IPv6 atomic fragment (offset 0, no more) of the allowed (or denied) pair. */
static size_t b_frag_atomic(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	struct pkt_tcp tcp = allowed_tcp(c, &e, c->arg & A_DENIED, TCP_SYN);

	pkt_init(p);
	frag_header(p, &e, true, 0, false);
	pkt_tcp(p, &tcp);
	return pkt_finish(p);
}

enum ext_kind {
	EXT_HOPOPTS,
	EXT_DSTOPTS,
	EXT_ROUTING,
	EXT_ROUTING0,
};

static void v6_ext(struct pkt *p, enum ext_kind kind)
{
	switch (kind) {
	case EXT_HOPOPTS:
		pkt_ipv6_opts(p, PKT_PROTO_HOPOPTS, 8);
		break;
	case EXT_DSTOPTS:
		pkt_ipv6_opts(p, PKT_PROTO_DSTOPTS, 16);
		break;
	case EXT_ROUTING:
		pkt_ipv6_routing(p, 4, 0, 24);
		break;
	case EXT_ROUTING0:
		pkt_ipv6_routing(p, 0, 1, 24);
		break;
	}
}

/* One extension header (var: enum ext_kind) before the allowed or denied pair. */
static size_t b_v6_ext(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	struct pkt_ipv6 ip = scn_ipv6(&e);
	struct pkt_tcp tcp = allowed_tcp(c, &e, c->arg & A_DENIED, TCP_SYN);

	pkt_init(p);
	scn_eth(p, &e);
	pkt_ipv6(p, &ip);
	v6_ext(p, (enum ext_kind)c->var);
	pkt_tcp(p, &tcp);
	return pkt_finish(p);
}

/* A chain of arg extension headers (hop-by-hop, then destination options) before a SYN. */
static size_t b_v6_chain(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	struct pkt_ipv6 ip = scn_ipv6(&e);
	struct pkt_tcp tcp = allowed_tcp(c, &e, false, TCP_SYN);

	pkt_init(p);
	scn_eth(p, &e);
	pkt_ipv6(p, &ip);
	pkt_ipv6_opts(p, PKT_PROTO_HOPOPTS, 8);
	for (int i = 1; i < c->arg; i++)
		pkt_ipv6_opts(p, PKT_PROTO_DSTOPTS, 8);
	pkt_tcp(p, &tcp);
	return pkt_finish(p);
}

/* A hop-by-hop header that claims 64 bytes in a frame that holds 28 after it. */
static size_t b_v6_ext_truncated(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	struct pkt_ipv6 ip = scn_ipv6(&e);
	struct pkt_tcp tcp = allowed_tcp(c, &e, false, TCP_SYN);
	long hbh;
	size_t len;

	pkt_init(p);
	scn_eth(p, &e);
	pkt_ipv6(p, &ip);
	pkt_ipv6_opts(p, PKT_PROTO_HOPOPTS, 8);
	pkt_tcp(p, &tcp);
	len = pkt_finish(p);
	hbh = pkt_layer_off(p, PKT_L_IPV6_EXT, 0);
	p->buf[hbh + 1] = 7;
	return len;
}

/* ESP (IPv4 protocol / IPv6 next header 50): no ports for a rule to match. */
static size_t b_esp(struct pkt *p, const struct adv_ctx *c)
{
	static const uint8_t esp[16] = {0, 0, 0x10, 0, 0, 0, 0, 1};
	struct scn_ends e = ct_pacs(c);

	pkt_init(p);
	scn_eth(p, &e);
	if (c->v6) {
		struct pkt_ipv6 ip = scn_ipv6(&e);

		ip.next = PKT_PROTO_ESP;
		ip.set_next = true;
		pkt_ipv6(p, &ip);
	} else {
		struct pkt_ipv4 ip = scn_ipv4(&e);

		ip.proto = PKT_PROTO_ESP;
		pkt_ipv4(p, &ip);
	}
	pkt_bytes(p, esp, sizeof(esp));
	return pkt_finish(p);
}

enum opt_kind {
	OPT_NOP,
	OPT_LSRR,
	OPT_SSRR,
	OPT_RR,
};

/* IPv4 options of (ihl - 5) * 4 bytes: NOPs, or a route option after @nops NOPs. */
static size_t v4_options(uint8_t *opts, int ihl, enum opt_kind kind, int nops)
{
	static const uint8_t types[] = {[OPT_LSRR] = 131, [OPT_SSRR] = 137, [OPT_RR] = 7};
	size_t len = (size_t)(ihl - 5) * 4;

	memset(opts, 1, len);
	if (kind == OPT_NOP)
		return len;
	opts[nops] = types[kind];
	opts[nops + 1] = 7;
	opts[nops + 2] = 4;
	memset(opts + nops + 3, 0, 4);
	return len;
}

static size_t v4_with_options(struct pkt *p, const struct adv_ctx *c, int ihl, enum opt_kind kind,
			      int nops, bool denied)
{
	struct scn_ends e = ct_pacs(c);
	struct pkt_ipv4 ip = scn_ipv4(&e);
	struct pkt_tcp tcp = allowed_tcp(c, &e, denied, TCP_SYN);
	uint8_t opts[40];

	ip.opts = opts;
	ip.opts_len = v4_options(opts, ihl, kind, nops);
	pkt_init(p);
	scn_eth(p, &e);
	pkt_ipv4(p, &ip);
	pkt_tcp(p, &tcp);
	return pkt_finish(p);
}

/* NOP options making IHL var, before the allowed or denied pair. */
static size_t b_v4_opts(struct pkt *p, const struct adv_ctx *c)
{
	return v4_with_options(p, c, c->var, OPT_NOP, 0, c->arg & A_DENIED);
}

/* var 0..2: LSRR, SSRR, RR first; 3..5: the same after 4 NOPs (IHL 8). */
static size_t b_v4_route_opt(struct pkt *p, const struct adv_ctx *c)
{
	enum opt_kind kind = (enum opt_kind)(OPT_LSRR + c->var % 3);

	return v4_with_options(p, c, 8, kind, c->var < 3 ? 0 : 4, false);
}

/* An allowed SYN whose IPv4 header fields are rewritten: arg selects which. */
enum v4_lie {
	LIE_IHL,	  /* IHL = var */
	LIE_TOT_PAST,	  /* total length 100 bytes past the frame */
	LIE_TOT_BELOW,	  /* total length var (below the header) */
	LIE_TOT_BELOW_IHL /* IHL 6, total length 22 */
};

static size_t b_v4_lie(struct pkt *p, const struct adv_ctx *c)
{
	static const uint8_t nops[4] = {1, 1, 1, 1};
	struct scn_ends e = ct_pacs(c);
	struct pkt_ipv4 ip = scn_ipv4(&e);
	struct pkt_tcp tcp = allowed_tcp(c, &e, false, TCP_SYN);

	switch ((enum v4_lie)c->arg) {
	case LIE_IHL:
		ip.set_ihl = true;
		ip.ihl = (uint8_t)c->var;
		break;
	case LIE_TOT_PAST:
		ip.set_tot_len = true;
		ip.tot_len = 20 + 20 + 6 + 100;
		break;
	case LIE_TOT_BELOW:
		ip.set_tot_len = true;
		ip.tot_len = (uint16_t)c->var;
		break;
	case LIE_TOT_BELOW_IHL:
		ip.opts = nops;
		ip.opts_len = sizeof(nops);
		ip.set_tot_len = true;
		ip.tot_len = 22;
		break;
	}
	pkt_init(p);
	scn_eth(p, &e);
	pkt_ipv4(p, &ip);
	pkt_tcp(p, &tcp);
	pkt_zeros(p, 6);
	return pkt_finish(p);
}

/* An allowed SYN with TCP data offset var (arg 1: offset 15, past the frame). */
static size_t b_tcp_doff(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	struct pkt_tcp tcp = allowed_tcp(c, &e, false, TCP_SYN);

	tcp.set_doff = true;
	tcp.doff = (uint8_t)(c->arg ? 15 : c->var);
	pkt_init(p);
	ip_header(p, &e, c->v6);
	pkt_tcp(p, &tcp);
	pkt_zeros(p, 4);
	return pkt_finish(p);
}

/* UDP of the DNS pair with only 4 bytes of its header inside the IP packet. */
static size_t b_udp_short(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_ends(c, SCN_DNS_V4, SCN_DNS_V6);
	struct pkt_udp udp = scn_udp(&e, 5353, 53);
	uint8_t head[4] = {udp.sport >> 8, udp.sport & 0xff, udp.dport >> 8, udp.dport & 0xff};

	pkt_init(p);
	scn_eth(p, &e);
	if (c->v6) {
		struct pkt_ipv6 ip = scn_ipv6(&e);

		ip.next = PKT_PROTO_UDP;
		ip.set_next = true;
		pkt_ipv6(p, &ip);
	} else {
		struct pkt_ipv4 ip = scn_ipv4(&e);

		ip.proto = PKT_PROTO_UDP;
		pkt_ipv4(p, &ip);
	}
	pkt_bytes(p, head, sizeof(head));
	return pkt_finish(p);
}

/* Tag stacks for the VLAN cases, outermost first; a zero TPID ends the stack. */
enum tag_stack {
	TAGS_NONE,
	TAGS_ONE_20,
	TAGS_ONE_30,
	TAGS_TWO_20,
	TAGS_TWO_30,
	TAGS_QQ_20,
	TAGS_THREE,
	TAGS_9100,
	TAGS_9200,
	TAGS_COUNT,
};

static const uint16_t tag_stacks[TAGS_COUNT][4][2] = {
	[TAGS_ONE_20] = {{ETH_P_8021Q_, 20}},
	[TAGS_ONE_30] = {{ETH_P_8021Q_, 30}},
	[TAGS_TWO_20] = {{ETH_P_8021AD_, 100}, {ETH_P_8021Q_, 20}},
	[TAGS_TWO_30] = {{ETH_P_8021AD_, 100}, {ETH_P_8021Q_, 30}},
	[TAGS_QQ_20] = {{ETH_P_8021Q_, 100}, {ETH_P_8021Q_, 20}},
	[TAGS_THREE] = {{ETH_P_8021AD_, 100}, {ETH_P_8021Q_, 100}, {ETH_P_8021Q_, 20}},
	[TAGS_9100] = {{ETH_P_QINQ1_, 20}},
	[TAGS_9200] = {{ETH_P_QINQ2_, 20}},
};

static void tagged_frame(struct pkt *p, const struct scn_ends *e, bool v6, enum tag_stack tags,
			 uint8_t flags)
{
	struct pkt_tcp tcp = scn_tcp(e, SCN_DEV_PORT, SCN_PACS_PORT, flags);

	pkt_init(p);
	scn_eth(p, e);
	for (int i = 0; i < 4 && tag_stacks[tags][i][0]; i++)
		pkt_vlan(p, tag_stacks[tags][i][0], tag_stacks[tags][i][1], 0);
	if (v6) {
		struct pkt_ipv6 ip = scn_ipv6(e);

		pkt_ipv6(p, &ip);
	} else {
		struct pkt_ipv4 ip = scn_ipv4(e);

		pkt_ipv4(p, &ip);
	}
	pkt_tcp(p, &tcp);
}

/*
 * vl-01's flow to the PACS (port 40000 to 104) inside the tags of
 * (arg & 0xff), a SYN from it or a SYN-ACK toward it.
 */
static size_t b_vl_tagged(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = {
		.dir = c->dir,
		.dev_mac = scn_vl_mac,
		.dev_addr = c->v6 ? SCN_VL_V6 : SCN_VL_V4,
		.peer_addr = c->v6 ? SCN_PACS_V6 : SCN_PACS_V4,
	};
	uint8_t flags = c->dir == WARD_DIR_FROM_DEVICE ? TCP_SYN : TCP_SYN | TCP_ACK;

	tagged_frame(p, &e, c->v6, (enum tag_stack)(c->arg & 0xff), flags);
	return pkt_finish(p);
}

/* The scanner's own flow inside one tag of VLAN 30: it has no vlan, any tag is its own. */
static size_t b_ct_tagged(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);
	uint8_t flags = c->dir == WARD_DIR_FROM_DEVICE ? TCP_SYN : TCP_SYN | TCP_ACK;

	tagged_frame(p, &e, c->v6, TAGS_ONE_30, flags);
	return pkt_finish(p);
}

/* Echo between the scanner and a denied peer; arg: type | id << 8. */
static size_t b_echo(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_ends(c, SCN_DENY_V4, SCN_DENY_V6);
	bool request = (c->arg & 0xff) == ICMP_ECHO;
	uint16_t id = (uint16_t)(c->arg >> 8);

	pkt_init(p);
	ip_header(p, &e, c->v6);
	if (c->v6)
		pkt_icmpv6_echo(p, request ? ICMP6_ECHO_REQUEST : ICMP6_ECHO_REPLY, id, 1);
	else
		pkt_icmp_echo(p, request ? ICMP_ECHO : ICMP_ECHOREPLY, id, 1);
	return pkt_finish(p);
}

/*
 * "Fragmentation needed" (IPv6: packet too big) from the gateway to the
 * scanner, quoting the scanner's TCP packet to the PACS from port arg.
 */
static size_t b_frag_needed(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends outer = {
		.dir = WARD_DIR_TO_DEVICE,
		.dev_mac = scn_ct_mac,
		.dev_addr = c->v6 ? SCN_CT_V6 : SCN_CT_V4,
		.peer_addr = c->v6 ? SCN_GW_V6 : SCN_GW_V4,
	};
	struct scn_ends quoted = ct_pacs(c);
	struct pkt_tcp tcp;

	quoted.dir = WARD_DIR_FROM_DEVICE;
	tcp = scn_tcp(&quoted, (uint16_t)c->arg, SCN_PACS_PORT, TCP_ACK | TCP_PSH);
	pkt_init(p);
	scn_eth(p, &outer);
	if (c->v6) {
		struct pkt_ipv6 ip = scn_ipv6(&outer), in = scn_ipv6(&quoted);
		struct pkt_icmp err = {.type = ICMP6_PKT_TOOBIG, .rest = {0, 0, 0x05, 0x00}};

		pkt_ipv6(p, &ip);
		pkt_icmpv6(p, &err);
		pkt_ipv6(p, &in);
	} else {
		struct pkt_ipv4 ip = scn_ipv4(&outer), in = scn_ipv4(&quoted);
		struct pkt_icmp err = {.type = ICMP_DEST_UNREACH,
				       .code = ICMP_FRAG_NEEDED,
				       .rest = {0, 0, 0x05, 0x78}};

		pkt_ipv4(p, &ip);
		pkt_icmp(p, &err);
		pkt_ipv4(p, &in);
	}
	pkt_tcp(p, &tcp);
	return pkt_finish(p);
}

/*
 * The scanner's TCP flow to the PACS over IPv6, with the scanner's (or,
 * with A_PEER, the PACS's) IPv4 address in IPv4-mapped form.
 */
static size_t b_v6_mapped(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);

	if (c->arg & A_PEER)
		e.peer_addr = "::ffff:" SCN_PACS_V4;
	else
		e.dev_addr = "::ffff:" SCN_CT_V4;
	return tcp_pair_frame(p, c, &e, false, TCP_SYN);
}

/* b_tcp_out over IPv4 whatever the case's family. */
static size_t b_tcp_out_v4(struct pkt *p, const struct adv_ctx *c)
{
	struct adv_ctx v4 = *c;

	v4.v6 = false;
	return b_tcp_out(p, &v4);
}

/* Packet too big to the scanner, quoting its IPv4 flow to the PACS in IPv4-mapped form. */
static size_t b_toobig_quoting_mapped(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends outer = {
		.dir = WARD_DIR_TO_DEVICE,
		.dev_mac = scn_ct_mac,
		.dev_addr = SCN_CT_V6,
		.peer_addr = SCN_GW_V6,
	};
	struct scn_ends quoted = {
		.dir = WARD_DIR_FROM_DEVICE,
		.dev_mac = scn_ct_mac,
		.dev_addr = "::ffff:" SCN_CT_V4,
		.peer_addr = "::ffff:" SCN_PACS_V4,
	};
	struct pkt_ipv6 ip = scn_ipv6(&outer), in = scn_ipv6(&quoted);
	struct pkt_icmp err = {.type = ICMP6_PKT_TOOBIG, .rest = {0, 0, 0x05, 0x00}};
	struct pkt_tcp tcp = scn_tcp(&quoted, SCN_DEV_PORT, SCN_PACS_PORT, TCP_ACK | TCP_PSH);

	pkt_init(p);
	scn_eth(p, &outer);
	pkt_ipv6(p, &ip);
	pkt_icmpv6(p, &err);
	pkt_ipv6(p, &in);
	pkt_tcp(p, &tcp);
	return pkt_finish(p);
}

/* From the scanner's MAC with a source address it does not own. */
static size_t b_spoofed_ip(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);

	e.dev_addr = c->v6 ? "2001:db8::99" : "198.18.0.99";
	return tcp_pair_frame(p, c, &e, false, TCP_SYN);
}

/* From a MAC no device has, with the scanner's own address. */
static size_t b_foreign_mac(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = ct_pacs(c);

	e.dev_mac = scn_stranger_mac;
	return tcp_pair_frame(p, c, &e, false, TCP_SYN);
}

/* ARP from the scanner (XDP) or the gateway (TC); arg: op | A_DENIED to claim .99. */
static size_t b_arp(struct pkt *p, const struct adv_ctx *c)
{
	bool from_ct = c->dir == WARD_DIR_FROM_DEVICE;
	bool request = (c->arg & 0xff) == ARP_REQUEST;
	struct pkt_arp arp = {.op = (uint16_t)(c->arg & 0xff)};
	const uint8_t *src = from_ct ? scn_ct_mac : scn_gw_mac;
	const uint8_t *dst = request ? scn_bcast_mac : (from_ct ? scn_gw_mac : scn_ct_mac);
	const char *claim = c->arg & A_DENIED ? "198.18.0.99" : SCN_CT_V4;

	memcpy(arp.sha, src, 6);
	if (!request)
		memcpy(arp.tha, from_ct ? scn_gw_mac : scn_ct_mac, 6);
	assert_int_equal(pkt_addr(from_ct ? claim : SCN_GW_V4, arp.spa), 0);
	assert_int_equal(pkt_addr(from_ct ? SCN_GW_V4 : SCN_CT_V4, arp.tpa), 0);
	pkt_init(p);
	pkt_eth(p, dst, src, 0);
	pkt_arp(p, &arp);
	return pkt_finish(p);
}

/* A neighbour advertisement from the scanner for its address (or, A_DENIED, another). */
static size_t b_na(struct pkt *p, const struct adv_ctx *c)
{
	static const uint8_t all_nodes_mac[6] = {0x33, 0x33, 0, 0, 0, 1};
	struct pkt_ipv6 ip = {.hop_limit = 255};
	uint8_t target[16];

	assert_int_equal(pkt_addr(SCN_CT_V6, ip.src), 0);
	assert_int_equal(pkt_addr("ff02::1", ip.dst), 0);
	assert_int_equal(pkt_addr(c->arg & A_DENIED ? "2001:db8::99" : SCN_CT_V6, target), 0);
	pkt_init(p);
	pkt_eth(p, all_nodes_mac, scn_ct_mac, 0);
	pkt_ipv6(p, &ip);
	pkt_nd(p, ICMP6_ND_NA, target, scn_ct_mac);
	return pkt_finish(p);
}

/* A neighbour solicitation from the scanner for the gateway. */
static size_t b_ns(struct pkt *p, const struct adv_ctx *c)
{
	static const uint8_t solicited_mac[6] = {0x33, 0x33, 0xff, 0, 0, 1};
	struct pkt_ipv6 ip = {.hop_limit = 255};
	uint8_t target[16];

	assert_int_equal(pkt_addr(SCN_CT_V6, ip.src), 0);
	assert_int_equal(pkt_addr("ff02::1:ff00:1", ip.dst), 0);
	assert_int_equal(pkt_addr(SCN_GW_V6, target), 0);
	pkt_init(p);
	pkt_eth(p, solicited_mac, scn_ct_mac, 0);
	pkt_ipv6(p, &ip);
	pkt_nd(p, ICMP6_ND_NS, target, scn_ct_mac);
	return pkt_finish(p);
}

/* LLDP from the scanner (XDP) or from the gateway (TC). */
static size_t b_lldp(struct pkt *p, const struct adv_ctx *c)
{
	static const uint8_t lldp_mac[6] = {0x01, 0x80, 0xc2, 0, 0, 0x0e};
	const uint8_t *src = c->dir == WARD_DIR_FROM_DEVICE ? scn_ct_mac : scn_gw_mac;

	pkt_init(p);
	pkt_eth(p, lldp_mac, src, 0);
	pkt_lldp(p, src);
	return pkt_finish(p);
}

/* A local-experimental ethertype (0x88b5) between the scanner and the gateway. */
static size_t b_non_ip(struct pkt *p, const struct adv_ctx *c)
{
	bool from_ct = c->dir == WARD_DIR_FROM_DEVICE;

	pkt_init(p);
	pkt_eth(p, from_ct ? scn_gw_mac : scn_ct_mac, from_ct ? scn_ct_mac : scn_gw_mac, 0x88b5);
	pkt_zeros(p, 46);
	return pkt_finish(p);
}

/* A host no device entry matches, talking to the PACS. */
static size_t b_unknown_host(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = {
		.dir = c->dir,
		.dev_mac = scn_stranger_mac,
		.dev_addr = c->v6 ? "2001:db8::77" : "198.18.0.77",
		.peer_addr = c->v6 ? SCN_PACS_V6 : SCN_PACS_V4,
	};

	return tcp_pair_frame(p, c, &e, false, TCP_SYN);
}

/* DHCP: dh-01's discover (XDP) or a server's broadcast offer (TC). */
static size_t b_dhcp(struct pkt *p, const struct adv_ctx *c)
{
	bool discover = c->dir == WARD_DIR_FROM_DEVICE;
	struct pkt_ipv4 ip = {0};
	struct pkt_udp udp = {.sport = discover ? 68 : 67, .dport = discover ? 67 : 68};

	assert_int_equal(pkt_addr(discover ? "0.0.0.0" : SCN_GW_V4, ip.src), 0);
	assert_int_equal(pkt_addr("255.255.255.255", ip.dst), 0);
	pkt_init(p);
	pkt_eth(p, scn_bcast_mac, discover ? scn_dh_mac : scn_gw_mac, 0);
	pkt_ipv4(p, &ip);
	pkt_udp(p, &udp);
	pkt_zeros(p, 240);
	return pkt_finish(p);
}

/* dh-01 (DHCP, no declared address) from an address it was leased. */
static size_t b_dh_leased(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = {
		.dir = c->dir,
		.dev_mac = scn_dh_mac,
		.dev_addr = c->v6 ? "2001:db8::50" : "198.18.0.50",
		.peer_addr = c->v6 ? SCN_PACS_V6 : SCN_PACS_V4,
	};

	return tcp_pair_frame(p, c, &e, false, TCP_SYN);
}

/* au-01 (audit mode) to the PACS, on the allowed or (A_DENIED) the denied port. */
static size_t b_audit(struct pkt *p, const struct adv_ctx *c)
{
	struct scn_ends e = {
		.dir = c->dir,
		.dev_mac = scn_au_mac,
		.dev_addr = SCN_AU_V4,
		.peer_addr = SCN_PACS_V4,
	};

	return tcp_pair_frame(p, c, &e, c->arg & A_DENIED, TCP_SYN);
}

/* The table reads as one case per entry: clang-format would put one field per line. */
/* clang-format off */
#define PASS_AT(i)	{.pass = true, .index = (i)}
#define DROP_AT(i, r)	{.reason = (r), .index = (i)}
#define WOULD_AT(i, r)	{.pass = true, .reason = (r), .would_drop = true, .index = (i)}
#define PASS		PASS_AT(SCN_CT)
#define DROP(r)		DROP_AT(SCN_CT, WARD_REASON_##r)
#define STEP(fn, a, e)	{.build = (fn), .arg = (a), .expect = e}
#define BACK(fn, a, e)	{.build = (fn), .arg = (a), .reverse = true, .expect = e}
#define AGED(fn, a, ns, e) {.build = (fn), .arg = (a), .age_ns = (ns), .expect = e}

#define ECHO_REQ(id) (ICMP_ECHO | (id) << 8)
#define ECHO_REP(id) (ICMP_ECHOREPLY | (id) << 8)
#define SYN	     TCP_SYN
#define SYNACK	     (TCP_SYN | TCP_ACK)

const struct adv_case adv_cases[] = {
	/* The plain control: without tricks, the rules decide. */
	{"allowed_opening_packet_passes_and_denied_is_no_rule", ADV_BOTH, ADV_DIRS, 0, 0, 2,
	 {STEP(b_tcp_allowed, SYN, PASS), STEP(b_tcp_allowed, SYN | A_DENIED, DROP(NO_RULE))}},

	/* Fragments. */
	{"non_first_fragment_with_allowed_ports_is_fragment", ADV_BOTH, ADV_DIRS, 0, 0, 1,
	 {STEP(b_frag_later, 3, DROP(FRAGMENT))}},
	{"fragments_of_allowed_datagram_in_order_pass", ADV_BOTH, ADV_DIRS, 0, 0, 3,
	 {STEP(b_frag_part, 0, PASS), STEP(b_frag_part, 1, PASS), STEP(b_frag_part, 2, PASS)}},
	{"fragments_of_allowed_datagram_out_of_order_pass", ADV_BOTH, ADV_DIRS, 0, 0, 3,
	 {STEP(b_frag_part, 0, PASS), STEP(b_frag_part, 2, PASS), STEP(b_frag_part, 1, PASS)}},
	{"later_fragment_of_dropped_first_fragment_is_fragment", ADV_BOTH, ADV_DIRS, 0, 0, 2,
	 {STEP(b_frag_part, 0 | A_DENIED, DROP(NO_RULE)),
	  STEP(b_frag_part, 2 | A_DENIED, DROP(FRAGMENT))}},
	{"later_fragment_after_first_fragment_expired_is_fragment", ADV_BOTH, ADV_XDP, 0, 0, 2,
	 {STEP(b_frag_part, 0, PASS), AGED(b_frag_part, 2, 6 * SEC, DROP(FRAGMENT))}},
	{"first_fragment_too_short_for_tcp_flags_is_fragment", ADV_BOTH, ADV_DIRS, 0, 0, 1,
	 {STEP(b_frag_short_first, 0, DROP(FRAGMENT))}},
	{"ipv4_fragment_at_offset_1_is_fragment", ADV_V4, ADV_DIRS, 0, 1, 1,
	 {STEP(b_frag_offset1, 0, DROP(FRAGMENT))}},
	{"ipv6_atomic_fragment_is_judged_as_a_whole_packet", ADV_V6, ADV_DIRS, 0, 0, 2,
	 {STEP(b_frag_atomic, 0, PASS), STEP(b_frag_atomic, A_DENIED, DROP(NO_RULE))}},

	/* IPv6 extension headers. */
	{"ipv6_ext_header_before_allowed_port_passes", ADV_V6, ADV_DIRS, EXT_HOPOPTS, EXT_ROUTING,
	 1, {STEP(b_v6_ext, SYN, PASS)}},
	{"ipv6_ext_header_before_denied_port_is_no_rule", ADV_V6, ADV_DIRS, EXT_HOPOPTS,
	 EXT_ROUTING, 1, {STEP(b_v6_ext, SYN | A_DENIED, DROP(NO_RULE))}},
	{"ipv6_routing_header_type_0_is_malformed", ADV_V6, ADV_DIRS, EXT_ROUTING0, EXT_ROUTING0,
	 1, {STEP(b_v6_ext, SYN, DROP(MALFORMED))}},
	{"ipv6_chain_of_6_extension_headers_passes", ADV_V6, ADV_DIRS, 0, 0, 1,
	 {STEP(b_v6_chain, 6, PASS)}},
	{"ipv6_chain_of_7_extension_headers_is_malformed", ADV_V6, ADV_DIRS, 0, 0, 1,
	 {STEP(b_v6_chain, 7, DROP(MALFORMED))}},
	{"ipv6_with_the_device_ipv4_address_in_mapped_form_is_malformed", ADV_V6, ADV_DIRS, 0, 0, 1,
	 {STEP(b_v6_mapped, 0, DROP(MALFORMED))}},
	{"ipv6_with_the_peer_ipv4_address_in_mapped_form_is_malformed", ADV_V6, ADV_DIRS, 0, 0, 1,
	 {STEP(b_v6_mapped, A_PEER, DROP(MALFORMED))}},
	{"ipv6_truncated_extension_header_is_malformed", ADV_V6, ADV_DIRS, 0, 0, 1,
	 {STEP(b_v6_ext_truncated, 0, DROP(MALFORMED))}},
	{"esp_has_no_ports_for_a_port_rule_and_is_no_rule", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_esp, 0, DROP(NO_RULE))}},

	/* IPv4 header. */
	{"ipv4_options_ihl_6_to_15_before_allowed_port_pass", ADV_V4, ADV_DIRS, 6, 15, 1,
	 {STEP(b_v4_opts, 0, PASS)}},
	{"ipv4_options_ihl_6_to_15_before_denied_port_are_no_rule", ADV_V4, ADV_DIRS, 6, 15, 1,
	 {STEP(b_v4_opts, A_DENIED, DROP(NO_RULE))}},
	{"ipv4_source_route_and_record_route_are_ip_options", ADV_V4, ADV_DIRS, 0, 5, 1,
	 {STEP(b_v4_route_opt, 0, DROP(IP_OPTIONS))}},
	{"ipv4_ihl_0_to_4_is_malformed", ADV_V4, ADV_DIRS, 0, 4, 1,
	 {STEP(b_v4_lie, LIE_IHL, DROP(MALFORMED))}},
	{"ipv4_total_length_past_frame_is_malformed", ADV_V4, ADV_DIRS, 0, 0, 1,
	 {STEP(b_v4_lie, LIE_TOT_PAST, DROP(MALFORMED))}},
	{"ipv4_total_length_below_header_is_malformed", ADV_V4, ADV_DIRS, 0, 19, 1,
	 {STEP(b_v4_lie, LIE_TOT_BELOW, DROP(MALFORMED))}},
	{"ipv4_total_length_below_header_with_options_is_malformed", ADV_V4, ADV_DIRS, 0, 0, 1,
	 {STEP(b_v4_lie, LIE_TOT_BELOW_IHL, DROP(MALFORMED))}},

	/* L4 headers. */
	{"tcp_data_offset_0_to_4_is_malformed", ADV_BOTH, ADV_DIRS, 0, 4, 1,
	 {STEP(b_tcp_doff, 0, DROP(MALFORMED))}},
	{"tcp_data_offset_past_frame_is_malformed", ADV_BOTH, ADV_DIRS, 0, 0, 1,
	 {STEP(b_tcp_doff, 1, DROP(MALFORMED))}},
	{"udp_shorter_than_its_header_is_malformed", ADV_BOTH, ADV_DIRS, 0, 0, 1,
	 {STEP(b_udp_short, 0, DROP(MALFORMED))}},

	/* VLAN tags: vl-01 belongs on VLAN 20. */
	{"allowed_flow_in_one_tag_on_device_vlan_passes", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_vl_tagged, TAGS_ONE_20, PASS_AT(SCN_VL))}},
	{"allowed_flow_in_one_tag_on_other_vlan_is_wrong_vlan", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_vl_tagged, TAGS_ONE_30, DROP_AT(SCN_VL, WARD_REASON_WRONG_VLAN))}},
	{"allowed_flow_untagged_for_vlan_device_is_wrong_vlan", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_vl_tagged, TAGS_NONE, DROP_AT(SCN_VL, WARD_REASON_WRONG_VLAN))}},
	{"allowed_flow_in_two_tags_inner_on_device_vlan_passes", ADV_BOTH, ADV_XDP, 0, 0, 2,
	 {STEP(b_vl_tagged, TAGS_TWO_20, PASS_AT(SCN_VL)),
	  STEP(b_vl_tagged, TAGS_QQ_20, PASS_AT(SCN_VL))}},
	{"allowed_flow_in_two_tags_inner_on_other_vlan_is_wrong_vlan", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_vl_tagged, TAGS_TWO_30, DROP_AT(SCN_VL, WARD_REASON_WRONG_VLAN))}},
	{"three_vlan_tags_are_malformed", ADV_BOTH, ADV_DIRS, 0, 0, 1,
	 {STEP(b_vl_tagged, TAGS_THREE, DROP_AT(ADV_ANY_INDEX, WARD_REASON_MALFORMED))}},
	{"vlan_tag_type_0x9100_is_malformed", ADV_BOTH, ADV_DIRS, 0, 0, 1,
	 {STEP(b_vl_tagged, TAGS_9100, DROP_AT(ADV_ANY_INDEX, WARD_REASON_MALFORMED))}},
	{"vlan_tag_type_0x9200_is_malformed", ADV_BOTH, ADV_DIRS, 0, 0, 1,
	 {STEP(b_vl_tagged, TAGS_9200, DROP_AT(ADV_ANY_INDEX, WARD_REASON_MALFORMED))}},
	{"reply_on_device_vlan_passes_and_on_other_vlan_is_wrong_vlan", ADV_BOTH, ADV_TC, 0, 0, 3,
	 {BACK(b_vl_tagged, TAGS_ONE_20, PASS_AT(SCN_VL)),
	  STEP(b_vl_tagged, TAGS_ONE_20, PASS_AT(SCN_VL)),
	  STEP(b_vl_tagged, TAGS_ONE_30, DROP_AT(SCN_VL, WARD_REASON_WRONG_VLAN))}},
	{"tagged_flow_of_device_without_vlan_passes", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_ct_tagged, 0, PASS)}},

	/* Replies without a tracked flow. */
	{"syn_ack_toward_device_without_flow_is_no_rule", ADV_BOTH, ADV_TC, 0, 0, 1,
	 {STEP(b_tcp_out, SYNACK, DROP(NO_RULE))}},
	{"ack_toward_device_without_flow_is_no_rule", ADV_BOTH, ADV_TC, 0, 0, 1,
	 {STEP(b_tcp_out, TCP_ACK, DROP(NO_RULE))}},
	{"tcp_replies_of_tracked_flow_pass_both_ways", ADV_BOTH, ADV_TC, 0, 0, 3,
	 {BACK(b_tcp_out, SYN, PASS), STEP(b_tcp_out, SYNACK, PASS),
	  BACK(b_tcp_out, TCP_ACK, PASS)}},
	{"udp_reply_from_device_port_without_flow_is_no_rule", ADV_BOTH, ADV_TC, 0, 0, 1,
	 {STEP(b_udp_dns, 0, DROP(NO_RULE))}},
	{"udp_reply_after_flow_timed_out_is_no_rule", ADV_BOTH, ADV_TC, 0, 0, 3,
	 {BACK(b_udp_dns, 0, PASS), STEP(b_udp_dns, 0, PASS),
	  AGED(b_udp_dns, 0, 61 * SEC, DROP(NO_RULE))}},

	/* ICMP. */
	{"echo_request_from_denied_peer_reusing_device_ping_id_is_no_rule", ADV_BOTH, ADV_TC, 0,
	 0, 3,
	 {BACK(b_echo, ECHO_REQ(PING_ID), PASS), STEP(b_echo, ECHO_REP(PING_ID), PASS),
	  STEP(b_echo, ECHO_REQ(PING_ID), DROP(NO_RULE))}},
	{"echo_reply_with_another_id_is_no_rule", ADV_BOTH, ADV_TC, 0, 0, 2,
	 {BACK(b_echo, ECHO_REQ(PING_ID), PASS),
	  STEP(b_echo, ECHO_REP(PING_ID + 1), DROP(NO_RULE))}},
	{"frag_needed_quoting_tracked_flow_passes", ADV_BOTH, ADV_TC, 0, 0, 2,
	 {BACK(b_tcp_out, SYN, PASS), STEP(b_frag_needed, SCN_DEV_PORT, PASS)}},
	{"frag_needed_quoting_no_flow_is_no_rule", ADV_BOTH, ADV_TC, 0, 0, 2,
	 {BACK(b_tcp_out, SYN, PASS), STEP(b_frag_needed, SCN_DEV_PORT + 1, DROP(NO_RULE))}},
	{"packet_too_big_quoting_an_ipv4_flow_in_mapped_form_is_no_rule", ADV_V6, ADV_TC, 0, 0, 2,
	 {BACK(b_tcp_out_v4, SYN, PASS), STEP(b_toobig_quoting_mapped, 0, DROP(NO_RULE))}},

	/* Source addresses, ARP and neighbour discovery. */
	{"source_address_not_owned_from_device_mac_is_spoofed", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_spoofed_ip, 0, DROP(SPOOFED_SOURCE))}},
	{"device_address_from_another_mac_is_spoofed", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_foreign_mac, 0, DROP(SPOOFED_SOURCE))}},
	{"arp_reply_claiming_another_address_is_spoofed", ADV_V4, ADV_XDP, 0, 0, 1,
	 {STEP(b_arp, ARP_REPLY | A_DENIED, DROP(SPOOFED_SOURCE))}},
	{"arp_reply_and_request_for_own_address_pass", ADV_V4, ADV_XDP, 0, 0, 2,
	 {STEP(b_arp, ARP_REPLY, PASS), STEP(b_arp, ARP_REQUEST, PASS)}},
	{"arp_toward_device_side_passes", ADV_V4, ADV_TC, 0, 0, 2,
	 {STEP(b_arp, ARP_REQUEST, PASS_AT(ADV_ANY_INDEX)), STEP(b_arp, ARP_REPLY, PASS)}},
	{"neighbour_advertisement_claiming_another_address_is_spoofed", ADV_V6, ADV_XDP, 0, 0, 1,
	 {STEP(b_na, A_DENIED, DROP(SPOOFED_SOURCE))}},
	{"neighbour_discovery_for_own_address_passes", ADV_V6, ADV_XDP, 0, 0, 2,
	 {STEP(b_na, 0, PASS), STEP(b_ns, 0, PASS)}},
	{"lldp_from_device_passes", ADV_V4, ADV_XDP, 0, 0, 1, {STEP(b_lldp, 0, PASS)}},
	{"lldp_toward_device_side_passes", ADV_V4, ADV_TC, 0, 0, 1,
	 {STEP(b_lldp, 0, PASS_AT(ADV_ANY_INDEX))}},
	{"other_ethertype_is_non_ip", ADV_V4, ADV_DIRS, 0, 0, 1, {STEP(b_non_ip, 0, DROP(NON_IP))}},

	/* Hosts and devices other than the scanner. */
	{"unknown_host_is_unknown_host", ADV_BOTH, ADV_DIRS, 0, 0, 1,
	 {STEP(b_unknown_host, 0, DROP_AT(SCN_UNKNOWN, WARD_REASON_UNKNOWN_HOST))}},
	{"dhcp_discover_of_dhcp_device_passes", ADV_V4, ADV_XDP, 0, 0, 1,
	 {STEP(b_dhcp, 0, PASS_AT(SCN_DH))}},
	{"dhcp_server_broadcast_reply_passes", ADV_V4, ADV_TC, 0, 0, 1,
	 {STEP(b_dhcp, 0, PASS_AT(ADV_ANY_INDEX))}},
	{"dhcp_device_without_declared_address_sends_from_its_lease", ADV_BOTH, ADV_XDP, 0, 0, 1,
	 {STEP(b_dh_leased, 0, PASS_AT(SCN_DH))}},
	{"audit_device_denied_flow_passes_as_would_drop", ADV_V4, ADV_XDP, 0, 0, 2,
	 {STEP(b_audit, A_DENIED, WOULD_AT(SCN_AU, WARD_REASON_NO_RULE)),
	  STEP(b_audit, 0, PASS_AT(SCN_AU))}},
};
/* clang-format on */

const size_t adv_ncases = sizeof(adv_cases) / sizeof(adv_cases[0]);

static struct harness *shared_harness;

int adv_group_setup(void **state)
{
	int err = harness_open(&shared_harness);

	if (!err)
		err = harness_load_policy(shared_harness, SCN_POLICY);
	if (err)
		fprintf(stderr, "# harness: %s\n", strerror(-err));
	return err ? -1 : 0;
}

int adv_group_teardown(void **state)
{
	harness_close(shared_harness);
	shared_harness = NULL;
	return 0;
}

struct harness *adv_harness(void)
{
	return shared_harness;
}

void adv_fresh_start(void)
{
	struct ward_event events[64];

	assert_int_equal(harness_forget(shared_harness), 0);
	while (harness_events(shared_harness, events, 64) > 0)
		;
}

enum ward_direction adv_step_dir(const struct adv_step *step, enum ward_direction dir)
{
	if (!step->reverse)
		return dir;
	return dir == WARD_DIR_FROM_DEVICE ? WARD_DIR_TO_DEVICE : WARD_DIR_FROM_DEVICE;
}

size_t adv_instances(struct adv_instance *out, size_t max)
{
	static const enum ward_direction dirs[2] = {WARD_DIR_FROM_DEVICE, WARD_DIR_TO_DEVICE};
	size_t n = 0;

	for (size_t i = 0; i < adv_ncases; i++) {
		const struct adv_case *c = &adv_cases[i];

		for (int fam = 0; fam < 2; fam++) {
			if (!(c->families & (1U << fam)))
				continue;
			for (int d = 0; d < 2; d++) {
				if (!(c->dirs & (1U << d)) || n == max)
					continue;
				out[n] = (struct adv_instance){.c = c, .v6 = fam, .dir = dirs[d]};
				snprintf(out[n].name, sizeof(out[n].name), "%s_%s_%s", c->name,
					 fam ? "v6" : "v4", d ? "tc" : "xdp");
				n++;
			}
		}
	}
	return n;
}
