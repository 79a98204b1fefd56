/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The in-memory form of a ward policy (../shared/spec/policy.md), as the
 * loader builds it from YAML and the compiler and the reference evaluator
 * read it. Every element keeps the position of the YAML node it came from so
 * that each message can point into the file.
 *
 * Addresses use the 16-byte IPv4-mapped form of include/ward_abi.h; a prefix
 * length is counted over those 128 bits (an IPv4 /24 is 96 + 24).
 *
 * A struct ward_policy owns all of its memory; ward_policy_free() releases it.
 */
#ifndef WARD_POLICY_H
#define WARD_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ward_abi.h"

#define WARD_PROTO_ANY -1

struct ward_pos {
	uint32_t line; /* 1-based */
	uint32_t col;  /* 1-based */
};

struct ward_prefix {
	uint8_t addr[16];
	uint8_t plen; /* over the 128-bit form: IPv4 prefixes are 96..128 */
	bool is_v4;
};

struct ward_port_range {
	uint16_t lo;
	uint16_t hi;
};

/* A rule after sets and services are resolved. */
struct ward_rule {
	struct ward_pos pos;
	struct ward_prefix *peers; /* "any" is ::/0 */
	size_t npeers;
	int proto; /* WARD_PROTO_ANY or 0..255 */
	struct ward_port_range *ports;
	size_t nports; /* 0: every port */
	uint8_t *icmp_types;
	size_t nicmp;  /* 0: every type */
	char *service; /* the service's name when the rule used one, else NULL */
};

struct ward_device {
	struct ward_pos pos;
	char *name;
	uint32_t iface; /* index into ward_policy.ifaces */
	bool has_mac;
	uint8_t mac[6];
	uint8_t (*ipv4)[16]; /* IPv4-mapped host addresses */
	size_t nipv4;
	uint8_t (*ipv6)[16];
	size_t nipv6;
	uint16_t vlan; /* 0: none */
	enum ward_criticality criticality;
	enum ward_mode mode;
	bool dhcp;
	uint32_t new_flows_per_s;		 /* 0: no limit */
	struct ward_rule *rules[WARD_DIR_COUNT]; /* outbound, inbound */
	size_t nrules[WARD_DIR_COUNT];
};

struct ward_iface_conf {
	struct ward_pos pos;
	char name[WARD_IFNAME_MAX];
	enum ward_unknown_hosts unknown_hosts;
	enum ward_xdp_mode xdp_mode;
};

struct ward_policy {
	char *path;
	struct ward_iface_conf *ifaces;
	size_t nifaces;
	struct ward_device *devices;
	size_t ndevices;
	size_t nsets;
	size_t nservices;
	uint32_t timeout_s[WARD_TMO_COUNT];
};

enum ward_severity {
	WARD_SEV_ERROR,
	WARD_SEV_WARNING,
};

struct ward_diag {
	enum ward_severity severity;
	struct ward_pos pos;
	char *message;
};

/* All the errors and warnings found in one policy file. */
struct ward_diags {
	struct ward_diag *items;
	size_t count;
	size_t nerrors; /* every error found, stored or not */
	size_t dropped; /* diagnostics found but not stored (over the cap, or no memory) */
};

/*
 * Parse and validate the policy at @path. Returns 0 and sets *@out when the
 * policy has no error; -EINVAL when it has errors (all in @diags); another
 * negative errno when the file cannot be read (also reported in @diags at
 * position 0:0). Warnings go to @diags either way. The caller frees *@out
 * with ward_policy_free() and @diags with ward_diags_free().
 */
int ward_policy_load(const char *path, struct ward_policy **out, struct ward_diags *diags);

/* As ward_policy_load(), from a buffer; @name is used in messages. */
int ward_policy_load_buffer(const char *name, const char *buf, size_t len, struct ward_policy **out,
			    struct ward_diags *diags);

void ward_policy_free(struct ward_policy *policy);
void ward_diags_free(struct ward_diags *diags);

/* Print each diagnostic as FILE:LINE:COLUMN: error|warning: MESSAGE. */
void ward_diags_print(const struct ward_diags *diags, const char *file, FILE *out);

#endif /* WARD_POLICY_H */
