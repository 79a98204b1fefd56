/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The small languages inside policy values: IPv4 and IPv6 addresses and
 * CIDRs (kept in the 128-bit IPv4-mapped form of policy.h), MAC addresses,
 * ports and port ranges, protocols, ICMP and ICMPv6 types. Each parser says
 * what is wrong in a status the loader turns into a message.
 */
#ifndef WARD_ADDR_H
#define WARD_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

enum ward_addr_status {
	WARD_ADDR_OK,
	WARD_ADDR_BAD,	     /* not an address at all */
	WARD_ADDR_BAD_PLEN,  /* the prefix length is not a number in range */
	WARD_ADDR_HOST_BITS, /* bits set after the prefix; *out holds the masked prefix */
	WARD_ADDR_MAPPED,    /* an IPv6 spelling of an IPv4 address (::ffff:a.b.c.d) */
};

/* Parse "a.b.c.d", "a.b.c.d/n", "x::y" or "x::y/n". @has_len says whether "/n" was there. */
enum ward_addr_status ward_addr_parse(const char *s, struct ward_prefix *out, bool *has_len);

/* Whether @s looks like an attempt at an address rather than a name (digits, dots, colons). */
bool ward_addr_lookalike(const char *s);

#define WARD_ADDR_STRLEN 64 /* INET6_ADDRSTRLEN and "/128", with room */

/* Write @p as text, with "/n" unless it is a single address. Returns @buf. */
const char *ward_addr_format(const struct ward_prefix *p, char *buf, size_t size);

/* Whether @outer contains every address of @inner. */
bool ward_addr_covers(const struct ward_prefix *outer, const struct ward_prefix *inner);

/* Whether @p holds some IPv4 (resp. some IPv6, not IPv4-mapped) address. */
bool ward_addr_has_v4(const struct ward_prefix *p);
bool ward_addr_has_v6(const struct ward_prefix *p);

/* Order by address, then prefix length: for sorting and removing duplicates. */
int ward_addr_cmp(const struct ward_prefix *a, const struct ward_prefix *b);

enum ward_mac_status {
	WARD_MAC_OK,
	WARD_MAC_BAD,
	WARD_MAC_GROUP, /* multicast or broadcast: no device has it as its own */
	WARD_MAC_ZERO,
};

/* Parse "02:00:00:00:00:21" (or with '-'). */
enum ward_mac_status ward_mac_parse(const char *s, uint8_t mac[6]);

/* Parse a decimal number of at most 10 digits into *@out. Returns false when it is not one. */
bool ward_parse_u32(const char *s, uint32_t *out);

enum ward_port_status {
	WARD_PORT_OK,
	WARD_PORT_BAD,	     /* neither a number nor "lo-hi" */
	WARD_PORT_RANGE,     /* a number outside 1..65535 */
	WARD_PORT_BACKWARDS, /* lo above hi */
};

/* Parse "443" or "8000-8100". */
enum ward_port_status ward_port_parse(const char *s, struct ward_port_range *out);

#define WARD_PROTO_BAD -2

/* "tcp", "udp", "icmp", "icmpv6", "any" or 0..255; WARD_PROTO_BAD otherwise. */
int ward_proto_parse(const char *s);

/* The name of protocol @proto for messages ("tcp", "any", "47"). Returns @buf or a constant. */
const char *ward_proto_name(int proto, char *buf, size_t size);

#define WARD_IPPROTO_ICMP   1
#define WARD_IPPROTO_TCP    6
#define WARD_IPPROTO_UDP    17
#define WARD_IPPROTO_ICMPV6 58

/* An ICMP (@v6 false) or ICMPv6 type by name or number, or -1. */
int ward_icmp_parse(const char *s, bool v6);

/* The @i-th name of an ICMP (@v6 false) or ICMPv6 type, NULL past the last: for suggestions. */
const char *ward_icmp_name_at(size_t i, bool v6);

/*
 * Whether @type of protocol @proto (ICMP or ICMPv6) is an error message:
 * destination unreachable, packet too big, time exceeded, parameter problem.
 * Errors pass only when they quote a flow the device has open, whatever the
 * rules say (datapath.md, step 9).
 */
bool ward_icmp_is_error(int proto, unsigned int type);

/* The name of ICMP (@v6 false) or ICMPv6 type @type, or NULL when it has none. */
const char *ward_icmp_name(unsigned int type, bool v6);

#endif /* WARD_ADDR_H */
