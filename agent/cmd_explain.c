// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `ward explain POLICY --from ADDR --to ADDR --proto P [--dport N] [--icmp TYPE]`:
 * what the policy does with the opening packet of a flow, worked out by the
 * reference evaluator (policy/eval.c) without touching the kernel.
 *
 * A flow is judged on each side where a device is involved: as outbound
 * traffic of the device that owns the source address, and as inbound traffic
 * of the device that owns the destination address. Devices are found by
 * address alone, on their own interface and VLAN. The format of the output is
 * in usage() and docs/cli.md; tests/policy/test_explain.sh holds it to that.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "commands.h"
#include "eval.h"
#include "log.h"
#include "policy.h"
#include "prefix.h"

#define EPHEMERAL_PORT	    49152
#define DHCP_SERVER_PORT    67
#define DHCP_CLIENT_PORT    68
#define ICMP_ECHO_REQUEST   8
#define ICMPV6_ECHO_REQUEST 128

/* How many peers, ports or types a rule's rendering shows before "+N more". */
#define RENDER_MAX_ITEMS 4
#define RENDER_SIZE	 512

struct explain_args {
	const char *policy_path;
	const char *from_text, *to_text;
	uint8_t from[16], to[16];
	bool is_v4;
	int proto;
	bool has_dport;
	uint16_t dport;
	int icmp_type; /* -1: not given */
};

/* The outcome of one side, for the overall line. */
enum side_outcome {
	SIDE_NONE, /* no device has the address */
	SIDE_PASS,
	SIDE_WOULD_DROP,
	SIDE_DROP,
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ward explain POLICY --from ADDR --to ADDR --proto P [--dport N]"
		" [--icmp TYPE]\n"
		"\n"
		"Say what POLICY does with a flow opened from ADDR to ADDR, without touching the\n"
		"kernel. P is tcp, udp, icmp, icmpv6 or a protocol number; --dport (1 to 65535)\n"
		"is required with tcp and udp and refused otherwise; --icmp takes an ICMP or\n"
		"ICMPv6 type by name or number (default echo-request), only with icmp or icmpv6.\n"
		"The source port is 68 toward port 67, 67 toward port 68 (DHCP), else 49152.\n"
		"\n"
		"The flow is judged on each side where a device is involved: as outbound traffic\n"
		"of the device that owns the --from address (from-device) and as inbound traffic\n"
		"of the device that owns the --to address (to-device), each on its own interface\n"
		"and VLAN. Output, one line each:\n"
		"\n"
		"  flow: PROTO FROM -> TO [port N | type N]\n"
		"  from-device DEVICE: pass, rule FILE:LINE:COLUMN RULE\n"
		"  from-device DEVICE: pass, dhcp           (the built-in DHCP allowance)\n"
		"  from-device DEVICE: drop, REASON         (no-rule, spoofed-source, ...)\n"
		"  from-device DEVICE: would-drop, REASON   (audit mode: passes, reported)\n"
		"  from-device: no device has ADDR\n"
		"  to-device ...                            (the same forms)\n"
		"  overall: pass | drop | would-drop | not judged\n"
		"\n"
		"RULE is a short rendering of the rule, e.g. to: [198.18.1.10] service: dicom.\n"
		"The flow passes when every side passes; would-drop when it passes only because\n"
		"of audit mode; not judged when no device has either address.\n"
		"\n"
		"Exit status: 0 whatever the verdict, 1 invalid policy, 2 wrong usage.\n");
}

static int usage_error(const char *option, const char *what, const char *value)
{
	if (value)
		pr_err("explain: %s: '%s' %s (see ward explain --help)", option, value, what);
	else
		pr_err("explain: %s %s (see ward explain --help)", option, what);
	return -EINVAL;
}

static int parse_addr(const char *option, const char *text, uint8_t out[16], bool *is_v4)
{
	if (ward_ip_parse(text, out, is_v4))
		return usage_error(option, "is not an IPv4 or IPv6 address", text);
	return 0;
}

static int parse_proto(const char *text, int *proto)
{
	*proto = ward_proto_parse(text);
	if (*proto == WARD_PROTO_ANY)
		return usage_error("--proto", "is not one protocol: a flow has exactly one", text);
	if (*proto == WARD_PROTO_BAD)
		return usage_error("--proto",
				   "is not a protocol (tcp, udp, icmp, icmpv6 or 0 to 255)", text);
	return 0;
}

static int parse_dport(const char *text, struct explain_args *a)
{
	uint32_t port;

	if (!ward_parse_u32(text, &port) || port < 1 || port > 65535)
		return usage_error("--dport", "is not a port (1 to 65535)", text);
	a->has_dport = true;
	a->dport = (uint16_t)port;
	return 0;
}

static bool proto_has_ports(int proto)
{
	return proto == WARD_IPPROTO_TCP || proto == WARD_IPPROTO_UDP;
}

static bool proto_is_icmp(int proto)
{
	return proto == WARD_IPPROTO_ICMP || proto == WARD_IPPROTO_ICMPV6;
}

/* The options that need the others: addresses, ports and types against the protocol. */
static int check_args(struct explain_args *a, const char *icmp_text)
{
	bool to_v4;
	int err;

	if (!a->policy_path)
		return usage_error("POLICY", "is missing", NULL);
	if (!a->from_text)
		return usage_error("--from", "is required", NULL);
	if (!a->to_text)
		return usage_error("--to", "is required", NULL);
	if (a->proto == WARD_PROTO_BAD)
		return usage_error("--proto", "is required", NULL);

	err = parse_addr("--from", a->from_text, a->from, &a->is_v4);
	if (err)
		return err;
	err = parse_addr("--to", a->to_text, a->to, &to_v4);
	if (err)
		return err;
	if (to_v4 != a->is_v4)
		return usage_error("--to", "is not of the family of --from", a->to_text);

	if (a->has_dport && !proto_has_ports(a->proto))
		return usage_error("--dport", "is only for tcp and udp", NULL);
	if (!a->has_dport && proto_has_ports(a->proto))
		return usage_error("--dport", "is required with tcp and udp", NULL);
	if (icmp_text && !proto_is_icmp(a->proto))
		return usage_error("--icmp", "is only for icmp and icmpv6", NULL);
	if (!proto_is_icmp(a->proto))
		return 0;

	if (!icmp_text) {
		a->icmp_type =
			a->proto == WARD_IPPROTO_ICMP ? ICMP_ECHO_REQUEST : ICMPV6_ECHO_REQUEST;
		return 0;
	}
	a->icmp_type = ward_icmp_parse(icmp_text, a->proto == WARD_IPPROTO_ICMPV6);
	if (a->icmp_type < 0)
		return usage_error("--icmp", "is not an ICMP type of that protocol", icmp_text);
	return 0;
}

/* Returns 0, 1 when --help was asked, or -EINVAL after saying what is wrong. */
static int parse_args(int argc, char **argv, struct explain_args *a)
{
	static const struct option options[] = {
		{"from", required_argument, NULL, 'f'},
		{"to", required_argument, NULL, 't'},
		{"proto", required_argument, NULL, 'p'},
		{"dport", required_argument, NULL, 'd'},
		{"icmp", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *icmp_text = NULL;
	int opt, err = 0;

	memset(a, 0, sizeof(*a));
	a->proto = WARD_PROTO_BAD;
	a->icmp_type = -1;
	optind = 1;
	opterr = 0;
	while (!err && (opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		switch (opt) {
		case 'f':
			a->from_text = optarg;
			break;
		case 't':
			a->to_text = optarg;
			break;
		case 'p':
			err = parse_proto(optarg, &a->proto);
			break;
		case 'd':
			err = parse_dport(optarg, a);
			break;
		case 'i':
			icmp_text = optarg;
			break;
		case 'h':
			return 1;
		case ':':
			return usage_error(argv[optind - 1], "needs a value", NULL);
		default:
			return usage_error(argv[optind - 1], "is not an option of explain", NULL);
		}
	}
	if (err)
		return err;

	if (optind < argc)
		a->policy_path = argv[optind++];
	if (optind < argc)
		return usage_error(argv[optind], "is one argument too many", NULL);
	return check_args(a, icmp_text);
}

static int device_with_address(const struct ward_policy *policy, const uint8_t addr[16], bool is_v4)
{
	size_t i, j;

	for (i = 0; i < policy->ndevices; i++) {
		const struct ward_device *dev = &policy->devices[i];
		size_t n = is_v4 ? dev->nipv4 : dev->nipv6;

		for (j = 0; j < n; j++)
			if (!memcmp(is_v4 ? dev->ipv4[j] : dev->ipv6[j], addr, 16))
				return (int)i;
	}
	return -1;
}

static uint16_t source_port(uint16_t dport)
{
	if (dport == DHCP_SERVER_PORT)
		return DHCP_CLIENT_PORT;
	if (dport == DHCP_CLIENT_PORT)
		return DHCP_SERVER_PORT;
	return EPHEMERAL_PORT;
}

/* The opening packet as the datapath would see it on @dev's interface and VLAN. */
static void build_query(const struct explain_args *a, const struct ward_device *dev,
			enum ward_direction dir, struct ward_query *q)
{
	memset(q, 0, sizeof(*q));
	q->iface = dev->iface;
	q->direction = dir;
	q->vlan = dev->vlan;
	q->is_v4 = a->is_v4;
	memcpy(q->src, a->from, 16);
	memcpy(q->dst, a->to, 16);
	q->proto = (uint8_t)a->proto;
	if (proto_has_ports(a->proto)) {
		q->has_ports = true;
		q->dport = a->dport;
		q->sport = source_port(a->dport);
	}
	if (proto_is_icmp(a->proto))
		q->icmp_type = (uint8_t)a->icmp_type;
}

/* Append to @buf (of RENDER_SIZE bytes) as snprintf would, never past its end. */
__attribute__((format(printf, 2, 3))) static void append(char *buf, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + len, RENDER_SIZE - len, fmt, ap);
	va_end(ap);
}

static void append_more(char *buf, size_t total)
{
	if (total > RENDER_MAX_ITEMS)
		append(buf, ", +%zu more", total - RENDER_MAX_ITEMS);
	append(buf, "]");
}

static void render_peers(const struct ward_rule *rule, enum ward_direction dir, char *buf)
{
	char text[WARD_ADDR_STRLEN];
	size_t i;

	append(buf, "%s: [", dir == WARD_DIR_FROM_DEVICE ? "to" : "from");
	for (i = 0; i < rule->npeers && i < RENDER_MAX_ITEMS; i++) {
		ward_prefix_format(&rule->peers[i], text, sizeof(text));
		append(buf, "%s%s", i ? ", " : "", text);
	}
	append_more(buf, rule->npeers);
}

static void render_ports(const struct ward_rule *rule, char *buf)
{
	size_t i;

	append(buf, " ports: [");
	for (i = 0; i < rule->nports && i < RENDER_MAX_ITEMS; i++) {
		const struct ward_port_range *r = &rule->ports[i];

		append(buf, "%s%u", i ? ", " : "", r->lo);
		if (r->hi != r->lo)
			append(buf, "-%u", r->hi);
	}
	append_more(buf, rule->nports);
}

static void render_icmp(const struct ward_rule *rule, char *buf)
{
	size_t i;

	append(buf, " icmp: [");
	for (i = 0; i < rule->nicmp && i < RENDER_MAX_ITEMS; i++)
		append(buf, "%s%u", i ? ", " : "", rule->icmp_types[i]);
	append_more(buf, rule->nicmp);
}

/* "to: [198.18.1.10] service: dicom", "from: [any] proto: tcp ports: [104]". */
static void render_rule(const struct ward_rule *rule, enum ward_direction dir, char *buf)
{
	char num[8];

	buf[0] = '\0';
	render_peers(rule, dir, buf);
	if (rule->service) {
		append(buf, " service: %s", rule->service);
		return;
	}
	append(buf, " proto: %s", ward_proto_name(rule->proto, num, sizeof(num)));
	if (rule->nports)
		render_ports(rule, buf);
	if (rule->nicmp)
		render_icmp(rule, buf);
}

static const char *const reason_names[WARD_REASON_COUNT] = {
	[WARD_REASON_NONE] = "none",
	[WARD_REASON_NO_RULE] = "no-rule",
	[WARD_REASON_SPOOFED_SOURCE] = "spoofed-source",
	[WARD_REASON_WRONG_VLAN] = "wrong-vlan",
	[WARD_REASON_FRAGMENT] = "fragment",
	[WARD_REASON_MALFORMED] = "malformed",
	[WARD_REASON_IP_OPTIONS] = "ip-options",
	[WARD_REASON_NON_IP] = "non-ip",
	[WARD_REASON_RATE_LIMIT] = "rate-limit",
	[WARD_REASON_UNKNOWN_HOST] = "unknown-host",
	[WARD_REASON_FLOW_REVOKED] = "flow-revoked",
};

static enum side_outcome print_verdict(const char *side, const char *path,
				       const struct ward_device *dev, enum ward_direction dir,
				       const struct ward_verdict *v)
{
	char rule[RENDER_SIZE];

	if (v->would_drop) {
		printf("%s %s: would-drop, %s\n", side, dev->name, reason_names[v->reason]);
		return SIDE_WOULD_DROP;
	}
	if (!v->pass) {
		printf("%s %s: drop, %s\n", side, dev->name, reason_names[v->reason]);
		return SIDE_DROP;
	}
	if (!v->rule) {
		printf("%s %s: pass, dhcp\n", side, dev->name);
		return SIDE_PASS;
	}
	render_rule(v->rule, dir, rule);
	printf("%s %s: pass, rule %s:%u:%u %s\n", side, dev->name, path, v->rule->pos.line,
	       v->rule->pos.col, rule);
	return SIDE_PASS;
}

/* Judge and print one side; @addr is the address a device there would own. */
static enum side_outcome explain_side(const struct ward_policy *policy,
				      const struct explain_args *a, enum ward_direction dir)
{
	const char *side = dir == WARD_DIR_FROM_DEVICE ? "from-device" : "to-device";
	const uint8_t *addr = dir == WARD_DIR_FROM_DEVICE ? a->from : a->to;
	struct ward_verdict verdict;
	struct ward_query query;
	char text[WARD_IP_STR_MAX];
	int id;

	id = device_with_address(policy, addr, a->is_v4);
	if (id < 0) {
		ward_ip_format(addr, text);
		printf("%s: no device has %s\n", side, text);
		return SIDE_NONE;
	}

	build_query(a, &policy->devices[id], dir, &query);
	ward_evaluate(policy, &query, &verdict);
	return print_verdict(side, a->policy_path, &policy->devices[id], dir, &verdict);
}

static void print_flow(const struct explain_args *a)
{
	char from[WARD_IP_STR_MAX], to[WARD_IP_STR_MAX], num[8];

	ward_ip_format(a->from, from);
	ward_ip_format(a->to, to);
	printf("flow: %s %s -> %s", ward_proto_name(a->proto, num, sizeof(num)), from, to);
	if (a->has_dport)
		printf(" port %u", a->dport);
	if (a->icmp_type >= 0)
		printf(" type %d", a->icmp_type);
	printf("\n");
}

static void print_overall(enum side_outcome from, enum side_outcome to)
{
	enum side_outcome worst = from > to ? from : to;

	switch (worst) {
	case SIDE_NONE:
		printf("overall: not judged\n");
		break;
	case SIDE_PASS:
		printf("overall: pass\n");
		break;
	case SIDE_WOULD_DROP:
		printf("overall: would-drop\n");
		break;
	case SIDE_DROP:
		printf("overall: drop\n");
		break;
	}
}

int cmd_explain(int argc, char **argv)
{
	struct ward_diags diags = {0};
	struct ward_policy *policy;
	struct explain_args args;
	enum side_outcome from, to;
	int ret;

	/* 1. The question. */
	ret = parse_args(argc, argv, &args);
	if (ret == 1) {
		usage(stdout);
		return WARD_EXIT_OK;
	}
	if (ret)
		return WARD_EXIT_USAGE;

	/* 2. The policy, with its errors and warnings on stderr. */
	ret = ward_policy_load(args.policy_path, &policy, &diags);
	ward_diags_print(&diags, args.policy_path, stderr);
	ward_diags_free(&diags);
	if (ret)
		return WARD_EXIT_INVALID_POLICY;

	/* 3. Each side, then the whole. */
	print_flow(&args);
	from = explain_side(policy, &args, WARD_DIR_FROM_DEVICE);
	to = explain_side(policy, &args, WARD_DIR_TO_DEVICE);
	print_overall(from, to);

	ward_policy_free(policy);
	return WARD_EXIT_OK;
}
