/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The policy lookups: which device a frame belongs to, its VLAN and source
 * checks, the DHCP allowances, the device's rules (one LPM lookup for the
 * peer, one for the service, docs/design.md) and the token bucket on the
 * flows a device opens. Each follows a step of "The opening packet, step by
 * step" in docs/design.md, which policy/eval.c computes as well.
 */
#ifndef WARD_BPF_JUDGE_H
#define WARD_BPF_JUDGE_H

#define PEER_FULL_PREFIX	  (WARD_PEER_BASE_PREFIX + 128)
#define SERVICE_PORT_PREFIX	  (WARD_SERVICE_BASE_PREFIX + 16)
#define MILLI			  1000ULL
#define NSEC_PER_MILLI_TOKEN_RATE 1000000ULL /* ns x tokens/s per milli-token */

/* Step 2: by MAC, else by address, within the frame's interface. */
static __always_inline void find_device(struct judge *j)
{
	const struct pkt *p = j->p;
	int from = j->dir == WARD_DIR_FROM_DEVICE;
	struct ward_mac_key mk = {.iface_id = j->iface->iface_id};
	struct ward_ip_key ik = {.iface_id = j->iface->iface_id};
	const __u8 *mac = from ? p->src_mac : p->dst_mac;
	__u32 *id = NULL;
	void *inner;

	if (!from && mac_is_group(mac))
		return;
	inner = bpf_map_lookup_elem(&ward_dev_mac, &j->slot);
	if (inner) {
		__builtin_memcpy(mk.mac, mac, 6);
		id = bpf_map_lookup_elem(inner, &mk);
	}
	if (!id && p->has_addrs) {
		inner = bpf_map_lookup_elem(&ward_dev_ip, &j->slot);
		if (!inner)
			return;
		__builtin_memcpy(ik.addr, from ? p->src : p->dst, 16);
		id = bpf_map_lookup_elem(inner, &ik);
	}
	if (!id)
		return;
	inner = bpf_map_lookup_elem(&ward_devices, &j->slot);
	if (!inner)
		return;
	j->dev = bpf_map_lookup_elem(inner, id);
	if (j->dev)
		j->dev_id = *id;
}

/* @addr is one of the device's declared addresses. */
static __always_inline int owns_addr(const struct judge *j, const __u8 *addr)
{
	struct ward_ip_key ik = {.iface_id = j->iface->iface_id};
	__u32 *id;
	void *inner;

	inner = bpf_map_lookup_elem(&ward_dev_ip, &j->slot);
	if (!inner)
		return 0;
	__builtin_memcpy(ik.addr, addr, 16);
	id = bpf_map_lookup_elem(inner, &ik);
	return id && *id == j->dev_id;
}

static __always_inline int is_dhcp(const struct pkt *p, __u16 sport, __u16 dport)
{
	return p->is_v4 && p->proto == PROTO_UDP && p->has_l4 && p->sport == bpf_htons(sport) &&
	       p->dport == bpf_htons(dport);
}

/*
 * A DHCP client asks from 0.0.0.0 until it has its lease (RFC 2131, 4.1),
 * also when the policy declares the address its lease will hold.
 */
static __always_inline int dhcp_from_unspecified(const struct judge *j)
{
	__u32 v4;

	if (!(j->dev->flags & WARD_DEV_DHCP) || !is_dhcp(j->p, DHCP_CLIENT_PORT, DHCP_SERVER_PORT))
		return 0;
	__builtin_memcpy(&v4, j->p->src + 12, sizeof(v4));
	return v4 == 0;
}

/* Steps 4 and 5: wrong-vlan, then (from a device) spoofed-source. */
static __always_inline __u8 check_link(const struct judge *j)
{
	const struct ward_dev_info *dev = j->dev;
	const struct pkt *p = j->p;
	__u8 family = p->is_v4 ? WARD_DEV_HAS_V4 : WARD_DEV_HAS_V6;

	if (dev->vlan && dev->vlan != p->vlan)
		return WARD_REASON_WRONG_VLAN;
	if (j->dir != WARD_DIR_FROM_DEVICE)
		return WARD_REASON_NONE;
	if ((dev->flags & WARD_DEV_HAS_MAC) && !mac_equal(dev->mac, p->src_mac))
		return WARD_REASON_SPOOFED_SOURCE;
	if (dhcp_from_unspecified(j))
		return WARD_REASON_NONE;
	if (dev->flags & family)
		return owns_addr(j, p->src) ? WARD_REASON_NONE : WARD_REASON_SPOOFED_SOURCE;
	return (dev->flags & WARD_DEV_DHCP) ? WARD_REASON_NONE : WARD_REASON_SPOOFED_SOURCE;
}

/* An ARP reply or neighbour advertisement may only claim the device's own address. */
static __always_inline __u8 check_claim(const struct judge *j)
{
	const struct pkt *p = j->p;
	__u8 family = p->kind == KIND_ARP ? WARD_DEV_HAS_V4 : WARD_DEV_HAS_V6;

	if (j->dir != WARD_DIR_FROM_DEVICE || !p->has_claim || !(j->dev->flags & family))
		return WARD_REASON_NONE;
	return owns_addr(j, p->claim) ? WARD_REASON_NONE : WARD_REASON_SPOOFED_SOURCE;
}

/* Step 3: a DHCP server reply toward an interface where a device runs a DHCP client. */
static __always_inline int dhcp_server_reply(const struct judge *j)
{
	return j->dir == WARD_DIR_TO_DEVICE && j->iface->has_dhcp &&
	       is_dhcp(j->p, DHCP_SERVER_PORT, DHCP_CLIENT_PORT);
}

/* Step 7: the device's own DHCP client, both ways. */
static __always_inline int dhcp_client(const struct judge *j)
{
	if (!(j->dev->flags & WARD_DEV_DHCP))
		return 0;
	if (j->dir == WARD_DIR_FROM_DEVICE)
		return is_dhcp(j->p, DHCP_CLIENT_PORT, DHCP_SERVER_PORT);
	return is_dhcp(j->p, DHCP_SERVER_PORT, DHCP_CLIENT_PORT);
}

/* What the rules of one direction are asked about. */
struct rule_query {
	const __u8 *peer;
	__u8 dir;
	__u8 proto;
	__u8 has_port;
	__u8 port[2]; /* network order; ICMP: type, code */
};

/* Step 8: the mask of the device's rules that allow the query (lowest bit: first rule). */
static __always_inline __u64 rules_match(const struct judge *j, const struct rule_query *q)
{
	__u32 dev_dir = j->dev_id << 1 | q->dir;
	struct ward_peer_key pk = {.prefixlen = PEER_FULL_PREFIX, .dev_dir = dev_dir};
	struct ward_service_key sk = {
		.prefixlen = q->has_port ? SERVICE_PORT_PREFIX : WARD_SERVICE_BASE_PREFIX,
		.dev_dir = dev_dir,
		.proto = q->proto,
		.port = {q->port[0], q->port[1]},
	};
	__u64 *peers, *services, any;
	void *inner;

	inner = bpf_map_lookup_elem(&ward_peers, &j->slot);
	if (!inner)
		return 0;
	__builtin_memcpy(pk.addr, q->peer, 16);
	peers = bpf_map_lookup_elem(inner, &pk);
	if (!peers)
		return 0;
	inner = bpf_map_lookup_elem(&ward_services, &j->slot);
	if (!inner)
		return 0;
	services = bpf_map_lookup_elem(inner, &sk);
	any = q->dir == WARD_DIR_FROM_DEVICE ? j->dev->any_proto_rules[WARD_DIR_FROM_DEVICE]
					     : j->dev->any_proto_rules[WARD_DIR_TO_DEVICE];
	return *peers & ((services ? *services : 0) | any);
}

/* The query of the packet itself, in the direction it travels. */
static __always_inline void query_of_packet(const struct judge *j, struct rule_query *q)
{
	const struct pkt *p = j->p;

	q->peer = j->dir == WARD_DIR_FROM_DEVICE ? p->dst : p->src;
	q->dir = j->dir;
	q->proto = p->proto;
	q->has_port = p->has_l4;
	if (is_icmp_proto(p->proto)) {
		q->port[0] = p->icmp_type;
		q->port[1] = p->icmp_code;
	} else {
		__builtin_memcpy(q->port, &p->dport, 2);
	}
	if (p->proto != PROTO_TCP && p->proto != PROTO_UDP && !is_icmp_proto(p->proto))
		q->has_port = 0;
}

/*
 * The query of the packet that opened flow @f (for judging it again under a
 * new policy): its direction, its peer, its destination port; an ICMP echo
 * flow was opened by an echo request.
 */
static __always_inline void query_of_flow(const struct ward_flow_key *key,
					  const struct ward_flow *f, struct rule_query *q)
{
	int opened_in = f->flags & WARD_FLOW_OPENED_IN;

	q->peer = key->peer_addr;
	q->dir = opened_in ? WARD_DIR_TO_DEVICE : WARD_DIR_FROM_DEVICE;
	q->proto = key->proto;
	q->has_port = 1;
	if (key->proto == PROTO_TCP || key->proto == PROTO_UDP) {
		__builtin_memcpy(q->port, opened_in ? &key->dev_port : &key->peer_port, 2);
	} else if (is_icmp_proto(key->proto)) {
		q->port[0] = key->proto == PROTO_ICMP ? ICMP_ECHO_ : ICMP6_ECHO_;
		q->port[1] = 0;
	} else {
		q->has_port = 0;
	}
}

/*
 * Token bucket of the device (burst = rate), refilled by the time elapsed
 * and spent one token per flow it opens, under the bucket's lock. Time not
 * yet worth a thousandth of a token is kept for the next refill.
 */
static __always_inline int rate_allows(const struct judge *j)
{
	__u32 rate = j->dev->new_flows_per_s;
	__u64 cap = rate * MILLI;
	struct ward_rate_key key = {.slot = j->slot, .device_id = j->dev_id};
	struct ward_rate_state fresh = {.tokens_milli = cap, .last_ns = j->now};
	struct ward_rate_state *b;
	__u64 elapsed, add;
	int ok;

	if (!rate)
		return 1;
	b = bpf_map_lookup_elem(&ward_rate, &key);
	if (!b) {
		bpf_map_update_elem(&ward_rate, &key, &fresh, BPF_NOEXIST);
		b = bpf_map_lookup_elem(&ward_rate, &key);
		if (!b)
			return 0;
	}

	bpf_spin_lock(&b->lock);
	elapsed = ns_since(j, b->last_ns);
	add = elapsed < NSEC_PER_SEC ? elapsed * rate / NSEC_PER_MILLI_TOKEN_RATE : cap;
	if (b->tokens_milli + add >= cap) {
		b->tokens_milli = cap;
		b->last_ns = j->now;
	} else if (add) {
		b->tokens_milli += add;
		b->last_ns += add * NSEC_PER_MILLI_TOKEN_RATE / rate;
	}
	ok = b->tokens_milli >= MILLI;
	if (ok)
		b->tokens_milli -= MILLI;
	bpf_spin_unlock(&b->lock);
	return ok;
}

#endif /* WARD_BPF_JUDGE_H */
