// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The benchmark's devices, rules and packets (see layout.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"
#include "policy.h"

uint32_t bench_dev_addr(uint32_t i)
{
	return 0xc6120000U + i + 1;
}

void bench_dev_mac(uint32_t i, uint8_t mac[6])
{
	const uint8_t base[6] = {0x02, 0, 0, 0, (uint8_t)((i + 1) >> 8), (uint8_t)(i + 1)};

	memcpy(mac, base, 6);
}

void bench_gw_mac(uint8_t mac[6])
{
	const uint8_t gw[6] = {0x02, 0, 0, 0xff, 0, 0x01};

	memcpy(mac, gw, 6);
}

uint32_t bench_measured_device(uint32_t ndevices)
{
	return ndevices / 2;
}

void bench_flow_frame(uint32_t dev, enum bench_flow_dir dir, uint16_t dport, uint8_t flags,
		      struct bench_frame *frame)
{
	struct bench_tcp4 t = {.flags = flags};

	if (dir == BENCH_FROM_DEVICE) {
		bench_dev_mac(dev, t.src_mac);
		bench_gw_mac(t.dst_mac);
		t.saddr = bench_dev_addr(dev);
		t.daddr = BENCH_PEER_HOST;
		t.sport = BENCH_DEV_PORT;
		t.dport = dport;
	} else {
		bench_gw_mac(t.src_mac);
		bench_dev_mac(dev, t.dst_mac);
		t.saddr = BENCH_PEER_HOST;
		t.daddr = bench_dev_addr(dev);
		t.sport = dport;
		t.dport = BENCH_DEV_PORT;
	}
	bench_build_tcp4(&t, frame);
}

static void mapped_v4(uint32_t addr, uint8_t out[16])
{
	memset(out, 0, 16);
	out[10] = 0xff;
	out[11] = 0xff;
	out[12] = addr >> 24;
	out[13] = (addr >> 16) & 0xff;
	out[14] = (addr >> 8) & 0xff;
	out[15] = addr & 0xff;
}

static int build_rule(struct ward_rule *rule, uint32_t k, uint32_t nrules)
{
	uint32_t net = BENCH_OTHER_NET + (k << 8), plen = 24;
	uint16_t port = BENCH_OTHER_PORT + k;

	if (k + 1 == nrules) {
		net = BENCH_PEER;
		plen = BENCH_PEER_PLEN;
		port = BENCH_PORT;
	}
	rule->peers = calloc(1, sizeof(*rule->peers));
	rule->ports = calloc(1, sizeof(*rule->ports));
	if (!rule->peers || !rule->ports)
		return -1;

	mapped_v4(net, rule->peers[0].addr);
	rule->peers[0].plen = (uint8_t)(96 + plen);
	rule->peers[0].is_v4 = true;
	rule->npeers = 1;
	rule->proto = 6;
	rule->ports[0] = (struct ward_port_range){port, port};
	rule->nports = 1;
	return 0;
}

static int build_device(struct ward_device *dev, uint32_t i, uint32_t nrules)
{
	if (asprintf(&dev->name, "d%u", i) < 0) {
		dev->name = NULL;
		return -1;
	}
	dev->has_mac = true;
	bench_dev_mac(i, dev->mac);
	dev->ipv4 = calloc(1, sizeof(*dev->ipv4));
	dev->rules[WARD_DIR_FROM_DEVICE] = calloc(nrules, sizeof(struct ward_rule));
	if (!dev->ipv4 || !dev->rules[WARD_DIR_FROM_DEVICE])
		return -1;

	mapped_v4(bench_dev_addr(i), dev->ipv4[0]);
	dev->nipv4 = 1;
	dev->criticality = WARD_CRIT_CLINICAL;
	dev->mode = WARD_MODE_ENFORCE;
	for (uint32_t k = 0; k < nrules; k++) {
		dev->nrules[WARD_DIR_FROM_DEVICE]++;
		if (build_rule(&dev->rules[WARD_DIR_FROM_DEVICE][k], k, nrules))
			return -1;
	}
	return 0;
}

struct ward_policy *bench_policy_build(const char *iface, uint32_t ndevices, uint32_t nrules)
{
	static const uint32_t timeouts[WARD_TMO_COUNT] = {3600, 120, 60, 30, 60};
	struct ward_policy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->ifaces = calloc(1, sizeof(*p->ifaces));
	p->devices = calloc(ndevices, sizeof(*p->devices));
	if (!p->ifaces || !p->devices)
		goto free_policy;

	p->nifaces = 1;
	snprintf(p->ifaces[0].name, sizeof(p->ifaces[0].name), "%s", iface);
	p->ifaces[0].unknown_hosts = WARD_UNKNOWN_PASS;
	memcpy(p->timeout_s, timeouts, sizeof(timeouts));
	for (uint32_t i = 0; i < ndevices; i++) {
		p->ndevices++;
		if (build_device(&p->devices[i], i, nrules))
			goto free_policy;
	}
	return p;

free_policy:
	ward_policy_free(p);
	return NULL;
}

void bench_policy_toggle_one(struct ward_policy *policy)
{
	struct ward_rule *rule = &policy->devices[0].rules[WARD_DIR_FROM_DEVICE][0];
	int step = rule->ports[0].lo == BENCH_OTHER_PORT ? 1 : -1;

	if (rule->nports != 1 ||
	    (rule->ports[0].lo != BENCH_OTHER_PORT && rule->ports[0].lo != BENCH_OTHER_PORT + 1))
		return;
	rule->ports[0].lo += step;
	rule->ports[0].hi += step;
}
