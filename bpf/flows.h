/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Tracked flows and fragments. A flow is keyed from the device's side
 * (parse.h, make_key()), so both directions find one entry; it remembers the
 * device's interface, MAC and VLAN, which a packet must match to ride on it,
 * and the generation of the policy that allowed it. Life-critical devices'
 * flows go to a plain hash that is never evicted; when it is full they go to
 * the shared LRU table and the pressure is counted in ward_stats.
 */
#ifndef WARD_BPF_FLOWS_H
#define WARD_BPF_FLOWS_H

#define NSEC_PER_SEC 1000000000ULL

static __always_inline struct ward_stats *stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ward_stats, &zero);
}

static __always_inline __u8 tmo_class_of(__u8 proto, __u8 flags)
{
	if (proto == PROTO_TCP)
		return (flags & WARD_FLOW_SEEN_REPLY) && !(flags & WARD_FLOW_CLOSING)
			       ? WARD_TMO_TCP_ESTABLISHED
			       : WARD_TMO_TCP_TRANSITORY;
	if (proto == PROTO_UDP)
		return WARD_TMO_UDP;
	if (is_icmp_proto(proto))
		return WARD_TMO_ICMP;
	return WARD_TMO_OTHER;
}

/* The flow of @key, critical table first when the policy has critical devices. */
static __always_inline struct ward_flow *flow_find(const struct judge *j,
						   const struct ward_flow_key *key, int *critical)
{
	struct ward_flow *f;

	*critical = 0;
	if (j->cfg->flags & WARD_CFG_HAS_CRITICAL) {
		f = bpf_map_lookup_elem(&ward_flows_crit, key);
		if (f) {
			*critical = 1;
			return f;
		}
	}
	return bpf_map_lookup_elem(&ward_flows, key);
}

/* Deletions are counted so that userspace can tell the LRU's silent evictions apart. */
static __always_inline void flow_delete(const struct ward_flow_key *key, int critical)
{
	struct ward_stats *st;

	if (bpf_map_delete_elem(critical ? (void *)&ward_flows_crit : (void *)&ward_flows, key))
		return;
	st = stats();
	if (st)
		st->flows_deleted++;
}

static __always_inline int flow_expired(const struct judge *j, const struct ward_flow *f)
{
	__u32 class = f->tmo_class;

	if (class >= WARD_TMO_COUNT)
		return 1;
	return ns_since(j, f->last_ns) > j->cfg->timeout_s[class] * NSEC_PER_SEC;
}

static __always_inline int mac_is_zero(const __u8 *mac)
{
	return !(*(__u32 *)mac | *(__u16 *)(mac + 4));
}

static __always_inline int mac_equal(const __u8 *a, const __u8 *b)
{
	return *(__u32 *)a == *(__u32 *)b && *(__u16 *)(a + 4) == *(__u16 *)(b + 4);
}

/* The packet comes from, or goes to, the link the flow was opened on. */
static __always_inline int flow_same_link(const struct judge *j, const struct ward_flow *f)
{
	const __u8 *mac = j->dir == WARD_DIR_FROM_DEVICE ? j->p->src_mac : j->p->dst_mac;

	if (f->ifindex != j->ifindex || f->vlan != j->p->vlan)
		return 0;
	return mac_is_zero(f->mac) || mac_equal(f->mac, mac);
}

/*
 * Refresh a flow a packet rides on and follow TCP: the first packet from
 * the side that did not open it makes it established, FIN closing, RST ends it.
 */
static __always_inline void flow_refresh(const struct judge *j, const struct ward_flow_key *key,
					 struct ward_flow *f, int critical)
{
	int opener = (f->flags & WARD_FLOW_OPENED_IN) ? j->dir == WARD_DIR_TO_DEVICE
						      : j->dir == WARD_DIR_FROM_DEVICE;
	__u8 flags = f->flags;

	if (key->proto == PROTO_TCP) {
		if (j->p->tcp_flags & TCP_RST) {
			flow_delete(key, critical);
			return;
		}
		if (j->p->tcp_flags & TCP_FIN)
			flags |= WARD_FLOW_CLOSING;
		if (!opener)
			flags |= WARD_FLOW_SEEN_REPLY;
		if (flags != f->flags) {
			f->flags = flags;
			f->tmo_class = tmo_class_of(key->proto, flags);
		}
	}
	f->last_ns = j->now;
}

/* Flags of a flow opened by this packet: a TCP packet without SYN is picked up mid-stream. */
static __always_inline __u8 flow_open_flags(const struct judge *j)
{
	__u8 tcp = j->p->tcp_flags;
	__u8 flags = j->dir == WARD_DIR_TO_DEVICE ? WARD_FLOW_OPENED_IN : 0;

	if (j->p->proto != PROTO_TCP)
		return flags;
	if (!(tcp & TCP_SYN) || (tcp & TCP_ACK))
		flags |= WARD_FLOW_SEEN_REPLY;
	if (tcp & TCP_FIN)
		flags |= WARD_FLOW_CLOSING;
	return flags;
}

/* Track the flow this packet opens. Returns 0 or a negative errno (counted). */
static __always_inline int flow_open(const struct judge *j)
{
	const struct ward_dev_info *dev = j->dev;
	struct ward_stats *st = stats();
	struct ward_flow f = {
		.last_ns = j->now,
		.generation = j->cfg->generation,
		.device_id = j->dev_id,
		.ifindex = j->ifindex,
		.vlan = j->p->vlan,
		.flags = flow_open_flags(j),
	};
	int err;

	if (!dev)
		return -ENOENT;
	f.tmo_class = tmo_class_of(j->p->proto, f.flags);
	if (dev->flags & WARD_DEV_HAS_MAC)
		__builtin_memcpy(f.mac, dev->mac, 6);

	if (dev->criticality == WARD_CRIT_LIFE_CRITICAL) {
		err = bpf_map_update_elem(&ward_flows_crit, &j->p->key, &f, BPF_ANY);
		if (!err)
			goto created;
		if (st)
			__sync_fetch_and_add(&st->critical_table_full, 1);
	}
	err = bpf_map_update_elem(&ward_flows, &j->p->key, &f, BPF_ANY);
	if (err) {
		if (st)
			st->flow_insert_failed++;
		return err;
	}
created:
	if (st)
		st->flows_created++;
	return 0;
}

/* Remember a first fragment that passed, so that the rest of its datagram follows. */
static __always_inline void frag_remember(const struct judge *j)
{
	const struct pkt *p = j->p;
	struct ward_frag_key key = {.id = p->frag_id, .proto = p->frag_proto};
	struct ward_frag val = {.first_ns = j->now, .device_id = j->dev_id};
	struct ward_stats *st;

	if (p->frag != FRAG_FIRST)
		return;
	__builtin_memcpy(key.src, p->src, 16);
	__builtin_memcpy(key.dst, p->dst, 16);
	if (bpf_map_update_elem(&ward_frags, &key, &val, BPF_ANY))
		return;
	st = stats();
	if (st)
		st->frags_tracked++;
}

/* A later fragment follows its first fragment's pass while that is recent. */
static __always_inline int frag_follows(const struct judge *j)
{
	const struct pkt *p = j->p;
	struct ward_frag_key key = {.id = p->frag_id, .proto = p->frag_proto};
	struct ward_frag *f;

	__builtin_memcpy(key.src, p->src, 16);
	__builtin_memcpy(key.dst, p->dst, 16);
	f = bpf_map_lookup_elem(&ward_frags, &key);
	return f && ns_since(j, f->first_ns) <= WARD_FRAG_TIMEOUT_NS;
}

#endif /* WARD_BPF_FLOWS_H */
