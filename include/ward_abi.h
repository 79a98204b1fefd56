/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The ABI shared by the BPF datapath (bpf/) and userspace (policy/, agent/):
 * map names, limits, and the layout of every map key, value and event.
 *
 * The policy lives in two slots. Each per-policy map is an outer
 * ARRAY_OF_MAPS with two entries, one inner map per slot; WARD_MAP_ACTIVE
 * says which slot is in force. The agent fills the inactive slot in full,
 * then flips the active index with one write, so a packet sees either the
 * whole old policy or the whole new one (see docs/design.md).
 *
 * Addresses are always 16 bytes: IPv4 is stored IPv4-mapped
 * (::ffff:a.b.c.d), so one key layout and one LPM trie serve both families.
 * Ports are kept in network byte order so that LPM prefixes cover ranges.
 *
 * Every layout has explicit padding and a size assertion: a change here is
 * a change to the pinned maps and must bump WARD_ABI_VERSION.
 */
#ifndef WARD_ABI_H
#define WARD_ABI_H

#include <linux/types.h>
#include <linux/bpf.h> /* struct bpf_spin_lock */

#define WARD_ABI_VERSION 2

/* Limits of the datapath: a policy over any of them is refused by the compiler. */
#define WARD_MAX_DEVICES	    65536
#define WARD_MAX_IFACES		    64
#define WARD_MAX_RULES_PER_DIR	    64 /* one bit each in a __u64 rule mask */
#define WARD_MAX_DEV_ADDRS	    (4 * WARD_MAX_DEVICES)
#define WARD_MAX_PEER_ENTRIES	    (1 << 20)
#define WARD_MAX_SERVICE_ENTRIES    (1 << 20)
#define WARD_DEFAULT_FLOWS	    (1 << 20)
#define WARD_CRITICAL_FLOWS	    (1 << 16)
#define WARD_FRAG_ENTRIES	    (1 << 14)
#define WARD_EVENT_SUPPRESS_ENTRIES (1 << 16)
#define WARD_HOSTS_SEEN_ENTRIES	    (1 << 16)
#define WARD_RINGBUF_BYTES	    (1 << 22)
#define WARD_NAME_MAX		    64 /* device name, with its NUL */
#define WARD_IFNAME_MAX		    16 /* IFNAMSIZ */

/* Parser limits (datapath.md, "What a packet goes through"). */
#define WARD_MAX_VLAN_TAGS	2
#define WARD_MAX_IPV6_EXT_HDRS	6
#define WARD_MAX_IPV4_OPT_BYTES 40

#define WARD_FRAG_TIMEOUT_NS   (5ULL * 1000000000ULL)
#define WARD_EVENT_INTERVAL_NS 1000000000ULL

/* Map names, as pinned under the pin directory. */
#define WARD_MAP_ACTIVE		"ward_active"
#define WARD_MAP_CONFIG		"ward_config"
#define WARD_MAP_IFACES		"ward_ifaces"
#define WARD_MAP_DEV_MAC	"ward_dev_mac"
#define WARD_MAP_DEV_IP		"ward_dev_ip"
#define WARD_MAP_DEVICES	"ward_devices"
#define WARD_MAP_PEERS		"ward_peers"
#define WARD_MAP_SERVICES	"ward_services"
#define WARD_MAP_COUNTERS	"ward_counters"
#define WARD_MAP_RATE		"ward_rate"
#define WARD_MAP_FLOWS		"ward_flows"
#define WARD_MAP_FLOWS_CRITICAL "ward_flows_crit"
#define WARD_MAP_FRAGS		"ward_frags"
#define WARD_MAP_EVENTS		"ward_events"
#define WARD_MAP_EVENT_SUPPRESS "ward_ev_suppress"
#define WARD_MAP_HOSTS_SEEN	"ward_hosts_seen"
#define WARD_MAP_STATS		"ward_stats"
#define WARD_MAP_PASSED		"ward_passed"

enum ward_reason {
	WARD_REASON_NONE = 0,
	WARD_REASON_NO_RULE,
	WARD_REASON_SPOOFED_SOURCE,
	WARD_REASON_WRONG_VLAN,
	WARD_REASON_FRAGMENT,
	WARD_REASON_MALFORMED,
	WARD_REASON_IP_OPTIONS,
	WARD_REASON_NON_IP,
	WARD_REASON_RATE_LIMIT,
	WARD_REASON_UNKNOWN_HOST,
	WARD_REASON_FLOW_REVOKED,
	WARD_REASON_COUNT,
};

enum ward_direction {
	WARD_DIR_FROM_DEVICE = 0, /* XDP: frames a device sends; outbound rules */
	WARD_DIR_TO_DEVICE = 1,	  /* TC egress: frames toward a device; inbound rules */
	WARD_DIR_COUNT,
};

enum ward_criticality {
	WARD_CRIT_LIFE_CRITICAL = 0,
	WARD_CRIT_CLINICAL,
	WARD_CRIT_ADMINISTRATIVE,
};

enum ward_mode {
	WARD_MODE_ENFORCE = 0,
	WARD_MODE_AUDIT,
};

enum ward_unknown_hosts {
	WARD_UNKNOWN_PASS = 0,
	WARD_UNKNOWN_AUDIT,
	WARD_UNKNOWN_DROP,
};

enum ward_xdp_mode {
	WARD_XDP_AUTO = 0,
	WARD_XDP_NATIVE,
	WARD_XDP_GENERIC,
};

/* Timeout classes of a tracked flow; index into ward_config.timeout_s. */
enum ward_timeout_class {
	WARD_TMO_TCP_ESTABLISHED = 0,
	WARD_TMO_TCP_TRANSITORY,
	WARD_TMO_UDP,
	WARD_TMO_ICMP,
	WARD_TMO_OTHER,
	WARD_TMO_COUNT,
};

/* WARD_MAP_ACTIVE: ARRAY, one entry, key 0. Written last, in one store. */
struct ward_active {
	__u32 slot; /* 0 or 1: which inner maps are in force */
	__u32 pad;
};

/* WARD_MAP_CONFIG inner: ARRAY, one entry, key 0. */
struct ward_config {
	__u64 generation; /* starts at 1; a flow of another generation is judged again */
	__u32 timeout_s[WARD_TMO_COUNT];
	__u32 ndevices; /* counters of unknown hosts are at index ndevices + iface_id */
	__u32 flags;	/* WARD_CFG_* */
	__u32 pad;
};

#define WARD_CFG_HAS_CRITICAL (1U << 0) /* some device is life-critical */

/* WARD_MAP_IFACES inner: HASH, key = ifindex (__u32). */
struct ward_iface_info {
	__u32 iface_id;	    /* index in the policy's interfaces list */
	__u8 unknown_hosts; /* enum ward_unknown_hosts */
	__u8 has_dhcp;	    /* a device on this interface has dhcp: true */
	__u8 pad[2];
};

/* WARD_MAP_DEV_MAC inner: HASH, value = device id (__u32). */
struct ward_mac_key {
	__u32 iface_id;
	__u8 mac[6];
	__u8 pad[2];
};

/* WARD_MAP_DEV_IP inner: HASH, value = device id (__u32). */
struct ward_ip_key {
	__u32 iface_id;
	__u8 addr[16];
};

#define WARD_DEV_DHCP	 (1U << 0)
#define WARD_DEV_HAS_MAC (1U << 1)
#define WARD_DEV_HAS_V4	 (1U << 2)
#define WARD_DEV_HAS_V6	 (1U << 3)

/* WARD_MAP_DEVICES inner: ARRAY (BPF_F_INNER_MAP), key = device id. */
struct ward_dev_info {
	__u64 any_proto_rules[WARD_DIR_COUNT]; /* rules with proto: any, by direction */
	__u32 iface_id;
	__u32 new_flows_per_s; /* 0: no limit */
	__u16 vlan;	       /* 0: any VLAN or none */
	__u8 criticality;      /* enum ward_criticality */
	__u8 mode;	       /* enum ward_mode */
	__u8 flags;	       /* WARD_DEV_* */
	__u8 mac[6];
	__u8 pad[1];
};

/*
 * WARD_MAP_PEERS inner: LPM_TRIE. The first 32 bits of data (dev_dir) are
 * always inside the prefix; the value is the mask of rules of that device and
 * direction whose peer list covers the prefix, already merged with the rules
 * of every shorter prefix that contains it, so one lookup answers.
 */
struct ward_peer_key {
	__u32 prefixlen; /* 32 + prefix length over the 128-bit address */
	__u32 dev_dir;	 /* device id << 1 | direction */
	__u8 addr[16];
};

/*
 * WARD_MAP_SERVICES inner: LPM_TRIE, value = rule mask, merged as for peers.
 * port holds the destination port in network order, or for ICMP the type
 * in port[0] and the code in port[1]. A rule without ports (or ICMP types)
 * has prefixlen 40; a port range becomes the prefixes that cover it.
 */
struct ward_service_key {
	__u32 prefixlen; /* 40 + prefix length over the 16-bit port */
	__u32 dev_dir;
	__u8 proto;
	__u8 port[2];
	__u8 pad;
};

#define WARD_SERVICE_BASE_PREFIX 40
#define WARD_PEER_BASE_PREFIX	 32

/*
 * WARD_MAP_COUNTERS inner: PERCPU_HASH, key = device id (or unknown host),
 * every key present from the start (a per-CPU array cannot vary in size).
 * passed stays 0 there: passes are counted in WARD_MAP_PASSED, which the
 * fast path reaches without a map-of-maps lookup; readers add the two.
 */
struct ward_counters {
	__u64 passed;
	__u64 dropped[WARD_REASON_COUNT];
	__u64 would_drop[WARD_REASON_COUNT];
	__u64 event_pkts[WARD_REASON_COUNT]; /* packets carried by delivered events */
	__u64 event_lost[WARD_REASON_COUNT]; /* packets whose event found the ring full */
};

/*
 * WARD_MAP_RATE: HASH, token bucket per device of each slot. The datapath
 * refills and spends under the spin lock, so concurrent CPUs never spend the
 * same token; userspace writes whole values (the kernel leaves the lock be).
 */
struct ward_rate_key {
	__u32 slot;
	__u32 device_id;
};

struct ward_rate_state {
	__u64 tokens_milli; /* tokens x 1000 */
	__u64 last_ns;
	struct bpf_spin_lock lock; /* the datapath's alone */
	__u32 pad;
};

/*
 * WARD_MAP_FLOWS (LRU_HASH) and WARD_MAP_FLOWS_CRITICAL (HASH, never
 * evicted): tracked flows, keyed from the device's side so that both
 * directions of a flow find the same entry. For ICMP echo dev_port is the
 * identifier and peer_port says who sent the request (WARD_ICMP_BY_*).
 */
struct ward_flow_key {
	__u8 dev_addr[16];
	__u8 peer_addr[16];
	__u16 dev_port;	 /* network order */
	__u16 peer_port; /* network order */
	__u8 proto;
	__u8 pad[3];
};

#define WARD_ICMP_BY_DEVICE 1
#define WARD_ICMP_BY_PEER   2

#define WARD_FLOW_SEEN_REPLY (1U << 0) /* TCP: the other side answered */
#define WARD_FLOW_CLOSING    (1U << 1) /* TCP: FIN seen */
#define WARD_FLOW_OPENED_IN  (1U << 2) /* opened by a peer (inbound rule) */

struct ward_flow {
	__u64 last_ns;
	__u64 generation;
	__u32 device_id;
	__u32 ifindex;
	__u16 vlan;
	__u8 tmo_class; /* enum ward_timeout_class */
	__u8 flags;	/* WARD_FLOW_* */
	__u8 mac[6];	/* the device's MAC, or zero when it declares none */
	__u8 pad[2];
};

/* WARD_MAP_FRAGS: LRU_HASH, the verdict of a passed first fragment. */
struct ward_frag_key {
	__u8 src[16];
	__u8 dst[16];
	__u32 id;
	__u8 proto;
	__u8 pad[3];
};

struct ward_frag {
	__u64 first_ns;
	__u32 device_id;
	__u32 pad;
};

enum ward_event_type {
	WARD_EV_DROP = 1,
	WARD_EV_WOULD_DROP,
	WARD_EV_HOST_SEEN,
};

#define WARD_DEVICE_NONE 0xffffffffU

/* WARD_MAP_EVENTS: RINGBUF of these. */
struct ward_event {
	__u64 ts_ns;	  /* bpf_ktime_get_ns() */
	__u64 generation; /* policy generation that judged the packet */
	__u32 ifindex;
	__u32 device_id; /* WARD_DEVICE_NONE for a host no device matches */
	__u32 count;	 /* 1 + packets held back since the last such event */
	__u32 len;	 /* frame length */
	__u8 type;	 /* enum ward_event_type */
	__u8 reason;	 /* enum ward_reason */
	__u8 direction;	 /* enum ward_direction */
	__u8 proto;	 /* L4 protocol, 0 when not IP */
	__u8 is_v4;
	__u8 has_l4; /* ports (or ICMP type and code) are meaningful */
	__u16 vlan;  /* innermost tag, 0 when untagged */
	__u8 src[16];
	__u8 dst[16];
	__u16 sport; /* host order; ICMP: type */
	__u16 dport; /* host order; ICMP: code */
	__u8 src_mac[6];
	__u8 dst_mac[6];
};

/*
 * WARD_MAP_EVENT_SUPPRESS: HASH, one entry per kind of identical event. A
 * plain hash, not an LRU: an evicted entry would take its held-back count
 * with it and break the accounting. When it is full, events go out unheld.
 * The agent may delete entries whose held is 0 and last_ns is stale.
 */
struct ward_suppress_key {
	__u64 generation;
	__u32 device_id;
	__u32 ifindex;
	__u8 src[16];
	__u8 dst[16];
	__u16 dport;
	__u8 direction;
	__u8 reason;
	__u8 proto;
	__u8 type;
	__u8 pad[2];
};

struct ward_suppress {
	__u64 last_ns;
	__u64 held; /* packets held back since last_ns */
};

/* WARD_MAP_HOSTS_SEEN: LRU_HASH, value unused (__u8). */
struct ward_host_key {
	__u32 ifindex;
	__u8 mac[6];
	__u8 pad[2];
	__u8 addr[16];
};

/*
 * WARD_MAP_PASSED: PERCPU_ARRAY of __u64, the packets passed, at
 * slot * WARD_COUNTER_STRIDE + the index of WARD_MAP_COUNTERS. The agent
 * zeroes a slot's indexes before it makes the slot active.
 */
#define WARD_COUNTER_STRIDE (WARD_MAX_DEVICES + WARD_MAX_IFACES)

/*
 * WARD_MAP_STATS: PERCPU_ARRAY, one entry: datapath-wide counters. The LRU
 * table evicts silently: flows_created - flows_deleted - flows in the tables
 * is what it evicted (or overwrote in place).
 */
struct ward_stats {
	__u64 flows_created;
	__u64 critical_table_full; /* critical flows put in the shared table */
	__u64 flow_insert_failed;
	__u64 frags_tracked;
	__u64 flows_deleted; /* by the datapath: expired, RST, revoked */
};

#define WARD_ASSERT_SIZE(type, size) _Static_assert(sizeof(struct type) == (size), #type)

WARD_ASSERT_SIZE(ward_active, 8);
WARD_ASSERT_SIZE(ward_config, 40);
WARD_ASSERT_SIZE(ward_iface_info, 8);
WARD_ASSERT_SIZE(ward_mac_key, 12);
WARD_ASSERT_SIZE(ward_ip_key, 20);
WARD_ASSERT_SIZE(ward_dev_info, 40);
WARD_ASSERT_SIZE(ward_peer_key, 24);
WARD_ASSERT_SIZE(ward_service_key, 12);
WARD_ASSERT_SIZE(ward_counters, 8 + 4 * 8 * WARD_REASON_COUNT);
WARD_ASSERT_SIZE(ward_rate_state, 24);
WARD_ASSERT_SIZE(ward_flow_key, 40);
WARD_ASSERT_SIZE(ward_flow, 40);
WARD_ASSERT_SIZE(ward_frag_key, 40);
WARD_ASSERT_SIZE(ward_event, 88);
WARD_ASSERT_SIZE(ward_suppress_key, 56);
WARD_ASSERT_SIZE(ward_host_key, 28);
WARD_ASSERT_SIZE(ward_stats, 40);

#endif /* WARD_ABI_H */
