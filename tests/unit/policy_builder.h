/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Builds struct ward_policy values directly in C for the unit tests of the
 * compiler and the evaluator, so they can state a policy in a few lines
 * without going through YAML. Every helper aborts the test on a bad literal
 * or when memory runs out. pb_free() releases what pb_new() and the other
 * helpers allocated.
 *
 * A pointer returned by pb_rule() stays valid until the next pb_rule() on the
 * same device and direction; device pointers stay valid until pb_free().
 */
#ifndef WARD_TEST_POLICY_BUILDER_H
#define WARD_TEST_POLICY_BUILDER_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "policy.h"
#include "prefix.h"

#define PB_TCP	  6
#define PB_UDP	  17
#define PB_ICMP	  1
#define PB_ICMPV6 58

static inline void *pb_grow(void *p, size_t n, size_t size)
{
	p = realloc(p, n * size);
	assert_non_null(p);
	return p;
}

/* A policy with @nifaces interfaces (dev0, dev1, ...) and room for @max_devices. */
static inline struct ward_policy *pb_new(size_t nifaces, size_t max_devices)
{
	struct ward_policy *p = calloc(1, sizeof(*p));
	size_t i;

	assert_non_null(p);
	p->ifaces = calloc(nifaces ? nifaces : 1, sizeof(*p->ifaces));
	p->devices = calloc(max_devices ? max_devices : 1, sizeof(*p->devices));
	assert_non_null(p->ifaces);
	assert_non_null(p->devices);
	p->nifaces = nifaces;
	for (i = 0; i < nifaces; i++) {
		snprintf(p->ifaces[i].name, sizeof(p->ifaces[i].name), "dev%zu", i);
		p->ifaces[i].unknown_hosts = WARD_UNKNOWN_AUDIT;
		p->ifaces[i].pos.line = (uint32_t)(2 + i);
		p->ifaces[i].pos.col = 5;
	}
	p->timeout_s[WARD_TMO_TCP_ESTABLISHED] = 3600;
	p->timeout_s[WARD_TMO_TCP_TRANSITORY] = 120;
	p->timeout_s[WARD_TMO_UDP] = 60;
	p->timeout_s[WARD_TMO_ICMP] = 30;
	p->timeout_s[WARD_TMO_OTHER] = 60;
	return p;
}

static inline struct ward_device *pb_device(struct ward_policy *p, const char *name, uint32_t iface)
{
	struct ward_device *dev = &p->devices[p->ndevices];

	memset(dev, 0, sizeof(*dev));
	dev->name = strdup(name);
	assert_non_null(dev->name);
	dev->iface = iface;
	dev->criticality = WARD_CRIT_CLINICAL;
	dev->mode = WARD_MODE_ENFORCE;
	dev->pos.line = (uint32_t)(100 + 10 * p->ndevices);
	dev->pos.col = 5;
	p->ndevices++;
	return dev;
}

static inline void pb_addr(const char *text, uint8_t out[16], bool want_v4)
{
	bool is_v4;

	assert_int_equal(ward_ip_parse(text, out, &is_v4), 0);
	assert_int_equal(is_v4, want_v4);
}

static inline void pb_ipv4(struct ward_device *dev, const char *text)
{
	dev->ipv4 = pb_grow(dev->ipv4, dev->nipv4 + 1, sizeof(*dev->ipv4));
	pb_addr(text, dev->ipv4[dev->nipv4++], true);
}

static inline void pb_ipv6(struct ward_device *dev, const char *text)
{
	dev->ipv6 = pb_grow(dev->ipv6, dev->nipv6 + 1, sizeof(*dev->ipv6));
	pb_addr(text, dev->ipv6[dev->nipv6++], false);
}

static inline void pb_mac_bytes(uint8_t mac[6], const char *text)
{
	unsigned int b[6];
	int i;

	assert_int_equal(
		sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]), 6);
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
}

static inline void pb_mac(struct ward_device *dev, const char *text)
{
	dev->has_mac = true;
	pb_mac_bytes(dev->mac, text);
}

/* A rule with no peer yet, appended to the device's rules of @dir. */
static inline struct ward_rule *pb_rule(struct ward_device *dev, int dir, int proto)
{
	struct ward_rule *rule;
	size_t n = dev->nrules[dir];

	dev->rules[dir] = pb_grow(dev->rules[dir], n + 1, sizeof(*dev->rules[dir]));
	rule = &dev->rules[dir][n];
	memset(rule, 0, sizeof(*rule));
	rule->proto = proto;
	rule->pos.line = (uint32_t)(1000 + n);
	rule->pos.col = (uint32_t)(7 + dir);
	dev->nrules[dir] = n + 1;
	return rule;
}

/* Add a peer: an address, a CIDR, or "any". */
static inline void pb_peer(struct ward_rule *rule, const char *text)
{
	struct ward_prefix *pfx;
	char addr[64];
	const char *slash = strchr(text, '/');
	int plen = -1;

	rule->peers = pb_grow(rule->peers, rule->npeers + 1, sizeof(*rule->peers));
	pfx = &rule->peers[rule->npeers++];
	memset(pfx, 0, sizeof(*pfx));
	if (!strcmp(text, "any"))
		return;

	snprintf(addr, sizeof(addr), "%.*s", slash ? (int)(slash - text) : (int)strlen(text), text);
	assert_int_equal(ward_ip_parse(addr, pfx->addr, &pfx->is_v4), 0);
	if (slash)
		plen = atoi(slash + 1);
	if (plen < 0)
		plen = pfx->is_v4 ? 32 : 128;
	pfx->plen = (uint8_t)(pfx->is_v4 ? 96 + plen : plen);
	ward_bits_mask(pfx->addr, sizeof(pfx->addr), pfx->plen);
}

static inline void pb_ports(struct ward_rule *rule, uint16_t lo, uint16_t hi)
{
	rule->ports = pb_grow(rule->ports, rule->nports + 1, sizeof(*rule->ports));
	rule->ports[rule->nports].lo = lo;
	rule->ports[rule->nports].hi = hi;
	rule->nports++;
}

static inline void pb_icmp(struct ward_rule *rule, uint8_t type)
{
	rule->icmp_types = pb_grow(rule->icmp_types, rule->nicmp + 1, 1);
	rule->icmp_types[rule->nicmp++] = type;
}

static inline void pb_free(struct ward_policy *p)
{
	size_t i, j;
	int dir;

	for (i = 0; i < p->ndevices; i++) {
		struct ward_device *dev = &p->devices[i];

		for (dir = 0; dir < WARD_DIR_COUNT; dir++) {
			for (j = 0; j < dev->nrules[dir]; j++) {
				free(dev->rules[dir][j].peers);
				free(dev->rules[dir][j].ports);
				free(dev->rules[dir][j].icmp_types);
				free(dev->rules[dir][j].service);
			}
			free(dev->rules[dir]);
		}
		free(dev->name);
		free(dev->ipv4);
		free(dev->ipv6);
	}
	free(p->devices);
	free(p->ifaces);
	free(p);
}

#endif /* WARD_TEST_POLICY_BUILDER_H */
