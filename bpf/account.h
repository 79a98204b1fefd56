/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Counting and events. Every packet on a policy interface is counted once,
 * per device (or per interface for hosts no device matches) and reason, in
 * the per-CPU counters of the slot in force. A drop or would-drop may raise
 * an event: identical events (struct ward_suppress_key) go out at most once
 * per WARD_EVENT_INTERVAL_NS, the ones held back ride with the next as its
 * count, and an event the ring buffer has no room for is counted as lost.
 * So for each counter index and reason:
 *   event_pkts + held (in ward_ev_suppress) + event_lost = dropped + would_drop.
 */
#ifndef WARD_BPF_ACCOUNT_H
#define WARD_BPF_ACCOUNT_H

/* Where the packet is counted and what its event says; filled as the judge learns. */
struct judge {
	struct pkt *p;
	struct ward_config *cfg;
	struct ward_iface_info *iface;
	struct ward_dev_info *dev; /* NULL: no device */
	__u64 now;
	__u32 slot;
	__u32 ifindex;
	__u32 dev_id; /* WARD_DEVICE_NONE: no device */
	__u32 len;    /* frame length */
	__u8 dir;
};

/*
 * Time since @then, a timestamp another CPU may have written after this
 * packet read j->now: such a timestamp is in the packet's future, and an
 * unsigned difference would make a fresh flow look ages old.
 */
static __always_inline __u64 ns_since(const struct judge *j, __u64 then)
{
	__s64 age = (__s64)(j->now - then);

	return age > 0 ? (__u64)age : 0;
}

static __always_inline __u32 counter_index(const struct judge *j)
{
	if (j->dev_id != WARD_DEVICE_NONE)
		return j->dev_id;
	return j->cfg->ndevices + j->iface->iface_id;
}

static __always_inline struct ward_counters *counters_of(const struct judge *j)
{
	__u32 index = counter_index(j);
	void *inner;

	inner = bpf_map_lookup_elem(&ward_counters, &j->slot);
	if (!inner)
		return NULL;
	return bpf_map_lookup_elem(inner, &index);
}

/* Ports as events show them: host order; ICMP: type and code. */
static __always_inline __u16 event_sport(const struct pkt *p)
{
	return is_icmp_proto(p->proto) ? p->icmp_type : bpf_ntohs(p->sport);
}

static __always_inline __u16 event_dport(const struct pkt *p)
{
	return is_icmp_proto(p->proto) ? p->icmp_code : bpf_ntohs(p->dport);
}

static __always_inline void event_fill(struct ward_event *e, const struct judge *j, __u8 type,
				       __u8 reason, __u32 count)
{
	const struct pkt *p = j->p;

	e->ts_ns = bpf_ktime_get_ns(); /* j->now is coarse */
	e->generation = j->cfg->generation;
	e->ifindex = j->ifindex;
	e->device_id = j->dev_id;
	e->count = count;
	e->len = j->len;
	e->type = type;
	e->reason = reason;
	e->direction = j->dir;
	e->proto = p->has_addrs ? p->proto : 0;
	e->is_v4 = p->is_v4;
	e->has_l4 = p->has_l4;
	e->vlan = p->vlan;
	__builtin_memcpy(e->src, p->src, 16);
	__builtin_memcpy(e->dst, p->dst, 16);
	e->sport = event_sport(p);
	e->dport = event_dport(p);
	__builtin_memcpy(e->src_mac, p->src_mac, 6);
	__builtin_memcpy(e->dst_mac, p->dst_mac, 6);
}

/* Send an event carrying @count packets; 0 or -ENOSPC when the ring is full. */
static __always_inline int event_send(const struct judge *j, __u8 type, __u8 reason, __u32 count)
{
	struct ward_event *e;

	e = bpf_ringbuf_reserve(&ward_events, sizeof(*e), 0);
	if (!e)
		return -ENOSPC;
	event_fill(e, j, type, reason, count);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

/*
 * How many packets the event of this one carries: 0 when it is held back,
 * else 1 + those held back since the last event of its kind.
 */
static __always_inline __u64 event_take(const struct judge *j, __u8 type, __u8 reason)
{
	const struct pkt *p = j->p;
	struct ward_suppress_key key = {
		.generation = j->cfg->generation,
		.device_id = j->dev_id,
		.ifindex = j->ifindex,
		.dport = event_dport(p),
		.direction = j->dir,
		.reason = reason,
		.proto = p->has_addrs ? p->proto : 0,
		.type = type,
	};
	struct ward_suppress fresh = {.last_ns = j->now};
	struct ward_suppress *s;

	__builtin_memcpy(key.src, p->src, 16);
	__builtin_memcpy(key.dst, p->dst, 16);
	s = bpf_map_lookup_elem(&ward_ev_suppress, &key);
	if (!s) {
		/* full table or a racing CPU: the event goes out unheld */
		bpf_map_update_elem(&ward_ev_suppress, &key, &fresh, BPF_NOEXIST);
		return 1;
	}
	if (ns_since(j, s->last_ns) < WARD_EVENT_INTERVAL_NS) {
		__sync_fetch_and_add(&s->held, 1);
		return 0;
	}
	s->last_ns = j->now;
	return 1 + __sync_lock_test_and_set(&s->held, 0);
}

/* Count a drop (or, in audit mode, a would-drop) and raise its event. */
static __always_inline void account_drop(const struct judge *j, __u8 reason, int audit)
{
	__u8 type = audit ? WARD_EV_WOULD_DROP : WARD_EV_DROP;
	struct ward_counters *c = counters_of(j);
	__u64 count;

	if (!c)
		return;
	if (reason >= WARD_REASON_COUNT)
		return;
	if (audit)
		c->would_drop[reason]++;
	else
		c->dropped[reason]++;

	count = event_take(j, type, reason);
	if (!count)
		return;
	if (event_send(j, type, reason, count))
		c->event_lost[reason] += count;
	else
		c->event_pkts[reason] += count;
}

/* Count a pass at counter @index of @slot (ward_passed, inlined lookups). */
static __always_inline void count_passed(__u32 slot, __u32 index)
{
	__u32 key;
	__u64 *n;

	if (index >= WARD_COUNTER_STRIDE)
		return;
	key = slot * WARD_COUNTER_STRIDE + index;
	n = bpf_map_lookup_elem(&ward_passed, &key);
	if (n)
		(*n)++;
}

static __always_inline void account_pass(const struct judge *j)
{
	count_passed(j->slot, counter_index(j));
}

/* A host no device matches, on an interface that audits them: one event per host. */
static __always_inline void host_seen(const struct judge *j)
{
	const struct pkt *p = j->p;
	int from_host = j->dir == WARD_DIR_FROM_DEVICE;
	struct ward_host_key key = {.ifindex = j->ifindex};
	__u8 seen = 1;

	__builtin_memcpy(key.mac, from_host ? p->src_mac : p->dst_mac, 6);
	__builtin_memcpy(key.addr, from_host ? p->src : p->dst, 16);
	if (bpf_map_update_elem(&ward_hosts_seen, &key, &seen, BPF_NOEXIST))
		return;
	if (event_send(j, WARD_EV_HOST_SEEN, WARD_REASON_NONE, 1))
		bpf_map_delete_elem(&ward_hosts_seen, &key); /* try again next time */
}

#endif /* WARD_BPF_ACCOUNT_H */
