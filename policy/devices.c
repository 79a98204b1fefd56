// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Reading the devices of a policy and checking that no two share a name, a
 * MAC or an address. The cross-device checks sort (O(n log n)) rather than
 * compare each pair, so ten thousand devices cost nothing noticeable.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "devices.h"
#include "diag.h"
#include "rules.h"
#include "sets.h"

enum {
	D_NAME,
	D_INTERFACE,
	D_MAC,
	D_IPV4,
	D_IPV6,
	D_VLAN,
	D_CRITICALITY,
	D_MODE,
	D_DHCP,
	D_OUTBOUND,
	D_INBOUND,
	D_LIMITS,
	D_COUNT,
};

/* A MAC or address claimed by a device, to find those claimed twice. */
struct claim {
	uint8_t bytes[16]; /* the MAC in the first 6 bytes, or the address */
	uint8_t is_mac;
	uint32_t device;
	uint32_t node;
};

struct claims {
	struct claim *v;
	size_t n, cap;
};

/* What the devices share while they are read. */
struct devices_ctx {
	struct ward_loader *ld;
	struct ward_names names;
	struct claims claims;
};

static bool claim(struct devices_ctx *ctx, const uint8_t *bytes, size_t len, bool is_mac,
		  uint32_t device, uint32_t node)
{
	struct claims *c = &ctx->claims;
	struct claim *v;

	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 256;
		v = realloc(c->v, c->cap * sizeof(*v));
		if (!v)
			return ward_nomem(ctx->ld);
		c->v = v;
	}
	memset(&c->v[c->n], 0, sizeof(c->v[c->n]));
	memcpy(c->v[c->n].bytes, bytes, len);
	c->v[c->n].is_mac = is_mac;
	c->v[c->n].device = device;
	c->v[c->n].node = node;
	c->n++;
	return true;
}

static const char *const criticalities[] = {"life-critical", "clinical", "administrative", NULL};
static const char *const modes[] = {"enforce", "audit", NULL};

static bool device_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= WARD_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		if ((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9'))
			continue;
		if (i == 0 || !strchr("._-", s[i]) || s[i] == '\0')
			return false;
	}
	return true;
}

static bool read_name(struct devices_ctx *ctx, uint32_t node, const struct ward_field *f,
		      struct ward_device *dev)
{
	struct ward_loader *ld = ctx->ld;
	char quoted[WARD_QUOTE_SIZE];
	uint32_t n = f[D_NAME].value;

	if (!n) {
		ward_diag_error(ld->diags, ward_pos_of(ld, node), "this device needs a name");
		return false;
	}
	if (!ward_get_scalar(ld, n, "a device name"))
		return false;
	if (!device_name_ok(ward_text(ld, n), ward_ynode(ld->tree, n)->len)) {
		ward_quote(ward_text(ld, n), ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"bad device name '%s': it must be 1 to %d bytes of a-z, 0-9, '.', "
				"'_' or '-', beginning with a letter or digit",
				quoted, WARD_NAME_MAX - 1);
		return false;
	}
	dev->name = strdup(ward_text(ld, n));
	if (!dev->name)
		return ward_nomem(ld);
	ward_names_add(&ctx->names, n, (uint32_t)(dev - ld->policy->devices));
	return true;
}

static void list_ifaces(const struct ward_policy *p, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < p->nifaces && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "",
					 p->ifaces[i].name);
}

static bool read_interface(struct ward_loader *ld, uint32_t node, const struct ward_field *f,
			   struct ward_device *dev)
{
	uint32_t n = f[D_INTERFACE].value;
	char names[256];
	long found;

	if (!n && ld->policy->nifaces > 1) {
		list_ifaces(ld->policy, names, sizeof(names));
		ward_diag_error(ld->diags, ward_pos_of(ld, node),
				"%s%s%s needs 'interface': the policy has %zu interfaces (%s)",
				dev->name ? "device '" : "this device", dev->name ? dev->name : "",
				dev->name ? "'" : "", ld->policy->nifaces, names);
		return false;
	}
	if (!n)
		return true;
	if (!ward_get_scalar(ld, n, "an interface name"))
		return false;
	found = ward_names_find(ld, &ld->ifaces, ward_text(ld, n));
	if (found < 0) {
		ward_names_unknown(ld, &ld->ifaces, n, "interface", "");
		return false;
	}
	dev->iface = (uint32_t)found;
	return true;
}

static bool read_mac(struct devices_ctx *ctx, uint32_t n, struct ward_device *dev)
{
	struct ward_loader *ld = ctx->ld;
	char quoted[WARD_QUOTE_SIZE];
	enum ward_mac_status st;

	if (!ward_get_scalar(ld, n, "a MAC address (like \"02:00:00:00:00:21\")"))
		return false;
	ward_quote(ward_text(ld, n), ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
	st = ward_mac_parse(ward_text(ld, n), dev->mac);
	if (st == WARD_MAC_BAD)
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"bad MAC address '%s': write six hex bytes like "
				"\"02:00:00:00:00:21\"",
				quoted);
	else if (st == WARD_MAC_GROUP)
		ward_diag_error(
			ld->diags, ward_pos_of(ld, n),
			"'%s' is a multicast or broadcast MAC; a device's own MAC is unicast",
			quoted);
	else if (st == WARD_MAC_ZERO)
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"'%s' is the all-zero MAC; give the device's own MAC", quoted);
	if (st != WARD_MAC_OK)
		return false;
	dev->has_mac = true;
	return claim(ctx, dev->mac, 6, true, (uint32_t)(dev - ld->policy->devices), n);
}

/* Whether @p, a single address, can be a device's own: no multicast, loopback, unspecified. */
static bool host_address(const struct ward_prefix *p)
{
	const uint8_t *a = p->addr;
	static const uint8_t zero[16];

	if (p->is_v4)
		return a[12] != 0 && a[12] != 127 && a[12] < 224;
	return a[0] != 0xff && memcmp(a, zero, 15) != 0;
}

static bool read_address(struct devices_ctx *ctx, uint32_t n, bool v6, uint32_t device,
			 uint8_t (*out)[16])
{
	struct ward_loader *ld = ctx->ld;
	char quoted[WARD_QUOTE_SIZE];
	enum ward_addr_status st;
	struct ward_prefix p;
	bool has_len;

	if (!ward_get_scalar(ld, n, v6 ? "an IPv6 address" : "an IPv4 address"))
		return false;
	ward_quote(ward_text(ld, n), ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
	st = ward_addr_parse(ward_text(ld, n), &p, &has_len);
	if (st == WARD_ADDR_BAD || st == WARD_ADDR_MAPPED) {
		ward_report_addr(ld, n, st, &p);
		return false;
	}
	if (has_len) {
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"'%s' is a prefix; %s takes the device's own addresses, without /n",
				quoted, v6 ? "ipv6" : "ipv4");
		return false;
	}
	if (p.is_v4 == v6) {
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"'%s' is an %s address; put it under %s", quoted,
				v6 ? "IPv4" : "IPv6", v6 ? "ipv4" : "ipv6");
		return false;
	}
	if (!host_address(&p)) {
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"'%s' cannot be a device's own address (it is multicast, loopback "
				"or unspecified)",
				quoted);
		return false;
	}
	memcpy(*out, p.addr, 16);
	return claim(ctx, p.addr, 16, false, device, n);
}

static bool read_addresses(struct devices_ctx *ctx, uint32_t list, bool v6, struct ward_device *dev)
{
	struct ward_loader *ld = ctx->ld;
	uint32_t device = (uint32_t)(dev - ld->policy->devices), item;
	uint8_t(**addrs)[16] = v6 ? &dev->ipv6 : &dev->ipv4;
	size_t *count = v6 ? &dev->nipv6 : &dev->nipv4;
	bool ok = true;

	if (!ward_get_list(ld, list, v6 ? "a list of IPv6 addresses" : "a list of IPv4 addresses",
			   &item) ||
	    !item)
		return item == 0;
	*addrs = calloc(ward_ynode(ld->tree, list)->len, sizeof(**addrs));
	if (!*addrs)
		return ward_nomem(ld);
	for (; item; item = ward_next(ld, item)) {
		if (read_address(ctx, item, v6, device, &(*addrs)[*count]))
			(*count)++;
		else
			ok = false;
	}
	return ok;
}

static bool read_limits(struct ward_loader *ld, uint32_t n, struct ward_device *dev)
{
	struct ward_field f[] = {{.name = "new_flows_per_second"}};

	if (!ward_take_fields(ld, n, "limits", f, 1) || !f[0].value)
		return true;
	return ward_get_uint(ld, f[0].value, "new_flows_per_second", 1, 1000000,
			     &dev->new_flows_per_s);
}

/* vlan, criticality, mode, dhcp and limits, each with its default. */
static bool read_settings(struct ward_loader *ld, const struct ward_field *f,
			  struct ward_device *dev)
{
	uint32_t vlan = 0;
	bool ok = true;
	int i;

	dev->criticality = ld->default_criticality;
	dev->mode = ld->default_mode;
	if (f[D_VLAN].value && (ok &= ward_get_uint(ld, f[D_VLAN].value, "vlan", 1, 4094, &vlan)))
		dev->vlan = (uint16_t)vlan;
	if (f[D_CRITICALITY].value) {
		i = ward_get_enum(ld, f[D_CRITICALITY].value, "criticality", criticalities);
		ok &= i >= 0;
		dev->criticality = i >= 0 ? (enum ward_criticality)i : dev->criticality;
	}
	if (f[D_MODE].value) {
		i = ward_get_enum(ld, f[D_MODE].value, "mode", modes);
		ok &= i >= 0;
		dev->mode = i >= 0 ? (enum ward_mode)i : dev->mode;
	}
	if (f[D_DHCP].value)
		ok &= ward_get_bool(ld, f[D_DHCP].value, "dhcp", &dev->dhcp);
	if (f[D_LIMITS].value)
		ok &= read_limits(ld, f[D_LIMITS].value, dev);
	return ok;
}

static bool read_identity(struct devices_ctx *ctx, uint32_t node, const struct ward_field *f,
			  struct ward_device *dev)
{
	struct ward_loader *ld = ctx->ld;
	bool ok, addrs_ok = true;

	ok = read_name(ctx, node, f, dev);
	ok &= read_interface(ld, node, f, dev);
	if (f[D_MAC].value)
		addrs_ok &= read_mac(ctx, f[D_MAC].value, dev);
	if (f[D_IPV4].value)
		addrs_ok &= read_addresses(ctx, f[D_IPV4].value, false, dev);
	if (f[D_IPV6].value)
		addrs_ok &= read_addresses(ctx, f[D_IPV6].value, true, dev);
	if (addrs_ok && !dev->has_mac && !dev->nipv4 && !dev->nipv6) {
		ward_diag_error(ld->diags, ward_pos_of(ld, node),
				"%s%s%s needs at least one of mac, ipv4 and ipv6, to be told apart "
				"from other hosts",
				dev->name ? "device '" : "this device", dev->name ? dev->name : "",
				dev->name ? "'" : "");
		addrs_ok = false;
	}
	return ok && addrs_ok;
}

static int read_device(struct devices_ctx *ctx, uint32_t node, struct ward_device *dev)
{
	struct ward_field f[D_COUNT] = {
		[D_NAME] = {"name"},
		[D_INTERFACE] = {"interface"},
		[D_MAC] = {"mac"},
		[D_IPV4] = {"ipv4"},
		[D_IPV6] = {"ipv6"},
		[D_VLAN] = {"vlan"},
		[D_CRITICALITY] = {"criticality"},
		[D_MODE] = {"mode"},
		[D_DHCP] = {"dhcp"},
		[D_OUTBOUND] = {"outbound"},
		[D_INBOUND] = {"inbound"},
		[D_LIMITS] = {"limits"},
	};
	struct ward_loader *ld = ctx->ld;
	int ret = 0;

	dev->pos = ward_pos_of(ld, node);
	if (ward_ynode(ld->tree, node)->kind != WARD_Y_MAP) {
		ward_expected(ld, node, "a device (a mapping with name, mac, ipv4, ...)");
		return 0;
	}
	ward_take_fields(ld, node, "device", f, D_COUNT);
	read_identity(ctx, node, f, dev);
	read_settings(ld, f, dev);
	if (f[D_OUTBOUND].value)
		ret = ward_rules_load(ld, f[D_OUTBOUND].value, WARD_DIR_FROM_DEVICE,
				      &dev->rules[WARD_DIR_FROM_DEVICE],
				      &dev->nrules[WARD_DIR_FROM_DEVICE]);
	if (!ret && f[D_INBOUND].value)
		ret = ward_rules_load(ld, f[D_INBOUND].value, WARD_DIR_TO_DEVICE,
				      &dev->rules[WARD_DIR_TO_DEVICE],
				      &dev->nrules[WARD_DIR_TO_DEVICE]);
	return ret;
}

static int cmp_claim(const void *a, const void *b)
{
	const struct claim *ca = a, *cb = b;
	int c;

	if (ca->is_mac != cb->is_mac)
		return ca->is_mac ? -1 : 1;
	c = memcmp(ca->bytes, cb->bytes, sizeof(ca->bytes));
	if (c)
		return c;
	return ca->node < cb->node ? -1 : ca->node > cb->node;
}

static void format_claim(const struct claim *c, char *buf, size_t size)
{
	struct ward_prefix p = {.plen = 128};
	const uint8_t *m = c->bytes;

	if (c->is_mac) {
		snprintf(buf, size, "MAC %02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
			 m[4], m[5]);
		return;
	}
	memcpy(p.addr, c->bytes, 16);
	p.is_v4 = ward_addr_has_v4(&p);
	snprintf(buf, size, "address ");
	ward_addr_format(&p, buf + 8, size - 8);
}

/* Report each MAC or address claimed again, at its later place, naming the first owner. */
static void check_claims(struct devices_ctx *ctx)
{
	struct ward_loader *ld = ctx->ld;
	struct claims *c = &ctx->claims;
	const struct claim *first = NULL;
	const struct ward_device *owner;
	char what[WARD_ADDR_STRLEN + 16];
	size_t i;

	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmp_claim);
	for (i = 0; i < c->n; i++) {
		if (!first || first->is_mac != c->v[i].is_mac ||
		    memcmp(first->bytes, c->v[i].bytes, 16)) {
			first = &c->v[i];
			continue;
		}
		format_claim(first, what, sizeof(what));
		owner = &ld->policy->devices[first->device];
		if (first->device == c->v[i].device)
			ward_diag_error(ld->diags, ward_pos_of(ld, c->v[i].node),
					"%s is given twice to device '%s'; the first is at line %u",
					what, owner->name ? owner->name : "",
					ward_pos_of(ld, first->node).line);
		else
			ward_diag_error(ld->diags, ward_pos_of(ld, c->v[i].node),
					"%s already belongs to device '%s' (line %u); a MAC or "
					"address belongs to one device only",
					what, owner->name ? owner->name : "",
					ward_pos_of(ld, first->node).line);
	}
}

int ward_devices_load(struct ward_loader *ld, uint32_t list)
{
	struct devices_ctx ctx = {.ld = ld};
	struct ward_policy *p = ld->policy;
	uint32_t item;
	int ret = 0;

	if (!ward_get_list(ld, list, "a list of devices", &item) || !item)
		return 0;
	p->devices = calloc(ward_ynode(ld->tree, list)->len, sizeof(*p->devices));
	ctx.names.refs = calloc(ward_ynode(ld->tree, list)->len, sizeof(*ctx.names.refs));
	if (!p->devices || !ctx.names.refs) {
		ret = -ENOMEM;
		goto free_names;
	}

	for (; item && !ret; item = ward_next(ld, item))
		ret = read_device(&ctx, item, &p->devices[p->ndevices++]);
	if (ret)
		goto free_names;
	ward_names_sort(ld, &ctx.names, "device name");
	check_claims(&ctx);
	ret = ld->nomem ? -ENOMEM : 0;

free_names:
	free(ctx.claims.v);
	free(ctx.names.refs);
	return ret;
}

void ward_device_release(struct ward_device *dev)
{
	size_t i;
	int dir;

	for (dir = 0; dir < WARD_DIR_COUNT; dir++) {
		for (i = 0; i < dev->nrules[dir]; i++)
			ward_rule_release(&dev->rules[dir][i]);
		free(dev->rules[dir]);
	}
	free(dev->name);
	free(dev->ipv4);
	free(dev->ipv6);
	memset(dev, 0, sizeof(*dev));
}
