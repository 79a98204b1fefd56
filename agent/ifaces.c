// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The policy's interfaces as the agent follows them (agent.h): attached at
 * start, attached again when one is deleted and created anew (a VLAN
 * sub-interface, a re-plugged NIC), left alone when one only goes down and
 * up (the programs stay on it), and taken off those a new policy drops.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "agent.h"
#include "attach.h"
#include "log.h"

static struct agent_iface *find_iface(struct agent_iface *list, uint32_t n, const char *name)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i].name, name))
			return &list[i];
	return NULL;
}

static void emit_attach(struct agent *agent, const struct agent_iface *iface, bool attached)
{
	struct ward_attachment att = {0};
	const char *mode = "xdp-generic";

	if (attached && !ward_attach_query(iface->ifindex, &att) &&
	    !strcmp(ward_xdp_mode_name(att.xdp_mode), "native"))
		mode = "xdp-native";
	ward_event_format_attach(&agent->line, ward_clock_now_ns(), attached, iface->name,
				 attached ? mode : "xdp");
	agent_emit(agent);
	ward_event_format_attach(&agent->line, ward_clock_now_ns(), attached, iface->name, "tc");
	agent_emit(agent);
}

static void update_ifnames(struct agent *agent)
{
	uint32_t i;

	for (i = 0; i < agent->nifaces; i++) {
		agent->ifnames[i].ifindex = agent->ifaces[i].ifindex;
		memcpy(agent->ifnames[i].name, agent->ifaces[i].name, WARD_IFNAME_MAX);
	}
}

/* Take ward off interfaces the new policy no longer names. */
static void detach_dropped(struct agent *agent, struct agent_iface *old, uint32_t nold)
{
	uint32_t i;
	int err;

	for (i = 0; i < nold; i++) {
		if (!old[i].attached || find_iface(agent->ifaces, agent->nifaces, old[i].name))
			continue;
		err = ward_detach_iface(old[i].ifindex, agent->xdp_fd);
		if (err) {
			pr_warn("cannot take ward off %s, which the policy no longer names: %s",
				old[i].name, strerror(-err));
			continue;
		}
		emit_attach(agent, &old[i], false);
	}
}

void agent_ifaces_from_policy(struct agent *agent)
{
	struct agent_iface old[WARD_MAX_IFACES], *prev;
	const struct ward_iface_conf *conf;
	uint32_t nold = agent->nifaces, i;

	memcpy(old, agent->ifaces, sizeof(old));
	agent->nifaces = 0;
	for (i = 0; i < agent->policy->nifaces && i < WARD_MAX_IFACES; i++) {
		conf = &agent->policy->ifaces[i];
		prev = find_iface(old, nold, conf->name);
		memset(&agent->ifaces[i], 0, sizeof(agent->ifaces[i]));
		if (prev)
			agent->ifaces[i] = *prev;
		snprintf(agent->ifaces[i].name, WARD_IFNAME_MAX, "%s", conf->name);
		agent->ifaces[i].xdp_mode = conf->xdp_mode;
		agent->ifaces[i].ifindex = if_nametoindex(conf->name);
		agent->nifaces++;
	}
	detach_dropped(agent, old, nold);
	update_ifnames(agent);
}

static const char *xdp_hint(int err, enum ward_xdp_mode mode)
{
	if (err == -EOPNOTSUPP && mode == WARD_XDP_NATIVE)
		return ": its driver has no native XDP; set xdp_mode: auto or generic";
	if (err == -ENODEV)
		return ": the interface is gone";
	return "";
}

int agent_attach_iface(struct agent *agent, struct agent_iface *iface)
{
	int err;

	err = ward_attach_xdp(iface->ifindex, agent->xdp_fd, agent->old_xdp_fd, iface->xdp_mode);
	if (err == -EBUSY) {
		pr_err("cannot attach XDP to %s: another XDP program is attached to it; remove it "
		       "(ip link set dev %s xdp off) or run ward on another interface",
		       iface->name, iface->name);
		return err;
	}
	if (err) {
		pr_err("cannot attach XDP to %s: %s%s", iface->name, strerror(-err),
		       xdp_hint(err, iface->xdp_mode));
		return err;
	}
	err = ward_attach_tc(iface->ifindex, agent->tc_fd);
	if (err) {
		pr_err("cannot attach the TC egress filter to %s: %s", iface->name, strerror(-err));
		return err;
	}
	if (!iface->attached)
		emit_attach(agent, iface, true);
	iface->attached = true;
	pr_info("attached to %s (ifindex %u)", iface->name, iface->ifindex);
	return 0;
}

void agent_ifaces_sync(struct agent *agent, bool *changed)
{
	struct agent_iface *iface;
	unsigned int ifindex;
	uint32_t i;

	*changed = false;
	for (i = 0; i < agent->nifaces; i++) {
		iface = &agent->ifaces[i];
		ifindex = if_nametoindex(iface->name);
		if (ifindex == iface->ifindex && (iface->attached || !ifindex))
			continue;
		if (iface->attached && ifindex != iface->ifindex) {
			pr_info("%s is gone (ifindex %u)", iface->name, iface->ifindex);
			emit_attach(agent, iface, false);
			iface->attached = false;
		}
		if (ifindex != iface->ifindex)
			*changed = true;
		iface->ifindex = ifindex;
	}
	update_ifnames(agent);
}

int agent_ifaces_attach_missing(struct agent *agent)
{
	struct agent_iface *iface;
	int err, first = 0;
	uint32_t i;

	for (i = 0; i < agent->nifaces; i++) {
		iface = &agent->ifaces[i];
		if (!iface->ifindex || iface->attached)
			continue;
		err = agent_attach_iface(agent, iface);
		if (err && !first)
			first = err;
	}
	return first;
}
