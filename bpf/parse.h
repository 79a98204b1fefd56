/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The one parser of XDP and TC: Ethernet, up to two VLAN tags, ARP, IPv4
 * (options), IPv6 (extension headers), fragments, TCP, UDP, ICMP and ICMPv6,
 * and the header quoted inside an ICMP error. It reads the frame once, with a
 * bounds check before every header and loops bounded by the limits of
 * ward_abi.h, and leaves in struct pkt everything the judge needs: addresses,
 * ports, the flow key of the packet (or of the quoted packet, for an ICMP
 * error) and, when the frame is not fit to be judged, the reason why.
 */
#ifndef WARD_BPF_PARSE_H
#define WARD_BPF_PARSE_H

#define ETH_P_8021Q_   0x8100
#define ETH_P_8021AD_  0x88a8
#define ETH_P_QINQ1_   0x9100
#define ETH_P_QINQ2_   0x9200
#define ETH_P_IPV4_    0x0800
#define ETH_P_IPV6_    0x86dd
#define ETH_P_ARP_     0x0806
#define ETH_P_LLDP_    0x88cc
#define ETH_HDR_LEN    14
#define VLAN_HDR_LEN   4
#define VLAN_VID_MASK_ 0x0fff

#define ARP_HDR_LEN    8
#define ARP_ETH_IP_LEN 28 /* header + two (MAC, IPv4) pairs */
#define ARP_OP_REPLY   2
#define ARP_SPA_OFF    14

#define IPV4_MIN_HLEN	 20
#define IPV4_MF		 0x2000
#define IPV4_OFFSET_MASK 0x1fff
#define IPOPT_EOL_	 0
#define IPOPT_NOP_	 1
#define IPOPT_RR_	 7
#define IPOPT_LSRR_	 131
#define IPOPT_SSRR_	 137

#define IPV6_HLEN	 40
#define IPV6_EXT_MIN_LEN 8
#define NH_HOP		 0
#define NH_ROUTING	 43
#define NH_FRAGMENT	 44
#define NH_ESP		 50
#define NH_AUTH		 51
#define NH_NONE		 59
#define NH_DSTOPTS	 60
#define IPV6_FRAG_M	 0x0001
#define IPV6_EXT_MAX_LEN 2048 /* (255 + 1) * 8 */
/* Where the stages start at the latest: after Ethernet, two tags and the IP header. */
#define L3_MAX_START	   (ETH_HDR_LEN + WARD_MAX_VLAN_TAGS * VLAN_HDR_LEN)
#define IPV6_EXT_MAX_START (L3_MAX_START + IPV6_HLEN)
#define L4_MAX_START	   (IPV6_EXT_MAX_START + WARD_MAX_IPV6_EXT_HDRS * IPV6_EXT_MAX_LEN)

#define PROTO_ICMP   1
#define PROTO_TCP    6
#define PROTO_UDP    17
#define PROTO_ICMPV6 58

#define TCP_MIN_HLEN  20
#define TCP_FLAGS_END 14 /* the flags byte is the 14th */
#define TCP_FIN	      0x01
#define TCP_SYN	      0x02
#define TCP_RST	      0x04
#define TCP_ACK	      0x10
#define UDP_HLEN      8
#define ICMP_HLEN     8

#define ICMP_ECHO_REPLY_  0
#define ICMP_UNREACH_	  3
#define ICMP_ECHO_	  8
#define ICMP_TIME_EXC_	  11
#define ICMP_PARAM_	  12
#define ICMP6_UNREACH_	  1
#define ICMP6_TOO_BIG_	  2
#define ICMP6_TIME_EXC_	  3
#define ICMP6_PARAM_	  4
#define ICMP6_ECHO_	  128
#define ICMP6_ECHO_REPLY_ 129
#define ICMP6_RS	  133
#define ICMP6_NA	  136
#define ICMP6_NA_TARGET	  8 /* offset of the target address */

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

/* What the frame carries, as far as the judge is concerned. */
enum pkt_kind {
	KIND_IP = 0,
	KIND_ARP,
	KIND_LLDP,
	KIND_NDP,
	KIND_OTHER, /* another ethertype: non-ip */
};

enum pkt_frag {
	FRAG_NONE = 0,
	FRAG_FIRST, /* offset 0, more fragments */
	FRAG_LATER, /* offset above 0 */
};

/* What the parser learnt; zeroed before parsing. */
struct pkt {
	struct ward_flow_key key; /* this packet's flow, or the quoted one */
	__u8 src[16];
	__u8 dst[16];
	__u8 claim[16]; /* address an ARP reply or a neighbour advertisement claims */
	__u8 src_mac[6];
	__u8 dst_mac[6];
	__u16 vlan;  /* innermost tag, 0: untagged */
	__u16 sport; /* network order */
	__u16 dport; /* network order */
	__u32 frag_id;
	__u8 frag_proto; /* protocol of the fragmented datagram (IPv4; IPv6: 0) */
	__u8 l2_broken;	 /* Ethernet or VLAN header unusable */
	__u8 reason;	 /* WARD_REASON_* that the frame earns by its bytes alone */
	__u8 kind;	 /* enum pkt_kind */
	__u8 has_addrs;	 /* src and dst are valid */
	__u8 is_v4;
	__u8 proto;
	__u8 has_l4; /* ports, or ICMP type and code, are valid */
	__u8 frag;   /* enum pkt_frag */
	__u8 tcp_flags;
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 has_claim;
	__u8 is_icmp_err; /* key is the quoted packet's (when quote_ok) */
	__u8 quote_ok;
	__u8 flowable;	    /* key is this packet's flow */
	__u8 is_echo;	    /* ICMP echo request or reply */
	__u8 icmp_echo_req; /* echo request of either family */
	__u16 icmp_id;	    /* echo identifier, network order */
};

struct cursor {
	void *pos;
	void *end;
};

static __always_inline void addr_from_v4(__u8 *out, const void *v4)
{
	__builtin_memset(out, 0, 10);
	out[10] = 0xff;
	out[11] = 0xff;
	__builtin_memcpy(out + 12, v4, 4);
}

/*
 * ::ffff:a.b.c.d is how ward's keys hold IPv4, so an IPv6 header carrying
 * one would be taken for IPv4: for its device, its peers and its flows.
 * Such an address never belongs on the wire (Linux drops it as a source).
 */
static __always_inline int addr_is_v4_mapped(const __u8 *addr)
{
	__u32 w[3];

	__builtin_memcpy(w, addr, sizeof(w));
	return !w[0] && !w[1] && w[2] == bpf_htonl(0xffff);
}

static __always_inline int mac_is_group(const __u8 *mac)
{
	return mac[0] & 1;
}

static __always_inline int is_icmp_proto(__u8 proto)
{
	return proto == PROTO_ICMP || proto == PROTO_ICMPV6;
}

/* Ethernet and VLAN tags. @offload_vlan: TC's out-of-frame tag, or -1. */
static __always_inline void parse_l2(struct cursor *c, struct pkt *p, int offload_vlan,
				     __u16 *eth_proto)
{
	struct ethhdr *eth = c->pos;
	__u16 proto;
	int ntags = 0;

	if ((void *)(eth + 1) > c->end) {
		p->l2_broken = 1;
		return;
	}
	__builtin_memcpy(p->dst_mac, eth->h_dest, 6);
	__builtin_memcpy(p->src_mac, eth->h_source, 6);
	proto = bpf_ntohs(eth->h_proto);
	c->pos = eth + 1;
	if (offload_vlan >= 0) {
		p->vlan = offload_vlan & VLAN_VID_MASK_;
		ntags = 1;
	}

	for (int i = 0; i <= WARD_MAX_VLAN_TAGS; i++) {
		struct vlan_hdr *vh = c->pos;

		if (proto == ETH_P_QINQ1_ || proto == ETH_P_QINQ2_)
			goto broken;
		if (proto != ETH_P_8021Q_ && proto != ETH_P_8021AD_)
			break;
		if (ntags >= WARD_MAX_VLAN_TAGS || (void *)(vh + 1) > c->end)
			goto broken;
		p->vlan = bpf_ntohs(vh->h_vlan_TCI) & VLAN_VID_MASK_;
		proto = bpf_ntohs(vh->h_vlan_encapsulated_proto);
		c->pos = vh + 1;
		ntags++;
	}
	*eth_proto = proto;
	return;
broken:
	p->l2_broken = 1;
}

static __always_inline void parse_arp(struct cursor *c, struct pkt *p)
{
	struct arphdr *arp = c->pos;

	p->kind = KIND_ARP;
	if ((void *)(arp + 1) > c->end) {
		p->reason = WARD_REASON_MALFORMED;
		return;
	}
	if (arp->ar_hrd != bpf_htons(ARPHRD_ETHER) || arp->ar_pro != bpf_htons(ETH_P_IPV4_))
		return;
	if (c->pos + ARP_ETH_IP_LEN > c->end) {
		p->reason = WARD_REASON_MALFORMED;
		return;
	}
	if (arp->ar_op == bpf_htons(ARP_OP_REPLY)) {
		addr_from_v4(p->claim, c->pos + ARP_SPA_OFF);
		p->has_claim = 1;
	}
}

/*
 * Skip IPv4 options; source routes and record-route are ip-options. The scan
 * walks byte by byte and counts down the bytes of the option it is in, which
 * keeps the verifier's view of the loop small.
 */
static __always_inline int scan_ipv4_options(__u8 *opt, void *end, __u32 len)
{
	__u32 skip = 0;

	for (__u32 n = 0; n < WARD_MAX_IPV4_OPT_BYTES; n++) {
		__u8 *o = opt + n;

		if (n >= len)
			break;
		if (skip) {
			skip--;
			continue;
		}
		if ((void *)(o + 1) > end)
			return WARD_REASON_MALFORMED;
		if (o[0] == IPOPT_EOL_)
			return WARD_REASON_NONE;
		if (o[0] == IPOPT_NOP_)
			continue;
		if (o[0] == IPOPT_LSRR_ || o[0] == IPOPT_SSRR_ || o[0] == IPOPT_RR_)
			return WARD_REASON_IP_OPTIONS;
		if ((void *)(o + 2) > end || o[1] < 2)
			return WARD_REASON_MALFORMED;
		skip = o[1] - 1;
	}
	return skip ? WARD_REASON_MALFORMED : WARD_REASON_NONE;
}

/* @room: bytes of the frame from the IP header on (more than @c holds when TC pulled a part). */
static __always_inline void parse_ipv4(struct cursor *c, struct pkt *p, __u32 room)
{
	struct iphdr *ip = c->pos;
	__u32 hlen, tot_len, frag_off;

	p->is_v4 = 1;
	if ((void *)(ip + 1) > c->end)
		goto malformed;
	addr_from_v4(p->src, &ip->saddr);
	addr_from_v4(p->dst, &ip->daddr);
	p->has_addrs = 1;
	p->proto = ip->protocol;
	hlen = ip->ihl * 4;
	tot_len = bpf_ntohs(ip->tot_len);
	if (hlen < IPV4_MIN_HLEN || c->pos + hlen > c->end)
		goto malformed;
	if (tot_len < hlen || tot_len > room)
		goto malformed;
	if (hlen > IPV4_MIN_HLEN) {
		p->reason = scan_ipv4_options(c->pos + IPV4_MIN_HLEN, c->end, hlen - IPV4_MIN_HLEN);
		if (p->reason)
			return;
	}

	frag_off = bpf_ntohs(ip->frag_off);
	p->frag_id = ip->id;
	p->frag_proto = ip->protocol;
	if ((frag_off & IPV4_OFFSET_MASK) == 1) {
		p->reason = WARD_REASON_FRAGMENT;
		return;
	}
	if (frag_off & IPV4_OFFSET_MASK)
		p->frag = FRAG_LATER;
	else if (frag_off & IPV4_MF)
		p->frag = FRAG_FIRST;
	c->pos += hlen;
	return;
malformed:
	p->reason = WARD_REASON_MALFORMED;
}

static __always_inline int is_ipv6_ext(__u8 nh)
{
	return nh == NH_HOP || nh == NH_ROUTING || nh == NH_FRAGMENT || nh == NH_AUTH ||
	       nh == NH_DSTOPTS;
}

/* One extension header at c->pos: its length, or 0 when the packet is to stop here. */
static __always_inline __u32 ipv6_ext_len(struct cursor *c, struct pkt *p, __u8 nh)
{
	__u8 *h = c->pos;
	__u16 frag_off;

	if ((void *)(h + IPV6_EXT_MIN_LEN) > c->end) {
		p->reason = WARD_REASON_MALFORMED;
		return 0;
	}
	if (nh == NH_AUTH)
		return (h[1] + 2) * 4;
	if (nh == NH_ROUTING && h[2] == 0) {
		p->reason = WARD_REASON_MALFORMED;
		return 0;
	}
	if (nh != NH_FRAGMENT)
		return (h[1] + 1) * 8;

	frag_off = bpf_ntohs(*(__u16 *)(h + 2));
	if ((frag_off >> 3) == 0 && !(frag_off & IPV6_FRAG_M))
		return IPV6_EXT_MIN_LEN; /* atomic fragment: an ordinary packet */
	/*
	 * RFC 8200 4.5: only the first fragment's next header counts, later
	 * ones may say anything, so IPv6 fragments are matched without it.
	 */
	__builtin_memcpy(&p->frag_id, h + 4, 4);
	if (frag_off >> 3) {
		p->frag = FRAG_LATER;
		p->proto = h[0];
		return 0;
	}
	p->frag = FRAG_FIRST;
	return IPV6_EXT_MIN_LEN;
}

/* The fixed IPv6 header; the extension headers are walked by ipv6_ext_walk(). */
static __always_inline void parse_ipv6(struct cursor *c, struct pkt *p, __u32 room)
{
	struct ipv6hdr *ip6 = c->pos;

	if ((void *)(ip6 + 1) > c->end)
		goto malformed;
	__builtin_memcpy(p->src, &ip6->saddr, 16);
	__builtin_memcpy(p->dst, &ip6->daddr, 16);
	p->has_addrs = 1;
	if (addr_is_v4_mapped(p->src) || addr_is_v4_mapped(p->dst))
		goto malformed;
	if (IPV6_HLEN + bpf_ntohs(ip6->payload_len) > room)
		goto malformed;
	p->proto = ip6->nexthdr;
	c->pos = ip6 + 1;
	return;
malformed:
	p->reason = WARD_REASON_MALFORMED;
}

/*
 * Walk the extension headers from @off (the end of the fixed header), at
 * most WARD_MAX_IPV6_EXT_HDRS of them; p->proto is the next header on entry
 * and the transport protocol on return. Returns the transport header's
 * offset, or -1 when there is nothing more to parse.
 */
static __always_inline int ipv6_ext_walk(void *data, void *end, struct pkt *p, __u32 off)
{
	struct cursor c = {.end = end};
	__u8 nh = p->proto;

	if (off > IPV6_EXT_MAX_START)
		goto malformed;
	c.pos = data + off;
	for (int i = 0; i < WARD_MAX_IPV6_EXT_HDRS; i++) {
		__u32 len;
		__u8 next;

		if (!is_ipv6_ext(nh))
			break;
		len = ipv6_ext_len(&c, p, nh);
		if (!len)
			return -1;
		next = *(__u8 *)c.pos;
		c.pos += len;
		if (c.pos > c.end)
			goto malformed;
		nh = next;
	}
	if (is_ipv6_ext(nh))
		goto malformed;
	p->proto = nh;
	return c.pos - data;
malformed:
	p->reason = WARD_REASON_MALFORMED;
	return -1;
}

/*
 * The transport header must hold at least @need bytes. Short: malformed, or
 * for a first fragment (whose rest may sit in the next one) fragment.
 */
static __always_inline int l4_short(struct cursor *c, struct pkt *p, __u32 need)
{
	if (c->pos + need <= c->end)
		return 0;
	p->reason = p->frag == FRAG_FIRST ? WARD_REASON_FRAGMENT : WARD_REASON_MALFORMED;
	return 1;
}

static __always_inline void parse_tcp(struct cursor *c, struct pkt *p)
{
	struct tcphdr *tcp = c->pos;
	__u32 doff;

	if (l4_short(c, p, TCP_FLAGS_END))
		return;
	p->sport = tcp->source;
	p->dport = tcp->dest;
	p->tcp_flags = ((__u8 *)tcp)[TCP_FLAGS_END - 1];
	doff = tcp->doff * 4;
	if (doff < TCP_MIN_HLEN) {
		p->reason = WARD_REASON_MALFORMED;
		return;
	}
	if (l4_short(c, p, doff))
		return;
	p->has_l4 = 1;
}

static __always_inline void parse_udp(struct cursor *c, struct pkt *p)
{
	struct udphdr *udp = c->pos;

	if (l4_short(c, p, UDP_HLEN))
		return;
	p->sport = udp->source;
	p->dport = udp->dest;
	p->has_l4 = 1;
}

static __always_inline int icmp_is_error(__u8 proto, __u8 type)
{
	if (proto == PROTO_ICMP)
		return type == ICMP_UNREACH_ || type == ICMP_TIME_EXC_ || type == ICMP_PARAM_;
	return type == ICMP6_UNREACH_ || type == ICMP6_TOO_BIG_ || type == ICMP6_TIME_EXC_ ||
	       type == ICMP6_PARAM_;
}

static __always_inline int icmp_is_echo(__u8 proto, __u8 type, int *request)
{
	__u8 req = proto == PROTO_ICMP ? ICMP_ECHO_ : ICMP6_ECHO_;
	__u8 rep = proto == PROTO_ICMP ? ICMP_ECHO_REPLY_ : ICMP6_ECHO_REPLY_;

	*request = type == req;
	return type == req || type == rep;
}

/*
 * The flow key seen from the device: @dev_sent says the device sent the
 * packet (so its source is the device's side). Ports in network order.
 */
static __always_inline void make_key(struct ward_flow_key *k, const __u8 *src, const __u8 *dst,
				     __u16 sport, __u16 dport, __u8 proto, int dev_sent)
{
	__builtin_memcpy(k->dev_addr, dev_sent ? src : dst, 16);
	__builtin_memcpy(k->peer_addr, dev_sent ? dst : src, 16);
	k->dev_port = dev_sent ? sport : dport;
	k->peer_port = dev_sent ? dport : sport;
	k->proto = proto;
}

/* The ICMP echo identifier is the device's port; the other says who asked. */
static __always_inline void echo_ports(__u16 id, int request, int dev_sent, __u16 *sport,
				       __u16 *dport)
{
	__u16 by = request == dev_sent ? WARD_ICMP_BY_DEVICE : WARD_ICMP_BY_PEER;

	*sport = dev_sent ? id : by;
	*dport = dev_sent ? by : id;
}

/* The packet an ICMP error quotes (its first 8 bytes of transport at least). */
static __always_inline void parse_quote(struct cursor *c, struct pkt *p, int dev_sent_quote)
{
	__u8 src[16], dst[16];
	__u16 sport, dport;
	__u8 proto, *l4;
	int request;

	if (p->proto == PROTO_ICMP) {
		struct iphdr *ip = c->pos;

		if ((void *)(ip + 1) > c->end || ip->ihl < 5)
			return;
		addr_from_v4(src, &ip->saddr);
		addr_from_v4(dst, &ip->daddr);
		proto = ip->protocol;
		l4 = c->pos + ip->ihl * 4;
	} else {
		struct ipv6hdr *ip6 = c->pos;

		if ((void *)(ip6 + 1) > c->end)
			return;
		__builtin_memcpy(src, &ip6->saddr, 16);
		__builtin_memcpy(dst, &ip6->daddr, 16);
		if (addr_is_v4_mapped(src) || addr_is_v4_mapped(dst))
			return;
		proto = ip6->nexthdr;
		l4 = (void *)(ip6 + 1);
	}
	if ((void *)(l4 + ICMP_HLEN) > c->end)
		return;

	if (proto == PROTO_TCP || proto == PROTO_UDP) {
		__builtin_memcpy(&sport, l4, 2);
		__builtin_memcpy(&dport, l4 + 2, 2);
	} else if (is_icmp_proto(proto) && icmp_is_echo(proto, l4[0], &request)) {
		echo_ports(*(__u16 *)(l4 + 4), request, dev_sent_quote, &sport, &dport);
	} else {
		return;
	}
	make_key(&p->key, src, dst, sport, dport, proto, dev_sent_quote);
	p->quote_ok = 1;
}

static __always_inline void parse_icmp(struct cursor *c, struct pkt *p, __u8 dir)
{
	__u8 *h = c->pos;
	int request;

	if (l4_short(c, p, ICMP_HLEN))
		return;
	p->icmp_type = h[0];
	p->icmp_code = h[1];
	p->has_l4 = 1;
	if (p->proto == PROTO_ICMPV6 && !p->is_v4 && p->icmp_type >= ICMP6_RS &&
	    p->icmp_type <= ICMP6_NA) {
		p->kind = KIND_NDP;
		if (p->icmp_type != ICMP6_NA)
			return;
		if ((void *)(h + ICMP6_NA_TARGET + 16) > c->end) {
			p->reason = WARD_REASON_MALFORMED;
			return;
		}
		__builtin_memcpy(p->claim, h + ICMP6_NA_TARGET, 16);
		p->has_claim = 1;
		return;
	}
	if (icmp_is_error(p->proto, p->icmp_type) && p->frag == FRAG_NONE) {
		/* an error from the device quotes what a peer sent it, and back */
		p->is_icmp_err = 1;
		c->pos += ICMP_HLEN;
		parse_quote(c, p, dir == WARD_DIR_TO_DEVICE);
		return;
	}
	if (icmp_is_echo(p->proto, p->icmp_type, &request)) {
		p->is_echo = 1;
		p->icmp_echo_req = request;
		__builtin_memcpy(&p->icmp_id, h + 4, 2);
	}
}

/*
 * Transport header at @off, then the packet's own flow key when it has one
 * (@dir says which side is the device's).
 */
static __always_inline void parse_l4(void *data, void *end, struct pkt *p, __u32 off, __u8 dir)
{
	struct cursor c = {.end = end};
	int dev_sent = dir == WARD_DIR_FROM_DEVICE;
	__u16 sport, dport;

	if (off > L4_MAX_START) {
		p->reason = WARD_REASON_MALFORMED;
		return;
	}
	c.pos = data + off;
	if (p->proto == PROTO_TCP)
		parse_tcp(&c, p);
	else if (p->proto == PROTO_UDP)
		parse_udp(&c, p);
	else if (is_icmp_proto(p->proto))
		parse_icmp(&c, p, dir);
	if (p->reason || p->is_icmp_err || p->kind == KIND_NDP)
		return;

	sport = p->sport;
	dport = p->dport;
	if (is_icmp_proto(p->proto)) {
		/* only echo is tracked; other ICMP messages are judged one by one */
		if (!p->is_echo)
			return;
		echo_ports(p->icmp_id, p->icmp_echo_req, dev_sent, &sport, &dport);
	}
	make_key(&p->key, p->src, p->dst, sport, dport, p->proto, dev_sent);
	p->flowable = 1;
}

/*
 * Ethernet, VLAN tags and ARP. Returns the offset of the IP header (p->is_v4
 * says which), or -1 when the frame needs no more parsing.
 */
static __always_inline int parse_l2_arp(void *data, void *end, int offload_vlan, struct pkt *p)
{
	struct cursor c = {.pos = data, .end = end};
	__u16 eth_proto = 0;

	parse_l2(&c, p, offload_vlan, &eth_proto);
	if (p->l2_broken)
		return -1;

	if (eth_proto == ETH_P_ARP_) {
		parse_arp(&c, p);
		return -1;
	}
	if (eth_proto == ETH_P_LLDP_) {
		p->kind = KIND_LLDP;
		return -1;
	}
	if (eth_proto != ETH_P_IPV4_ && eth_proto != ETH_P_IPV6_) {
		p->kind = KIND_OTHER;
		p->reason = WARD_REASON_NON_IP;
		return -1;
	}
	p->is_v4 = eth_proto == ETH_P_IPV4_;
	return c.pos - data;
}

/*
 * The IP header at @off: IPv4 with its options, or IPv6 with its extension
 * headers. @len is the frame's length, which in TC is more than @end shows
 * once only the headers were pulled into the linear part. Returns the offset
 * of the transport header, or -1 when there is nothing more to parse (a
 * reason, or a later fragment).
 */
static __always_inline int parse_l3(void *data, void *end, __u32 len, struct pkt *p, __u32 off)
{
	struct cursor c = {.end = end};

	if (off > L3_MAX_START || off > len) {
		p->l2_broken = 1;
		return -1;
	}
	c.pos = data + off;
	if (p->is_v4)
		parse_ipv4(&c, p, len - off);
	else
		parse_ipv6(&c, p, len - off);
	if (p->reason || p->frag == FRAG_LATER)
		return -1;
	if (p->is_v4)
		return c.pos - data;
	return ipv6_ext_walk(data, end, p, c.pos - data);
}

#endif /* WARD_BPF_PARSE_H */
