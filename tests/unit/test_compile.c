// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Unit tests of policy/compile.c: the one-to-one entries (config,
 * interfaces, MACs, addresses, devices), the merged LPM entries of peers and
 * services (overlapping CIDRs, any plus a host, both families, port ranges,
 * ICMP types), the limits of the datapath with their messages, the speed on
 * a big policy, and agreement with the reference evaluator on random
 * policies, by emulating the datapath's lookups over the compiled entries.
 */
#include <errno.h>
#include <glob.h>
#include <time.h>

#include "policy_builder.h"

#include "compile.h"
#include "eval.h"

static struct ward_compiled *compile_ok(const struct ward_policy *p, uint64_t generation)
{
	struct ward_diags diags = {0};
	struct ward_compiled *c = NULL;

	assert_int_equal(ward_compile(p, generation, &c, &diags), 0);
	assert_int_equal(diags.count, 0);
	assert_non_null(c);
	return c;
}

/* Compile @p expecting -E2BIG with exactly one error: @message at @line. */
static void compile_too_big(const struct ward_policy *p, uint32_t line, const char *message)
{
	struct ward_diags diags = {0};
	struct ward_compiled *c = NULL;

	assert_int_equal(ward_compile(p, 1, &c, &diags), -E2BIG);
	assert_null(c);
	assert_int_equal(diags.count, 1);
	assert_int_equal(diags.nerrors, 1);
	assert_int_equal(diags.items[0].severity, WARD_SEV_ERROR);
	assert_int_equal(diags.items[0].pos.line, line);
	assert_string_equal(diags.items[0].message, message);
	ward_diags_free(&diags);
}

static uint32_t dev_dir(uint32_t id, int dir)
{
	return id << 1 | (uint32_t)dir;
}

static size_t count_peers(const struct ward_compiled *c, uint32_t dd)
{
	size_t i, n = 0;

	for (i = 0; i < c->npeers; i++)
		n += c->peers[i].key.dev_dir == dd;
	return n;
}

static size_t count_services(const struct ward_compiled *c, uint32_t dd)
{
	size_t i, n = 0;

	for (i = 0; i < c->nservices; i++)
		n += c->services[i].key.dev_dir == dd;
	return n;
}

/* The rule mask of the peer entry for @text ("198.18.1.0/24", "any"); fails if absent. */
static uint64_t peer_rules(const struct ward_compiled *c, uint32_t dd, const char *text)
{
	struct ward_rule rule = {0};
	size_t i;

	pb_peer(&rule, text);
	for (i = 0; i < c->npeers; i++) {
		const struct ward_peer_entry *e = &c->peers[i];

		if (e->key.dev_dir == dd && e->key.prefixlen == 32u + rule.peers[0].plen &&
		    !memcmp(e->key.addr, rule.peers[0].addr, 16)) {
			free(rule.peers);
			return e->rules;
		}
	}
	free(rule.peers);
	fail_msg("no peer entry for %s", text);
	return 0;
}

/* The rule mask of the service entry (proto, port in host order, port prefix length). */
static uint64_t service_rules(const struct ward_compiled *c, uint32_t dd, uint8_t proto,
			      uint16_t port, unsigned int port_plen)
{
	size_t i;

	for (i = 0; i < c->nservices; i++) {
		const struct ward_service_entry *e = &c->services[i];

		if (e->key.dev_dir == dd && e->key.proto == proto &&
		    e->key.prefixlen == WARD_SERVICE_BASE_PREFIX + port_plen &&
		    e->key.port[0] == port >> 8 && e->key.port[1] == (port & 0xff) && !e->key.pad)
			return e->rules;
	}
	fail_msg("no service entry for proto %u port %u/%u", proto, port, port_plen);
	return 0;
}

/* Config: generation, timeouts, device count, life-critical flag. */
static void test_config(void **state)
{
	struct ward_policy *p = pb_new(1, 2);
	struct ward_device *dev = pb_device(p, "a", 0);
	struct ward_compiled *c;

	pb_ipv4(dev, "198.18.0.1");
	p->timeout_s[WARD_TMO_UDP] = 17;
	c = compile_ok(p, 42);
	assert_int_equal(c->config.generation, 42);
	assert_int_equal(c->config.timeout_s[WARD_TMO_TCP_ESTABLISHED], 3600);
	assert_int_equal(c->config.timeout_s[WARD_TMO_UDP], 17);
	assert_int_equal(c->config.ndevices, 1);
	assert_int_equal(c->config.flags, 0);
	ward_compiled_free(c);

	dev = pb_device(p, "b", 0);
	dev->criticality = WARD_CRIT_LIFE_CRITICAL;
	pb_ipv4(dev, "198.18.0.2");
	c = compile_ok(p, 43);
	assert_int_equal(c->config.ndevices, 2);
	assert_int_equal(c->config.flags, WARD_CFG_HAS_CRITICAL);
	ward_compiled_free(c);
	pb_free(p);
}

/* Interfaces: numbered in order, unknown_hosts copied, has_dhcp from their devices. */
static void test_ifaces(void **state)
{
	struct ward_policy *p = pb_new(3, 2);
	struct ward_device *dev;
	struct ward_compiled *c;

	p->ifaces[0].unknown_hosts = WARD_UNKNOWN_PASS;
	p->ifaces[2].unknown_hosts = WARD_UNKNOWN_DROP;
	dev = pb_device(p, "a", 2);
	dev->dhcp = true;
	pb_mac(dev, "02:00:00:00:00:01");
	dev = pb_device(p, "b", 1);
	pb_mac(dev, "02:00:00:00:00:02");

	c = compile_ok(p, 1);
	assert_int_equal(c->nifaces, 3);
	assert_int_equal(c->ifaces[0].iface_id, 0);
	assert_int_equal(c->ifaces[2].iface_id, 2);
	assert_int_equal(c->ifaces[0].unknown_hosts, WARD_UNKNOWN_PASS);
	assert_int_equal(c->ifaces[1].unknown_hosts, WARD_UNKNOWN_AUDIT);
	assert_int_equal(c->ifaces[2].unknown_hosts, WARD_UNKNOWN_DROP);
	assert_int_equal(c->ifaces[0].has_dhcp, 0);
	assert_int_equal(c->ifaces[1].has_dhcp, 0);
	assert_int_equal(c->ifaces[2].has_dhcp, 1);
	ward_compiled_free(c);
	pb_free(p);
}

/* MAC and address entries: one per MAC and per address, keyed with the interface. */
static void test_macs_and_ips(void **state)
{
	struct ward_policy *p = pb_new(2, 2);
	struct ward_device *a = pb_device(p, "a", 1);
	struct ward_device *b = pb_device(p, "b", 0);
	struct ward_compiled *c;
	uint8_t addr[16];

	pb_mac(a, "02:00:00:00:00:0a");
	pb_ipv4(a, "198.18.0.10");
	pb_ipv4(a, "198.18.0.11");
	pb_ipv6(a, "2001:db8::a");
	pb_ipv6(b, "2001:db8::b");

	c = compile_ok(p, 1);
	assert_int_equal(c->nmacs, 1);
	assert_int_equal(c->macs[0].key.iface_id, 1);
	assert_memory_equal(c->macs[0].key.mac, a->mac, 6);
	assert_int_equal(c->macs[0].key.pad[0] | c->macs[0].key.pad[1], 0);
	assert_int_equal(c->macs[0].device_id, 0);

	assert_int_equal(c->nips, 4);
	pb_addr("198.18.0.11", addr, true);
	assert_int_equal(c->ips[1].key.iface_id, 1);
	assert_memory_equal(c->ips[1].key.addr, addr, 16);
	assert_int_equal(c->ips[1].device_id, 0);
	pb_addr("2001:db8::b", addr, false);
	assert_int_equal(c->ips[3].key.iface_id, 0);
	assert_memory_equal(c->ips[3].key.addr, addr, 16);
	assert_int_equal(c->ips[3].device_id, 1);
	ward_compiled_free(c);
	pb_free(p);
}

/* Device records: every field, flags, and the proto-any masks by direction. */
static void test_device_info(void **state)
{
	struct ward_policy *p = pb_new(2, 2);
	struct ward_device *a = pb_device(p, "a", 1);
	struct ward_device *b = pb_device(p, "b", 0);
	struct ward_compiled *c;
	struct ward_dev_info *info;

	pb_mac(a, "02:00:00:00:00:0a");
	pb_ipv6(a, "2001:db8::a");
	a->vlan = 20;
	a->criticality = WARD_CRIT_LIFE_CRITICAL;
	a->mode = WARD_MODE_AUDIT;
	a->dhcp = true;
	a->new_flows_per_s = 20;
	pb_peer(pb_rule(a, WARD_DIR_FROM_DEVICE, PB_TCP), "any");
	pb_peer(pb_rule(a, WARD_DIR_FROM_DEVICE, WARD_PROTO_ANY), "198.18.1.0/24");
	pb_peer(pb_rule(a, WARD_DIR_FROM_DEVICE, WARD_PROTO_ANY), "198.18.2.0/24");
	pb_peer(pb_rule(a, WARD_DIR_TO_DEVICE, WARD_PROTO_ANY), "any");
	pb_ipv4(b, "198.18.0.2");
	b->criticality = WARD_CRIT_ADMINISTRATIVE;

	c = compile_ok(p, 1);
	assert_int_equal(c->ndevices, 2);
	info = &c->devices[0];
	assert_int_equal(info->iface_id, 1);
	assert_int_equal(info->new_flows_per_s, 20);
	assert_int_equal(info->vlan, 20);
	assert_int_equal(info->criticality, WARD_CRIT_LIFE_CRITICAL);
	assert_int_equal(info->mode, WARD_MODE_AUDIT);
	assert_int_equal(info->flags, WARD_DEV_DHCP | WARD_DEV_HAS_MAC | WARD_DEV_HAS_V6);
	assert_memory_equal(info->mac, a->mac, 6);
	assert_int_equal(info->any_proto_rules[WARD_DIR_FROM_DEVICE], 0x6);
	assert_int_equal(info->any_proto_rules[WARD_DIR_TO_DEVICE], 0x1);

	info = &c->devices[1];
	assert_int_equal(info->iface_id, 0);
	assert_int_equal(info->flags, WARD_DEV_HAS_V4);
	assert_int_equal(info->criticality, WARD_CRIT_ADMINISTRATIVE);
	assert_int_equal(info->any_proto_rules[WARD_DIR_FROM_DEVICE], 0);
	ward_compiled_free(c);
	pb_free(p);
}

/* Overlapping CIDRs in different rules: each prefix carries the rules of those around it. */
static void test_peers_overlapping_cidrs(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "a", 0);
	struct ward_compiled *c;
	uint32_t dd = dev_dir(0, WARD_DIR_FROM_DEVICE);

	pb_ipv4(dev, "198.18.0.1");
	pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP), "198.18.1.10");
	pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP), "198.18.0.0/16");
	pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP), "198.18.1.0/24");
	pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP), "198.18.2.0/24");

	c = compile_ok(p, 1);
	assert_int_equal(count_peers(c, dd), 4);
	assert_int_equal(peer_rules(c, dd, "198.18.0.0/16"), 0x2);
	assert_int_equal(peer_rules(c, dd, "198.18.1.0/24"), 0x6);
	assert_int_equal(peer_rules(c, dd, "198.18.1.10"), 0x7);
	assert_int_equal(peer_rules(c, dd, "198.18.2.0/24"), 0xa);
	ward_compiled_free(c);
	pb_free(p);
}

/* any plus a host: ::/0 holds the any rule, the host holds both. */
static void test_peers_any_and_host(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "a", 0);
	struct ward_compiled *c;
	uint32_t dd = dev_dir(0, WARD_DIR_TO_DEVICE);

	pb_ipv4(dev, "198.18.0.1");
	pb_peer(pb_rule(dev, WARD_DIR_TO_DEVICE, PB_TCP), "198.18.1.10");
	pb_peer(pb_rule(dev, WARD_DIR_TO_DEVICE, PB_UDP), "any");

	c = compile_ok(p, 1);
	assert_int_equal(count_peers(c, dd), 2);
	assert_int_equal(count_peers(c, dev_dir(0, WARD_DIR_FROM_DEVICE)), 0);
	assert_int_equal(peer_rules(c, dd, "any"), 0x2);
	assert_int_equal(peer_rules(c, dd, "198.18.1.10"), 0x3);
	ward_compiled_free(c);
	pb_free(p);
}

/* IPv4 and IPv6 together, in one rule and across rules; the families do not mix. */
static void test_peers_both_families(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "a", 0);
	struct ward_compiled *c;
	struct ward_rule *r;
	uint32_t dd = dev_dir(0, WARD_DIR_FROM_DEVICE);

	pb_ipv6(dev, "2001:db8::1");
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP);
	pb_peer(r, "198.18.0.0/15");
	pb_peer(r, "2001:db8::/32");
	pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP), "2001:db8:1::/48");
	pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP), "198.18.1.0/24");
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP);
	pb_peer(r, "2001:db8:1::10");
	pb_peer(r, "198.18.1.10");

	c = compile_ok(p, 1);
	assert_int_equal(count_peers(c, dd), 6);
	assert_int_equal(peer_rules(c, dd, "198.18.0.0/15"), 0x1);
	assert_int_equal(peer_rules(c, dd, "198.18.1.0/24"), 0x5);
	assert_int_equal(peer_rules(c, dd, "198.18.1.10"), 0xd);
	assert_int_equal(peer_rules(c, dd, "2001:db8::/32"), 0x1);
	assert_int_equal(peer_rules(c, dd, "2001:db8:1::/48"), 0x3);
	assert_int_equal(peer_rules(c, dd, "2001:db8:1::10"), 0xb);
	ward_compiled_free(c);
	pb_free(p);
}

/* The same prefix in several rules is one entry; host bits of a CIDR are cleared. */
static void test_peers_duplicates_fold(void **state)
{
	struct ward_policy *p = pb_new(1, 2);
	struct ward_device *a = pb_device(p, "a", 0);
	struct ward_device *b = pb_device(p, "b", 0);
	struct ward_compiled *c;
	struct ward_rule *r;
	size_t i;

	pb_ipv4(a, "198.18.0.1");
	pb_ipv4(b, "198.18.0.2");
	pb_peer(pb_rule(a, WARD_DIR_FROM_DEVICE, PB_TCP), "198.18.1.0/24");
	r = pb_rule(a, WARD_DIR_FROM_DEVICE, PB_UDP);
	pb_peer(r, "198.18.1.0/24");
	pb_peer(r, "198.18.1.0/24");
	r->peers[1].addr[15] = 77; /* as a loader might leave 198.18.1.77/24 */
	pb_peer(pb_rule(b, WARD_DIR_FROM_DEVICE, PB_TCP), "198.18.1.0/24");

	c = compile_ok(p, 1);
	assert_int_equal(c->npeers, 2);
	assert_int_equal(peer_rules(c, dev_dir(0, WARD_DIR_FROM_DEVICE), "198.18.1.0/24"), 0x3);
	assert_int_equal(peer_rules(c, dev_dir(1, WARD_DIR_FROM_DEVICE), "198.18.1.0/24"), 0x1);
	for (i = 0; i < c->npeers; i++)
		assert_int_equal(c->peers[i].key.addr[15], 0);
	ward_compiled_free(c);
	pb_free(p);
}

/* 8000-8100 becomes four prefixes, ports in network order, beside a single port. */
static void test_services_port_range(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "a", 0);
	struct ward_compiled *c;
	struct ward_rule *r;
	uint32_t dd = dev_dir(0, WARD_DIR_TO_DEVICE);

	pb_ipv4(dev, "198.18.0.1");
	r = pb_rule(dev, WARD_DIR_TO_DEVICE, PB_TCP);
	pb_peer(r, "any");
	pb_ports(r, 8000, 8100);
	pb_ports(r, 104, 104);

	c = compile_ok(p, 1);
	assert_int_equal(count_services(c, dd), 5);
	assert_int_equal(service_rules(c, dd, PB_TCP, 8000, 10), 1);
	assert_int_equal(service_rules(c, dd, PB_TCP, 8064, 11), 1);
	assert_int_equal(service_rules(c, dd, PB_TCP, 8096, 14), 1);
	assert_int_equal(service_rules(c, dd, PB_TCP, 8100, 16), 1);
	assert_int_equal(service_rules(c, dd, PB_TCP, 104, 16), 1);
	ward_compiled_free(c);
	pb_free(p);
}

/* No ports: prefixlen 40; a narrower rule's port also carries the wider rule. */
static void test_services_merge_across_rules(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "a", 0);
	struct ward_compiled *c;
	struct ward_rule *r;
	uint32_t dd = dev_dir(0, WARD_DIR_FROM_DEVICE);

	pb_ipv4(dev, "198.18.0.1");
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP);
	pb_peer(r, "any");
	pb_ports(r, 443, 443);
	pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP), "any");
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP);
	pb_peer(r, "any");
	pb_ports(r, 0, 1023);
	r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_UDP);
	pb_peer(r, "any");
	pb_ports(r, 443, 443);
	pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, 47), "any");

	c = compile_ok(p, 1);
	assert_int_equal(count_services(c, dd), 5);
	assert_int_equal(service_rules(c, dd, PB_TCP, 0, 0), 0x2);
	assert_int_equal(service_rules(c, dd, PB_TCP, 0, 6), 0x6);
	assert_int_equal(service_rules(c, dd, PB_TCP, 443, 16), 0x7);
	assert_int_equal(service_rules(c, dd, PB_UDP, 443, 16), 0x8);
	assert_int_equal(service_rules(c, dd, 47, 0, 0), 0x10);
	ward_compiled_free(c);
	pb_free(p);
}

/* ICMP types: type in port[0], code 0, prefixlen 48; no types: 40; any: not a service. */
static void test_services_icmp_and_any(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "a", 0);
	struct ward_compiled *c;
	struct ward_rule *r;
	uint32_t dd = dev_dir(0, WARD_DIR_TO_DEVICE);

	pb_ipv4(dev, "198.18.0.1");
	r = pb_rule(dev, WARD_DIR_TO_DEVICE, PB_ICMP);
	pb_peer(r, "any");
	pb_icmp(r, 8);
	pb_icmp(r, 13);
	pb_peer(pb_rule(dev, WARD_DIR_TO_DEVICE, PB_ICMPV6), "any");
	r = pb_rule(dev, WARD_DIR_TO_DEVICE, PB_ICMPV6);
	pb_peer(r, "any");
	pb_icmp(r, 128);
	pb_peer(pb_rule(dev, WARD_DIR_TO_DEVICE, WARD_PROTO_ANY), "any");

	c = compile_ok(p, 1);
	assert_int_equal(count_services(c, dd), 4);
	assert_int_equal(service_rules(c, dd, PB_ICMP, 8 << 8, 8), 0x1);
	assert_int_equal(service_rules(c, dd, PB_ICMP, 13 << 8, 8), 0x1);
	assert_int_equal(service_rules(c, dd, PB_ICMPV6, 0, 0), 0x2);
	assert_int_equal(service_rules(c, dd, PB_ICMPV6, 128 << 8, 8), 0x6);
	assert_int_equal(c->devices[0].any_proto_rules[WARD_DIR_TO_DEVICE], 0x8);
	ward_compiled_free(c);
	pb_free(p);
}

/* Rule i of a direction is bit i, up to the 64th rule (bit 63). */
static void test_rule_bits_up_to_64(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "a", 0);
	struct ward_compiled *c;
	uint32_t dd = dev_dir(0, WARD_DIR_FROM_DEVICE);
	char text[32];
	int i;

	pb_ipv4(dev, "198.18.0.1");
	for (i = 0; i < WARD_MAX_RULES_PER_DIR; i++) {
		struct ward_rule *r = pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_UDP);

		snprintf(text, sizeof(text), "198.18.1.%d", i);
		pb_peer(r, text);
		pb_ports(r, (uint16_t)(1000 + i), (uint16_t)(1000 + i));
	}
	c = compile_ok(p, 1);
	assert_int_equal(peer_rules(c, dd, "198.18.1.63"), 1ULL << 63);
	assert_int_equal(service_rules(c, dd, PB_UDP, 1063, 16), 1ULL << 63);
	assert_int_equal(peer_rules(c, dd, "198.18.1.0"), 1);
	ward_compiled_free(c);
	pb_free(p);
}

/* 70 outbound rules: refused, at the device, saying by how much. */
static void test_limit_rules_per_direction(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "ct-01", 0);
	int i;

	pb_ipv4(dev, "198.18.0.1");
	for (i = 0; i < 70; i++)
		pb_peer(pb_rule(dev, WARD_DIR_FROM_DEVICE, PB_TCP), "any");
	for (i = 0; i < 64; i++)
		pb_peer(pb_rule(dev, WARD_DIR_TO_DEVICE, PB_TCP), "any");
	compile_too_big(p, dev->pos.line,
			"device ct-01 has 70 outbound rules; the datapath holds at most 64 "
			"(6 over)");

	pb_peer(pb_rule(dev, WARD_DIR_TO_DEVICE, PB_TCP), "any");
	{
		struct ward_diags diags = {0};
		struct ward_compiled *c = NULL;

		assert_int_equal(ward_compile(p, 1, &c, &diags), -E2BIG);
		assert_int_equal(diags.nerrors, 2);
		assert_string_equal(diags.items[1].message,
				    "device ct-01 has 65 inbound rules; the datapath holds at "
				    "most 64 (1 over)");
		ward_diags_free(&diags);
	}
	pb_free(p);
}

/* More interfaces or devices than the datapath holds: refused at the first one over. */
static void test_limit_ifaces_and_devices(void **state)
{
	struct ward_policy *p = pb_new(WARD_MAX_IFACES + 2, 1);
	char name[32];
	size_t i;

	pb_ipv4(pb_device(p, "a", 0), "198.18.0.1");
	compile_too_big(p, p->ifaces[WARD_MAX_IFACES].pos.line,
			"the policy has 66 interfaces; the datapath holds at most 64 (2 over)");
	pb_free(p);

	p = pb_new(1, WARD_MAX_DEVICES + 3);
	for (i = 0; i < WARD_MAX_DEVICES + 3; i++) {
		snprintf(name, sizeof(name), "d%zu", i);
		pb_device(p, name, 0)->has_mac = true;
	}
	compile_too_big(p, p->devices[WARD_MAX_DEVICES].pos.line,
			"the policy has 65539 devices; the datapath holds at most 65536 "
			"(3 over)");
	pb_free(p);
}

/* More peer entries than the trie holds: refused at the device that crosses the limit. */
static void test_limit_peer_entries(void **state)
{
	struct ward_policy *p = pb_new(1, 2);
	struct ward_device *small = pb_device(p, "small", 0);
	struct ward_device *big = pb_device(p, "big", 0);
	struct ward_rule *r;
	size_t i, n = WARD_MAX_PEER_ENTRIES + 4;

	pb_ipv4(small, "198.18.0.1");
	pb_peer(pb_rule(small, WARD_DIR_FROM_DEVICE, PB_TCP), "any");
	pb_ipv4(big, "198.18.0.2");
	r = pb_rule(big, WARD_DIR_FROM_DEVICE, PB_TCP);
	r->peers = calloc(n, sizeof(*r->peers));
	assert_non_null(r->peers);
	r->npeers = n;
	for (i = 0; i < n; i++) {
		r->peers[i].plen = 128;
		r->peers[i].addr[0] = 0x20;
		r->peers[i].addr[13] = (uint8_t)(i >> 16);
		r->peers[i].addr[14] = (uint8_t)(i >> 8);
		r->peers[i].addr[15] = (uint8_t)i;
	}
	compile_too_big(p, big->pos.line,
			"the policy (over the limit from device big) has 1048581 peer entries; "
			"the datapath holds at most 1048576 (5 over)");
	pb_free(p);
}

/* More service entries than the trie holds: 17 protocols of 65535 single ports. */
static void test_limit_service_entries(void **state)
{
	struct ward_policy *p = pb_new(1, 1);
	struct ward_device *dev = pb_device(p, "many-ports", 0);
	uint32_t port;
	int proto;

	pb_ipv4(dev, "198.18.0.1");
	for (proto = 0; proto < 17; proto++) {
		struct ward_rule *r = pb_rule(dev, WARD_DIR_TO_DEVICE, 100 + proto);

		pb_peer(r, "any");
		r->ports = calloc(65535, sizeof(*r->ports));
		assert_non_null(r->ports);
		r->nports = 65535;
		for (port = 1; port <= 65535; port++) {
			r->ports[port - 1].lo = (uint16_t)port;
			r->ports[port - 1].hi = (uint16_t)port;
		}
	}
	compile_too_big(p, dev->pos.line,
			"the policy (over the limit from device many-ports) has 1114095 service "
			"entries; the datapath holds at most 1048576 (65519 over)");
	pb_free(p);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

static void big_device(struct ward_device *dev, uint32_t id)
{
	static const char *const sets[] = {"198.18.1.0/24",   "198.18.1.10", "198.18.2.0/24",
					   "2001:db8:1::/48", "any",	     "198.18.0.0/15"};
	char addr[32];
	int i;

	snprintf(addr, sizeof(addr), "198.19.%u.%u", id >> 8, id & 0xff);
	pb_ipv4(dev, addr);
	for (i = 0; i < 20; i++) {
		int dir = i % 2;
		struct ward_rule *r = pb_rule(dev, dir, i % 5 == 4 ? WARD_PROTO_ANY : PB_TCP);

		pb_peer(r, sets[i % 6]);
		pb_peer(r, sets[(i + id) % 6]);
		snprintf(addr, sizeof(addr), "198.18.%u.%u", 10 + i, id & 0xff);
		pb_peer(r, addr);
		if (r->proto == PB_TCP)
			pb_ports(r, (uint16_t)(100 * i + 1), (uint16_t)(100 * i + 37));
	}
}

/* 10,000 devices of 20 rules compile well under a second (a few under sanitizers). */
static void test_speed_10000_devices(void **state)
{
	struct ward_policy *p = pb_new(1, 10000);
	struct ward_compiled *c;
	struct timespec start;
	double limit = 0.5, took;
	char name[32];
	uint32_t i;

#if defined(__SANITIZE_ADDRESS__)
	limit = 5.0;
#endif
	for (i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "d%u", i);
		big_device(pb_device(p, name, 0), i);
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	c = compile_ok(p, 1);
	took = seconds_since(&start);
	print_message("# compiled 10000 devices x 20 rules in %.3f s: %zu peer, %zu service "
		      "entries\n",
		      took, c->npeers, c->nservices);
	assert_true(took < limit);
	assert_int_equal(c->ndevices, 10000);
	ward_compiled_free(c);
	pb_free(p);
}

/*
 * The datapath, emulated over the compiled entries: hash lookups by exact
 * key, LPM lookups by the longest entry that holds the key, then the steps of
 * docs/design.md with the device record in place of the policy.
 */
static int emu_device(const struct ward_compiled *c, const struct ward_query *q)
{
	bool from = q->direction == WARD_DIR_FROM_DEVICE;
	bool has_mac = from ? q->has_src_mac : q->has_dst_mac;
	const uint8_t *mac = from ? q->src_mac : q->dst_mac;
	const uint8_t *addr = from ? q->src : q->dst;
	size_t i;

	if (!from && has_mac && (mac[0] & 1))
		return -1;
	for (i = 0; has_mac && i < c->nmacs; i++)
		if (c->macs[i].key.iface_id == q->iface && !memcmp(c->macs[i].key.mac, mac, 6))
			return (int)c->macs[i].device_id;
	for (i = 0; i < c->nips; i++)
		if (c->ips[i].key.iface_id == q->iface && !memcmp(c->ips[i].key.addr, addr, 16))
			return (int)c->ips[i].device_id;
	return -1;
}

static uint64_t emu_peers(const struct ward_compiled *c, uint32_t dd, const uint8_t addr[16])
{
	int64_t best = -1;
	uint64_t rules = 0;
	size_t i;

	for (i = 0; i < c->npeers; i++) {
		const struct ward_peer_key *k = &c->peers[i].key;

		if (k->dev_dir != dd || k->prefixlen <= best)
			continue;
		if (!ward_bits_equal(k->addr, addr, k->prefixlen - 32))
			continue;
		best = k->prefixlen;
		rules = c->peers[i].rules;
	}
	return rules;
}

static uint64_t emu_services(const struct ward_compiled *c, uint32_t dd, uint8_t proto,
			     const uint8_t port[2])
{
	const uint8_t key[3] = {proto, port[0], port[1]};
	int64_t best = -1;
	uint64_t rules = 0;
	size_t i;

	for (i = 0; i < c->nservices; i++) {
		const struct ward_service_key *k = &c->services[i].key;
		const uint8_t bits[3] = {k->proto, k->port[0], k->port[1]};

		if (k->dev_dir != dd || k->prefixlen <= best)
			continue;
		if (!ward_bits_equal(bits, key, k->prefixlen - 32))
			continue;
		best = k->prefixlen;
		rules = c->services[i].rules;
	}
	return rules;
}

static bool emu_is_dhcp(const struct ward_query *q, uint16_t sport, uint16_t dport)
{
	return q->is_v4 && q->proto == PB_UDP && q->has_ports && q->sport == sport &&
	       q->dport == dport;
}

static bool emu_spoofed(const struct ward_compiled *c, uint32_t id, const struct ward_query *q)
{
	const struct ward_dev_info *info = &c->devices[id];
	uint8_t family = q->is_v4 ? WARD_DEV_HAS_V4 : WARD_DEV_HAS_V6;
	struct ward_query by_src = *q;

	if ((info->flags & WARD_DEV_HAS_MAC) && q->has_src_mac && memcmp(info->mac, q->src_mac, 6))
		return true;
	if (!(info->flags & family))
		return !(info->flags & WARD_DEV_DHCP);
	by_src.has_src_mac = false;
	return emu_device(c, &by_src) != (int)id;
}

static void emu_rules(const struct ward_compiled *c, uint32_t id, const struct ward_query *q,
		      struct ward_verdict *v)
{
	uint32_t dd = dev_dir(id, q->direction);
	const uint8_t *peer = q->direction == WARD_DIR_FROM_DEVICE ? q->dst : q->src;
	uint8_t port[2] = {0, 0};
	uint64_t allowed;

	if (q->has_ports) {
		port[0] = (uint8_t)(q->dport >> 8);
		port[1] = (uint8_t)q->dport;
	} else if (q->proto == PB_ICMP || q->proto == PB_ICMPV6) {
		port[0] = q->icmp_type;
		port[1] = q->icmp_code;
	}
	allowed = emu_peers(c, dd, peer) & (emu_services(c, dd, q->proto, port) |
					    c->devices[id].any_proto_rules[q->direction]);
	if (!allowed) {
		v->reason = WARD_REASON_NO_RULE;
		return;
	}
	v->pass = true;
	v->rule_index = (size_t)__builtin_ctzll(allowed);
}

/* The datapath's ICMP and ICMPv6 error types: they never reach the rules. */
static bool emu_icmp_error(const struct ward_query *q)
{
	if (q->proto == PB_ICMP)
		return q->icmp_type == 3 || q->icmp_type == 11 || q->icmp_type == 12;
	return q->proto == PB_ICMPV6 && q->icmp_type >= 1 && q->icmp_type <= 4;
}

static void emulate(const struct ward_compiled *c, const struct ward_query *q,
		    struct ward_verdict *v)
{
	const struct ward_dev_info *info;
	bool from = q->direction == WARD_DIR_FROM_DEVICE;

	memset(v, 0, sizeof(*v));
	v->device = -1;
	if (q->iface >= c->nifaces) {
		v->pass = true;
		return;
	}
	v->device = emu_device(c, q);
	if (v->device < 0) {
		if (!from && emu_is_dhcp(q, 67, 68) && c->ifaces[q->iface].has_dhcp) {
			v->pass = v->builtin = true;
			return;
		}
		v->pass = c->ifaces[q->iface].unknown_hosts != WARD_UNKNOWN_DROP;
		v->reason = v->pass ? WARD_REASON_NONE : WARD_REASON_UNKNOWN_HOST;
		return;
	}
	info = &c->devices[v->device];
	if (info->vlan && q->vlan != info->vlan)
		v->reason = WARD_REASON_WRONG_VLAN;
	else if (from && emu_spoofed(c, (uint32_t)v->device, q))
		v->reason = WARD_REASON_SPOOFED_SOURCE;
	else if (emu_icmp_error(q))
		v->reason = WARD_REASON_NO_RULE;
	else if ((info->flags & WARD_DEV_DHCP) && emu_is_dhcp(q, from ? 68 : 67, from ? 67 : 68))
		v->pass = v->builtin = true;
	else
		emu_rules(c, (uint32_t)v->device, q, v);
	if (!v->pass && info->mode == WARD_MODE_AUDIT)
		v->pass = v->would_drop = true;
}

/* Random policies full of overlaps, and random queries that hit them. */
static const char *const peer_pool[] = {
	"any",
	"198.18.0.0/15",
	"198.18.0.0/16",
	"198.18.1.0/24",
	"198.18.1.0/25",
	"198.18.1.128/25",
	"198.18.1.10",
	"198.18.1.11",
	"198.18.2.0/23",
	"198.18.2.0/24",
	"198.18.3.7",
	"2001:db8::/32",
	"2001:db8:1::/48",
	"2001:db8:1::10",
	"2001:db8:1::/64",
};

static uint32_t rnd(unsigned int *seed, uint32_t n)
{
	return (uint32_t)rand_r(seed) % n;
}

static void random_peer(struct ward_rule *r, unsigned int *seed)
{
	char text[48];

	if (rnd(seed, 3)) {
		pb_peer(r, peer_pool[rnd(seed, sizeof(peer_pool) / sizeof(peer_pool[0]))]);
		return;
	}
	snprintf(text, sizeof(text), "198.18.%u.%u/%u", rnd(seed, 4), rnd(seed, 256),
		 14 + rnd(seed, 19));
	pb_peer(r, text);
}

static void random_rule(struct ward_device *dev, int dir, unsigned int *seed)
{
	static const int protos[] = {WARD_PROTO_ANY, PB_TCP, PB_UDP, PB_ICMP, PB_ICMPV6, 47};
	struct ward_rule *r = pb_rule(dev, dir, protos[rnd(seed, 6)]);
	uint32_t i, n = 1 + rnd(seed, 3);

	for (i = 0; i < n; i++)
		random_peer(r, seed);
	if ((r->proto == PB_TCP || r->proto == PB_UDP) && rnd(seed, 3)) {
		for (i = 0, n = 1 + rnd(seed, 3); i < n; i++) {
			uint16_t lo = (uint16_t)(1 + rnd(seed, 300));

			pb_ports(r, lo, (uint16_t)(lo + (rnd(seed, 2) ? 0 : rnd(seed, 80))));
		}
		if (!rnd(seed, 8))
			pb_ports(r, 1, 65535);
	}
	if ((r->proto == PB_ICMP || r->proto == PB_ICMPV6) && rnd(seed, 2))
		for (i = 0, n = 1 + rnd(seed, 2); i < n; i++)
			pb_icmp(r, (uint8_t)(rnd(seed, 10) + (r->proto == PB_ICMPV6 ? 128 : 0)));
}

static void random_device(struct ward_policy *p, unsigned int *seed)
{
	uint32_t id = (uint32_t)p->ndevices;
	struct ward_device *dev;
	char text[48];
	int dir;
	uint32_t i, n;

	snprintf(text, sizeof(text), "d%u", id);
	dev = pb_device(p, text, rnd(seed, (uint32_t)p->nifaces));
	if (rnd(seed, 2)) {
		snprintf(text, sizeof(text), "02:00:00:00:00:%02x", id);
		pb_mac(dev, text);
	}
	for (i = 0, n = rnd(seed, 3); i < n; i++) {
		snprintf(text, sizeof(text), "198.18.0.%u", id * 4 + i);
		pb_ipv4(dev, text);
	}
	if (rnd(seed, 2)) {
		snprintf(text, sizeof(text), "2001:db8::%x", id);
		pb_ipv6(dev, text);
	}
	if (!dev->has_mac && !dev->nipv4 && !dev->nipv6)
		pb_ipv4(dev, "198.18.0.250");
	dev->vlan = rnd(seed, 3) ? 0 : 20;
	dev->mode = rnd(seed, 4) ? WARD_MODE_ENFORCE : WARD_MODE_AUDIT;
	dev->dhcp = !rnd(seed, 3);
	for (dir = 0; dir < WARD_DIR_COUNT; dir++)
		for (i = 0, n = rnd(seed, 9); i < n; i++)
			random_rule(dev, dir, seed);
}

static struct ward_policy *random_policy(unsigned int *seed)
{
	struct ward_policy *p = pb_new(1 + rnd(seed, 2), 6);
	uint32_t i, n = 1 + rnd(seed, 6);
	size_t k;

	for (k = 0; k < p->nifaces; k++)
		p->ifaces[k].unknown_hosts = (enum ward_unknown_hosts)rnd(seed, 3);
	for (i = 0; i < n; i++)
		random_device(p, seed);
	/* One device may have taken 198.18.0.250 for want of anything else. */
	for (k = 1; k < p->ndevices; k++)
		if (p->devices[k].nipv4 && p->devices[k].ipv4[0][15] == 250)
			p->devices[k].ipv4[0][15] = (uint8_t)(251 + k);
	return p;
}

static void random_addr(const struct ward_policy *p, bool v4, uint8_t out[16], unsigned int *seed)
{
	const struct ward_device *dev = &p->devices[rnd(seed, (uint32_t)p->ndevices)];
	char text[48];

	if (rnd(seed, 2)) {
		if (v4 && dev->nipv4) {
			memcpy(out, dev->ipv4[rnd(seed, (uint32_t)dev->nipv4)], 16);
			return;
		}
		if (!v4 && dev->nipv6) {
			memcpy(out, dev->ipv6[0], 16);
			return;
		}
	}
	if (v4)
		snprintf(text, sizeof(text), "198.18.%u.%u", rnd(seed, 4),
			 rnd(seed, 4) ? rnd(seed, 16) : rnd(seed, 256));
	else
		snprintf(text, sizeof(text), "2001:db8:%x::%x", rnd(seed, 3), rnd(seed, 20));
	pb_addr(text, out, v4);
}

static void random_mac(const struct ward_policy *p, bool *has, uint8_t mac[6], unsigned int *seed)
{
	char text[32];

	switch (rnd(seed, 4)) {
	case 0:
		*has = false;
		return;
	case 1:
		snprintf(text, sizeof(text), "ff:ff:ff:ff:ff:ff");
		break;
	default:
		snprintf(text, sizeof(text), "02:00:00:00:00:%02x",
			 rnd(seed, (uint32_t)p->ndevices + 1));
	}
	*has = true;
	pb_mac_bytes(mac, text);
}

static void random_query(const struct ward_policy *p, struct ward_query *q, unsigned int *seed)
{
	static const uint8_t protos[] = {PB_TCP, PB_UDP, PB_ICMP, PB_ICMPV6, 47, 50};

	memset(q, 0, sizeof(*q));
	q->iface = rnd(seed, (uint32_t)p->nifaces + 1);
	q->direction = rnd(seed, 2) ? WARD_DIR_FROM_DEVICE : WARD_DIR_TO_DEVICE;
	random_mac(p, &q->has_src_mac, q->src_mac, seed);
	random_mac(p, &q->has_dst_mac, q->dst_mac, seed);
	q->vlan = (uint16_t)(rnd(seed, 2) ? 20 : rnd(seed, 2) * 30);
	q->is_v4 = rnd(seed, 3);
	random_addr(p, q->is_v4, q->src, seed);
	random_addr(p, q->is_v4, q->dst, seed);
	q->proto = protos[rnd(seed, 6)];
	if (q->proto == PB_TCP || q->proto == PB_UDP) {
		q->has_ports = true;
		q->sport = (uint16_t)(rnd(seed, 4) ? 49152 : 67 + rnd(seed, 2));
		q->dport = (uint16_t)(rnd(seed, 8) ? rnd(seed, 400) : 65535 - rnd(seed, 3));
	} else if (q->proto == PB_ICMP || q->proto == PB_ICMPV6) {
		q->icmp_type = (uint8_t)(rnd(seed, 12) + (rnd(seed, 2) ? 128 : 0));
		q->icmp_code = (uint8_t)rnd(seed, 4);
	}
}

/* Put @q on @dev's interface and VLAN, from (or toward) its first address and its MAC. */
static void make_coherent_device(const struct ward_device *dev, struct ward_query *q)
{
	bool from = q->direction == WARD_DIR_FROM_DEVICE;

	if (q->is_v4 ? !dev->nipv4 : !dev->nipv6)
		return;
	memcpy(from ? q->src : q->dst, q->is_v4 ? dev->ipv4[0] : dev->ipv6[0], 16);
	q->iface = dev->iface;
	q->vlan = dev->vlan;
	q->has_src_mac = from && dev->has_mac;
	q->has_dst_mac = !from && dev->has_mac;
	memcpy(from ? q->src_mac : q->dst_mac, dev->mac, 6);
}

/* Make @q a frame of a real device on its interface and VLAN, so the rules get to judge. */
static void make_coherent(const struct ward_policy *p, struct ward_query *q, unsigned int *seed)
{
	make_coherent_device(&p->devices[rnd(seed, (uint32_t)p->ndevices)], q);
}

static void assert_same_verdict(const struct ward_verdict *want, const struct ward_verdict *got)
{
	assert_int_equal(got->pass, want->pass);
	assert_int_equal(got->would_drop, want->would_drop);
	assert_int_equal(got->reason, want->reason);
	assert_int_equal(got->device, want->device);
	assert_int_equal(got->builtin, want->builtin);
	if (want->rule)
		assert_int_equal(got->rule_index, want->rule_index);
}

/* The compiled entries, looked up as the datapath does, agree with the evaluator. */
static void test_compiled_agrees_with_evaluator(void **state)
{
	unsigned int seed = 2026;
	size_t passes = 0, rules = 0, cases = 0;
	int i, j;

	for (i = 0; i < 400; i++) {
		struct ward_policy *p = random_policy(&seed);
		struct ward_compiled *c = compile_ok(p, 1);

		for (j = 0; j < 250; j++) {
			struct ward_verdict want, got;
			struct ward_query q;

			random_query(p, &q, &seed);
			if (j % 2)
				make_coherent(p, &q, &seed);
			ward_evaluate(p, &q, &want);
			emulate(c, &q, &got);
			assert_same_verdict(&want, &got);
			passes += want.pass && !want.would_drop;
			rules += want.rule != NULL;
			cases++;
		}
		ward_compiled_free(c);
		pb_free(p);
	}
	print_message("# %zu cases: %zu passed, %zu by a rule\n", cases, passes, rules);
	/* The generator must reach the rules, not just the early steps. */
	assert_true(rules > cases / 20);
}

static struct ward_policy *load_yaml(const char *yaml)
{
	struct ward_diags diags = {0};
	struct ward_policy *p = NULL;

	assert_int_equal(ward_policy_load_buffer("test.yaml", yaml, strlen(yaml), &p, &diags), 0);
	assert_int_equal(diags.nerrors, 0);
	ward_diags_free(&diags);
	return p;
}

/* From YAML: sets, services and any become the merged entries, at the rules' bits. */
static void test_yaml_policy_entries(void **state)
{
	static const char yaml[] = "version: 1\n"
				   "sets:\n"
				   "  pacs: [198.18.1.10, 198.18.1.11]\n"
				   "  servers: [198.18.1.0/24, \"2001:db8:1::/64\"]\n"
				   "services:\n"
				   "  dicom: { proto: tcp, ports: [104, 11112] }\n"
				   "interfaces:\n"
				   "  - name: dev0\n"
				   "devices:\n"
				   "  - name: ct-01\n"
				   "    mac: \"02:00:00:00:00:21\"\n"
				   "    ipv4: [198.18.0.21]\n"
				   "    outbound:\n"
				   "      - to: [pacs]\n"
				   "        service: dicom\n"
				   "      - to: [servers]\n"
				   "        proto: tcp\n"
				   "        ports: [\"100-110\"]\n"
				   "      - to: [any]\n"
				   "        proto: udp\n"
				   "        ports: [53]\n";
	struct ward_policy *p = load_yaml(yaml);
	struct ward_compiled *c = compile_ok(p, 7);
	uint32_t dd = dev_dir(0, WARD_DIR_FROM_DEVICE);

	assert_int_equal(c->config.generation, 7);
	assert_int_equal(c->nmacs, 1);
	assert_int_equal(c->nips, 1);
	assert_int_equal(count_peers(c, dd), 5);
	assert_int_equal(peer_rules(c, dd, "any"), 0x4);
	assert_int_equal(peer_rules(c, dd, "198.18.1.0/24"), 0x6);
	assert_int_equal(peer_rules(c, dd, "198.18.1.10"), 0x7);
	assert_int_equal(peer_rules(c, dd, "198.18.1.11"), 0x7);
	assert_int_equal(peer_rules(c, dd, "2001:db8:1::/64"), 0x6);
	assert_int_equal(service_rules(c, dd, PB_TCP, 104, 16), 0x3);
	assert_int_equal(service_rules(c, dd, PB_TCP, 11112, 16), 0x1);
	assert_int_equal(service_rules(c, dd, PB_TCP, 100, 14), 0x2);
	assert_int_equal(service_rules(c, dd, PB_TCP, 104, 14), 0x2);
	assert_int_equal(service_rules(c, dd, PB_TCP, 108, 15), 0x2);
	assert_int_equal(service_rules(c, dd, PB_TCP, 110, 16), 0x2);
	assert_int_equal(service_rules(c, dd, PB_UDP, 53, 16), 0x4);
	assert_int_equal(count_services(c, dd), 7);
	ward_compiled_free(c);
	ward_policy_free(p);
}

/* An address inside @pfx, at random, or at its start or end. */
static void addr_in(const struct ward_prefix *pfx, uint8_t out[16], unsigned int *seed)
{
	int bit;

	memcpy(out, pfx->addr, 16);
	for (bit = pfx->plen; bit < 128; bit++)
		if (rnd(seed, 2))
			out[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
}

/*
 * A query aimed at one rule of a device: on its interface and VLAN, from its
 * address, toward a peer of the rule, with the rule's protocol and a port or
 * type of it; then, half the time, one thing changed to just miss it.
 */
static bool aim_at_rule(const struct ward_policy *p, struct ward_query *q, unsigned int *seed)
{
	const struct ward_device *dev = &p->devices[rnd(seed, (uint32_t)p->ndevices)];
	int dir = (int)rnd(seed, 2);
	const struct ward_rule *r;
	const struct ward_prefix *peer;
	uint8_t *peer_addr;

	if (!dev->nrules[dir])
		return false;
	r = &dev->rules[dir][rnd(seed, (uint32_t)dev->nrules[dir])];
	if (!r->npeers)
		return false;
	peer = &r->peers[rnd(seed, (uint32_t)r->npeers)];
	q->direction = (enum ward_direction)dir;
	q->is_v4 = peer->plen ? peer->is_v4 : rnd(seed, 2);
	random_addr(p, q->is_v4, q->src, seed);
	random_addr(p, q->is_v4, q->dst, seed);
	peer_addr = dir == WARD_DIR_FROM_DEVICE ? q->dst : q->src;
	addr_in(peer, peer_addr, seed);
	if (peer->plen == 0 && q->is_v4)
		memcpy(peer_addr, (const uint8_t[12]){[10] = 0xff, [11] = 0xff}, 12);
	if (r->proto != WARD_PROTO_ANY)
		q->proto = (uint8_t)r->proto;
	q->has_ports = q->proto == PB_TCP || q->proto == PB_UDP;
	if (r->nports) {
		const struct ward_port_range *range = &r->ports[rnd(seed, (uint32_t)r->nports)];

		q->dport = (uint16_t)(range->lo + rnd(seed, (uint32_t)(range->hi - range->lo) + 1));
	}
	if (r->nicmp)
		q->icmp_type = r->icmp_types[rnd(seed, (uint32_t)r->nicmp)];
	make_coherent_device(dev, q);
	switch (rnd(seed, 8)) {
	case 0:
		q->dport++;
		break;
	case 1:
		q->icmp_type++;
		break;
	case 2:
		peer_addr[15] ^= 1;
		break;
	case 3:
		q->proto = (uint8_t)(q->proto == PB_TCP ? PB_UDP : PB_TCP);
		q->has_ports = true;
		break;
	}
	return true;
}

static size_t agree_on_policy(const struct ward_policy *p, unsigned int *seed, int n)
{
	struct ward_compiled *c = compile_ok(p, 1);
	size_t by_rule = 0;
	int j;

	for (j = 0; j < n; j++) {
		struct ward_verdict want, got;
		struct ward_query q;

		random_query(p, &q, seed);
		if (j % 4)
			aim_at_rule(p, &q, seed);
		ward_evaluate(p, &q, &want);
		emulate(c, &q, &got);
		assert_same_verdict(&want, &got);
		by_rule += want.rule != NULL;
	}
	ward_compiled_free(c);
	return by_rule;
}

/* Every example policy: the compiled entries agree with the evaluator. */
static void test_examples_agree_with_evaluator(void **state)
{
	unsigned int seed = 104;
	size_t i, by_rule = 0;
	glob_t g;

	assert_int_equal(glob("policy/examples/*.yaml", 0, NULL, &g), 0);
	assert_true(g.gl_pathc > 0);
	for (i = 0; i < g.gl_pathc; i++) {
		struct ward_diags diags = {0};
		struct ward_policy *p = NULL;

		assert_int_equal(ward_policy_load(g.gl_pathv[i], &p, &diags), 0);
		ward_diags_free(&diags);
		by_rule += agree_on_policy(p, &seed, 4000);
		ward_policy_free(p);
	}
	print_message("# %zu example policies, %zu verdicts by a rule\n", g.gl_pathc, by_rule);
	assert_true(by_rule > 0);
	globfree(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_ifaces),
		cmocka_unit_test(test_macs_and_ips),
		cmocka_unit_test(test_device_info),
		cmocka_unit_test(test_peers_overlapping_cidrs),
		cmocka_unit_test(test_peers_any_and_host),
		cmocka_unit_test(test_peers_both_families),
		cmocka_unit_test(test_peers_duplicates_fold),
		cmocka_unit_test(test_services_port_range),
		cmocka_unit_test(test_services_merge_across_rules),
		cmocka_unit_test(test_services_icmp_and_any),
		cmocka_unit_test(test_rule_bits_up_to_64),
		cmocka_unit_test(test_limit_rules_per_direction),
		cmocka_unit_test(test_limit_ifaces_and_devices),
		cmocka_unit_test(test_limit_peer_entries),
		cmocka_unit_test(test_limit_service_entries),
		cmocka_unit_test(test_speed_10000_devices),
		cmocka_unit_test(test_compiled_agrees_with_evaluator),
		cmocka_unit_test(test_yaml_policy_entries),
		cmocka_unit_test(test_examples_agree_with_evaluator),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
