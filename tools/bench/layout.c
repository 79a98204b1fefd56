// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The benchmark's devices, rules and packets (see layout.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layout.h"

uint32_t bench_dev_addr(uint32_t i)
{
	return 0xc6120000U + i + 1;
}

void bench_dev_mac(uint32_t i, uint8_t mac[6])
{
	const uint8_t base[6] = { 0x02, 0, 0, 0, (uint8_t)((i + 1) >> 8), (uint8_t)(i + 1) };

	memcpy(mac, base, 6);
}

void bench_gw_mac(uint8_t mac[6])
{
	const uint8_t gw[6] = { 0x02, 0, 0, 0xff, 0, 0x01 };

	memcpy(mac, gw, 6);
}

uint32_t bench_measured_device(uint32_t ndevices)
{
	return ndevices / 2;
}

void bench_flow_frame(uint32_t dev, enum bench_flow_dir dir, uint16_t dport, uint8_t flags,
		      struct bench_frame *frame)
{
	struct bench_tcp4 t = { .flags = flags };

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

static void print_addr(FILE *f, uint32_t a)
{
	fprintf(f, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void print_device(FILE *f, uint32_t i, uint32_t nrules)
{
	uint8_t mac[6];

	bench_dev_mac(i, mac);
	fprintf(f, "  - name: d%u\n    mac: \"%02x:%02x:%02x:%02x:%02x:%02x\"\n    ipv4: [", i,
		mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	print_addr(f, bench_dev_addr(i));
	fprintf(f, "]\n    outbound:\n");
	for (uint32_t k = 0; k + 1 < nrules; k++) {
		fprintf(f, "      - to: [");
		print_addr(f, BENCH_OTHER_NET + (k << 8));
		fprintf(f, "/24]\n        proto: tcp\n        ports: [%u]\n", BENCH_OTHER_PORT + k);
	}
	fprintf(f, "      - to: [");
	print_addr(f, BENCH_PEER);
	fprintf(f, "/%d]\n        proto: tcp\n        ports: [%d]\n", BENCH_PEER_PLEN, BENCH_PORT);
}

char *bench_policy_yaml(const char *iface, uint32_t ndevices, uint32_t nrules)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;

	fprintf(f, "version: 1\ninterfaces:\n  - name: %s\n    unknown_hosts: pass\ndevices:\n",
		iface);
	for (uint32_t i = 0; i < ndevices; i++)
		print_device(f, i, nrules);

	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
