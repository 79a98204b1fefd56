// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * BPF_PROG_TEST_RUN on crafted frames, pinned to one CPU.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "testrun.h"

#define ETH_HLEN  14
#define IPV4_HLEN 20
#define TCP_HLEN  20

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t ipv4_checksum(const uint8_t *hdr)
{
	uint32_t sum = 0;

	for (int i = 0; i < IPV4_HLEN; i += 2)
		sum += (uint32_t)hdr[i] << 8 | hdr[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void bench_build_tcp4(const struct bench_tcp4 *spec, struct bench_frame *frame)
{
	uint8_t *eth = frame->data, *ip = eth + ETH_HLEN, *tcp = ip + IPV4_HLEN;

	memset(frame, 0, sizeof(*frame));
	frame->len = ETH_HLEN + IPV4_HLEN + TCP_HLEN;

	memcpy(eth, spec->dst_mac, 6);
	memcpy(eth + 6, spec->src_mac, 6);
	put16(eth + 12, 0x0800);

	ip[0] = 0x45;
	put16(ip + 2, IPV4_HLEN + TCP_HLEN);
	put16(ip + 4, 1);
	ip[8] = 64;
	ip[9] = 6;
	put32(ip + 12, spec->saddr);
	put32(ip + 16, spec->daddr);
	put16(ip + 10, ipv4_checksum(ip));

	put16(tcp, spec->sport);
	put16(tcp + 2, spec->dport);
	put32(tcp + 4, 1000);
	put32(tcp + 8, spec->flags & BENCH_TCP_ACK ? 2000 : 0);
	tcp[12] = (TCP_HLEN / 4) << 4;
	tcp[13] = spec->flags;
	put16(tcp + 14, 65535);
}

int bench_pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	return 0;
}

int bench_test_run(int fd, enum bench_hook hook, const struct bench_frame *frame, int ifindex,
		   uint32_t repeat, struct bench_run *out)
{
	uint8_t data_out[BENCH_FRAME_MAX];
	struct xdp_md xdp = {.data_end = (uint32_t)frame->len, .ingress_ifindex = ifindex};
	struct __sk_buff skb = {.ifindex = ifindex};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame->data, .data_size_in = frame->len,
		    .data_out = data_out, .data_size_out = sizeof(data_out), .repeat = repeat);

	if (hook == BENCH_XDP && ifindex) {
		opts.ctx_in = &xdp;
		opts.ctx_size_in = sizeof(xdp);
	} else if (hook == BENCH_TC && ifindex) {
		opts.ctx_in = &skb;
		opts.ctx_size_in = sizeof(skb);
	}

	if (bpf_prog_test_run_opts(fd, &opts))
		return -errno;

	out->duration_ns = opts.duration;
	out->retval = opts.retval;
	return 0;
}
