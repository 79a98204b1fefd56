/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The maps of the datapath, as include/ward_abi.h describes them.
 *
 * Per-policy maps are ARRAY_OF_MAPS with one inner map per slot. The inner
 * definitions below are templates: the agent creates the real inner maps
 * sized to its policy (agent/maps.c), so each template carries the flags the
 * real ones must have (arrays: BPF_F_INNER_MAP so that their size may vary;
 * LPM tries: BPF_F_NO_PREALLOC, which the kernel requires). The counters
 * are a per-CPU hash filled with every index up front: the kernel refuses
 * BPF_F_INNER_MAP on per-CPU arrays, and one fixed size for the largest
 * policy would cost megabytes per CPU. Passes alone, the one count of the
 * fast path, go to ward_passed, a per-CPU array outside the slots whose
 * lookups the verifier inlines (8 bytes per index: 1 MiB per CPU). Templates give
 * sizes rather than types: clang 14 leaves types seen only through them as
 * forward declarations in BTF, which libbpf cannot size.
 */
#ifndef WARD_BPF_MAPS_H
#define WARD_BPF_MAPS_H

#define WARD_SLOTS 2

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_active);
} ward_active SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, WARD_SLOTS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_ARRAY);
			__uint(map_flags, BPF_F_INNER_MAP);
			__uint(max_entries, 1);
			__uint(key_size, sizeof(__u32));
			__uint(value_size, sizeof(struct ward_config));
		});
} ward_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, WARD_SLOTS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_HASH);
			__uint(max_entries, 1);
			__uint(key_size, sizeof(__u32));
			__uint(value_size, sizeof(struct ward_iface_info));
		});
} ward_ifaces SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, WARD_SLOTS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_HASH);
			__uint(max_entries, 1);
			__uint(key_size, sizeof(struct ward_mac_key));
			__uint(value_size, sizeof(__u32));
		});
} ward_dev_mac SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, WARD_SLOTS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_HASH);
			__uint(max_entries, 1);
			__uint(key_size, sizeof(struct ward_ip_key));
			__uint(value_size, sizeof(__u32));
		});
} ward_dev_ip SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, WARD_SLOTS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_ARRAY);
			__uint(map_flags, BPF_F_INNER_MAP);
			__uint(max_entries, 1);
			__uint(key_size, sizeof(__u32));
			__uint(value_size, sizeof(struct ward_dev_info));
		});
} ward_devices SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, WARD_SLOTS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_LPM_TRIE);
			__uint(map_flags, BPF_F_NO_PREALLOC);
			__uint(max_entries, 1);
			__uint(key_size, sizeof(struct ward_peer_key));
			__uint(value_size, sizeof(__u64));
		});
} ward_peers SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, WARD_SLOTS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_LPM_TRIE);
			__uint(map_flags, BPF_F_NO_PREALLOC);
			__uint(max_entries, 1);
			__uint(key_size, sizeof(struct ward_service_key));
			__uint(value_size, sizeof(__u64));
		});
} ward_services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, WARD_SLOTS);
	__type(key, __u32);
	__array(
		values, struct {
			__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
			__uint(max_entries, 1);
			__uint(key_size, sizeof(__u32));
			__uint(value_size, sizeof(struct ward_counters));
		});
} ward_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_SLOTS *WARD_MAX_DEVICES);
	__type(key, struct ward_rate_key);
	__type(value, struct ward_rate_state);
} ward_rate SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, WARD_DEFAULT_FLOWS);
	__type(key, struct ward_flow_key);
	__type(value, struct ward_flow);
} ward_flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_CRITICAL_FLOWS);
	__type(key, struct ward_flow_key);
	__type(value, struct ward_flow);
} ward_flows_crit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, WARD_FRAG_ENTRIES);
	__type(key, struct ward_frag_key);
	__type(value, struct ward_frag);
} ward_frags SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, WARD_RINGBUF_BYTES);
} ward_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, WARD_EVENT_SUPPRESS_ENTRIES);
	__type(key, struct ward_suppress_key);
	__type(value, struct ward_suppress);
} ward_ev_suppress SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, WARD_HOSTS_SEEN_ENTRIES);
	__type(key, struct ward_host_key);
	__type(value, __u8);
} ward_hosts_seen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ward_stats);
} ward_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, WARD_SLOTS *WARD_COUNTER_STRIDE);
	__type(key, __u32);
	__type(value, __u64);
} ward_passed SEC(".maps");

#endif /* WARD_BPF_MAPS_H */
