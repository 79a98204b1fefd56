/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The reference evaluator: what the policy says about the opening packet of
 * a flow, seen from one side, computed straight from struct ward_policy with
 * plain loops. It is the oracle the datapath is tested against and the engine
 * of `ward explain`, so it favours being obviously right over being fast.
 *
 * It judges what a policy decides (device, addresses, VLAN, rules, audit
 * mode); what needs state (tracked flows, fragments, rate limits) or raw
 * bytes (malformed headers) is the datapath's alone.
 */
#ifndef WARD_EVAL_H
#define WARD_EVAL_H

#include "policy.h"

/* The fields of a flow's opening packet, as the datapath would parse them. */
struct ward_query {
	uint32_t iface;		       /* index into ward_policy.ifaces */
	enum ward_direction direction; /* the side that judges: XDP or TC */
	bool has_src_mac, has_dst_mac;
	uint8_t src_mac[6], dst_mac[6];
	uint16_t vlan; /* innermost tag, 0: untagged */
	bool is_v4;
	uint8_t src[16], dst[16]; /* IPv4-mapped when is_v4 */
	uint8_t proto;
	bool has_ports;	       /* false for ESP, "no next header" and the like */
	uint16_t sport, dport; /* host order */
	uint8_t icmp_type, icmp_code;
};

struct ward_verdict {
	bool pass;		      /* what happens to the packet (audit mode passes) */
	bool would_drop;	      /* audit mode: enforce would have dropped it */
	enum ward_reason reason;      /* WARD_REASON_NONE when a rule allows it */
	int device;		      /* index into ward_policy.devices, -1: no device */
	const struct ward_rule *rule; /* the first rule that allows it, or NULL */
	size_t rule_index;	      /* its place in the device's list for the direction */
	bool builtin;		      /* passed by a built-in allowance (DHCP) rather than a rule */
};

/* Judge @query under @policy. Never fails; the verdict says why. */
void ward_evaluate(const struct ward_policy *policy, const struct ward_query *query,
		   struct ward_verdict *verdict);

#endif /* WARD_EVAL_H */
