// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `ward run`: put a policy in force and stay in the foreground streaming
 * events (cli.md). The steps, in order:
 *
 *  1. check privileges, read and compile the policy, find its interfaces;
 *  2. take the pin directory (one agent at a time), load the programs
 *     against the maps already pinned (adopting a running enforcement) or
 *     fresh ones, and pin what is new;
 *  3. fill the maps from the policy and flip to them;
 *  4. only then attach: keep programs that are the same, replace older ones
 *     in one step, so there is no moment without filtering;
 *  5. drop every capability but CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON;
 *  6. loop: ring buffer to event lines, SIGHUP or a changed policy file to
 *     a reload, link changes to re-attaching, SIGTERM/SIGINT to a stop that
 *     leaves enforcement in place.
 */
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "agent.h"
#include "attach.h"
#include "caps.h"
#include "commands.h"
#include "log.h"
#include "maps.h"
#include "ward.skel.h"

#define DEFAULT_EVENTS "/var/log/ward/events.jsonl"
#define TICK_MS	       200
#define FLOW_TABLE_MIN 64
/* An editor saving by rename puts the policy file back well within this. */
#define POLICY_GONE_GRACE_MS 1000
/* events-lost: at most one line a second. */
#define LOST_INTERVAL_MS 1000
#define FLOW_TABLE_MAX	 (1U << 24)

struct run_opts {
	const char *policy;
	const char *events;
	const char *pin_dir;
	const char *syslog;  /* ops.c */
	const char *metrics; /* ops.c */
	const char *flow_table;
	int verbose;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ward run --policy POLICY [--events PATH] [--pin-dir DIR]\n"
		"                [--syslog URL] [--metrics FILE] [--flow-table N] [-v]\n\n"
		"Load the policy and attach to its interfaces (or adopt what is pinned under\n"
		"DIR, default %s), then stream events as JSON lines to PATH (default\n"
		"%s; - for standard output). SIGHUP or a change of the policy file\n"
		"reloads it; SIGTERM or SIGINT stops the agent and leaves enforcement in place.\n"
		"--syslog udp://HOST:PORT, tcp://HOST:PORT or unix:PATH also sends each event\n"
		"to a syslog collector (RFC 5424); --metrics FILE writes Prometheus metrics there\n"
		"every 5 s (e.g. /var/lib/prometheus/node-exporter/ward.prom).\n"
		"--flow-table N sizes the shared flow table (default %u flows) when ward\n"
		"makes its maps; pinned maps keep their size until `ward detach`.\n",
		WARD_DEFAULT_PIN_DIR, DEFAULT_EVENTS, WARD_DEFAULT_FLOWS);
}

static int parse_args(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"events", required_argument, NULL, 'e'},
		{"pin-dir", required_argument, NULL, 'd'},
		{"syslog", required_argument, NULL, 'S'},
		{"metrics", required_argument, NULL, 'M'},
		{"flow-table", required_argument, NULL, 'F'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "p:e:d:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o->policy = optarg;
			break;
		case 'e':
			o->events = optarg;
			break;
		case 'd':
			o->pin_dir = optarg;
			break;
		case 'S':
			o->syslog = optarg;
			break;
		case 'M':
			o->metrics = optarg;
			break;
		case 'F':
			o->flow_table = optarg;
			break;
		case 'v':
			o->verbose++;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc || !o->policy) {
		pr_err(optind < argc ? "'ward run' takes no argument '%s'"
				     : "ward run needs --policy",
		       optind < argc ? argv[optind] : "");
		return -EINVAL;
	}
	return 0;
}

void agent_emit(struct agent *agent)
{
	if (agent->line.err || !agent->sink)
		return;
	if (ward_sink_write(agent->sink, &agent->line))
		pr_warn("cannot write an event line to %s", agent->events_path);
	agent_ops_emit(agent);
}

static int check_caps(void)
{
	char missing[128];
	uint64_t have;
	int err;

	err = ward_caps_effective(&have);
	if (err)
		return err;
	if (!ward_caps_missing(have, missing, sizeof(missing)))
		return 0;
	pr_err("missing %s: run ward as root, or grant it these capabilities", missing);
	return -EPERM;
}

/*
 * Before touching the kernel: the policy must be valid (exit 1) and every
 * interface it names must exist (exit 3), so that an operator's typo is
 * caught at once. The policy is read again when it is put in force.
 */
static int check_policy(const char *path)
{
	const struct ward_iface_conf *conf;
	struct ward_diags diags = {0};
	struct ward_policy *policy;
	size_t i;
	int err;

	err = ward_policy_load(path, &policy, &diags);
	ward_diags_print(&diags, path, stderr);
	ward_diags_free(&diags);
	if (err)
		return WARD_EXIT_INVALID_POLICY;

	for (i = 0; i < policy->nifaces; i++) {
		conf = &policy->ifaces[i];
		if (if_nametoindex(conf->name))
			continue;
		pr_err("no interface %s: create it or fix interfaces[%zu].name in %s:%u:%u",
		       conf->name, i, path, conf->pos.line, conf->pos.col);
		err = -ENODEV;
		break;
	}
	ward_policy_free(policy);
	return err ? WARD_EXIT_KERNEL : WARD_EXIT_OK;
}

static int parse_flow_table(const char *arg, uint32_t *out)
{
	unsigned long n;
	char *end;

	*out = 0;
	if (!arg)
		return 0;
	errno = 0;
	n = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || n < FLOW_TABLE_MIN ||
	    n > FLOW_TABLE_MAX) {
		pr_err("--flow-table takes a number of flows from %u to %u, not '%s'",
		       FLOW_TABLE_MIN, FLOW_TABLE_MAX, arg);
		return -EINVAL;
	}
	*out = n;
	return 0;
}

/* --flow-table applies to a table ward makes; a pinned one keeps its size. */
static void report_flow_table(struct agent *agent)
{
	struct bpf_map *map = agent->skel->maps.ward_flows;

	if (!agent->flow_table)
		return;
	if (bpf_map__max_entries(map) != agent->flow_table) {
		pr_warn("the flow table pinned under %s holds %u flows: --flow-table %u takes "
			"effect after `ward detach`",
			agent->pin_dir, bpf_map__max_entries(map), agent->flow_table);
		return;
	}
	pr_info("flow table of %u flows", agent->flow_table);
}

/* Reuse every map pinned under the pin directory; returns how many were. */
static int reuse_pinned_maps(struct agent *agent)
{
	struct bpf_map *map;
	int fd, n = 0, err;

	bpf_object__for_each_map(map, agent->skel->obj)
	{
		if (bpf_map__is_internal(map))
			continue;
		fd = ward_pin_open(agent->pin_dir, bpf_map__name(map));
		if (fd == -ENOENT)
			continue;
		if (fd < 0)
			return fd;
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (err)
			return err;
		n++;
	}
	return n;
}

static int pin_new_maps(struct agent *agent)
{
	char path[WARD_PATH_MAX];
	struct bpf_map *map;
	int fd, err;

	bpf_object__for_each_map(map, agent->skel->obj)
	{
		if (bpf_map__is_internal(map))
			continue;
		fd = ward_pin_open(agent->pin_dir, bpf_map__name(map));
		if (fd >= 0) {
			close(fd);
			continue;
		}
		err = ward_pin_path(path, sizeof(path), agent->pin_dir, bpf_map__name(map));
		if (err)
			return err;
		err = bpf_map__pin(map, path);
		if (err)
			return err;
	}
	return 0;
}

static int prog_fd_of_type(struct ward_bpf *skel, enum bpf_prog_type type)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, skel->obj) if (bpf_program__type(prog) ==
							  type) return bpf_program__fd(prog);
	return -ENOENT;
}

/*
 * Keep the pinned program when it is the same code as ours (then nothing
 * changes on the interfaces), else use ours and remember the pinned one
 * so that attaching replaces it in one step.
 */
static int choose_prog(struct agent *agent, int new_fd, const char *pin, int *use, int *old)
{
	int pinned;

	*old = -1;
	*use = dup(new_fd);
	if (*use < 0)
		return -errno;
	pinned = ward_pin_open(agent->pin_dir, pin);
	if (pinned < 0)
		return 0;
	if (ward_prog_same_code(pinned, new_fd)) {
		close(*use);
		*use = pinned;
		pr_info("adopting pinned %s (id %u): same code", pin, ward_prog_id(pinned));
		return 0;
	}
	pr_info("pinned %s (id %u) differs from this ward's: replacing it", pin,
		ward_prog_id(pinned));
	*old = pinned;
	return 0;
}

static int load_programs(struct agent *agent)
{
	int err, reused;

	agent->skel = ward_bpf__open();
	if (!agent->skel)
		return -errno;
	if (agent->flow_table) {
		err = bpf_map__set_max_entries(agent->skel->maps.ward_flows, agent->flow_table);
		if (err)
			return err;
	}

	reused = reuse_pinned_maps(agent);
	if (reused < 0) {
		pr_err("cannot reuse the maps pinned under %s: %s", agent->pin_dir,
		       strerror(-reused));
		return reused;
	}
	if (reused)
		pr_info("adopting %d maps pinned under %s", reused, agent->pin_dir);
	report_flow_table(agent);

	err = ward_bpf__load(agent->skel);
	if (err) {
		pr_err("the kernel refused ward's BPF programs: %s%s (run with -vv for the "
		       "verifier's log)",
		       strerror(-err),
		       reused ? "; the pinned maps may be an older ward's: `ward detach` first"
			      : "");
		return err;
	}
	err = pin_new_maps(agent);
	if (err) {
		pr_err("cannot pin ward's maps under %s: %s", agent->pin_dir, strerror(-err));
		return err;
	}

	err = choose_prog(agent, prog_fd_of_type(agent->skel, BPF_PROG_TYPE_XDP), WARD_PIN_PROG_XDP,
			  &agent->xdp_fd, &agent->old_xdp_fd);
	if (!err)
		err = choose_prog(agent, prog_fd_of_type(agent->skel, BPF_PROG_TYPE_SCHED_CLS),
				  WARD_PIN_PROG_TC, &agent->tc_fd, &agent->old_tc_fd);
	return err;
}

static int pin_programs(struct agent *agent)
{
	int err;

	err = ward_pin_replace(agent->pin_dir, WARD_PIN_PROG_XDP, agent->xdp_fd);
	if (!err)
		err = ward_pin_replace(agent->pin_dir, WARD_PIN_PROG_TC, agent->tc_fd);
	if (err)
		pr_err("cannot pin ward's programs under %s: %s", agent->pin_dir, strerror(-err));
	return err;
}

static int on_event(void *ctx, void *data, size_t size)
{
	const struct ward_name_table tables[2] = {
		((struct agent *)ctx)->names[0].table,
		((struct agent *)ctx)->names[1].table,
	};
	struct agent *agent = ctx;
	struct ward_event_names names;
	struct ward_event ev;

	if (size < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	ward_event_names_resolve(tables, 2, agent->ifnames, agent->nifaces, &ev, &names);
	if (ward_event_format_packet(&agent->line, &ev, &names, agent->clock_offset) ||
	    !agent->sink)
		return 0;
	if (ward_sink_append(agent->sink, &agent->line)) /* written by the batch's flush */
		pr_warn("cannot write an event line to %s", agent->events_path);
	agent_ops_emit(agent);
	return 0;
}

static int open_ringbuf(struct agent *agent)
{
	struct bpf_map *map;

	map = bpf_object__find_map_by_name(agent->skel->obj, WARD_MAP_EVENTS);
	if (!map)
		return -ENOENT;
	agent->rb = ring_buffer__new(bpf_map__fd(map), on_event, agent, NULL);
	if (!agent->rb)
		return -errno;
	return 0;
}

static int open_signals(struct agent *agent)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	agent->sig_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (agent->sig_fd < 0)
		return -errno;
	return 0;
}

static int open_watches(struct agent *agent)
{
	int err;

	agent->link_fd = ward_linkmon_open();
	if (agent->link_fd < 0)
		return agent->link_fd;
	err = ward_file_watch_open(&agent->policy_watch, agent->policy_path);
	if (err)
		pr_warn("cannot watch %s for changes (%s): reload with SIGHUP", agent->policy_path,
			strerror(-err));
	return open_ringbuf(agent);
}

static void on_link(void *ctx, const struct ward_link_change *change)
{
	struct agent *agent = ctx;

	agent->links_dirty = true;
}

static void follow_links(struct agent *agent)
{
	bool changed;
	int err;

	agent->links_dirty = false;
	agent_ifaces_sync(agent, &changed);
	if (changed) {
		err = agent_refresh_policy(agent);
		if (err)
			pr_err("cannot put the policy in force for the new interface index: %s",
			       strerror(-err));
	}
	agent_ifaces_attach_missing(agent);
}

static void on_policy_file(struct agent *agent)
{
	uint8_t sha[WARD_SHA256_LEN];

	int err;

	if (ward_file_watch_changed(&agent->policy_watch) <= 0)
		return;
	err = ward_sha256_file(agent->policy_path, sha);
	if (err == -ENOENT && !agent->policy_gone_ms)
		agent->policy_gone_ms = ward_syslog_now_ms(); /* see check_policy_gone() */
	if (err)
		return;
	agent->policy_gone_ms = 0;
	if (!memcmp(sha, agent->state.sha256, sizeof(sha)))
		return;
	if (agent->has_rejected && !memcmp(sha, agent->rejected_sha, sizeof(sha)))
		return;
	pr_info("%s changed: reloading", agent->policy_path);
	agent_load_policy(agent, true);
	agent_ifaces_attach_missing(agent);
}

/*
 * The policy file went away: an editor that saves by rename puts it back
 * at once, so only a file still missing after the grace period is an
 * attempt, and gets its one policy-rejected event.
 */
static void check_policy_gone(struct agent *agent)
{
	char cause[WARD_PATH_MAX + 64];
	const char *errors[1] = {cause};

	if (!agent->policy_gone_ms ||
	    ward_syslog_now_ms() - agent->policy_gone_ms < POLICY_GONE_GRACE_MS)
		return;
	agent->policy_gone_ms = 0;
	if (!access(agent->policy_path, F_OK) || errno != ENOENT)
		return; /* back: its write has been, or will be, seen */
	snprintf(cause, sizeof(cause), "%s: the file was removed; the policy in force stays",
		 agent->policy_path);
	pr_err("%s", cause);
	ward_event_format_policy_rejected(&agent->line, ward_clock_now_ns(), agent->policy_path,
					  errors, 1);
	agent_emit(agent);
}

static void on_signal(struct agent *agent)
{
	struct signalfd_siginfo si;

	while (read(agent->sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			pr_info("SIGHUP: reloading %s", agent->policy_path);
			agent_load_policy(agent, true);
			agent_ifaces_attach_missing(agent);
		} else {
			agent->stop = true;
		}
	}
}

static void check_lost(struct agent *agent)
{
	uint64_t lost, now = ward_syslog_now_ms();

	if (now - agent->lost_checked_ms <= LOST_INTERVAL_MS) /* ms cut down: > is a whole second */
		return;
	agent->lost_checked_ms = now;
	if (agent_events_lost(agent, &lost) || lost <= agent->lost_reported)
		return;
	ward_event_format_events_lost(&agent->line, ward_clock_now_ns(),
				      lost - agent->lost_reported);
	agent_emit(agent);
	agent->lost_reported = lost;
}

static void loop(struct agent *agent)
{
	struct pollfd pfd[4] = {
		{.fd = ring_buffer__epoll_fd(agent->rb), .events = POLLIN},
		{.fd = agent->sig_fd, .events = POLLIN},
		{.fd = agent->link_fd, .events = POLLIN},
		{.fd = agent->policy_watch.fd, .events = POLLIN},
	};
	int n;

	while (!agent->stop) {
		n = poll(pfd, 4, TICK_MS);
		if (n < 0 && errno != EINTR)
			break;
		ward_sink_batch_begin(agent->sink);
		ring_buffer__consume(agent->rb);
		if (ward_sink_flush(agent->sink))
			pr_warn("cannot write event lines to %s", agent->events_path);
		if (pfd[1].revents)
			on_signal(agent);
		if (pfd[2].revents && ward_linkmon_read(agent->link_fd, on_link, agent))
			agent->links_dirty = true; /* messages lost: look at everything */
		if (pfd[3].revents)
			on_policy_file(agent);
		if (n == 0 || agent->links_dirty)
			follow_links(agent);
		check_policy_gone(agent);
		check_lost(agent);
		agent_ops_tick(agent);
	}
	ring_buffer__consume(agent->rb);
	if (ward_sink_flush(agent->sink))
		pr_warn("cannot write event lines to %s", agent->events_path);
}

/* Steps 1 to 5 of the file's comment. Returns a WARD_EXIT_* status. */
static int start(struct agent *agent)
{
	int err;

	/* Before anything slow: a SIGHUP sent while starting is a reload, not a kill. */
	err = open_signals(agent);
	if (err) {
		pr_err("cannot set up signal handling: %s", strerror(-err));
		return WARD_EXIT_KERNEL;
	}
	err = check_caps();
	if (err)
		return WARD_EXIT_KERNEL;
	err = check_policy(agent->policy_path);
	if (err)
		return err;

	err = ward_pins_prepare(agent->pin_dir);
	if (err) {
		pr_err("cannot use %s as ward's pin directory: %s", agent->pin_dir, strerror(-err));
		return WARD_EXIT_KERNEL;
	}
	agent->lock_fd = ward_pins_lock(agent->pin_dir);
	if (agent->lock_fd == -EBUSY) {
		char pid[32];

		pr_err("another ward run%s is using %s; stop it first, or give this one its own "
		       "--pin-dir",
		       ward_pins_holder_note(agent->pin_dir, pid, sizeof(pid)), agent->pin_dir);
		return WARD_EXIT_KERNEL;
	}
	if (agent->lock_fd < 0) {
		pr_err("cannot lock the pin directory %s: %s", agent->pin_dir,
		       strerror(-agent->lock_fd));
		return WARD_EXIT_KERNEL;
	}
	if (ward_state_read(agent->pin_dir, &agent->state))
		memset(&agent->state, 0, sizeof(agent->state));

	err = ward_sink_open(agent->events_path, &agent->sink);
	if (err)
		return WARD_EXIT_KERNEL;
	ward_event_format_agent(&agent->line, ward_clock_now_ns(), true, (long)getpid());
	agent_emit(agent);

	err = load_programs(agent);
	if (err)
		return WARD_EXIT_KERNEL;
	err = ward_maps_from_object(&agent->maps, agent->skel->obj);
	if (err) {
		pr_err("cannot open ward's policy maps: %s", strerror(-err));
		return WARD_EXIT_KERNEL;
	}

	err = agent_load_policy(agent, false);
	if (err == -EINVAL)
		return WARD_EXIT_INVALID_POLICY;
	if (err)
		return WARD_EXIT_KERNEL;

	if (agent_ifaces_attach_missing(agent))
		return WARD_EXIT_KERNEL;
	if (pin_programs(agent))
		return WARD_EXIT_KERNEL;

	err = open_watches(agent);
	if (err) {
		pr_err("cannot set up the agent's event sources: %s", strerror(-err));
		return WARD_EXIT_KERNEL;
	}

	err = ward_caps_drop_except(ward_caps_needed());
	if (err) {
		pr_err("cannot drop capabilities: %s", strerror(-err));
		return WARD_EXIT_KERNEL;
	}
	return WARD_EXIT_OK;
}

static void stop(struct agent *agent)
{
	int i;

	if (agent->sink) {
		ward_event_format_agent(&agent->line, ward_clock_now_ns(), false, (long)getpid());
		agent_emit(agent);
	}
	agent_ops_close(agent);
	ring_buffer__free(agent->rb);
	ward_file_watch_close(&agent->policy_watch);
	if (agent->link_fd >= 0)
		close(agent->link_fd);
	if (agent->sig_fd >= 0)
		close(agent->sig_fd);
	ward_maps_close(&agent->maps);
	for (i = 0; i < 2; i++)
		agent_names_free(&agent->names[i]);
	ward_policy_free(agent->policy);
	if (agent->xdp_fd >= 0)
		close(agent->xdp_fd);
	if (agent->tc_fd >= 0)
		close(agent->tc_fd);
	if (agent->old_xdp_fd >= 0)
		close(agent->old_xdp_fd);
	if (agent->old_tc_fd >= 0)
		close(agent->old_tc_fd);
	ward_bpf__destroy(agent->skel);
	ward_sink_close(agent->sink);
	ward_jbuf_free(&agent->line);
	if (agent->lock_fd >= 0)
		close(agent->lock_fd); /* last: the maps are no longer written */
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o = {.events = DEFAULT_EVENTS, .pin_dir = WARD_DEFAULT_PIN_DIR};
	struct agent agent = {
		.xdp_fd = -1,
		.tc_fd = -1,
		.old_xdp_fd = -1,
		.old_tc_fd = -1,
		.sig_fd = -1,
		.link_fd = -1,
		.lock_fd = -1,
		.policy_watch = {.fd = -1},
	};
	int err, ret;

	err = parse_args(argc, argv, &o);
	if (err)
		return err > 0 ? WARD_EXIT_OK : WARD_EXIT_USAGE;
	if (o.verbose)
		ward_log_set_verbosity(o.verbose);
	if (parse_flow_table(o.flow_table, &agent.flow_table))
		return WARD_EXIT_USAGE;

	agent.policy_path = o.policy;
	agent.events_path = o.events;
	agent.pin_dir = o.pin_dir;
	agent.clock_offset = ward_clock_offset_ns();
	ward_jbuf_init(&agent.line);
	if (agent_ops_open(&agent, o.syslog, o.metrics))
		return WARD_EXIT_USAGE;

	ret = start(&agent);
	if (ret == WARD_EXIT_OK) {
		pr_info("enforcing %s on %u interfaces; events to %s", agent.policy_path,
			agent.nifaces, agent.events_path);
		loop(&agent);
		pr_info("stopping: enforcement stays in place");
	}
	stop(&agent);
	return ret;
}
