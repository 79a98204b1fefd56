// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The policy loader's entry points: read the file within its size limit,
 * build the YAML tree, read the top level (version, defaults, timeouts,
 * interfaces) and hand sets, services and devices to their readers, then
 * add the warnings. Every problem found is reported; nothing stops at the
 * first one except a file that is not YAML at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devices.h"
#include "diag.h"
#include "lint.h"
#include "rules.h"
#include "schema.h"
#include "sets.h"
#include "ytree.h"

#define TIMEOUT_MAX_S (7 * 24 * 3600)

static const struct ward_pos no_pos = {0, 0};

enum {
	T_VERSION,
	T_DEFAULTS,
	T_SETS,
	T_SERVICES,
	T_INTERFACES,
	T_DEVICES,
	T_TIMEOUTS,
	T_COUNT,
};

static const uint32_t default_timeouts[WARD_TMO_COUNT] = {
	[WARD_TMO_TCP_ESTABLISHED] = 3600,
	[WARD_TMO_TCP_TRANSITORY] = 120,
	[WARD_TMO_UDP] = 60,
	[WARD_TMO_ICMP] = 30,
	[WARD_TMO_OTHER] = 60,
};

static void read_version(struct ward_loader *ld, uint32_t root, uint32_t n)
{
	char buf[WARD_QUOTE_SIZE + 2];

	if (!n) {
		ward_diag_error(ld->diags, ward_pos_of(ld, root),
				"the policy needs 'version: 1' at the top level");
		return;
	}
	if (ward_ynode(ld->tree, n)->kind == WARD_Y_SCALAR && !strcmp(ward_text(ld, n), "1"))
		return;
	ward_diag_error(ld->diags, ward_pos_of(ld, n),
			"version must be 1, got %s; this ward reads version 1 policies",
			ward_ydescribe(ld->tree, n, buf, sizeof(buf)));
}

static void read_defaults(struct ward_loader *ld, uint32_t n)
{
	static const char *const modes[] = {"enforce", "audit", NULL};
	static const char *const crits[] = {"life-critical", "clinical", "administrative", NULL};
	struct ward_field f[] = {{.name = "mode"}, {.name = "criticality"}};
	int i;

	ld->default_mode = WARD_MODE_ENFORCE;
	ld->default_criticality = WARD_CRIT_CLINICAL;
	if (!n || !ward_take_fields(ld, n, "defaults", f, 2))
		return;
	if (f[0].value && (i = ward_get_enum(ld, f[0].value, "mode", modes)) >= 0)
		ld->default_mode = (enum ward_mode)i;
	if (f[1].value && (i = ward_get_enum(ld, f[1].value, "criticality", crits)) >= 0)
		ld->default_criticality = (enum ward_criticality)i;
}

static void read_timeouts(struct ward_loader *ld, uint32_t n)
{
	struct ward_field f[WARD_TMO_COUNT] = {
		[WARD_TMO_TCP_ESTABLISHED] = {.name = "tcp_established"},
		[WARD_TMO_TCP_TRANSITORY] = {.name = "tcp_transitory"},
		[WARD_TMO_UDP] = {.name = "udp"},
		[WARD_TMO_ICMP] = {.name = "icmp"},
		[WARD_TMO_OTHER] = {.name = "other"},
	};
	int i;

	memcpy(ld->policy->timeout_s, default_timeouts, sizeof(default_timeouts));
	if (!n || !ward_take_fields(ld, n, "timeouts", f, WARD_TMO_COUNT))
		return;
	for (i = 0; i < WARD_TMO_COUNT; i++)
		if (f[i].value)
			ward_get_uint(ld, f[i].value, f[i].name, 1, TIMEOUT_MAX_S,
				      &ld->policy->timeout_s[i]);
}

/* A Linux interface name: 1 to 15 bytes, no '/', ':' or white space, not "." or "..". */
static bool iface_name_ok(const char *s, size_t len)
{
	size_t i;

	if (len == 0 || len >= WARD_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (i = 0; i < len; i++)
		if (s[i] == '/' || s[i] == ':' || s[i] == ' ' || s[i] == '\t' || s[i] == '\0')
			return false;
	return true;
}

static void read_iface_name(struct ward_loader *ld, uint32_t node, uint32_t n,
			    struct ward_iface_conf *conf)
{
	char quoted[WARD_QUOTE_SIZE];

	if (!n) {
		ward_diag_error(ld->diags, ward_pos_of(ld, node), "this interface needs a name");
		return;
	}
	if (!ward_get_scalar(ld, n, "an interface name"))
		return;
	if (!iface_name_ok(ward_text(ld, n), ward_ynode(ld->tree, n)->len)) {
		ward_quote(ward_text(ld, n), ward_ynode(ld->tree, n)->len, quoted, sizeof(quoted));
		ward_diag_error(ld->diags, ward_pos_of(ld, n),
				"bad interface name '%s': a Linux interface name is 1 to %d bytes, "
				"without '/', ':' or spaces",
				quoted, WARD_IFNAME_MAX - 1);
		return;
	}
	strcpy(conf->name, ward_text(ld, n));
	ward_names_add(&ld->ifaces, n, (uint32_t)(conf - ld->policy->ifaces));
}

static void read_iface(struct ward_loader *ld, uint32_t node, struct ward_iface_conf *conf)
{
	static const char *const unknown[] = {"pass", "audit", "drop", NULL};
	static const char *const xdp[] = {"auto", "native", "generic", NULL};
	struct ward_field f[] = {{.name = "name"}, {.name = "unknown_hosts"}, {.name = "xdp_mode"}};
	int i;

	conf->pos = ward_pos_of(ld, node);
	conf->unknown_hosts = WARD_UNKNOWN_AUDIT;
	conf->xdp_mode = WARD_XDP_AUTO;
	if (ward_ynode(ld->tree, node)->kind != WARD_Y_MAP) {
		ward_expected(ld, node,
			      "an interface (a mapping with name, unknown_hosts, xdp_mode)");
		return;
	}
	ward_take_fields(ld, node, "interface", f, 3);
	read_iface_name(ld, node, f[0].value, conf);
	if (f[1].value && (i = ward_get_enum(ld, f[1].value, "unknown_hosts", unknown)) >= 0)
		conf->unknown_hosts = (enum ward_unknown_hosts)i;
	if (f[2].value && (i = ward_get_enum(ld, f[2].value, "xdp_mode", xdp)) >= 0)
		conf->xdp_mode = (enum ward_xdp_mode)i;
}

static int read_ifaces(struct ward_loader *ld, uint32_t root, uint32_t list)
{
	struct ward_policy *p = ld->policy;
	uint32_t item, n;

	if (list && !ward_get_list(ld, list, "a list of interfaces", &item))
		return 0;
	if (!list || !item) {
		ward_diag_error(ld->diags, ward_pos_of(ld, list ? list : root),
				"the policy needs at least one interface, e.g. "
				"'interfaces: [{ name: dev0 }]'");
		return 0;
	}
	n = ward_ynode(ld->tree, list)->len;
	p->ifaces = calloc(n, sizeof(*p->ifaces));
	ld->ifaces.refs = calloc(n, sizeof(*ld->ifaces.refs));
	if (!p->ifaces || !ld->ifaces.refs)
		return -ENOMEM;
	for (; item; item = ward_next(ld, item))
		read_iface(ld, item, &p->ifaces[p->nifaces++]);
	ward_names_sort(ld, &ld->ifaces, "interface");
	return 0;
}

static int read_top(struct ward_loader *ld, uint32_t root)
{
	struct ward_field f[T_COUNT] = {
		[T_VERSION] = {.name = "version"},
		[T_DEFAULTS] = {.name = "defaults"},
		[T_SETS] = {.name = "sets"},
		[T_SERVICES] = {.name = "services"},
		[T_INTERFACES] = {.name = "interfaces"},
		[T_DEVICES] = {.name = "devices"},
		[T_TIMEOUTS] = {.name = "timeouts"},
	};
	int ret;

	if (!root) {
		ward_diag_error(ld->diags, no_pos,
				"the file is empty; a policy needs at least "
				"version, interfaces and devices");
		return 0;
	}
	if (ward_ynode(ld->tree, root)->kind != WARD_Y_MAP) {
		ward_expected(ld, root, "a policy (a mapping with version, interfaces, devices)");
		return 0;
	}
	ward_take_fields(ld, root, "the policy", f, T_COUNT);
	read_version(ld, root, f[T_VERSION].value);
	read_defaults(ld, f[T_DEFAULTS].value);
	read_timeouts(ld, f[T_TIMEOUTS].value);

	ret = read_ifaces(ld, root, f[T_INTERFACES].value);
	if (!ret)
		ret = ward_sets_load(ld, f[T_SETS].value);
	if (!ret)
		ret = ward_services_load(ld, f[T_SERVICES].value);
	if (ret)
		return ret;
	if (!f[T_DEVICES].key)
		ward_diag_error(ld->diags, ward_pos_of(ld, root),
				"the policy needs 'devices', the list of devices it protects");
	else
		ret = ward_devices_load(ld, f[T_DEVICES].value);
	ld->policy->nsets = ward_sets_count(ld->sets);
	ld->policy->nservices = ward_services_count(ld->services);
	return ret;
}

static int load_tree(const char *buf, size_t len, struct ward_policy *policy,
		     struct ward_diags *diags)
{
	struct ward_ytree tree;
	struct ward_loader ld = {.tree = &tree, .diags = diags, .policy = policy};
	int ret;

	ret = ward_ytree_parse(buf, len, &tree, diags);
	if (!ret)
		ret = read_top(&ld, tree.root);
	if (!ret && ld.nomem)
		ret = -ENOMEM;

	ward_services_free(ld.services);
	ward_sets_free(ld.sets);
	free(ld.ifaces.refs);
	ward_ytree_free(&tree);
	return ret;
}

static struct ward_policy *policy_new(const char *name)
{
	struct ward_policy *policy = calloc(1, sizeof(*policy));

	if (!policy)
		return NULL;
	policy->path = strdup(name);
	if (!policy->path) {
		free(policy);
		return NULL;
	}
	memcpy(policy->timeout_s, default_timeouts, sizeof(default_timeouts));
	return policy;
}

static bool too_big(size_t len, struct ward_diags *diags)
{
	if (len <= WARD_POLICY_MAX_BYTES)
		return false;
	ward_diag_error(diags, no_pos, "the file is %zu bytes or more; the limit is %u (%u MiB)",
			len, WARD_POLICY_MAX_BYTES, WARD_POLICY_MAX_BYTES >> 20);
	return true;
}

int ward_policy_load_buffer(const char *name, const char *buf, size_t len, struct ward_policy **out,
			    struct ward_diags *diags)
{
	size_t errors = diags->nerrors;
	struct ward_policy *policy;
	int ret;

	*out = NULL;
	if (too_big(len, diags))
		return -EINVAL;
	policy = policy_new(name);
	if (!policy)
		return -ENOMEM;

	ret = load_tree(buf, len, policy, diags);
	if (!ret)
		ward_lint(policy, diags);
	ward_diags_sort(diags);
	if (!ret && diags->nerrors > errors)
		ret = -EINVAL;
	if (ret) {
		ward_policy_free(policy);
		return ret;
	}
	*out = policy;
	return 0;
}

/* Read at most one byte over the limit, so a huge file or an endless pipe costs nothing. */
static int read_capped(int fd, char **buf, size_t *len)
{
	size_t max = (size_t)WARD_POLICY_MAX_BYTES + 1, cap = 0;
	char *data = NULL, *grown;
	ssize_t got = 1;
	int ret;

	*len = 0;
	while (got > 0 && *len < max) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 1 << 16;
			cap = cap < max ? cap : max;
			grown = realloc(data, cap);
			if (!grown) {
				ret = -ENOMEM;
				goto free_data;
			}
			data = grown;
		}
		do
			got = read(fd, data + *len, cap - *len);
		while (got < 0 && errno == EINTR);
		if (got < 0) {
			ret = -errno;
			goto free_data;
		}
		*len += (size_t)got;
	}
	*buf = data;
	return 0;

free_data:
	free(data);
	return ret;
}

static int read_file(const char *path, char **buf, size_t *len, struct ward_diags *diags)
{
	struct stat st;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		ward_diag_error(diags, no_pos, "cannot open the policy: %s", strerror(-ret));
		return ret;
	}
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && too_big((size_t)st.st_size, diags)) {
		close(fd);
		return -EINVAL;
	}
	ret = read_capped(fd, buf, len);
	close(fd);
	if (ret)
		ward_diag_error(diags, no_pos, "cannot read the policy: %s", strerror(-ret));
	return ret;
}

int ward_policy_load(const char *path, struct ward_policy **out, struct ward_diags *diags)
{
	char *buf = NULL;
	size_t len = 0;
	int ret;

	*out = NULL;
	ret = read_file(path, &buf, &len, diags);
	if (ret)
		return ret;
	ret = ward_policy_load_buffer(path, buf, len, out, diags);
	free(buf);
	return ret;
}

void ward_policy_free(struct ward_policy *policy)
{
	size_t i;

	if (!policy)
		return;
	for (i = 0; i < policy->ndevices; i++)
		ward_device_release(&policy->devices[i]);
	free(policy->devices);
	free(policy->ifaces);
	free(policy->path);
	free(policy);
}
