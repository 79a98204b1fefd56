/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The one policy the datapath fuzz target runs its frames against, and
 * the addresses its seeds (seeds/datapath_seeds.c) use. It covers what the
 * evaluator distinguishes: a device found by MAC and one by address only, a
 * VLAN, audit mode, DHCP, IPv4 and IPv6, ports, ranges, ICMP types, a
 * protocol without ports, rules with peers "any", and unknown hosts
 * dropped. One interface: the harness binds it to lo, and further ones
 * would need dummy interfaces, which not every kernel has. No rate limit:
 * the evaluator has none.
 */
#ifndef WARD_FUZZ_DATAPATH_POLICY_H
#define WARD_FUZZ_DATAPATH_POLICY_H

#define FZ_GW_MAC    "02:00:00:00:00:01"
#define FZ_CT_MAC    "02:00:00:00:00:21"
#define FZ_CT_V4     "198.18.0.21"
#define FZ_CT_V6     "2001:db8::21"
#define FZ_CT_VLAN   20
#define FZ_PUMP_MAC  "02:00:00:00:00:41" /* not in the policy: pump-01 is found by address */
#define FZ_PUMP_V4   "198.18.0.41"
#define FZ_MON_MAC   "02:00:00:00:00:31"
#define FZ_LAB_MAC   "02:00:00:00:00:51"
#define FZ_LAB_V6    "2001:db8::51"
#define FZ_PACS_V4   "198.18.1.10"
#define FZ_DNS_V4    "198.18.1.53"
#define FZ_BIOMED_V4 "198.18.2.7"
#define FZ_BIOMED_V6 "2001:db8:2::7"
#define FZ_OTHER_V4  "198.18.1.66"
#define FZ_OTHER_V6  "2001:db8:9::66"

static const char datapath_policy_yaml[] =
	"version: 1\n"
	"sets:\n"
	"  pacs: [" FZ_PACS_V4 ", 198.18.1.11]\n"
	"  biomed: [198.18.2.0/24, \"2001:db8:2::/64\"]\n"
	"services:\n"
	"  dicom: { proto: tcp, ports: [104, 11112] }\n"
	"interfaces:\n"
	"  - { name: dev0, unknown_hosts: drop }\n"
	"devices:\n"
	"  - name: ct-01\n"
	"    mac: \"" FZ_CT_MAC "\"\n"
	"    ipv4: [" FZ_CT_V4 "]\n"
	"    ipv6: [\"" FZ_CT_V6 "\"]\n"
	"    vlan: 20\n"
	"    outbound:\n"
	"      - { to: [pacs], service: dicom }\n"
	"      - { to: [" FZ_DNS_V4 ", \"2001:db8::53\"], proto: udp, ports: [53] }\n"
	"      - { to: [biomed], proto: icmp, icmp: [echo-request] }\n"
	"      - { to: [\"2001:db8:2::/64\"], proto: icmpv6, icmp: [echo-request] }\n"
	"    inbound:\n"
	"      - { from: [pacs], proto: tcp, ports: [104] }\n"
	"      - { from: [biomed], proto: icmp, icmp: [echo-request] }\n"
	"      - { from: [any], proto: udp, ports: [\"5000-5100\"] }\n"
	"  - name: pump-01\n"
	"    ipv4: [" FZ_PUMP_V4 "]\n"
	"    criticality: life-critical\n"
	"    mode: audit\n"
	"    outbound:\n"
	"      - { to: [198.18.1.40], proto: tcp, ports: [443] }\n"
	"    inbound:\n"
	"      - { from: [198.18.1.40], proto: any }\n"
	"  - name: mon-01\n"
	"    mac: \"" FZ_MON_MAC "\"\n"
	"    dhcp: true\n"
	"    outbound:\n"
	"      - { to: [any], proto: 50 }\n"
	"      - { to: [198.18.1.0/24], proto: tcp }\n"
	"    inbound:\n"
	"      - { from: [198.18.1.0/24], proto: tcp, ports: [22, \"8000-8100\"] }\n"
	"  - name: lab-01\n"
	"    mac: \"" FZ_LAB_MAC "\"\n"
	"    ipv6: [\"" FZ_LAB_V6 "\"]\n"
	"    inbound:\n"
	"      - { from: [any], proto: icmpv6 }\n";

#endif /* WARD_FUZZ_DATAPATH_POLICY_H */
