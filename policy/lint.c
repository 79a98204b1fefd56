// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Warnings about rules: those that can never match (no peer left, ICMP of
 * one family toward peers of the other, or only ICMP error types, which no
 * rule lets through), ICMP error types listed beside others, and rules an
 * earlier rule of the same device and direction fully covers (its peers,
 * protocol, ports and ICMP types contain the later rule's), so the later
 * one never decides.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "diag.h"
#include "lint.h"

#define ICMP_ERRORS_PASS \
	"ICMP errors pass only when they quote a flow the device has open, never by a rule"

static size_t count_error_types(const struct ward_rule *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->nicmp; i++)
		n += ward_icmp_is_error(r->proto, r->icmp_types[i]);
	return n;
}

/* Why @r can never match, or NULL when it can. */
static const char *never_matches(const struct ward_rule *r)
{
	bool v4 = false, v6 = false;
	size_t i;

	if (r->npeers == 0)
		return "its peer list is empty";
	for (i = 0; i < r->npeers; i++) {
		v4 |= ward_addr_has_v4(&r->peers[i]);
		v6 |= ward_addr_has_v6(&r->peers[i]);
	}
	if (r->proto == WARD_IPPROTO_ICMP && !v4)
		return "its proto is icmp (IPv4) but every peer is IPv6; use icmpv6";
	if (r->proto == WARD_IPPROTO_ICMPV6 && !v6)
		return "its proto is icmpv6 but every peer is IPv4; use icmp";
	if (r->nicmp && count_error_types(r) == r->nicmp)
		return "its ICMP types are all errors; " ICMP_ERRORS_PASS;
	return NULL;
}

/*
 * A rule that can match but also lists error types: name them. Every error
 * type has a name, and the four of a family fit @names.
 */
static void warn_error_types(const struct ward_rule *r, struct ward_diags *diags)
{
	bool v6 = r->proto == WARD_IPPROTO_ICMPV6;
	size_t i, used = 0, n = count_error_types(r);
	char names[128] = "";

	if (!n)
		return;
	for (i = 0; i < r->nicmp; i++)
		if (ward_icmp_is_error(r->proto, r->icmp_types[i]))
			used += (size_t)snprintf(names + used, sizeof(names) - used, "%s%s",
						 used ? ", " : "",
						 ward_icmp_name(r->icmp_types[i], v6));
	ward_diag_warn(diags, r->pos, "ICMP %s %s in this rule can never match: " ICMP_ERRORS_PASS,
		       n == 1 ? "type" : "types", names);
}

/* Whether the sorted, merged ranges @a contain every port of @b. */
static bool ports_cover(const struct ward_rule *a, const struct ward_rule *b)
{
	size_t i, j = 0;

	if (a->nports == 0)
		return true;
	if (b->nports == 0)
		return false;
	for (i = 0; i < b->nports; i++) {
		while (j < a->nports && a->ports[j].hi < b->ports[i].lo)
			j++;
		if (j == a->nports || a->ports[j].lo > b->ports[i].lo ||
		    a->ports[j].hi < b->ports[i].hi)
			return false;
	}
	return true;
}

/* Whether the sorted types of @a contain every type of @b. */
static bool icmp_cover(const struct ward_rule *a, const struct ward_rule *b)
{
	size_t i, j = 0;

	if (a->nicmp == 0)
		return true;
	if (b->nicmp == 0)
		return false;
	for (i = 0; i < b->nicmp; i++) {
		while (j < a->nicmp && a->icmp_types[j] < b->icmp_types[i])
			j++;
		if (j == a->nicmp || a->icmp_types[j] != b->icmp_types[i])
			return false;
	}
	return true;
}

static bool has_prefix(const struct ward_rule *a, const struct ward_prefix *p)
{
	size_t lo = 0, hi = a->npeers, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = ward_addr_cmp(&a->peers[mid], p);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* @p with the bits after @plen cleared. */
static void masked(const struct ward_prefix *p, unsigned int plen, struct ward_prefix *out)
{
	unsigned int i;

	*out = *p;
	out->plen = (uint8_t)plen;
	for (i = plen; i < 128; i++)
		out->addr[i / 8] &= (uint8_t) ~(0x80 >> (i % 8));
}

/*
 * Whether some peer of @a (sorted) contains @p: look @p up masked to each
 * prefix length that @a uses, a handful of binary searches.
 */
static bool peer_covered(const struct ward_rule *a, const bool *lens, const struct ward_prefix *p)
{
	struct ward_prefix m;
	unsigned int l;

	for (l = 0; l <= p->plen; l++) {
		if (!lens[l])
			continue;
		masked(p, l, &m);
		if (has_prefix(a, &m))
			return true;
	}
	return false;
}

static bool peers_cover(const struct ward_rule *a, const struct ward_rule *b)
{
	bool lens[129] = {false};
	size_t i;

	for (i = 0; i < a->npeers; i++)
		lens[a->peers[i].plen] = true;
	for (i = 0; i < b->npeers; i++)
		if (!peer_covered(a, lens, &b->peers[i]))
			return false;
	return true;
}

/* Whether every flow @b matches, @a matches too. */
static bool rule_covers(const struct ward_rule *a, const struct ward_rule *b)
{
	if (a->proto != WARD_PROTO_ANY && a->proto != b->proto)
		return false;
	if (a->proto != WARD_PROTO_ANY && (!ports_cover(a, b) || !icmp_cover(a, b)))
		return false;
	return peers_cover(a, b);
}

static void lint_rules(const struct ward_device *dev, int dir, struct ward_diags *diags)
{
	const char *dirname = dir == WARD_DIR_FROM_DEVICE ? "outbound" : "inbound";
	const char *never[WARD_MAX_RULES_PER_DIR];
	const struct ward_rule *rules = dev->rules[dir];
	size_t n = dev->nrules[dir], i, j;
	const char *why;

	for (i = 0; i < n; i++) {
		why = never_matches(&rules[i]);
		if (why)
			ward_diag_warn(diags, rules[i].pos, "this rule can never match: %s", why);
		else
			warn_error_types(&rules[i], diags);
		if (i < WARD_MAX_RULES_PER_DIR)
			never[i] = why;
	}
	/* Past the datapath's limit the compiler refuses the device; spare the n² work. */
	if (n > WARD_MAX_RULES_PER_DIR)
		return;

	for (i = 1; i < n; i++) {
		for (j = 0; j < i && !never[i]; j++) {
			if (never[j] || !rule_covers(&rules[j], &rules[i]))
				continue;
			ward_diag_warn(diags, rules[i].pos,
				       "this rule never decides anything: the earlier %s rule of "
				       "'%s' at line %u already allows every flow it allows",
				       dirname, dev->name, rules[j].pos.line);
			break;
		}
	}
}

void ward_lint(const struct ward_policy *policy, struct ward_diags *diags)
{
	size_t i;
	int dir;

	for (i = 0; i < policy->ndevices; i++)
		for (dir = 0; dir < WARD_DIR_COUNT; dir++)
			lint_rules(&policy->devices[i], dir, diags);
}
