// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * ward's datapath: one judge for frames from devices (XDP, ingress of a
 * device-facing interface) and frames toward them (TC clsact egress), with
 * the steps of ../shared/spec/datapath.md, "What a packet goes through":
 *
 *   parse -> policy in force (slot, config) -> tracked flow of the policy in
 *   force on its link: refresh, count, pass (the fast path) -> interface ->
 *   device -> malformed / non-ip / ARP and ND / VLAN and source / later fragment /
 *   ICMP error / flow of an older policy judged again / DHCP / rules.
 *
 * Frames on interfaces the policy does not name pass untouched and uncounted.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "ward_abi.h"

#define ENOENT 2
#define ENOSPC 28

/* Wire layouts whose uapi headers pull in libc (if_arp.h) or are kernel-internal (vlan_hdr). */
struct vlan_hdr {
	__be16 h_vlan_TCI;
	__be16 h_vlan_encapsulated_proto;
};

struct arphdr {
	__be16 ar_hrd;
	__be16 ar_pro;
	__u8 ar_hln;
	__u8 ar_pln;
	__be16 ar_op;
};

#define ARPHRD_ETHER 1

#include "maps.h"
#include "parse.h"
#include "account.h"
#include "flows.h"
#include "judge.h"

#define WARD_TC_PULL_BYTES 256 /* enough for every header the parser reads */

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Count a pass; a first fragment that passes takes the rest of its datagram along. */
static __always_inline int pass(const struct judge *j)
{
	account_pass(j);
	frag_remember(j);
	return 1;
}

/* Drop for @reason, or pass as a would-drop when the device is in audit mode. */
static __always_inline int drop(const struct judge *j, __u8 reason)
{
	int audit = j->dev && j->dev->mode == WARD_MODE_AUDIT;

	account_drop(j, reason, audit);
	return audit;
}

/* Step 3: what the interface says about a host no device matches. */
static __always_inline int judge_unknown(const struct judge *j)
{
	if (dhcp_server_reply(j))
		return pass(j);
	if (j->iface->unknown_hosts == WARD_UNKNOWN_DROP) {
		account_drop(j, WARD_REASON_UNKNOWN_HOST, 0);
		return 0;
	}
	if (j->iface->unknown_hosts == WARD_UNKNOWN_AUDIT)
		host_seen(j);
	return pass(j);
}

/*
 * An ICMP error passes when it quotes a flow of this device, and only then
 * (datapath.md, step 9): a rule cannot let in errors about flows that do not exist.
 */
static __always_inline int quotes_own_flow(const struct judge *j)
{
	struct ward_flow *f;
	int critical;

	if (!j->p->quote_ok)
		return 0;
	f = flow_find(j, &j->p->key, &critical);
	if (!f || f->ifindex != j->ifindex || flow_expired(j, f))
		return 0;
	return f->generation != j->cfg->generation || f->device_id == j->dev_id;
}

/* A flow tracked under an older policy: the new one must still allow its opening packet. */
static __always_inline int judge_stale(const struct judge *j, struct ward_flow *f, int critical)
{
	const struct ward_flow_key *key = &j->p->key;
	struct rule_query q = {};

	query_of_flow(key, f, &q);
	if (!rules_match(j, &q)) {
		if (j->dev->mode != WARD_MODE_AUDIT)
			flow_delete(key, critical);
		return drop(j, WARD_REASON_FLOW_REVOKED);
	}
	f->generation = j->cfg->generation;
	f->device_id = j->dev_id;
	flow_refresh(j, key, f, critical);
	return pass(j);
}

/* Step 8 for a new flow: rules, then the rate limit on the flows it opens. */
static __always_inline int judge_open(const struct judge *j)
{
	const struct pkt *p = j->p;
	struct rule_query q = {};
	int opens;

	query_of_packet(j, &q);
	if (!rules_match(j, &q))
		return drop(j, WARD_REASON_NO_RULE);

	opens = p->flowable && !(p->proto == PROTO_TCP && (p->tcp_flags & TCP_RST)) &&
		!(p->is_echo && !p->icmp_echo_req);
	if (!opens)
		return pass(j);
	if (!rate_allows(j))
		return drop(j, WARD_REASON_RATE_LIMIT);
	flow_open(j);
	return pass(j);
}

/* Everything but the fast path; @stale: the packet's flow of an older policy, or NULL. */
static __always_inline int judge_slow(struct judge *j, struct ward_flow *stale, int critical)
{
	const struct pkt *p = j->p;
	__u8 reason;

	find_device(j);
	if (!j->dev) {
		if (p->kind != KIND_IP && p->kind != KIND_OTHER && !p->reason)
			return pass(j);
		return judge_unknown(j);
	}
	if (p->reason)
		return drop(j, p->reason);
	if (p->kind == KIND_LLDP)
		return pass(j);
	if (p->kind == KIND_ARP || p->kind == KIND_NDP) {
		reason = check_claim(j);
		return reason ? drop(j, reason) : pass(j);
	}

	reason = check_link(j);
	if (reason)
		return drop(j, reason);
	if (p->frag == FRAG_LATER)
		return frag_follows(j) ? pass(j) : drop(j, WARD_REASON_FRAGMENT);
	if (p->is_icmp_err)
		return quotes_own_flow(j) ? pass(j) : drop(j, WARD_REASON_NO_RULE);
	if (stale)
		return judge_stale(j, stale, critical);
	if (dhcp_client(j))
		return pass(j);
	return judge_open(j);
}

/* The slot in force and its config; 0 when a policy is in force. */
static __always_inline int policy_in_force(struct judge *j)
{
	__u32 zero = 0;
	struct ward_active *active;
	void *inner;

	active = bpf_map_lookup_elem(&ward_active, &zero);
	if (!active)
		return -ENOENT;
	j->slot = active->slot;
	inner = bpf_map_lookup_elem(&ward_config, &j->slot);
	if (!inner)
		return -ENOENT;
	j->cfg = bpf_map_lookup_elem(inner, &zero);
	if (!j->cfg)
		return -ENOENT;
	return 0;
}

/* The policy's entry for the frame's interface; 0 when the frame is ward's business. */
static __always_inline int iface_in_policy(struct judge *j)
{
	void *inner;

	inner = bpf_map_lookup_elem(&ward_ifaces, &j->slot);
	if (!inner)
		return -ENOENT;
	j->iface = bpf_map_lookup_elem(inner, &j->ifindex);
	if (!j->iface)
		return -ENOENT;
	return 0;
}

/*
 * The fast path: a tracked flow of the policy in force, on its link. It
 * needs no interface lookup: every install has a generation of its own,
 * so a flow of this generation on this ifindex was opened (or judged again)
 * on an interface of the policy in force. Returns 1 when it passed the
 * packet; else @f is the packet's flow of an older policy, or NULL.
 */
static __always_inline int ride_flow(struct judge *j, struct ward_flow **f, int *critical)
{
	const struct pkt *p = j->p;

	*f = flow_find(j, &p->key, critical);
	if (*f && flow_expired(j, *f)) {
		flow_delete(&p->key, *critical);
		*f = NULL;
	}
	if (*f && !flow_same_link(j, *f))
		*f = NULL;
	if (!*f || (*f)->generation != j->cfg->generation)
		return 0;
	j->dev_id = (*f)->device_id;
	flow_refresh(j, &p->key, *f, *critical);
	count_passed(j->slot, j->dev_id);
	frag_remember(j);
	return 1;
}

/*
 * Judge a parsed frame; 1: pass, 0: drop. A global function, so the verifier
 * checks it once on its own rather than once per path through the parser.
 */
__attribute__((noinline)) int ward_judge(struct pkt *p, __u32 ifindex, __u32 len, __u32 dir)
{
	struct judge j = {
		.p = p,
		.dir = dir,
		.ifindex = ifindex,
		.len = len,
		.dev_id = WARD_DEVICE_NONE,
	};
	struct ward_flow *f = NULL;
	int critical = 0;

	if (!p || policy_in_force(&j))
		return 1;
	j.now = bpf_ktime_get_coarse_ns(); /* timeouts in seconds, suppression per second */
	if (p->flowable && ride_flow(&j, &f, &critical))
		return 1;
	if (iface_in_policy(&j))
		return 1;
	if (p->l2_broken) {
		account_drop(&j, WARD_REASON_MALFORMED, 0);
		return 0;
	}
	return judge_slow(&j, f, critical);
}

/*
 * The parser's later stages are global functions, one pair per hook (their
 * context types differ), so the verifier checks each once from any offset
 * rather than once per path through the earlier stages.
 */
__attribute__((noinline)) int ward_l3_xdp(struct xdp_md *ctx, struct pkt *p, __u32 off)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;

	if (!p)
		return -1;
	return parse_l3(data, end, end - data, p, off);
}

__attribute__((noinline)) int ward_l3_tc(struct __sk_buff *skb, struct pkt *p, __u32 off)
{
	if (!p)
		return -1;
	return parse_l3((void *)(long)skb->data, (void *)(long)skb->data_end, skb->len, p, off);
}

__attribute__((noinline)) int ward_l4_xdp(struct xdp_md *ctx, struct pkt *p, __u32 off)
{
	if (!p)
		return -1;
	parse_l4((void *)(long)ctx->data, (void *)(long)ctx->data_end, p, off,
		 WARD_DIR_FROM_DEVICE);
	return 0;
}

__attribute__((noinline)) int ward_l4_tc(struct __sk_buff *skb, struct pkt *p, __u32 off)
{
	if (!p)
		return -1;
	parse_l4((void *)(long)skb->data, (void *)(long)skb->data_end, p, off, WARD_DIR_TO_DEVICE);
	return 0;
}

SEC("xdp")
int ward_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 len = end - data;
	struct pkt p = {};
	int off;

	off = parse_l2_arp(data, end, -1, &p);
	if (off >= 0)
		off = ward_l3_xdp(ctx, &p, off);
	if (off >= 0)
		ward_l4_xdp(ctx, &p, off);
	if (ward_judge(&p, ctx->ingress_ifindex, len, WARD_DIR_FROM_DEVICE))
		return XDP_PASS;
	return XDP_DROP;
}

SEC("tc")
int ward_tc(struct __sk_buff *skb)
{
	int offload_vlan = skb->vlan_present ? (int)skb->vlan_tci : -1;
	__u32 len = skb->len;
	struct pkt p = {};
	int off;

	if (skb->data_end - skb->data < len)
		bpf_skb_pull_data(skb, len < WARD_TC_PULL_BYTES ? len : WARD_TC_PULL_BYTES);
	off = parse_l2_arp((void *)(long)skb->data, (void *)(long)skb->data_end, offload_vlan, &p);
	if (off >= 0)
		off = ward_l3_tc(skb, &p, off);
	if (off >= 0)
		ward_l4_tc(skb, &p, off);
	if (ward_judge(&p, skb->ifindex, len, WARD_DIR_TO_DEVICE))
		return TC_ACT_OK;
	return TC_ACT_SHOT;
}
