// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The frame builder of packet.h: each pkt_*() appends one header and fills
 * the type field the previous header left open; pkt_finish() fills lengths
 * and checksums from the innermost layer out.
 */
#include "packet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const uint8_t v4_mapped_prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

int pkt_addr(const char *text, uint8_t out[16])
{
	memset(out, 0, 16);
	if (inet_pton(AF_INET, text, out + 12) == 1) {
		memcpy(out, v4_mapped_prefix, sizeof(v4_mapped_prefix));
		return 0;
	}
	if (inet_pton(AF_INET6, text, out) == 1)
		return 0;
	return -EINVAL;
}

int pkt_mac(const char *text, uint8_t out[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(text, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) !=
	    6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		out[i] = (uint8_t)b[i];
	}
	return 0;
}

bool pkt_addr_is_v4(const uint8_t addr[16])
{
	return memcmp(addr, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

const char *pkt_addr_str(const uint8_t addr[16], char *buf)
{
	if (pkt_addr_is_v4(addr))
		inet_ntop(AF_INET, addr + 12, buf, 46);
	else
		inet_ntop(AF_INET6, addr, buf, 46);
	return buf;
}

void pkt_init(struct pkt *p)
{
	memset(p, 0, sizeof(*p));
}

/* Reserve @len zeroed bytes at the end of the frame, or NULL when they do not fit. */
static uint8_t *pkt_put(struct pkt *p, size_t len)
{
	uint8_t *at;

	if (p->overflow || p->len + len > PKT_MAX) {
		p->overflow = true;
		return NULL;
	}
	at = p->buf + p->len;
	memset(at, 0, len);
	p->len += len;
	return at;
}

static void pkt_add_layer(struct pkt *p, enum pkt_layer_kind kind, size_t off, bool keep_len)
{
	if (p->nlayers == PKT_MAX_LAYERS) {
		p->overflow = true;
		return;
	}
	p->layers[p->nlayers++] =
		(struct pkt_layer){.kind = kind, .off = off, .keep_len = keep_len};
}

static void put16(uint8_t *at, uint16_t v)
{
	at[0] = v >> 8;
	at[1] = v & 0xff;
}

static void put32(uint8_t *at, uint32_t v)
{
	put16(at, v >> 16);
	put16(at + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *at)
{
	return (uint16_t)(at[0] << 8 | at[1]);
}

/* Fill the ethertype left open by the layer before, if any. */
static void pkt_link16(struct pkt *p, uint16_t type)
{
	if (!p->has_type16)
		return;
	put16(p->buf + p->type16_off, type);
	p->has_type16 = false;
}

/* Fill the IP protocol / next header left open by the layer before, if any. */
static void pkt_link8(struct pkt *p, uint8_t proto)
{
	if (!p->has_type8)
		return;
	p->buf[p->type8_off] = proto;
	p->has_type8 = false;
}

static void pkt_open16(struct pkt *p, size_t off)
{
	p->type16_off = off;
	p->has_type16 = true;
}

static void pkt_open8(struct pkt *p, size_t off)
{
	p->type8_off = off;
	p->has_type8 = true;
}

void pkt_eth(struct pkt *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	size_t off = p->len;
	uint8_t *h = pkt_put(p, 14);

	if (!h)
		return;
	memcpy(h, dst, 6);
	memcpy(h + 6, src, 6);
	if (type)
		put16(h + 12, type);
	else
		pkt_open16(p, off + 12);
	pkt_add_layer(p, PKT_L_ETH, off, false);
}

void pkt_vlan(struct pkt *p, uint16_t tpid, uint16_t vid, uint8_t pcp)
{
	size_t off = p->len;
	uint8_t *h;

	pkt_link16(p, tpid);
	h = pkt_put(p, 4);
	if (!h)
		return;
	put16(h, (uint16_t)((pcp & 7) << 13 | (vid & 0xfff)));
	pkt_open16(p, off + 2);
	pkt_add_layer(p, PKT_L_VLAN, off, false);
}

void pkt_arp(struct pkt *p, const struct pkt_arp *arp)
{
	size_t off = p->len;
	uint8_t *h;

	pkt_link16(p, ETH_P_ARP_);
	h = pkt_put(p, 28);
	if (!h)
		return;
	put16(h, 1);
	put16(h + 2, ETH_P_IPV4_);
	h[4] = 6;
	h[5] = 4;
	put16(h + 6, arp->op);
	memcpy(h + 8, arp->sha, 6);
	memcpy(h + 14, arp->spa + 12, 4);
	memcpy(h + 18, arp->tha, 6);
	memcpy(h + 24, arp->tpa + 12, 4);
	pkt_add_layer(p, PKT_L_ARP, off, false);
}

static void lldp_tlv(uint8_t *at, unsigned int type, unsigned int len)
{
	put16(at, (uint16_t)(type << 9 | len));
}

void pkt_lldp(struct pkt *p, const uint8_t chassis[6])
{
	static const char port[] = "port1";
	size_t off = p->len;
	uint8_t *h;

	pkt_link16(p, ETH_P_LLDP_);
	h = pkt_put(p, 9 + 8 + 4 + 2);
	if (!h)
		return;
	lldp_tlv(h, 1, 7); /* chassis id, subtype MAC address */
	h[2] = 4;
	memcpy(h + 3, chassis, 6);
	lldp_tlv(h + 9, 2, 6); /* port id, subtype interface name */
	h[11] = 5;
	memcpy(h + 12, port, 5);
	lldp_tlv(h + 17, 3, 2); /* time to live */
	put16(h + 19, 120);
	lldp_tlv(h + 21, 0, 0); /* end of LLDPDU */
	pkt_add_layer(p, PKT_L_LLDP, off, false);
}

void pkt_ipv4(struct pkt *p, const struct pkt_ipv4 *ip)
{
	size_t padded = (ip->opts_len + 3) & ~(size_t)3;
	size_t off = p->len;
	uint8_t ihl = ip->set_ihl ? ip->ihl : (uint8_t)(5 + padded / 4);
	uint16_t frag = ip->frag_off & 0x1fff;
	uint8_t *h;

	pkt_link16(p, ETH_P_IPV4_);
	pkt_link8(p, 4);
	h = pkt_put(p, 20 + padded);
	if (!h)
		return;
	h[0] = (uint8_t)(0x40 | (ihl & 0xf));
	h[1] = ip->tos;
	put16(h + 2, ip->tot_len);
	put16(h + 4, ip->id);
	if (ip->df)
		frag |= 0x4000;
	if (ip->mf)
		frag |= 0x2000;
	put16(h + 6, frag);
	h[8] = ip->ttl ? ip->ttl : 64;
	h[9] = ip->proto;
	memcpy(h + 12, ip->src + 12, 4);
	memcpy(h + 16, ip->dst + 12, 4);
	if (ip->opts_len)
		memcpy(h + 20, ip->opts, ip->opts_len);
	if (!ip->proto)
		pkt_open8(p, off + 9);
	pkt_add_layer(p, PKT_L_IPV4, off, ip->set_tot_len);
}

void pkt_ipv6(struct pkt *p, const struct pkt_ipv6 *ip)
{
	size_t off = p->len;
	uint8_t *h;

	pkt_link16(p, ETH_P_IPV6_);
	pkt_link8(p, 41);
	h = pkt_put(p, 40);
	if (!h)
		return;
	put32(h, 6U << 28 | (ip->flow_label & 0xfffff));
	put16(h + 4, ip->plen);
	h[6] = ip->next;
	h[7] = ip->hop_limit ? ip->hop_limit : 64;
	memcpy(h + 8, ip->src, 16);
	memcpy(h + 24, ip->dst, 16);
	if (!ip->set_next)
		pkt_open8(p, off + 6);
	pkt_add_layer(p, PKT_L_IPV6, off, ip->set_plen);
}

/* Append an extension header of @len bytes whose first byte is the next header. */
static uint8_t *pkt_ext(struct pkt *p, uint8_t type, size_t len)
{
	size_t off = p->len;
	uint8_t *h;

	pkt_link8(p, type);
	h = pkt_put(p, len);
	if (!h)
		return NULL;
	pkt_open8(p, off);
	pkt_add_layer(p, PKT_L_IPV6_EXT, off, false);
	return h;
}

void pkt_ipv6_opts(struct pkt *p, uint8_t type, size_t len)
{
	uint8_t *h = pkt_ext(p, type, len);
	size_t pad = len - 2;

	if (!h)
		return;
	h[1] = (uint8_t)(len / 8 - 1);
	if (pad == 1)
		return; /* Pad1 is a zero byte, already there */
	h[2] = 1;	/* PadN */
	h[3] = (uint8_t)(pad - 2);
}

void pkt_ipv6_routing(struct pkt *p, uint8_t rtype, uint8_t segleft, size_t len)
{
	uint8_t *h = pkt_ext(p, PKT_PROTO_ROUTING, len);

	if (!h)
		return;
	h[1] = (uint8_t)(len / 8 - 1);
	h[2] = rtype;
	h[3] = segleft;
}

void pkt_ipv6_frag(struct pkt *p, uint16_t frag_off, bool more, uint32_t id)
{
	uint8_t *h = pkt_ext(p, PKT_PROTO_FRAGMENT, 8);

	if (!h)
		return;
	put16(h + 2, (uint16_t)((frag_off & 0x1fff) << 3 | (more ? 1 : 0)));
	put32(h + 4, id);
}

void pkt_ipv6_ah(struct pkt *p, size_t len)
{
	uint8_t *h = pkt_ext(p, PKT_PROTO_AH, len);

	if (!h)
		return;
	h[1] = (uint8_t)(len / 4 - 2);
	put32(h + 4, 0x1000); /* SPI */
}

void pkt_tcp(struct pkt *p, const struct pkt_tcp *tcp)
{
	size_t padded = (tcp->opts_len + 3) & ~(size_t)3;
	uint8_t doff = tcp->set_doff ? tcp->doff : (uint8_t)(5 + padded / 4);
	size_t off = p->len;
	uint8_t *h;

	pkt_link8(p, PKT_PROTO_TCP);
	h = pkt_put(p, 20 + padded);
	if (!h)
		return;
	put16(h, tcp->sport);
	put16(h + 2, tcp->dport);
	put32(h + 4, tcp->seq);
	put32(h + 8, tcp->ack);
	h[12] = (uint8_t)(doff << 4);
	h[13] = tcp->flags;
	put16(h + 14, tcp->window ? tcp->window : 8192);
	if (tcp->opts_len)
		memcpy(h + 20, tcp->opts, tcp->opts_len);
	pkt_add_layer(p, PKT_L_TCP, off, false);
}

void pkt_udp(struct pkt *p, const struct pkt_udp *udp)
{
	size_t off = p->len;
	uint8_t *h;

	pkt_link8(p, PKT_PROTO_UDP);
	h = pkt_put(p, 8);
	if (!h)
		return;
	put16(h, udp->sport);
	put16(h + 2, udp->dport);
	put16(h + 4, udp->len);
	pkt_add_layer(p, PKT_L_UDP, off, udp->set_len);
}

static void pkt_icmp_any(struct pkt *p, const struct pkt_icmp *icmp, uint8_t proto,
			 enum pkt_layer_kind kind)
{
	size_t off = p->len;
	uint8_t *h;

	pkt_link8(p, proto);
	h = pkt_put(p, 8);
	if (!h)
		return;
	h[0] = icmp->type;
	h[1] = icmp->code;
	memcpy(h + 4, icmp->rest, 4);
	pkt_add_layer(p, kind, off, false);
}

void pkt_icmp(struct pkt *p, const struct pkt_icmp *icmp)
{
	pkt_icmp_any(p, icmp, PKT_PROTO_ICMP, PKT_L_ICMP);
}

void pkt_icmpv6(struct pkt *p, const struct pkt_icmp *icmp)
{
	pkt_icmp_any(p, icmp, PKT_PROTO_ICMPV6, PKT_L_ICMPV6);
}

static struct pkt_icmp echo_header(uint8_t type, uint16_t id, uint16_t seq)
{
	struct pkt_icmp icmp = {.type = type};

	put16(icmp.rest, id);
	put16(icmp.rest + 2, seq);
	return icmp;
}

void pkt_icmp_echo(struct pkt *p, uint8_t type, uint16_t id, uint16_t seq)
{
	struct pkt_icmp icmp = echo_header(type, id, seq);

	pkt_icmp(p, &icmp);
	pkt_zeros(p, 16);
}

void pkt_icmpv6_echo(struct pkt *p, uint8_t type, uint16_t id, uint16_t seq)
{
	struct pkt_icmp icmp = echo_header(type, id, seq);

	pkt_icmpv6(p, &icmp);
	pkt_zeros(p, 16);
}

void pkt_nd(struct pkt *p, uint8_t type, const uint8_t target[16], const uint8_t lladdr[6])
{
	struct pkt_icmp icmp = {.type = type};
	uint8_t body[24] = {0};

	if (type == ICMP6_ND_NA)
		icmp.rest[0] = 0x60; /* solicited, override */
	memcpy(body, target, 16);
	body[16] = type == ICMP6_ND_NA ? 2 : 1; /* target / source link-layer address */
	body[17] = 1;
	memcpy(body + 18, lladdr, 6);
	pkt_icmpv6(p, &icmp);
	pkt_bytes(p, body, sizeof(body));
}

void pkt_set_next(struct pkt *p, uint8_t proto)
{
	pkt_link8(p, proto);
}

void pkt_bytes(struct pkt *p, const void *data, size_t len)
{
	size_t off = p->len;
	uint8_t *h = pkt_put(p, len);

	if (!h)
		return;
	memcpy(h, data, len);
	pkt_add_layer(p, PKT_L_RAW, off, false);
}

void pkt_zeros(struct pkt *p, size_t len)
{
	size_t off = p->len;

	if (!pkt_put(p, len))
		return;
	pkt_add_layer(p, PKT_L_RAW, off, false);
}

static uint32_t csum_add(uint32_t sum, const uint8_t *data, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += get16(data + i);
	if (len & 1)
		sum += (uint32_t)data[len - 1] << 8;
	return sum;
}

uint16_t pkt_csum(const void *data, size_t len, uint32_t sum)
{
	sum = csum_add(sum, data, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* The IP layer that carries layer @i: the nearest IPv4 or IPv6 layer before it. */
static const struct pkt_layer *enclosing_ip(const struct pkt *p, int i)
{
	while (--i >= 0) {
		if (p->layers[i].kind == PKT_L_IPV4 || p->layers[i].kind == PKT_L_IPV6)
			return &p->layers[i];
	}
	return NULL;
}

static uint32_t pseudo_header_sum(const struct pkt *p, const struct pkt_layer *ip, uint8_t proto,
				  size_t l4_len)
{
	uint8_t ph[40] = {0};
	const uint8_t *h = p->buf + ip->off;

	if (ip->kind == PKT_L_IPV4) {
		memcpy(ph, h + 12, 8);
		ph[9] = proto;
		put16(ph + 10, (uint16_t)l4_len);
		return csum_add(0, ph, 12);
	}
	memcpy(ph, h + 8, 32);
	return csum_add(csum_add(0, ph, 32),
			(const uint8_t[8]){(uint8_t)(l4_len >> 24), (uint8_t)(l4_len >> 16),
					   (uint8_t)(l4_len >> 8), (uint8_t)l4_len, 0, 0, 0, proto},
			8);
}

/* Write the checksum at @csum_off of the L4 message of layer @i. */
static void finish_l4(struct pkt *p, int i, uint8_t proto, size_t csum_off, bool pseudo)
{
	const struct pkt_layer *l = &p->layers[i];
	const struct pkt_layer *ip = enclosing_ip(p, i);
	size_t len = p->len - l->off;
	uint32_t sum = 0;
	uint16_t csum;

	if (pseudo && ip)
		sum = pseudo_header_sum(p, ip, proto, len);
	put16(p->buf + l->off + csum_off, 0);
	csum = pkt_csum(p->buf + l->off, len, sum);
	if (proto == PKT_PROTO_UDP && csum == 0)
		csum = 0xffff;
	put16(p->buf + l->off + csum_off, csum);
}

static void finish_ipv4(struct pkt *p, const struct pkt_layer *l)
{
	uint8_t *h = p->buf + l->off;
	size_t hlen = (size_t)(h[0] & 0xf) * 4;
	size_t total = p->len - l->off;

	if (!l->keep_len)
		put16(h + 2, (uint16_t)(total > 0xffff ? 0xffff : total));
	if (hlen < 20)
		hlen = 20;
	if (hlen > total)
		hlen = total;
	put16(h + 10, 0);
	put16(h + 10, pkt_csum(h, hlen, 0));
}

static void finish_layer(struct pkt *p, int i)
{
	const struct pkt_layer *l = &p->layers[i];

	switch (l->kind) {
	case PKT_L_IPV4:
		finish_ipv4(p, l);
		break;
	case PKT_L_IPV6:
		if (!l->keep_len)
			put16(p->buf + l->off + 4, (uint16_t)(p->len - l->off - 40));
		break;
	case PKT_L_TCP:
		finish_l4(p, i, PKT_PROTO_TCP, 16, true);
		break;
	case PKT_L_UDP:
		if (!l->keep_len)
			put16(p->buf + l->off + 4, (uint16_t)(p->len - l->off));
		finish_l4(p, i, PKT_PROTO_UDP, 6, true);
		break;
	case PKT_L_ICMP:
		finish_l4(p, i, PKT_PROTO_ICMP, 2, false);
		break;
	case PKT_L_ICMPV6:
		finish_l4(p, i, PKT_PROTO_ICMPV6, 2, true);
		break;
	default:
		break;
	}
}

size_t pkt_finish(struct pkt *p)
{
	if (p->overflow)
		return 0;
	for (int i = p->nlayers - 1; i >= 0; i--)
		finish_layer(p, i);
	return p->len;
}

long pkt_layer_off(const struct pkt *p, enum pkt_layer_kind kind, int nth)
{
	for (int i = 0; i < p->nlayers; i++) {
		if (p->layers[i].kind == kind && nth-- == 0)
			return (long)p->layers[i].off;
	}
	return -1;
}
