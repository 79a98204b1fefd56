// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The address, prefix and port-range helpers declared in prefix.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "prefix.h"

static const uint8_t v4_mapped_head[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

bool ward_bits_equal(const uint8_t *a, const uint8_t *b, unsigned int plen)
{
	unsigned int whole = plen / 8;
	unsigned int rest = plen % 8;
	uint8_t mask;

	if (memcmp(a, b, whole))
		return false;
	if (!rest)
		return true;

	mask = (uint8_t)(0xff << (8 - rest));
	return ((a[whole] ^ b[whole]) & mask) == 0;
}

void ward_bits_mask(uint8_t *bits, size_t nbytes, unsigned int plen)
{
	size_t i;

	for (i = 0; i < nbytes; i++) {
		if (plen >= 8 * (i + 1))
			continue;
		if (plen <= 8 * i)
			bits[i] = 0;
		else
			bits[i] &= (uint8_t)(0xff << (8 * (i + 1) - plen));
	}
}

bool ward_prefix_contains(const struct ward_prefix *prefix, const uint8_t addr[16])
{
	return ward_bits_equal(prefix->addr, addr, prefix->plen);
}

bool ward_ip_is_v4(const uint8_t addr[16])
{
	return !memcmp(addr, v4_mapped_head, sizeof(v4_mapped_head));
}

void ward_ip_from_v4(uint8_t out[16], const uint8_t v4[4])
{
	memcpy(out, v4_mapped_head, sizeof(v4_mapped_head));
	memcpy(out + 12, v4, 4);
}

int ward_ip_parse(const char *text, uint8_t out[16], bool *is_v4)
{
	uint8_t v4[4];

	if (inet_pton(AF_INET, text, v4) == 1) {
		ward_ip_from_v4(out, v4);
		*is_v4 = true;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out) == 1) {
		*is_v4 = false;
		return 0;
	}
	return -EINVAL;
}

void ward_ip_format(const uint8_t addr[16], char *buf)
{
	if (ward_ip_is_v4(addr))
		inet_ntop(AF_INET, addr + 12, buf, WARD_IP_STR_MAX);
	else
		inet_ntop(AF_INET6, addr, buf, WARD_IP_STR_MAX);
}

void ward_prefix_format(const struct ward_prefix *prefix, char *buf, size_t size)
{
	char addr[WARD_IP_STR_MAX];
	unsigned int plen = prefix->plen;
	unsigned int host_len = 128;

	if (plen == 0) {
		snprintf(buf, size, "any");
		return;
	}

	ward_ip_format(prefix->addr, addr);
	if (prefix->is_v4) {
		plen -= 96;
		host_len = 32;
	}
	if (plen == host_len)
		snprintf(buf, size, "%s", addr);
	else
		snprintf(buf, size, "%s/%u", addr, plen);
}

/* The largest power-of-two block that starts at @lo and ends at or before @hi. */
static unsigned int block_bits(uint32_t lo, uint32_t hi)
{
	unsigned int bits = 0;

	while (bits < 16) {
		uint32_t size = 1U << (bits + 1);

		if (lo & (size - 1))
			break;
		if (lo + size - 1 > hi)
			break;
		bits++;
	}
	return bits;
}

size_t ward_port_range_prefixes(uint16_t lo, uint16_t hi,
				struct ward_port_prefix out[WARD_PORT_PREFIXES_MAX])
{
	uint32_t next = lo;
	size_t n = 0;

	while (next <= hi && n < WARD_PORT_PREFIXES_MAX) {
		unsigned int bits = block_bits(next, hi);

		out[n].port = (uint16_t)next;
		out[n].plen = (uint8_t)(16 - bits);
		n++;
		next += 1U << bits;
	}
	return n;
}
