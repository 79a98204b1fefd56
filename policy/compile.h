/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The policy compiler: turns a validated struct ward_policy into the exact
 * entries of the per-policy maps of include/ward_abi.h. The agent and the
 * BPF tests fill the maps from this and nothing else.
 *
 * Interfaces are numbered by their place in the policy (iface_id); the code
 * that fills the maps keys WARD_MAP_IFACES by the kernel's ifindex instead.
 * Device ids are the devices' places in the policy.
 */
#ifndef WARD_COMPILE_H
#define WARD_COMPILE_H

#include "policy.h"

struct ward_mac_entry {
	struct ward_mac_key key;
	uint32_t device_id;
};

struct ward_ip_entry {
	struct ward_ip_key key;
	uint32_t device_id;
};

struct ward_peer_entry {
	struct ward_peer_key key;
	uint64_t rules;
};

struct ward_service_entry {
	struct ward_service_key key;
	uint64_t rules;
};

struct ward_compiled {
	struct ward_config config;
	struct ward_iface_info *ifaces; /* indexed by iface_id */
	size_t nifaces;
	struct ward_mac_entry *macs;
	size_t nmacs;
	struct ward_ip_entry *ips;
	size_t nips;
	struct ward_dev_info *devices; /* indexed by device id */
	size_t ndevices;
	struct ward_peer_entry *peers;
	size_t npeers;
	struct ward_service_entry *services;
	size_t nservices;
};

/*
 * Compile @policy for policy generation @generation. Returns 0 and sets *@out,
 * or -E2BIG when the policy exceeds a limit of the datapath (each limit and
 * by how much is reported in @diags as an error), or -ENOMEM.
 * The caller frees *@out with ward_compiled_free().
 */
int ward_compile(const struct ward_policy *policy, uint64_t generation, struct ward_compiled **out,
		 struct ward_diags *diags);

void ward_compiled_free(struct ward_compiled *compiled);

#endif /* WARD_COMPILE_H */
