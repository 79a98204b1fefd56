// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Helpers of `make bench` that are not part of ward:
 *
 * - bench_linear: what ward avoids. A filter that checks IPv4 rules one by
 *   one, in order, over an array, the way a rule list without indexes does.
 *   Its cost grows with the number of rules; the benchmark draws it next to
 *   ward's to show the difference.
 *
 * - bench_fresh: makes every run of BPF_PROG_TEST_RUN see a new flow. It
 *   rewrites the last two bytes of the destination address and a TCP port
 *   (the source port, or with fresh_vary_dport the destination port) from
 *   a counter, then tail-calls the program in slot 0 of bench_target (ward,
 *   or the bare baseline). With repeat = N, the program under test judges
 *   N distinct flows in one test run (2^31 before the counter comes back);
 *   varying the destination port also makes every denied packet's event a
 *   new kind, which event suppression does not hold back.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define LINEAR_MAX_RULES (1 << 18)
#define FRESH_PORT_BASE	 1024
#define FRESH_PORT_MASK	 0x7fff

/* One rule of the linear filter; addresses in network order, ports in host order. */
struct linear_rule {
	__u32 src;
	__u32 dst;
	__u32 dst_mask;
	__u16 dport_lo;
	__u16 dport_hi;
	__u8 proto;
	__u8 pad[3];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LINEAR_MAX_RULES);
	__type(key, __u32);
	__type(value, struct linear_rule);
} linear_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} bench_target SEC(".maps");

__u32 linear_nrules;
__u32 fresh_counter;
__u32 fresh_vary_dport;

/* The fields the linear filter compares. */
struct linear_query {
	__u32 src;
	__u32 dst;
	__u16 dport;
	__u8 proto;
	__u8 matched;
};

/* Returns the TCP header of an untagged IPv4 TCP frame, or NULL. */
static __always_inline struct tcphdr *parse_tcp4(void *data, void *data_end, struct iphdr **iph)
{
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct tcphdr *tcp;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return NULL;

	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->ihl != 5 || ip->protocol != IPPROTO_TCP)
		return NULL;

	tcp = (void *)(ip + 1);
	if ((void *)(tcp + 1) > data_end)
		return NULL;

	*iph = ip;
	return tcp;
}

static long linear_check(__u32 index, void *arg)
{
	struct linear_query *q = arg;
	struct linear_rule *rule;

	rule = bpf_map_lookup_elem(&linear_rules, &index);
	if (!rule)
		return 1;

	if (rule->src != q->src || (q->dst & rule->dst_mask) != rule->dst ||
	    rule->proto != q->proto || q->dport < rule->dport_lo || q->dport > rule->dport_hi)
		return 0;

	q->matched = 1;
	return 1;
}

SEC("xdp")
int bench_linear(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct linear_query q = {};
	struct tcphdr *tcp;
	struct iphdr *ip;

	tcp = parse_tcp4(data, data_end, &ip);
	if (!tcp)
		return XDP_DROP;

	q.src = ip->saddr;
	q.dst = ip->daddr;
	q.dport = bpf_ntohs(tcp->dest);
	q.proto = IPPROTO_TCP;
	bpf_loop(linear_nrules, linear_check, &q, 0);

	return q.matched ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int bench_fresh(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct tcphdr *tcp;
	struct iphdr *ip;
	__u16 port;
	__u32 n;

	tcp = parse_tcp4(data, data_end, &ip);
	if (!tcp)
		return XDP_ABORTED;

	n = fresh_counter++;
	ip->daddr = (ip->daddr & bpf_htonl(0xffff0000)) | bpf_htonl(n & 0xffff);
	port = bpf_htons(FRESH_PORT_BASE + ((n >> 16) & FRESH_PORT_MASK));
	if (fresh_vary_dport)
		tcp->dest = port;
	else
		tcp->source = port;
	bpf_tail_call(ctx, &bench_target, 0);

	/* Only reached when slot 0 is empty: the benchmark checks for it. */
	return XDP_ABORTED;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
