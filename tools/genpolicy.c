// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * genpolicy: print a large, realistic ward policy to standard output, for
 * measuring `ward check` and the compiler. Usage: genpolicy DEVICES RULES,
 * RULES being the rules of each device (half outbound, half inbound).
 *
 * The policy has sets (some nesting others, IPv4 and IPv6, hosts and
 * CIDRs), services, four interfaces, and devices with a MAC, an IPv4
 * address and, for every other one, an IPv6 address. Each device's rules
 * mix services, protocols with ports and port ranges, and ICMP, and no rule
 * covers another, so the policy loads without warnings.
 */
#include <stdio.h>
#include <stdlib.h>

#define NSETS	    64
#define NGROUPS	    16
#define NIFACES	    4
#define MAX_DEVICES (250 * 256)

static const char *const services[] = {"dicom", "hl7", "https", "ntp", "dns", "syslog"};

#define NSERVICES (sizeof(services) / sizeof(services[0]))

static void print_head(void)
{
	printf("version: 1\n\ndefaults:\n  mode: enforce\n  criticality: clinical\n\n");
	printf("services:\n"
	       "  dicom: { proto: tcp, ports: [104, 11112] }\n"
	       "  hl7: { proto: tcp, ports: [2575] }\n"
	       "  https: { proto: tcp, ports: [443, 8443] }\n"
	       "  ntp: { proto: udp, ports: [123] }\n"
	       "  dns: { proto: udp, ports: [53] }\n"
	       "  syslog: { proto: udp, ports: [514, \"6514-6515\"] }\n\n");
	printf("timeouts:\n  tcp_established: 7200\n\n");
}

/* Servers: an IPv4 host, a /28 and an IPv6 host each; groups of two of them and a /24. */
static void print_sets(void)
{
	int i;

	printf("sets:\n");
	for (i = 0; i < NSETS; i++)
		printf("  srv-%d: [198.18.%d.10, 198.18.%d.%d/28, \"2001:db8:%x::10\"]\n", i, i,
		       64 + i / 16, (i % 16) * 16, i);
	for (i = 0; i < NGROUPS; i++)
		printf("  grp-%d: [srv-%d, srv-%d, 198.18.%d.0/24]\n", i, i, i + NGROUPS, 128 + i);
	printf("\ninterfaces:\n");
	for (i = 0; i < NIFACES; i++)
		printf("  - name: dev%d\n    unknown_hosts: %s\n", i, i % 2 ? "audit" : "drop");
	printf("\n");
}

/* Rule @j of a device: each one a different port or protocol, so none covers another. */
static void print_rule(int dev, int j, const char *peer_key)
{
	int set = (dev + j) % NSETS, port = 20000 + 100 * j;

	printf("      - ");
	switch (j % 4) {
	case 0:
		printf("{ %s: [grp-%d], service: %s }\n", peer_key, (dev + j) % NGROUPS,
		       services[(j / 4) % NSERVICES]);
		break;
	case 1:
		printf("{ %s: [srv-%d, 198.18.%d.0/24], proto: tcp, ports: [%d, \"%d-%d\"] }\n",
		       peer_key, set, 160 + j, port, port + 10, port + 40);
		break;
	case 2:
		printf("{ %s: [srv-%d, \"2001:db8:%x::/48\"], proto: udp, ports: [%d] }\n",
		       peer_key, set, 0x100 + j, port);
		break;
	default:
		/* 13 to 18: no error types, which no rule can let through */
		printf("{ %s: [198.18.%d.0/24], proto: icmp, icmp: [echo-request, %d] }\n",
		       peer_key, 192 + j, 13 + (j / 4) % 6);
		break;
	}
}

static void print_device(int i, int rules)
{
	int j;

	printf("  - name: dev-%05d\n    interface: dev%d\n", i, i % NIFACES);
	printf("    mac: \"02:00:00:%02x:%02x:%02x\"\n", (i >> 16) & 0xff, (i >> 8) & 0xff,
	       i & 0xff);
	printf("    ipv4: [198.19.%d.%d]\n", i / 250, i % 250 + 1);
	if (i % 2)
		printf("    ipv6: [\"2001:db8:ffff::%x\"]\n", i + 1);
	if (i % 10 == 0)
		printf("    criticality: life-critical\n    vlan: %d\n", 10 + i % 4000);
	printf("    outbound:\n");
	for (j = 0; j < (rules + 1) / 2; j++)
		print_rule(i, j, "to");
	if (rules / 2)
		printf("    inbound:\n");
	for (j = 0; j < rules / 2; j++)
		print_rule(i, j, "from");
}

int main(int argc, char **argv)
{
	int devices, rules, i;

	if (argc != 3 || (devices = atoi(argv[1])) < 1 || devices > MAX_DEVICES ||
	    (rules = atoi(argv[2])) < 0 || rules > 128) {
		fprintf(stderr,
			"usage: genpolicy DEVICES RULES\n"
			"  DEVICES 1 to %d, RULES per device 0 to 128\n",
			MAX_DEVICES);
		return 2;
	}

	print_head();
	print_sets();
	printf("devices:\n");
	for (i = 0; i < devices; i++)
		print_device(i, rules);
	return 0;
}
