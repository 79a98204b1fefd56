// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The reference evaluator declared in eval.h. Each step of docs/design.md
 * "The opening packet, step by step" is one function here, called in that
 * order by ward_evaluate(); each is a plain loop over the policy.
 */
#include <string.h>

#include "addr.h"
#include "eval.h"
#include "prefix.h"

#define IPPROTO_ICMP_NUM   1
#define IPPROTO_UDP_NUM	   17
#define IPPROTO_ICMPV6_NUM 58
#define DHCP_SERVER_PORT   67
#define DHCP_CLIENT_PORT   68

static bool mac_is_group(const uint8_t mac[6])
{
	return mac[0] & 1;
}

static bool has_address(const uint8_t (*addrs)[16], size_t naddrs, const uint8_t addr[16])
{
	size_t i;

	for (i = 0; i < naddrs; i++)
		if (!memcmp(addrs[i], addr, 16))
			return true;
	return false;
}

static bool device_has_address(const struct ward_device *dev, bool is_v4, const uint8_t addr[16])
{
	if (is_v4)
		return has_address((const uint8_t(*)[16])dev->ipv4, dev->nipv4, addr);
	return has_address((const uint8_t(*)[16])dev->ipv6, dev->nipv6, addr);
}

static size_t family_count(const struct ward_device *dev, bool is_v4)
{
	return is_v4 ? dev->nipv4 : dev->nipv6;
}

/* Step 2: the device by MAC, else by address, on the frame's interface; -1 for none. */
static int find_device(const struct ward_policy *policy, const struct ward_query *q)
{
	bool from_device = q->direction == WARD_DIR_FROM_DEVICE;
	bool has_mac = from_device ? q->has_src_mac : q->has_dst_mac;
	const uint8_t *mac = from_device ? q->src_mac : q->dst_mac;
	const uint8_t *addr = from_device ? q->src : q->dst;
	size_t i;

	if (!from_device && has_mac && mac_is_group(mac))
		return -1;

	for (i = 0; has_mac && i < policy->ndevices; i++) {
		const struct ward_device *dev = &policy->devices[i];

		if (dev->iface == q->iface && dev->has_mac && !memcmp(dev->mac, mac, 6))
			return (int)i;
	}
	for (i = 0; i < policy->ndevices; i++) {
		const struct ward_device *dev = &policy->devices[i];

		if (dev->iface == q->iface && device_has_address(dev, q->is_v4, addr))
			return (int)i;
	}
	return -1;
}

static bool is_dhcp(const struct ward_query *q, uint16_t sport, uint16_t dport)
{
	return q->is_v4 && q->proto == IPPROTO_UDP_NUM && q->has_ports && q->sport == sport &&
	       q->dport == dport;
}

static bool iface_has_dhcp(const struct ward_policy *policy, uint32_t iface)
{
	size_t i;

	for (i = 0; i < policy->ndevices; i++)
		if (policy->devices[i].iface == iface && policy->devices[i].dhcp)
			return true;
	return false;
}

/* Step 3: a host that no device matches. */
static void judge_unknown_host(const struct ward_policy *policy, const struct ward_query *q,
			       struct ward_verdict *v)
{
	if (q->direction == WARD_DIR_TO_DEVICE && is_dhcp(q, DHCP_SERVER_PORT, DHCP_CLIENT_PORT) &&
	    iface_has_dhcp(policy, q->iface)) {
		v->pass = true;
		v->builtin = true;
		return;
	}

	switch (policy->ifaces[q->iface].unknown_hosts) {
	case WARD_UNKNOWN_PASS:
	case WARD_UNKNOWN_AUDIT:
		v->pass = true;
		break;
	case WARD_UNKNOWN_DROP:
		v->pass = false;
		v->reason = WARD_REASON_UNKNOWN_HOST;
		break;
	}
}

/* Step 4. */
static bool wrong_vlan(const struct ward_device *dev, const struct ward_query *q)
{
	return dev->vlan && q->vlan != dev->vlan;
}

/* A DHCP client asks from 0.0.0.0 until it has its lease, even a declared one. */
static bool dhcp_from_unspecified(const struct ward_device *dev, const struct ward_query *q)
{
	static const uint8_t unspecified[16] = {[10] = 0xff, [11] = 0xff};

	return dev->dhcp && is_dhcp(q, DHCP_CLIENT_PORT, DHCP_SERVER_PORT) &&
	       !memcmp(q->src, unspecified, sizeof(unspecified));
}

/* Step 5; only for frames from the device. */
static bool spoofed_source(const struct ward_device *dev, const struct ward_query *q)
{
	if (dev->has_mac && q->has_src_mac && memcmp(dev->mac, q->src_mac, 6))
		return true;
	if (dhcp_from_unspecified(dev, q))
		return false;
	if (family_count(dev, q->is_v4) == 0)
		return !dev->dhcp;
	return !device_has_address(dev, q->is_v4, q->src);
}

/*
 * Step 6: an ICMP or ICMPv6 error passes only when it quotes a flow the
 * device has open; the evaluator sees no flows, so it never passes here.
 */
static bool icmp_error(const struct ward_query *q)
{
	return ward_icmp_is_error(q->proto, q->icmp_type);
}

/* Step 7. */
static bool dhcp_client(const struct ward_device *dev, const struct ward_query *q)
{
	if (!dev->dhcp)
		return false;
	if (q->direction == WARD_DIR_FROM_DEVICE)
		return is_dhcp(q, DHCP_CLIENT_PORT, DHCP_SERVER_PORT);
	return is_dhcp(q, DHCP_SERVER_PORT, DHCP_CLIENT_PORT);
}

static bool rule_has_peer(const struct ward_rule *rule, const uint8_t peer[16])
{
	size_t i;

	for (i = 0; i < rule->npeers; i++)
		if (ward_prefix_contains(&rule->peers[i], peer))
			return true;
	return false;
}

static bool rule_has_port(const struct ward_rule *rule, const struct ward_query *q)
{
	size_t i;

	if (!rule->nports)
		return true;
	if (!q->has_ports)
		return false;
	for (i = 0; i < rule->nports; i++)
		if (q->dport >= rule->ports[i].lo && q->dport <= rule->ports[i].hi)
			return true;
	return false;
}

static bool rule_has_icmp_type(const struct ward_rule *rule, const struct ward_query *q)
{
	size_t i;

	if (!rule->nicmp)
		return true;
	if (q->proto != IPPROTO_ICMP_NUM && q->proto != IPPROTO_ICMPV6_NUM)
		return false;
	for (i = 0; i < rule->nicmp; i++)
		if (rule->icmp_types[i] == q->icmp_type)
			return true;
	return false;
}

static bool rule_matches(const struct ward_rule *rule, const struct ward_query *q,
			 const uint8_t peer[16])
{
	if (!rule_has_peer(rule, peer))
		return false;
	if (rule->proto != WARD_PROTO_ANY && rule->proto != q->proto)
		return false;
	return rule_has_port(rule, q) && rule_has_icmp_type(rule, q);
}

/* Step 8: the first rule of the direction that matches. */
static void judge_rules(const struct ward_device *dev, const struct ward_query *q,
			struct ward_verdict *v)
{
	const uint8_t *peer = q->direction == WARD_DIR_FROM_DEVICE ? q->dst : q->src;
	size_t i;

	for (i = 0; i < dev->nrules[q->direction]; i++) {
		const struct ward_rule *rule = &dev->rules[q->direction][i];

		if (rule_matches(rule, q, peer)) {
			v->pass = true;
			v->rule = rule;
			v->rule_index = i;
			return;
		}
	}
	v->reason = WARD_REASON_NO_RULE;
}

/* Steps 4 to 8 for a known device; the verdict before audit mode. */
static void judge_device(const struct ward_device *dev, const struct ward_query *q,
			 struct ward_verdict *v)
{
	if (wrong_vlan(dev, q)) {
		v->reason = WARD_REASON_WRONG_VLAN;
		return;
	}
	if (q->direction == WARD_DIR_FROM_DEVICE && spoofed_source(dev, q)) {
		v->reason = WARD_REASON_SPOOFED_SOURCE;
		return;
	}
	if (icmp_error(q)) {
		v->reason = WARD_REASON_NO_RULE;
		return;
	}
	if (dhcp_client(dev, q)) {
		v->pass = true;
		v->builtin = true;
		return;
	}
	judge_rules(dev, q, v);
}

void ward_evaluate(const struct ward_policy *policy, const struct ward_query *query,
		   struct ward_verdict *verdict)
{
	const struct ward_device *dev;

	memset(verdict, 0, sizeof(*verdict));
	verdict->device = -1;

	/* 1. An interface outside the policy is not ward's business. */
	if (query->iface >= policy->nifaces) {
		verdict->pass = true;
		return;
	}

	/* 2 and 3. The device, or the interface's rule for unknown hosts. */
	verdict->device = find_device(policy, query);
	if (verdict->device < 0) {
		judge_unknown_host(policy, query, verdict);
		return;
	}
	dev = &policy->devices[verdict->device];

	/* 4 to 8. */
	judge_device(dev, query, verdict);

	/* 9. Audit mode passes what enforce mode would drop. */
	if (!verdict->pass && dev->mode == WARD_MODE_AUDIT) {
		verdict->pass = true;
		verdict->would_drop = true;
	}
}
