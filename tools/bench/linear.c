// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Filling the linear-scan filter with the benchmark's rules.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "layout.h"
#include "linear.h"

/* Mirrors struct linear_rule of bpf/bench.bpf.c. */
struct linear_rule {
	uint32_t src;
	uint32_t dst;
	uint32_t dst_mask;
	uint16_t dport_lo;
	uint16_t dport_hi;
	uint8_t proto;
	uint8_t pad[3];
};

_Static_assert(sizeof(struct linear_rule) == 20, "struct linear_rule");

static void layout_rule(uint32_t dev, uint32_t k, uint32_t nrules, struct linear_rule *r)
{
	uint32_t net = BENCH_OTHER_NET + (k << 8), plen = 24;
	uint16_t port = BENCH_OTHER_PORT + k;

	if (k + 1 == nrules) {
		net = BENCH_PEER;
		plen = BENCH_PEER_PLEN;
		port = BENCH_PORT;
	}
	r->src = htonl(bench_dev_addr(dev));
	r->dst_mask = htonl(~0U << (32 - plen));
	r->dst = htonl(net);
	r->dport_lo = port;
	r->dport_hi = port;
	r->proto = 6;
}

int bench_linear_fill(struct bench_bpf *skel, uint32_t ndevices, uint32_t nrules)
{
	int fd = bpf_map__fd(skel->maps.linear_rules);
	struct linear_rule rule = {};
	uint32_t key;

	if ((uint64_t)ndevices * nrules > bpf_map__max_entries(skel->maps.linear_rules))
		return -E2BIG;

	for (uint32_t d = 0; d < ndevices; d++) {
		for (uint32_t k = 0; k < nrules; k++) {
			key = d * nrules + k;
			layout_rule(d, k, nrules, &rule);
			if (bpf_map_update_elem(fd, &key, &rule, BPF_ANY))
				return -errno;
		}
	}
	return 0;
}

int bench_linear_prepare(void *arg)
{
	struct bench_linear_size *size = arg;

	size->skel->bss->linear_nrules = size->nrules;
	return 0;
}
