// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The baselines of `make bench`: an XDP program and a TC program that do
 * nothing but let the packet through. Timed with BPF_PROG_TEST_RUN on the
 * same packet as the program under test, they measure what the test run
 * itself costs (the loop, the context, the call), which the benchmark
 * subtracts so that each figure is the program's own cost.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int bare_xdp(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int bare_tc(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
