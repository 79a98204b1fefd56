// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Parsing and printing the addresses, ports, protocols and ICMP types that
 * policy values are written in.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"

static const uint8_t v4_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

struct icmp_name {
	const char *name;
	uint8_t type;
};

static const struct icmp_name icmp4_types[] = {
	{"echo-reply", 0},	     {"dest-unreachable", 3},
	{"source-quench", 4},	     {"redirect", 5},
	{"echo-request", 8},	     {"router-advertisement", 9},
	{"router-solicitation", 10}, {"time-exceeded", 11},
	{"parameter-problem", 12},   {"timestamp", 13},
	{"timestamp-reply", 14},     {"info-request", 15},
	{"info-reply", 16},	     {"address-mask-request", 17},
	{"address-mask-reply", 18},
};

static const struct icmp_name icmp6_types[] = {
	{"dest-unreachable", 1},
	{"packet-too-big", 2},
	{"time-exceeded", 3},
	{"parameter-problem", 4},
	{"echo-request", 128},
	{"echo-reply", 129},
	{"mld-query", 130},
	{"mld-report", 131},
	{"mld-done", 132},
	{"router-solicitation", 133},
	{"router-advertisement", 134},
	{"neighbor-solicitation", 135},
	{"neighbor-advertisement", 136},
	{"redirect", 137},
	{"mldv2-report", 143},
};

#define NICMP4 (sizeof(icmp4_types) / sizeof(icmp4_types[0]))
#define NICMP6 (sizeof(icmp6_types) / sizeof(icmp6_types[0]))

const char *ward_icmp_name_at(size_t i, bool v6)
{
	if (v6)
		return i < NICMP6 ? icmp6_types[i].name : NULL;
	return i < NICMP4 ? icmp4_types[i].name : NULL;
}

bool ward_parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static void mask_prefix(uint8_t addr[16], unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen > 8 * i)
			addr[i] &= (uint8_t)(0xff << (8 * (i + 1) - plen));
		else
			addr[i] = 0;
	}
}

/* Parse the address part of @s (up to @len bytes) into @p, setting its family and full length. */
static bool parse_host(const char *s, size_t len, struct ward_prefix *p)
{
	char text[WARD_ADDR_STRLEN];

	if (len == 0 || len >= sizeof(text))
		return false;
	memcpy(text, s, len);
	text[len] = '\0';
	memset(p, 0, sizeof(*p));
	if (inet_pton(AF_INET, text, p->addr + 12) == 1) {
		memcpy(p->addr, v4_mapped, sizeof(v4_mapped));
		p->is_v4 = true;
		p->plen = 128;
		return true;
	}
	if (inet_pton(AF_INET6, text, p->addr) == 1) {
		p->plen = 128;
		return true;
	}
	return false;
}

enum ward_addr_status ward_addr_parse(const char *s, struct ward_prefix *out, bool *has_len)
{
	const char *slash = strchr(s, '/');
	uint8_t masked[16];
	uint32_t plen;

	*has_len = slash != NULL;
	if (!parse_host(s, slash ? (size_t)(slash - s) : strlen(s), out))
		return WARD_ADDR_BAD;
	if (!out->is_v4 && !memcmp(out->addr, v4_mapped, sizeof(v4_mapped)))
		return WARD_ADDR_MAPPED;
	if (!slash)
		return WARD_ADDR_OK;

	if (!ward_parse_u32(slash + 1, &plen) || plen > (out->is_v4 ? 32U : 128U))
		return WARD_ADDR_BAD_PLEN;
	out->plen = (uint8_t)(out->is_v4 ? 96 + plen : plen);
	memcpy(masked, out->addr, sizeof(masked));
	mask_prefix(masked, out->plen);
	if (memcmp(masked, out->addr, sizeof(masked))) {
		memcpy(out->addr, masked, sizeof(masked));
		return WARD_ADDR_HOST_BITS;
	}
	return WARD_ADDR_OK;
}

bool ward_addr_lookalike(const char *s)
{
	bool digit = false;

	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			digit = true;
		else if (!strchr(".:/abcdefABCDEF", *s))
			return false;
	}
	return digit;
}

const char *ward_addr_format(const struct ward_prefix *p, char *buf, size_t size)
{
	char text[INET6_ADDRSTRLEN];
	unsigned int base = p->is_v4 ? 96 : 0;

	if (p->is_v4)
		inet_ntop(AF_INET, p->addr + 12, text, sizeof(text));
	else
		inet_ntop(AF_INET6, p->addr, text, sizeof(text));
	if (p->plen == 128)
		snprintf(buf, size, "%s", text);
	else
		snprintf(buf, size, "%s/%u", text, p->plen - base);
	return buf;
}

/* Whether the first @plen bits of @a and @b are equal. */
static bool same_bits(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int bytes = plen / 8, rest = plen % 8;
	uint8_t mask;

	if (memcmp(a, b, bytes))
		return false;
	if (!rest)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

bool ward_addr_covers(const struct ward_prefix *outer, const struct ward_prefix *inner)
{
	return outer->plen <= inner->plen && same_bits(outer->addr, inner->addr, outer->plen);
}

bool ward_addr_has_v4(const struct ward_prefix *p)
{
	unsigned int n = p->plen < 96 ? p->plen : 96;

	return same_bits(p->addr, v4_mapped, n);
}

bool ward_addr_has_v6(const struct ward_prefix *p)
{
	return p->plen < 96 || !same_bits(p->addr, v4_mapped, 96);
}

int ward_addr_cmp(const struct ward_prefix *a, const struct ward_prefix *b)
{
	int c = memcmp(a->addr, b->addr, sizeof(a->addr));

	if (c)
		return c;
	return (int)a->plen - (int)b->plen;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum ward_mac_status ward_mac_parse(const char *s, uint8_t mac[6])
{
	char sep = s[0] && s[1] ? s[2] : '\0';
	int i, hi, lo;

	if (strlen(s) != 17 || (sep != ':' && sep != '-'))
		return WARD_MAC_BAD;
	for (i = 0; i < 6; i++) {
		hi = hex_digit(s[3 * i]);
		lo = hex_digit(s[3 * i + 1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != sep))
			return WARD_MAC_BAD;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	if (mac[0] & 1)
		return WARD_MAC_GROUP;
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return WARD_MAC_ZERO;
	return WARD_MAC_OK;
}

static enum ward_port_status port_number(const char *s, uint16_t *out)
{
	uint32_t v;

	if (!ward_parse_u32(s, &v)) {
		/* A long run of digits is a number out of range, not gibberish. */
		if (*s && strspn(s, "0123456789") == strlen(s))
			return WARD_PORT_RANGE;
		return WARD_PORT_BAD;
	}
	if (v < 1 || v > 65535)
		return WARD_PORT_RANGE;
	*out = (uint16_t)v;
	return WARD_PORT_OK;
}

enum ward_port_status ward_port_parse(const char *s, struct ward_port_range *out)
{
	const char *dash = strchr(s, '-');
	enum ward_port_status st;
	char lo[12];
	size_t n;

	if (!dash) {
		st = port_number(s, &out->lo);
		out->hi = out->lo;
		return st;
	}
	n = (size_t)(dash - s);
	if (n == 0 || n >= sizeof(lo))
		return WARD_PORT_BAD;
	memcpy(lo, s, n);
	lo[n] = '\0';
	st = port_number(lo, &out->lo);
	if (st == WARD_PORT_OK)
		st = port_number(dash + 1, &out->hi);
	if (st == WARD_PORT_OK && out->lo > out->hi)
		return WARD_PORT_BACKWARDS;
	return st;
}

int ward_proto_parse(const char *s)
{
	static const struct {
		const char *name;
		int proto;
	} names[] = {
		{"tcp", WARD_IPPROTO_TCP},   {"udp", WARD_IPPROTO_UDP},
		{"icmp", WARD_IPPROTO_ICMP}, {"icmpv6", WARD_IPPROTO_ICMPV6},
		{"any", WARD_PROTO_ANY},
	};
	uint32_t v;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].proto;
	if (ward_parse_u32(s, &v) && v <= 255)
		return (int)v;
	return WARD_PROTO_BAD;
}

const char *ward_proto_name(int proto, char *buf, size_t size)
{
	switch (proto) {
	case WARD_PROTO_ANY:
		return "any";
	case WARD_IPPROTO_TCP:
		return "tcp";
	case WARD_IPPROTO_UDP:
		return "udp";
	case WARD_IPPROTO_ICMP:
		return "icmp";
	case WARD_IPPROTO_ICMPV6:
		return "icmpv6";
	}
	snprintf(buf, size, "%d", proto);
	return buf;
}

const char *ward_icmp_name(unsigned int type, bool v6)
{
	const struct icmp_name *types = v6 ? icmp6_types : icmp4_types;
	size_t n = v6 ? NICMP6 : NICMP4;
	size_t i;

	for (i = 0; i < n; i++)
		if (types[i].type == type)
			return types[i].name;
	return NULL;
}

bool ward_icmp_is_error(int proto, unsigned int type)
{
	if (proto == WARD_IPPROTO_ICMP)
		return type == 3 || type == 11 || type == 12;
	if (proto == WARD_IPPROTO_ICMPV6)
		return type >= 1 && type <= 4;
	return false;
}

int ward_icmp_parse(const char *s, bool v6)
{
	const struct icmp_name *types = v6 ? icmp6_types : icmp4_types;
	size_t n = v6 ? NICMP6 : NICMP4;
	uint32_t v;
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, types[i].name))
			return types[i].type;
	if (!strcmp(s, "neighbour-solicitation") && v6)
		return 135;
	if (!strcmp(s, "neighbour-advertisement") && v6)
		return 136;
	if (ward_parse_u32(s, &v) && v <= 255)
		return (int)v;
	return -1;
}
