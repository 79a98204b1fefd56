/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A small frame builder for the datapath tests: Ethernet, VLAN tags of any
 * type, ARP, LLDP, IPv4 (options, any IHL, length and fragment fields), IPv6
 * with any chain of extension headers, TCP, UDP, ICMP and ICMPv6, including
 * errors that quote an inner header.
 *
 * A frame is built layer by layer, outermost first; each layer fills the
 * "next type" field that the layer before it left open (ethertype, IPv4
 * protocol, IPv6 next header) unless that field was given explicitly.
 * pkt_finish() then computes, innermost first, every length and checksum
 * that was not given explicitly, so a quoted header inside an ICMP error is
 * complete before the error's own checksum covers it.
 *
 * Addresses are 16 bytes, IPv4 in the IPv4-mapped form of include/ward_abi.h,
 * as struct ward_query holds them. Ports and identifiers are in host order.
 * The builder never writes past PKT_MAX; a layer that would not fit marks the
 * frame as overflowed and pkt_finish() reports it.
 */
#ifndef WARD_TEST_PACKET_H
#define WARD_TEST_PACKET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PKT_MAX	       1600
#define PKT_MAX_LAYERS 24

#define ETH_P_IPV4_   0x0800
#define ETH_P_ARP_    0x0806
#define ETH_P_IPV6_   0x86dd
#define ETH_P_8021Q_  0x8100
#define ETH_P_8021AD_ 0x88a8
#define ETH_P_QINQ1_  0x9100
#define ETH_P_QINQ2_  0x9200
#define ETH_P_LLDP_   0x88cc

#define PKT_PROTO_HOPOPTS  0
#define PKT_PROTO_ICMP	   1
#define PKT_PROTO_TCP	   6
#define PKT_PROTO_UDP	   17
#define PKT_PROTO_ROUTING  43
#define PKT_PROTO_FRAGMENT 44
#define PKT_PROTO_ESP	   50
#define PKT_PROTO_AH	   51
#define PKT_PROTO_ICMPV6   58
#define PKT_PROTO_NONE	   59
#define PKT_PROTO_DSTOPTS  60

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#define ICMP_ECHOREPLY	    0
#define ICMP_DEST_UNREACH   3
#define ICMP_FRAG_NEEDED    4 /* code of ICMP_DEST_UNREACH */
#define ICMP_ECHO	    8
#define ICMP_TIME_EXCEEDED  11
#define ICMP6_DEST_UNREACH  1
#define ICMP6_PKT_TOOBIG    2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_ECHO_REQUEST  128
#define ICMP6_ECHO_REPLY    129
#define ICMP6_ND_NS	    135
#define ICMP6_ND_NA	    136

#define ARP_REQUEST 1
#define ARP_REPLY   2

enum pkt_layer_kind {
	PKT_L_ETH,
	PKT_L_VLAN,
	PKT_L_ARP,
	PKT_L_LLDP,
	PKT_L_IPV4,
	PKT_L_IPV6,
	PKT_L_IPV6_EXT,
	PKT_L_TCP,
	PKT_L_UDP,
	PKT_L_ICMP,
	PKT_L_ICMPV6,
	PKT_L_RAW,
};

struct pkt_layer {
	enum pkt_layer_kind kind;
	size_t off;
	bool keep_len; /* the length field was given: leave it */
};

struct pkt {
	uint8_t buf[PKT_MAX];
	size_t len;
	bool overflow;
	size_t type16_off; /* ethertype left open, or 0 */
	size_t type8_off;  /* protocol / next header left open, or 0 */
	bool has_type16, has_type8;
	struct pkt_layer layers[PKT_MAX_LAYERS];
	int nlayers;
};

struct pkt_ipv4 {
	uint8_t src[16], dst[16]; /* IPv4-mapped */
	uint8_t proto;		  /* 0: filled by the next layer */
	uint8_t ttl;		  /* 0: 64 */
	uint8_t tos;
	uint16_t id;
	uint16_t frag_off; /* in 8-byte units */
	bool mf, df;
	const uint8_t *opts; /* written as-is, then zero-padded to 4 bytes */
	size_t opts_len;
	bool set_ihl; /* write ihl as given rather than from the options */
	uint8_t ihl;
	bool set_tot_len; /* write tot_len as given rather than the real length */
	uint16_t tot_len;
};

struct pkt_ipv6 {
	uint8_t src[16], dst[16];
	uint8_t next;	   /* 0 with set_next false: filled by the next layer */
	bool set_next;	   /* write next as given (e.g. 59, 50, or 0 for hop-by-hop) */
	uint8_t hop_limit; /* 0: 64 */
	uint32_t flow_label;
	bool set_plen;
	uint16_t plen;
};

struct pkt_tcp {
	uint16_t sport, dport;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t window; /* 0: 8192 */
	const uint8_t *opts;
	size_t opts_len; /* padded to 4 bytes */
	bool set_doff;	 /* write doff as given rather than 5 + options */
	uint8_t doff;
};

struct pkt_udp {
	uint16_t sport, dport;
	bool set_len;
	uint16_t len;
};

struct pkt_icmp {
	uint8_t type, code;
	uint8_t rest[4]; /* identifier and sequence, unused + MTU, pointer, ... */
};

struct pkt_arp {
	uint16_t op;
	uint8_t sha[6], tha[6];
	uint8_t spa[16], tpa[16]; /* IPv4-mapped */
};

/* Parse "198.18.0.1" (stored IPv4-mapped) or "2001:db8::1". Returns 0 or -EINVAL. */
int pkt_addr(const char *text, uint8_t out[16]);
/* Parse "02:00:00:00:00:01". Returns 0 or -EINVAL. */
int pkt_mac(const char *text, uint8_t out[6]);
/* The address as text, in @buf of at least 46 bytes. */
const char *pkt_addr_str(const uint8_t addr[16], char *buf);
bool pkt_addr_is_v4(const uint8_t addr[16]);

void pkt_init(struct pkt *p);

/* @type 0: filled by the next layer. */
void pkt_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type);
/* A tag: @tpid goes into the open ethertype, then TCI (@vid and @pcp). */
void pkt_vlan(struct pkt *p, uint16_t tpid, uint16_t vid, uint8_t pcp);
void pkt_arp(struct pkt *p, const struct pkt_arp *arp);
/* An LLDPDU (chassis id = @chassis MAC, port id "port1", TTL 120, end). */
void pkt_lldp(struct pkt *p, const uint8_t chassis[6]);

void pkt_ipv4(struct pkt *p, const struct pkt_ipv4 *ip);
void pkt_ipv6(struct pkt *p, const struct pkt_ipv6 *ip);
/* Hop-by-hop (0) or destination options (60), @len bytes (multiple of 8) of PadN. */
void pkt_ipv6_opts(struct pkt *p, uint8_t type, size_t len);
void pkt_ipv6_routing(struct pkt *p, uint8_t rtype, uint8_t segleft, size_t len);
void pkt_ipv6_frag(struct pkt *p, uint16_t frag_off, bool more, uint32_t id);
/* Authentication header of @len bytes (multiple of 4, at least 12). */
void pkt_ipv6_ah(struct pkt *p, size_t len);

void pkt_tcp(struct pkt *p, const struct pkt_tcp *tcp);
void pkt_udp(struct pkt *p, const struct pkt_udp *udp);
void pkt_icmp(struct pkt *p, const struct pkt_icmp *icmp);
void pkt_icmpv6(struct pkt *p, const struct pkt_icmp *icmp);
void pkt_icmp_echo(struct pkt *p, uint8_t type, uint16_t id, uint16_t seq);
void pkt_icmpv6_echo(struct pkt *p, uint8_t type, uint16_t id, uint16_t seq);
/* A neighbour solicitation or advertisement for @target with a link-layer option. */
void pkt_nd(struct pkt *p, uint8_t type, const uint8_t target[16], const uint8_t lladdr[6]);

/* Fill the protocol / next header left open with @proto, as a layer of that protocol would. */
void pkt_set_next(struct pkt *p, uint8_t proto);

/* Raw bytes: a payload, or a header the builder does not know. */
void pkt_bytes(struct pkt *p, const void *data, size_t len);
void pkt_zeros(struct pkt *p, size_t len);

/*
 * Compute the lengths and checksums not given, innermost layer first.
 * Returns the frame length, or 0 when the frame overflowed PKT_MAX.
 */
size_t pkt_finish(struct pkt *p);

/* Offset of the @nth (0-based) layer of @kind, or -1. */
long pkt_layer_off(const struct pkt *p, enum pkt_layer_kind kind, int nth);

/* The Internet checksum of @len bytes, folded, starting from @sum. */
uint16_t pkt_csum(const void *data, size_t len, uint32_t sum);

#endif /* WARD_TEST_PACKET_H */
