/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Small helpers on the 16-byte address form of include/ward_abi.h (IPv4 held
 * IPv4-mapped), on prefixes over it, and on port ranges: containment, masking,
 * parsing and printing addresses, and cutting a port range into the prefixes
 * that cover it exactly, as the LPM tries of the datapath need.
 */
#ifndef WARD_PREFIX_H
#define WARD_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "policy.h"

/* Enough for "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" and its NUL. */
#define WARD_IP_STR_MAX 46

/* A range of 16-bit ports needs at most this many prefixes (2 * 16 - 2). */
#define WARD_PORT_PREFIXES_MAX 30

/* A prefix over the 16-bit port space: the ports whose top @plen bits are @port's. */
struct ward_port_prefix {
	uint16_t port;
	uint8_t plen; /* 0..16 */
};

/* True when the first @plen bits of @a and @b are equal. */
bool ward_bits_equal(const uint8_t *a, const uint8_t *b, unsigned int plen);

/* Clear every bit of @bits (of @nbytes bytes) after the first @plen. */
void ward_bits_mask(uint8_t *bits, size_t nbytes, unsigned int plen);

/* True when @addr is inside @prefix (both in the 16-byte form). */
bool ward_prefix_contains(const struct ward_prefix *prefix, const uint8_t addr[16]);

/* True when @addr is IPv4-mapped (::ffff:a.b.c.d). */
bool ward_ip_is_v4(const uint8_t addr[16]);

/* Set @out to the IPv4-mapped form of the IPv4 address @v4 (network order bytes). */
void ward_ip_from_v4(uint8_t out[16], const uint8_t v4[4]);

/*
 * Parse an IPv4 or IPv6 host address into the 16-byte form. Returns 0, or
 * -EINVAL when @text is not an address.
 */
int ward_ip_parse(const char *text, uint8_t out[16], bool *is_v4);

/* Write @addr as text into @buf (WARD_IP_STR_MAX bytes): dotted for IPv4-mapped. */
void ward_ip_format(const uint8_t addr[16], char *buf);

/* Write @prefix as text ("198.18.0.0/24", "2001:db8::/32", "any" for ::/0). */
void ward_prefix_format(const struct ward_prefix *prefix, char *buf, size_t size);

/*
 * Fill @out with the fewest prefixes that together cover exactly the ports
 * @lo to @hi (lo <= hi), in increasing order. Returns how many (at most
 * WARD_PORT_PREFIXES_MAX), or 0 when lo > hi.
 */
size_t ward_port_range_prefixes(uint16_t lo, uint16_t hi,
				struct ward_port_prefix out[WARD_PORT_PREFIXES_MAX]);

#endif /* WARD_PREFIX_H */
