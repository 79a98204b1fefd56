// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Reading services and rules: the peer list of a rule (through sets.c),
 * and what it matches: a named service, or a protocol with ports or ICMP
 * types.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "diag.h"
#include "rules.h"
#include "sets.h"

/* What a rule or a service matches besides peers. */
struct match {
	int proto;
	struct ward_port_range *ports;
	size_t nports;
	uint8_t *icmp;
	size_t nicmp;
};

struct ward_services {
	struct match *items;
	size_t count;
	struct ward_names names;
};

enum {
	M_PROTO,
	M_PORTS,
	M_ICMP
};

static void match_release(struct match *m)
{
	free(m->ports);
	free(m->icmp);
	memset(m, 0, sizeof(*m));
}

static bool read_proto(struct ward_loader *ld, uint32_t n, int *proto)
{
	char quoted[WARD_QUOTE_SIZE];

	if (!ward_get_scalar(ld, n, "a protocol (tcp, udp, icmp, icmpv6, any or 0 to 255)"))
		return false;
	*proto = ward_proto_parse(ward_text(ld, n));
	if (*proto != WARD_PROTO_BAD)
		return true;
	ward_quote(ward_text(ld, n), ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
	ward_diag_error(ld->diags, ward_pos_of(ld, n),
			"unknown protocol '%s'; it is tcp, udp, icmp, icmpv6, any or a number "
			"from 0 to 255",
			quoted);
	return false;
}

static bool report_port(struct ward_loader *ld, uint32_t n, enum ward_port_status status)
{
	char quoted[WARD_QUOTE_SIZE];
	struct ward_pos pos = ward_pos_of(ld, n);

	ward_quote(ward_text(ld, n), ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
	if (status == WARD_PORT_RANGE)
		ward_diag_error(ld->diags, pos, "port '%s' is out of range: ports are 1 to 65535",
				quoted);
	else if (status == WARD_PORT_BACKWARDS)
		ward_diag_error(ld->diags, pos,
				"port range '%s' runs backwards: its low end is above its high end",
				quoted);
	else
		ward_diag_error(ld->diags, pos,
				"bad port '%s': a port is a number from 1 to 65535 or a range "
				"like \"8000-8100\"",
				quoted);
	return false;
}

static int cmp_range(const void *a, const void *b)
{
	const struct ward_port_range *ra = a, *rb = b;

	return (int)ra->lo - (int)rb->lo;
}

/* Sort @ports and merge those that overlap or touch. Returns the new count. */
static size_t merge_ports(struct ward_port_range *ports, size_t n)
{
	size_t i, kept = 0;

	if (n < 2)
		return n;
	qsort(ports, n, sizeof(*ports), cmp_range);
	for (i = 1; i < n; i++) {
		if ((uint32_t)ports[i].lo <= (uint32_t)ports[kept].hi + 1) {
			if (ports[i].hi > ports[kept].hi)
				ports[kept].hi = ports[i].hi;
			continue;
		}
		ports[++kept] = ports[i];
	}
	return kept + 1;
}

static bool read_ports(struct ward_loader *ld, uint32_t n, struct match *m)
{
	enum ward_port_status status;
	uint32_t item;
	bool ok = true;

	if (!ward_get_list(ld, n, "a list of ports and port ranges", &item))
		return false;
	if (!item) {
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"the ports list is empty; leave 'ports' out to allow every port");
		return false;
	}
	m->ports = calloc(ward_ynode(ld->tree, n)->len, sizeof(*m->ports));
	if (!m->ports)
		return ward_nomem(ld);
	for (; item; item = ward_next(ld, item)) {
		if (!ward_get_scalar(ld, item, "a port or a port range")) {
			ok = false;
			continue;
		}
		status = ward_port_parse(ward_text(ld, item), &m->ports[m->nports]);
		if (status != WARD_PORT_OK)
			ok = report_port(ld, item, status);
		else
			m->nports++;
	}
	m->nports = merge_ports(m->ports, m->nports);
	return ok;
}

static void unknown_icmp(struct ward_loader *ld, uint32_t n, bool v6)
{
	const char *s = ward_text(ld, n), *name;
	char quoted[WARD_QUOTE_SIZE];
	struct ward_suggest sug;
	size_t i;

	ward_quote(s, ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
	if (ward_icmp_parse(s, !v6) >= 0) {
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"'%s' is an %s type, but the protocol is %s", quoted,
				v6 ? "ICMP (IPv4)" : "ICMPv6", v6 ? "icmpv6" : "icmp");
		return;
	}
	ward_suggest_init(&sug, s);
	for (i = 0; (name = ward_icmp_name_at(i, v6)); i++)
		ward_suggest_offer(&sug, name);
	if (ward_suggest_best(&sug))
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"unknown %s type '%s'; did you mean '%s'?", v6 ? "ICMPv6" : "ICMP",
				quoted, ward_suggest_best(&sug));
	else
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"unknown %s type '%s'; give a name such as echo-request, or a "
				"number from 0 to 255",
				v6 ? "ICMPv6" : "ICMP", quoted);
}

static int cmp_u8(const void *a, const void *b)
{
	return (int)*(const uint8_t *)a - (int)*(const uint8_t *)b;
}

static bool read_icmp(struct ward_loader *ld, uint32_t n, struct match *m)
{
	bool v6 = m->proto == WARD_IPPROTO_ICMPV6, ok = true;
	size_t i, kept = 0;
	uint32_t item;
	int type;

	if (!ward_get_list(ld, n, "a list of ICMP types", &item))
		return false;
	if (!item) {
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"the icmp list is empty; leave 'icmp' out to allow every type");
		return false;
	}
	m->icmp = calloc(ward_ynode(ld->tree, n)->len, 1);
	if (!m->icmp)
		return ward_nomem(ld);
	for (; item; item = ward_next(ld, item)) {
		type = ward_get_scalar(ld, item, "an ICMP type")
			       ? ward_icmp_parse(ward_text(ld, item), v6)
			       : -2;
		if (type == -1)
			unknown_icmp(ld, item, v6);
		if (type < 0)
			ok = false;
		else
			m->icmp[m->nicmp++] = (uint8_t)type;
	}
	qsort(m->icmp, m->nicmp, 1, cmp_u8);
	for (i = 0; i < m->nicmp; i++)
		if (!kept || m->icmp[kept - 1] != m->icmp[i])
			m->icmp[kept++] = m->icmp[i];
	m->nicmp = kept;
	return ok;
}

static bool has_ports(int proto)
{
	return proto == WARD_IPPROTO_TCP || proto == WARD_IPPROTO_UDP;
}

static bool has_icmp(int proto)
{
	return proto == WARD_IPPROTO_ICMP || proto == WARD_IPPROTO_ICMPV6;
}

/* A key the protocol has no use for: "ports need proto tcp or udp; here the proto is icmp". */
static bool misplaced(struct ward_loader *ld, uint32_t key, const char *what, const char *need,
		      int proto)
{
	char buf[8];

	ward_diag_error(ld->diags, ward_pos_of(ld, key), "%s need proto %s; here the proto is %s",
			what, need, ward_proto_name(proto, buf, sizeof(buf)));
	return false;
}

/* Read proto, ports and icmp from @f (indexed by M_*): absent proto means any. */
static bool read_match(struct ward_loader *ld, const struct ward_field *f, struct match *m)
{
	bool ok = true;

	m->proto = WARD_PROTO_ANY;
	if (f[M_PROTO].value && !read_proto(ld, f[M_PROTO].value, &m->proto))
		return false;
	if (f[M_PORTS].value && !has_ports(m->proto))
		ok = misplaced(ld, f[M_PORTS].key, "ports", "tcp or udp", m->proto);
	else if (f[M_PORTS].value)
		ok &= read_ports(ld, f[M_PORTS].value, m);
	if (f[M_ICMP].value && !has_icmp(m->proto))
		ok = misplaced(ld, f[M_ICMP].key, "icmp types", "icmp or icmpv6", m->proto);
	else if (f[M_ICMP].value)
		ok &= read_icmp(ld, f[M_ICMP].value, m);
	return ok;
}

static bool match_copy(struct ward_loader *ld, const struct match *from, struct ward_rule *rule)
{
	rule->proto = from->proto;
	if (from->nports) {
		rule->ports = malloc(from->nports * sizeof(*rule->ports));
		if (!rule->ports)
			return ward_nomem(ld);
		memcpy(rule->ports, from->ports, from->nports * sizeof(*rule->ports));
		rule->nports = from->nports;
	}
	if (from->nicmp) {
		rule->icmp_types = malloc(from->nicmp);
		if (!rule->icmp_types)
			return ward_nomem(ld);
		memcpy(rule->icmp_types, from->icmp, from->nicmp);
		rule->nicmp = from->nicmp;
	}
	return true;
}

static bool read_service(struct ward_loader *ld, uint32_t key, uint32_t value, struct match *m)
{
	struct ward_field f[] = {[M_PROTO] = {"proto"}, [M_PORTS] = {"ports"}, [M_ICMP] = {"icmp"}};

	if (!ward_take_fields(ld, value, "service", f, 3))
		return false;
	if (!f[M_PROTO].value) {
		ward_diag_error(ld->diags, ward_pos_of(ld, key), "service '%s' needs a proto",
				ward_text(ld, key));
		return false;
	}
	return read_match(ld, f, m);
}

int ward_services_load(struct ward_loader *ld, uint32_t map)
{
	struct ward_services *svcs;
	uint32_t key, n;

	svcs = ld->services = calloc(1, sizeof(*ld->services));
	if (!svcs)
		return -ENOMEM;
	if (!map || ward_yis_null(ld->tree, map))
		return 0;
	if (ward_ynode(ld->tree, map)->kind != WARD_Y_MAP) {
		ward_expected(ld, map, "a mapping of service names to { proto, ports, icmp }");
		return 0;
	}
	n = ward_ynode(ld->tree, map)->len / 2;
	svcs->items = calloc(n + 1, sizeof(*svcs->items));
	svcs->names.refs = calloc(n + 1, sizeof(*svcs->names.refs));
	if (!svcs->items || !svcs->names.refs)
		return -ENOMEM;

	for (key = ward_first(ld, map); key; key = ward_next(ld, ward_next(ld, key))) {
		if (!ward_get_scalar(ld, key, "a service name") ||
		    !ward_check_name(ld, key, "service"))
			continue;
		/* A service with errors is still named, so that rules using it add no noise. */
		read_service(ld, key, ward_next(ld, key), &svcs->items[svcs->count]);
		ward_names_add(&svcs->names, key, (uint32_t)svcs->count++);
	}
	ward_names_sort(ld, &svcs->names, "service");
	return ld->nomem ? -ENOMEM : 0;
}

size_t ward_services_count(const struct ward_services *services)
{
	return services ? services->names.count : 0;
}

void ward_services_free(struct ward_services *services)
{
	size_t i;

	if (!services)
		return;
	for (i = 0; i < services->count; i++)
		match_release(&services->items[i]);
	free(services->items);
	free(services->names.refs);
	free(services);
}

enum {
	R_TO = M_ICMP + 1,
	R_FROM,
	R_SERVICE,
	R_COUNT
};

static bool use_service(struct ward_loader *ld, const struct ward_field *f, struct ward_rule *rule)
{
	struct ward_services *svcs = ld->services;
	const char *name;
	long found;
	int i;

	for (i = M_PROTO; i <= M_ICMP; i++)
		if (f[i].key) {
			ward_diag_error(ld->diags, ward_pos_of(ld, f[i].key),
					"a rule with a service takes its proto, ports and icmp "
					"types from it; leave out '%s' or 'service'",
					ward_text(ld, f[i].key));
			return false;
		}
	if (!ward_get_scalar(ld, f[R_SERVICE].value, "a service name"))
		return false;
	name = ward_text(ld, f[R_SERVICE].value);
	found = ward_names_find(ld, &svcs->names, name);
	if (found < 0) {
		ward_names_unknown(ld, &svcs->names, f[R_SERVICE].value, "service",
				   svcs->names.count ? "" : " (the policy defines no services)");
		return false;
	}
	rule->service = strdup(name);
	if (!rule->service)
		return ward_nomem(ld);
	return match_copy(ld, &svcs->items[found], rule);
}

static bool read_what(struct ward_loader *ld, const struct ward_field *f, struct ward_rule *rule)
{
	struct match m = {0};
	bool ok;

	if (f[R_SERVICE].key)
		return use_service(ld, f, rule);
	/* The rule takes what was read: the arrays are its own from here on. */
	ok = read_match(ld, f, &m);
	rule->proto = m.proto;
	rule->ports = m.ports;
	rule->nports = m.nports;
	rule->icmp_types = m.icmp;
	rule->nicmp = m.nicmp;
	return ok;
}

/* The peer list of a rule: `to` outbound, `from` inbound; the other key is an error. */
static uint32_t peer_list(struct ward_loader *ld, uint32_t node, const struct ward_field *f,
			  enum ward_direction dir)
{
	bool out = dir == WARD_DIR_FROM_DEVICE;
	const struct ward_field *want = &f[out ? R_TO : R_FROM];
	const struct ward_field *other = &f[out ? R_FROM : R_TO];

	if (other->key)
		ward_diag_error(ld->diags, ward_pos_of(ld, other->key),
				"an %s rule names its peers with '%s'; '%s' is for %s rules",
				out ? "outbound" : "inbound", want->name, other->name,
				out ? "inbound" : "outbound");
	else if (!want->key)
		ward_diag_error(ld->diags, ward_pos_of(ld, node),
				"this %s rule needs '%s': the peers it allows flows %s",
				out ? "outbound" : "inbound", want->name, out ? "to" : "from");
	return other->key ? 0 : want->value;
}

static bool read_rule(struct ward_loader *ld, uint32_t node, enum ward_direction dir,
		      struct ward_rule *rule)
{
	struct ward_field f[R_COUNT] = {
		[M_PROTO] = {"proto"}, [M_PORTS] = {"ports"}, [M_ICMP] = {"icmp"},
		[R_TO] = {"to"},       [R_FROM] = {"from"},   [R_SERVICE] = {"service"}};
	const char *what = dir == WARD_DIR_FROM_DEVICE ? "outbound rule" : "inbound rule";
	uint32_t peers;
	bool ok;

	memset(rule, 0, sizeof(*rule));
	rule->pos = ward_pos_of(ld, node);
	if (ward_ynode(ld->tree, node)->kind != WARD_Y_MAP)
		return ward_expected(ld, node,
				     "a rule (a mapping with to or from, and a proto or "
				     "service)");
	if (!ward_take_fields(ld, node, what, f, R_COUNT))
		return false;

	peers = peer_list(ld, node, f, dir);
	ok = peers && ward_peers_resolve(ld, peers, &rule->peers, &rule->npeers);
	ok &= read_what(ld, f, rule);
	return ok;
}

void ward_rule_release(struct ward_rule *rule)
{
	free(rule->peers);
	free(rule->ports);
	free(rule->icmp_types);
	free(rule->service);
	memset(rule, 0, sizeof(*rule));
}

int ward_rules_load(struct ward_loader *ld, uint32_t list, enum ward_direction dir,
		    struct ward_rule **rules, size_t *n)
{
	const char *what = dir == WARD_DIR_FROM_DEVICE ? "a list of outbound rules"
						       : "a list of inbound rules";
	uint32_t item;

	*rules = NULL;
	*n = 0;
	if (!ward_get_list(ld, list, what, &item) || !item)
		return 0;
	*rules = calloc(ward_ynode(ld->tree, list)->len, sizeof(**rules));
	if (!*rules)
		return -ENOMEM;
	for (; item && !ld->nomem; item = ward_next(ld, item)) {
		if (read_rule(ld, item, dir, &(*rules)[*n]))
			(*n)++;
		else
			ward_rule_release(&(*rules)[*n]);
	}
	return ld->nomem ? -ENOMEM : 0;
}
