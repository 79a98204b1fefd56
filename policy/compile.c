// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The policy compiler declared in compile.h.
 *
 * Devices, interfaces, MACs and addresses map one to one onto entries. Rules
 * become LPM entries: for each device and direction (a "dev_dir") every peer
 * prefix, and every protocol and port prefix, of every rule is collected with
 * the rule's bit, then sorted and merged so that each entry carries the rules
 * of every shorter entry that contains it. After sorting by (bits, length) a
 * prefix comes after all the prefixes that contain it, and those form a
 * chain, so one pass with a stack of the current chain does the merge in
 * O(n log n) per dev_dir. Nothing is ever merged across devices.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "diag.h"
#include "prefix.h"

/* One prefix of an LPM key after dev_dir, with the rules that name it. */
struct lpm_item {
	uint8_t bits[16]; /* peers: the address; services: proto, port (network order) */
	uint8_t plen;	  /* over bits */
	uint64_t rules;
};

struct lpm_list {
	struct lpm_item *items;
	size_t count;
	size_t cap;
};

/* Where the peer or service entries first went over their limit. */
struct overflow {
	const struct ward_device *device;
};

static const char *const dir_names[WARD_DIR_COUNT] = {"outbound", "inbound"};

/* Make room for @need elements of @size bytes in *@items (capacity *@cap). */
static int grow(void **items, size_t *cap, size_t need, size_t size)
{
	size_t new_cap = *cap ? *cap : 64;
	void *p;

	if (need <= *cap)
		return 0;
	while (new_cap < need)
		new_cap *= 2;
	p = realloc(*items, new_cap * size);
	if (!p)
		return -ENOMEM;
	*items = p;
	*cap = new_cap;
	return 0;
}

/* Report that @subject has @have @things where the datapath holds @limit. Returns -E2BIG. */
static int over_limit(struct ward_diags *diags, struct ward_pos pos, const char *subject,
		      size_t have, const char *things, size_t limit)
{
	ward_diag_error(diags, pos, "%s has %zu %s; the datapath holds at most %zu (%zu over)",
			subject, have, things, limit, have - limit);
	return -E2BIG;
}

static int check_device_limits(const struct ward_device *dev, struct ward_diags *diags)
{
	char subject[WARD_NAME_MAX + 16];
	char things[32];
	int ret = 0;
	int dir;

	snprintf(subject, sizeof(subject), "device %s", dev->name);
	for (dir = 0; dir < WARD_DIR_COUNT; dir++) {
		if (dev->nrules[dir] <= WARD_MAX_RULES_PER_DIR)
			continue;
		snprintf(things, sizeof(things), "%s rules", dir_names[dir]);
		ret = over_limit(diags, dev->pos, subject, dev->nrules[dir], things,
				 WARD_MAX_RULES_PER_DIR);
	}
	return ret;
}

static size_t count_addresses(const struct ward_policy *policy)
{
	size_t i, n = 0;

	for (i = 0; i < policy->ndevices; i++)
		n += policy->devices[i].nipv4 + policy->devices[i].nipv6;
	return n;
}

/* The limits that can be checked before building anything. */
static int check_limits(const struct ward_policy *policy, struct ward_diags *diags)
{
	size_t naddrs = count_addresses(policy);
	int ret = 0;
	size_t i;

	if (policy->nifaces > WARD_MAX_IFACES)
		ret = over_limit(diags, policy->ifaces[WARD_MAX_IFACES].pos, "the policy",
				 policy->nifaces, "interfaces", WARD_MAX_IFACES);
	if (policy->ndevices > WARD_MAX_DEVICES)
		ret = over_limit(diags, policy->devices[WARD_MAX_DEVICES].pos, "the policy",
				 policy->ndevices, "devices", WARD_MAX_DEVICES);
	if (naddrs > WARD_MAX_DEV_ADDRS)
		ret = over_limit(diags, policy->devices[0].pos, "the policy", naddrs,
				 "device addresses", WARD_MAX_DEV_ADDRS);
	for (i = 0; i < policy->ndevices; i++)
		if (check_device_limits(&policy->devices[i], diags))
			ret = -E2BIG;
	return ret;
}

static void fill_config(const struct ward_policy *policy, uint64_t generation,
			struct ward_config *config)
{
	size_t i;

	memset(config, 0, sizeof(*config));
	config->generation = generation;
	memcpy(config->timeout_s, policy->timeout_s, sizeof(config->timeout_s));
	config->ndevices = (uint32_t)policy->ndevices;
	for (i = 0; i < policy->ndevices; i++)
		if (policy->devices[i].criticality == WARD_CRIT_LIFE_CRITICAL)
			config->flags |= WARD_CFG_HAS_CRITICAL;
}

static int fill_ifaces(const struct ward_policy *policy, struct ward_compiled *c)
{
	size_t i;

	c->ifaces = calloc(policy->nifaces ? policy->nifaces : 1, sizeof(*c->ifaces));
	if (!c->ifaces)
		return -ENOMEM;
	c->nifaces = policy->nifaces;

	for (i = 0; i < policy->nifaces; i++) {
		c->ifaces[i].iface_id = (uint32_t)i;
		c->ifaces[i].unknown_hosts = (uint8_t)policy->ifaces[i].unknown_hosts;
	}
	for (i = 0; i < policy->ndevices; i++)
		if (policy->devices[i].dhcp && policy->devices[i].iface < policy->nifaces)
			c->ifaces[policy->devices[i].iface].has_dhcp = 1;
	return 0;
}

static uint64_t any_proto_rules(const struct ward_device *dev, int dir)
{
	uint64_t mask = 0;
	size_t i;

	for (i = 0; i < dev->nrules[dir]; i++)
		if (dev->rules[dir][i].proto == WARD_PROTO_ANY)
			mask |= 1ULL << i;
	return mask;
}

static void fill_dev_info(const struct ward_device *dev, struct ward_dev_info *info)
{
	int dir;

	memset(info, 0, sizeof(*info));
	for (dir = 0; dir < WARD_DIR_COUNT; dir++)
		info->any_proto_rules[dir] = any_proto_rules(dev, dir);
	info->iface_id = dev->iface;
	info->new_flows_per_s = dev->new_flows_per_s;
	info->vlan = dev->vlan;
	info->criticality = (uint8_t)dev->criticality;
	info->mode = (uint8_t)dev->mode;
	if (dev->dhcp)
		info->flags |= WARD_DEV_DHCP;
	if (dev->has_mac) {
		info->flags |= WARD_DEV_HAS_MAC;
		memcpy(info->mac, dev->mac, sizeof(info->mac));
	}
	if (dev->nipv4)
		info->flags |= WARD_DEV_HAS_V4;
	if (dev->nipv6)
		info->flags |= WARD_DEV_HAS_V6;
}

static void add_ips(const struct ward_device *dev, uint32_t id, const uint8_t (*addrs)[16],
		    size_t naddrs, struct ward_compiled *c)
{
	size_t i;

	for (i = 0; i < naddrs; i++) {
		struct ward_ip_entry *e = &c->ips[c->nips++];

		memset(e, 0, sizeof(*e));
		e->key.iface_id = dev->iface;
		memcpy(e->key.addr, addrs[i], sizeof(e->key.addr));
		e->device_id = id;
	}
}

static int fill_devices(const struct ward_policy *policy, struct ward_compiled *c)
{
	size_t naddrs = count_addresses(policy);
	size_t n = policy->ndevices ? policy->ndevices : 1;
	uint32_t id;

	c->devices = calloc(n, sizeof(*c->devices));
	c->macs = calloc(n, sizeof(*c->macs));
	c->ips = calloc(naddrs ? naddrs : 1, sizeof(*c->ips));
	if (!c->devices || !c->macs || !c->ips)
		return -ENOMEM;
	c->ndevices = policy->ndevices;

	for (id = 0; id < policy->ndevices; id++) {
		const struct ward_device *dev = &policy->devices[id];

		fill_dev_info(dev, &c->devices[id]);
		if (dev->has_mac) {
			struct ward_mac_entry *e = &c->macs[c->nmacs++];

			memset(e, 0, sizeof(*e));
			e->key.iface_id = dev->iface;
			memcpy(e->key.mac, dev->mac, sizeof(e->key.mac));
			e->device_id = id;
		}
		add_ips(dev, id, (const uint8_t(*)[16])dev->ipv4, dev->nipv4, c);
		add_ips(dev, id, (const uint8_t(*)[16])dev->ipv6, dev->nipv6, c);
	}
	return 0;
}

static int lpm_add(struct lpm_list *list, const uint8_t *bits, size_t nbytes, unsigned int plen,
		   uint64_t rules)
{
	struct lpm_item *item;
	int err;

	err = grow((void **)&list->items, &list->cap, list->count + 1, sizeof(*list->items));
	if (err)
		return err;
	item = &list->items[list->count++];
	memset(item, 0, sizeof(*item));
	memcpy(item->bits, bits, nbytes);
	ward_bits_mask(item->bits, sizeof(item->bits), plen);
	item->plen = (uint8_t)plen;
	item->rules = rules;
	return 0;
}

static int lpm_item_cmp(const void *a, const void *b)
{
	const struct lpm_item *x = a, *y = b;
	int c = memcmp(x->bits, y->bits, sizeof(x->bits));

	if (c)
		return c;
	return (int)x->plen - (int)y->plen;
}

/* Sort, fold equal prefixes into one, and give each the rules of those containing it. */
static void lpm_merge(struct lpm_list *list)
{
	size_t stack[129];
	size_t depth = 0, n = 0, i;

	if (!list->count)
		return;
	qsort(list->items, list->count, sizeof(*list->items), lpm_item_cmp);

	for (i = 1; i < list->count; i++) {
		struct lpm_item *last = &list->items[n];

		if (!lpm_item_cmp(last, &list->items[i]))
			last->rules |= list->items[i].rules;
		else
			list->items[++n] = list->items[i];
	}
	list->count = n + 1;

	for (i = 0; i < list->count; i++) {
		struct lpm_item *item = &list->items[i];

		while (depth) {
			const struct lpm_item *top = &list->items[stack[depth - 1]];

			if (ward_bits_equal(top->bits, item->bits, top->plen))
				break;
			depth--;
		}
		if (depth)
			item->rules |= list->items[stack[depth - 1]].rules;
		stack[depth++] = i;
	}
}

static int collect_peers(const struct ward_device *dev, int dir, struct lpm_list *list)
{
	size_t i, j;
	int err;

	list->count = 0;
	for (i = 0; i < dev->nrules[dir]; i++) {
		const struct ward_rule *rule = &dev->rules[dir][i];

		for (j = 0; j < rule->npeers; j++) {
			err = lpm_add(list, rule->peers[j].addr, 16, rule->peers[j].plen,
				      1ULL << i);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Service bits: protocol, then the port in network order (or ICMP type, code). */
static int add_service(struct lpm_list *list, uint8_t proto, uint16_t port, unsigned int port_plen,
		       uint64_t rules)
{
	uint8_t bits[3] = {proto, (uint8_t)(port >> 8), (uint8_t)(port & 0xff)};

	return lpm_add(list, bits, sizeof(bits), 8 + port_plen, rules);
}

static int collect_rule_services(const struct ward_rule *rule, uint64_t bit, struct lpm_list *list)
{
	struct ward_port_prefix pfx[WARD_PORT_PREFIXES_MAX];
	uint8_t proto = (uint8_t)rule->proto;
	size_t i, j, n;
	int err;

	if (rule->nports) {
		for (i = 0; i < rule->nports; i++) {
			n = ward_port_range_prefixes(rule->ports[i].lo, rule->ports[i].hi, pfx);
			for (j = 0; j < n; j++) {
				err = add_service(list, proto, pfx[j].port, pfx[j].plen, bit);
				if (err)
					return err;
			}
		}
		return 0;
	}
	if (rule->nicmp) {
		for (i = 0; i < rule->nicmp; i++) {
			err = add_service(list, proto, (uint16_t)(rule->icmp_types[i] << 8), 8,
					  bit);
			if (err)
				return err;
		}
		return 0;
	}
	return add_service(list, proto, 0, 0, bit);
}

static int collect_services(const struct ward_device *dev, int dir, struct lpm_list *list)
{
	size_t i;
	int err;

	list->count = 0;
	for (i = 0; i < dev->nrules[dir]; i++) {
		const struct ward_rule *rule = &dev->rules[dir][i];

		if (rule->proto == WARD_PROTO_ANY)
			continue;
		err = collect_rule_services(rule, 1ULL << i, list);
		if (err)
			return err;
	}
	return 0;
}

static int emit_peers(const struct lpm_list *list, uint32_t dev_dir, struct ward_compiled *c,
		      size_t *cap)
{
	size_t i;
	int err;

	err = grow((void **)&c->peers, cap, c->npeers + list->count, sizeof(*c->peers));
	if (err)
		return err;
	for (i = 0; i < list->count; i++) {
		struct ward_peer_entry *e = &c->peers[c->npeers++];

		memset(e, 0, sizeof(*e));
		e->key.prefixlen = WARD_PEER_BASE_PREFIX + list->items[i].plen;
		e->key.dev_dir = dev_dir;
		memcpy(e->key.addr, list->items[i].bits, sizeof(e->key.addr));
		e->rules = list->items[i].rules;
	}
	return 0;
}

static int emit_services(const struct lpm_list *list, uint32_t dev_dir, struct ward_compiled *c,
			 size_t *cap)
{
	size_t i;
	int err;

	err = grow((void **)&c->services, cap, c->nservices + list->count, sizeof(*c->services));
	if (err)
		return err;
	for (i = 0; i < list->count; i++) {
		const struct lpm_item *item = &list->items[i];
		struct ward_service_entry *e = &c->services[c->nservices++];

		memset(e, 0, sizeof(*e));
		/* item->plen counts the protocol's 8 bits, which sit after dev_dir. */
		e->key.prefixlen = WARD_PEER_BASE_PREFIX + item->plen;
		e->key.dev_dir = dev_dir;
		e->key.proto = item->bits[0];
		e->key.port[0] = item->bits[1];
		e->key.port[1] = item->bits[2];
		e->rules = item->rules;
	}
	return 0;
}

/* Build the peer and service entries of every device and direction. */
static int fill_rules(const struct ward_policy *policy, struct ward_compiled *c,
		      struct overflow *peers_over, struct overflow *services_over)
{
	struct lpm_list list = {0};
	size_t peers_cap = 0, services_cap = 0;
	uint32_t id;
	int dir, err = 0;

	for (id = 0; id < policy->ndevices; id++) {
		const struct ward_device *dev = &policy->devices[id];

		for (dir = 0; dir < WARD_DIR_COUNT; dir++) {
			uint32_t dev_dir = id << 1 | (uint32_t)dir;

			err = collect_peers(dev, dir, &list);
			if (err)
				goto free_list;
			lpm_merge(&list);
			err = emit_peers(&list, dev_dir, c, &peers_cap);
			if (err)
				goto free_list;

			err = collect_services(dev, dir, &list);
			if (err)
				goto free_list;
			lpm_merge(&list);
			err = emit_services(&list, dev_dir, c, &services_cap);
			if (err)
				goto free_list;
		}
		if (!peers_over->device && c->npeers > WARD_MAX_PEER_ENTRIES)
			peers_over->device = dev;
		if (!services_over->device && c->nservices > WARD_MAX_SERVICE_ENTRIES)
			services_over->device = dev;
	}

free_list:
	free(list.items);
	return err;
}

static int check_entries(const struct ward_compiled *c, const struct overflow *peers_over,
			 const struct overflow *services_over, struct ward_diags *diags)
{
	char subject[WARD_NAME_MAX + 64];
	int ret = 0;

	if (peers_over->device) {
		snprintf(subject, sizeof(subject), "the policy (over the limit from device %s)",
			 peers_over->device->name);
		ret = over_limit(diags, peers_over->device->pos, subject, c->npeers, "peer entries",
				 WARD_MAX_PEER_ENTRIES);
	}
	if (services_over->device) {
		snprintf(subject, sizeof(subject), "the policy (over the limit from device %s)",
			 services_over->device->name);
		ret = over_limit(diags, services_over->device->pos, subject, c->nservices,
				 "service entries", WARD_MAX_SERVICE_ENTRIES);
	}
	return ret;
}

void ward_compiled_free(struct ward_compiled *compiled)
{
	if (!compiled)
		return;
	free(compiled->ifaces);
	free(compiled->macs);
	free(compiled->ips);
	free(compiled->devices);
	free(compiled->peers);
	free(compiled->services);
	free(compiled);
}

int ward_compile(const struct ward_policy *policy, uint64_t generation, struct ward_compiled **out,
		 struct ward_diags *diags)
{
	struct overflow peers_over = {NULL}, services_over = {NULL};
	struct ward_compiled *c;
	int err;

	/* 1. Refuse what cannot fit, before building anything. */
	err = check_limits(policy, diags);
	if (err)
		return err;

	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;

	/* 2. The entries that map one to one. */
	fill_config(policy, generation, &c->config);
	err = fill_ifaces(policy, c);
	if (err)
		goto free_compiled;
	err = fill_devices(policy, c);
	if (err)
		goto free_compiled;

	/* 3. The merged LPM entries, and their limits. */
	err = fill_rules(policy, c, &peers_over, &services_over);
	if (err)
		goto free_compiled;
	err = check_entries(c, &peers_over, &services_over, diags);
	if (err)
		goto free_compiled;

	*out = c;
	return 0;

free_compiled:
	ward_compiled_free(c);
	return err;
}
