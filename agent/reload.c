// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Putting a policy in force (agent.h): read, validate and compile the file,
 * then have agent/maps.c fill the inactive slot in full and flip to it, and
 * only then record it in the pins and name its devices for events. A policy
 * that fails any step before the flip leaves the old one in force.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent.h"
#include "log.h"
#include "maps.h"
#include "sha256.h"

struct pending {
	struct ward_policy *policy;
	struct ward_compiled *compiled;
	uint8_t sha[WARD_SHA256_LEN];
};

static void pending_free(struct pending *p)
{
	ward_compiled_free(p->compiled);
	ward_policy_free(p->policy);
	memset(p, 0, sizeof(*p));
}

void agent_names_free(struct agent_names *names)
{
	free(names->devices);
	memset(names, 0, sizeof(*names));
}

/* Each error as FILE:LINE:COLUMN: MESSAGE, for the policy-rejected event. */
static char **error_lines(const char *path, const struct ward_diags *diags, size_t *n)
{
	char **lines = calloc(diags->count ? diags->count : 1, sizeof(*lines));
	const struct ward_diag *d;
	size_t i;

	*n = 0;
	if (!lines)
		return NULL;
	for (i = 0; i < diags->count; i++) {
		d = &diags->items[i];
		if (d->severity != WARD_SEV_ERROR)
			continue;
		if (asprintf(&lines[*n], "%s:%u:%u: %s", path, d->pos.line, d->pos.col,
			     d->message) < 0)
			break;
		(*n)++;
	}
	return lines;
}

static void emit_rejected(struct agent *agent, const struct ward_diags *diags, int err)
{
	char **lines, *fallback[1];
	size_t n, i;

	lines = error_lines(agent->policy_path, diags, &n);
	if (lines && !n && err) {
		fallback[0] = (char *)strerror(-err);
		ward_event_format_policy_rejected(&agent->line, ward_clock_now_ns(),
						  agent->policy_path, (const char *const *)fallback,
						  1);
	} else if (lines) {
		ward_event_format_policy_rejected(&agent->line, ward_clock_now_ns(),
						  agent->policy_path, (const char *const *)lines,
						  n);
	}
	if (lines)
		agent_emit(agent);
	for (i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
}

static int prepare(struct agent *agent, struct pending *p, struct ward_diags *diags)
{
	int err;

	err = ward_sha256_file(agent->policy_path, p->sha);
	if (err)
		return err;
	err = ward_policy_load(agent->policy_path, &p->policy, diags);
	if (err)
		return err;
	return ward_compile(p->policy, agent->state.generation + 1, &p->compiled, diags);
}

static int build_names(const struct ward_policy *policy, uint64_t generation,
		       struct agent_names *names)
{
	size_t i;

	names->devices = calloc(policy->ndevices ? policy->ndevices : 1, sizeof(*names->devices));
	if (!names->devices)
		return -ENOMEM;
	for (i = 0; i < policy->ndevices; i++) {
		names->devices[i].name = policy->devices[i].name;
		names->devices[i].criticality = policy->devices[i].criticality;
	}
	names->table.generation = generation;
	names->table.devices = names->devices;
	names->table.ndevices = policy->ndevices;
	return 0;
}

static int pin_devnames(const char *dir, const struct ward_policy *policy)
{
	struct ward_dev_name *names;
	size_t i;
	int err;

	names = calloc(policy->ndevices ? policy->ndevices : 1, sizeof(*names));
	if (!names)
		return -ENOMEM;
	for (i = 0; i < policy->ndevices; i++) {
		snprintf(names[i].name, sizeof(names[i].name), "%s", policy->devices[i].name);
		names[i].criticality = policy->devices[i].criticality;
		names[i].mode = policy->devices[i].mode;
	}
	err = ward_devnames_write(dir, names, policy->ndevices);
	free(names);
	return err;
}

static void record_state(struct agent *agent, const struct pending *p)
{
	struct ward_state *st = &agent->state;
	char *real;
	size_t i;

	st->version = WARD_STATE_VERSION;
	st->generation = p->compiled->config.generation;
	st->loaded_at_ns = ward_clock_now_ns();
	st->ndevices = agent->policy->ndevices;
	st->nifaces = agent->policy->nifaces;
	memcpy(st->sha256, p->sha, sizeof(st->sha256));
	memset(st->ifnames, 0, sizeof(st->ifnames));
	for (i = 0; i < agent->policy->nifaces && i < WARD_MAX_IFACES; i++)
		snprintf(st->ifnames[i], sizeof(st->ifnames[i]), "%s",
			 agent->policy->ifaces[i].name);
	real = realpath(agent->policy_path, NULL);
	snprintf(st->path, sizeof(st->path), "%s", real ? real : agent->policy_path);
	free(real);
}

void agent_ifindexes(const struct agent *agent, uint32_t *out)
{
	uint32_t i;

	for (i = 0; i < agent->nifaces; i++)
		out[i] = agent->ifaces[i].ifindex;
}

/* Fill the inactive slot from @compiled and flip to it. */
static int install_maps(struct agent *agent, const struct ward_compiled *compiled)
{
	uint32_t ifindex[WARD_MAX_IFACES] = {0};
	int err;

	agent_ifindexes(agent, ifindex);
	err = ward_maps_install(&agent->maps, compiled, ifindex, agent->nifaces);
	if (err)
		pr_err("the kernel refused the maps of policy generation %llu: %s",
		       (unsigned long long)compiled->config.generation, strerror(-err));
	return err;
}

/* Pin the counters of the slot now in force for readers (pins.h, WARD_PIN_COUNTERS_FMT). */
static int pin_counters(struct agent *agent)
{
	char name[32];
	uint32_t slot;
	int fd, err;

	err = ward_maps_active_slot(&agent->maps, &slot);
	if (err)
		return err;
	fd = ward_maps_inner_fd(&agent->maps, WARD_SM_COUNTERS, slot);
	if (fd < 0)
		return fd;
	snprintf(name, sizeof(name), WARD_PIN_COUNTERS_FMT, slot);
	err = ward_pin_replace(agent->pin_dir, name, fd);
	close(fd);
	return err;
}

static int install(struct agent *agent, struct pending *p)
{
	struct agent_names names;
	char hex[WARD_SHA256_HEX];
	int err;

	err = build_names(p->policy, p->compiled->config.generation, &names);
	if (err)
		return err;

	/* Interfaces first: the maps key them by their ifindex. */
	ward_policy_free(agent->policy);
	agent->policy = p->policy;
	p->policy = NULL;
	agent_ifaces_from_policy(agent);

	err = install_maps(agent, p->compiled);
	if (err)
		goto free_names;

	record_state(agent, p);
	err = ward_state_write(agent->pin_dir, &agent->state);
	if (!err)
		err = pin_devnames(agent->pin_dir, agent->policy);
	if (!err)
		err = pin_counters(agent);
	if (err)
		pr_warn("policy in force, but its record under %s could not be written: %s",
			agent->pin_dir, strerror(-err));

	agent_names_free(&agent->names[1]);
	agent->names[1] = agent->names[0];
	agent->names[0] = names;
	agent->lost_reported = 0;

	ward_sha256_hex(agent->state.sha256, hex);
	ward_event_format_policy_loaded(&agent->line, ward_clock_now_ns(), agent->state.path, hex,
					agent->state.generation, agent->state.ndevices);
	agent_emit(agent);
	pr_info("policy %s in force: generation %llu, %u devices", agent->state.path,
		(unsigned long long)agent->state.generation, agent->state.ndevices);
	return 0;

free_names:
	agent_names_free(&names);
	return err;
}

int agent_load_policy(struct agent *agent, bool is_reload)
{
	struct ward_diags diags = {0};
	struct pending p = {0};
	int err;

	err = prepare(agent, &p, &diags);
	ward_diags_print(&diags, agent->policy_path, stderr);
	if (err) {
		pr_err("policy %s refused%s", agent->policy_path,
		       is_reload ? ": the policy in force stays" : "");
		if (is_reload)
			emit_rejected(agent, &diags, err);
		memcpy(agent->rejected_sha, p.sha, sizeof(p.sha));
		agent->has_rejected = true;
		err = -EINVAL;
		goto free_pending;
	}
	agent->has_rejected = false;

	err = install(agent, &p);

free_pending:
	pending_free(&p);
	ward_diags_free(&diags);
	return err;
}

static int shift_names(struct agent *agent, uint64_t generation)
{
	struct agent_names names;
	int err;

	err = build_names(agent->policy, generation, &names);
	if (err)
		return err;
	agent_names_free(&agent->names[1]);
	agent->names[1] = agent->names[0];
	agent->names[0] = names;
	return 0;
}

int agent_refresh_policy(struct agent *agent)
{
	struct ward_diags diags = {0};
	struct ward_compiled *compiled;
	int err;

	err = ward_compile(agent->policy, agent->state.generation + 1, &compiled, &diags);
	ward_diags_free(&diags);
	if (err)
		return err;

	err = install_maps(agent, compiled);
	if (err)
		goto free_compiled;

	agent->state.generation = compiled->config.generation;
	agent->state.loaded_at_ns = ward_clock_now_ns();
	agent->lost_reported = 0;
	ward_state_write(agent->pin_dir, &agent->state);
	if (pin_counters(agent))
		pr_warn("cannot pin the counters under %s: `ward status` needs CAP_SYS_ADMIN",
			agent->pin_dir);
	err = shift_names(agent, agent->state.generation);

free_compiled:
	ward_compiled_free(compiled);
	return err;
}

int agent_events_lost(struct agent *agent, uint64_t *lost)
{
	struct ward_counters c;
	uint32_t i, n;
	int r, err;

	*lost = 0;
	n = agent->state.ndevices + agent->state.nifaces;
	for (i = 0; i < n; i++) {
		err = ward_maps_counters(&agent->maps, i, &c);
		if (err)
			return err;
		for (r = 0; r < WARD_REASON_COUNT; r++)
			*lost += c.event_lost[r];
	}
	return 0;
}
