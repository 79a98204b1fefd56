// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `make bench`: per-packet cost of ward's datapath, its scaling with devices
 * and rules, and the figures of issue 6, measured side by side in one run
 * against bare programs, Debian's xdp-filter and a linear-scan filter.
 * tools/bench.sh sets the stage (namespace, interface, xdp-filter, iperf3)
 * and calls this with what it set up; see docs/bench.md for the method.
 *
 * Every per-packet figure comes from BPF_PROG_TEST_RUN on one pinned CPU,
 * minus the bare program's time on the same frame in the same round.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>

#include "bare.skel.h"
#include "bench.skel.h"
#include "bench/evrate.h"
#include "bench/layout.h"
#include "bench/linear.h"
#include "bench/machine.h"
#include "bench/probe.h"
#include "bench/report.h"
#include "bench/ward.h"
#include "log.h"

#define DEFAULT_ROUNDS	  5
#define DEFAULT_REPEAT	  1000000
#define DEFAULT_RULES	  20
#define MAX_RULES	  64 /* ward's rules per device and direction */
#define LINEAR_MIN_REPEAT 100
#define MAX_SIZES	  8
#define EVENT_SECONDS	  10.0

struct options {
	int rounds;
	uint32_t repeat;
	int cpu;
	const char *netns;
	const char *iface;
	int xdpf_id;
	const char *samples;
	const char *json;
	const char *plot;
	double event_s;
	const char *events;
	const char *spin;
	uint32_t sizes[MAX_SIZES];
	int nsizes;
	uint32_t nrules;
};

struct bench {
	struct options opt;
	int ifindex;
	struct bare_bpf *bare;
	struct bench_bpf *aid;
	int xdpf_fd;
	struct bench_linear_size linear[MAX_SIZES];
	struct bench_ward wards[MAX_SIZES + 1]; /* 1 x 1, then each size x nrules */
	int nwards;
	struct bench_ward events; /* its own instance, so B6 counts only its flood */
	struct bench_plan plan;
	struct bench_results res;
	struct bench_machine machine;
	struct bench_report rep;
	int base_xdp, base_tc, base_fresh;
};

/* Series names of the largest policy, "...@10000x20": set by name_scale_figures(). */
static char big_tracked[BENCH_NAME_MAX], big_new[BENCH_NAME_MAX], big_norule[BENCH_NAME_MAX];
static char big_apply[BENCH_NAME_MAX], big_reload[BENCH_NAME_MAX];
static char label_b3t[96], label_b3n[96], label_b3r[96], label_b7a[96];

static const struct bench_figure figures[] = {
	{"B1", "ward XDP tracked flow / xdp-filter allowed packet", "xdp.ward.tracked@1x1",
	 "xdp.xdpfilter.allowed", 1, "ratio", BENCH_AT_MOST, 1.0},
	{"B2", "ward XDP new flow (insert included) / tracked", "xdp.ward.new@1x1",
	 "xdp.ward.tracked@1x1", 1, "ratio", BENCH_AT_MOST, 10},
	{"B3t", label_b3t, big_tracked, "xdp.ward.tracked@1x1", 1, "ratio", BENCH_AT_MOST, 1.3},
	{"B3n", label_b3n, big_new, "xdp.ward.new@1x1", 1, "ratio", BENCH_AT_MOST, 1.3},
	{"B3r", label_b3r, big_norule, "xdp.ward.norule@1x1", 1, "ratio", BENCH_AT_MOST, 1.3},
	{"B4", "ward TC egress / ward XDP, same tracked flow", "tc.ward.tracked@1x1",
	 "xdp.ward.tracked@1x1", 1, "ratio", BENCH_AT_MOST, 1.5},
	{"B5", "ward denied flood, event held back / tracked", "xdp.ward.norule@1x1",
	 "xdp.ward.tracked@1x1", 1, "ratio", BENCH_AT_MOST, 1.5},
	{"B6", "events/s, ring buffer to JSON lines, sustained", "events.per_s", NULL, 1, "ev/s",
	 BENCH_AT_LEAST, 1e6},
	{"B7a", label_b7a, big_apply, NULL, 1, "s", BENCH_AT_MOST, 1},
	{"B7r", "reload after a one-device change", big_reload, NULL, 1000, "ms", BENCH_AT_MOST,
	 100},
	{"B8n", "iperf3 TCP: with ward / no filter", "iperf.ward", "iperf.none", 1, "ratio",
	 BENCH_AT_LEAST, 0.95},
	{"B8f", "iperf3 TCP: with ward / nftables stateful", "iperf.ward", "iperf.nft", 1, "ratio",
	 BENCH_AT_LEAST, 1.0},
	{"B8x", "iperf3 TCP: with ward / bare XDP program (no target)", "iperf.ward", "iperf.bare",
	 1, "ratio", BENCH_NO_TARGET, 0},
};

/* B3 and B7 are about the largest policy measured (10,000 x 20 by default). */
static void name_scale_figures(uint32_t ndevices, uint32_t nrules)
{
	char scale[24];

	snprintf(scale, sizeof(scale), "%ux%u", ndevices, nrules);
	snprintf(big_tracked, sizeof(big_tracked), "xdp.ward.tracked@%s", scale);
	snprintf(big_new, sizeof(big_new), "xdp.ward.new@%s", scale);
	snprintf(big_norule, sizeof(big_norule), "xdp.ward.norule@%s", scale);
	snprintf(big_apply, sizeof(big_apply), "policy.apply_s@%s", scale);
	snprintf(big_reload, sizeof(big_reload), "policy.reload_s@%s", scale);
	snprintf(label_b3t, sizeof(label_b3t), "%u devices x %u rules / 1 x 1: tracked flow",
		 ndevices, nrules);
	snprintf(label_b3n, sizeof(label_b3n), "%u devices x %u rules / 1 x 1: new flow", ndevices,
		 nrules);
	snprintf(label_b3r, sizeof(label_b3r), "%u devices x %u rules / 1 x 1: no rule", ndevices,
		 nrules);
	snprintf(label_b7a, sizeof(label_b7a), "compile and apply %u devices x %u rules", ndevices,
		 nrules);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bench --iface NAME [--netns NAME] [--rounds N] [--repeat N] [--cpu N]\n"
		"             [--xdp-filter-id ID] [--samples FILE] [--json FILE] [--plot FILE]\n"
		"             [--sizes N,N,...] [--rules N] --events FILE [--event-seconds S]\n"
		"             [--spin PROBE]  (run one probe for --event-seconds, for perf)\n"
		"Times ward's datapath against bare programs, xdp-filter and a linear scan\n"
		"(docs/bench.md). tools/bench.sh runs it with the stage it sets up.\n");
}

static int parse_sizes(const char *arg, struct options *opt)
{
	char *end;

	opt->nsizes = 0;
	while (*arg && opt->nsizes < MAX_SIZES) {
		unsigned long v = strtoul(arg, &end, 10);

		if (end == arg || v == 0 || v > BENCH_MAX_DEVICES)
			return -EINVAL;
		opt->sizes[opt->nsizes++] = (uint32_t)v;
		arg = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -EINVAL;
	}
	return opt->nsizes ? 0 : -EINVAL;
}

static int parse_options(int argc, char **argv, struct options *opt)
{
	static const struct option longopts[] = {
		{"rounds", required_argument, NULL, 'r'},
		{"repeat", required_argument, NULL, 'n'},
		{"cpu", required_argument, NULL, 'c'},
		{"netns", required_argument, NULL, 'N'},
		{"iface", required_argument, NULL, 'i'},
		{"xdp-filter-id", required_argument, NULL, 'x'},
		{"samples", required_argument, NULL, 's'},
		{"json", required_argument, NULL, 'j'},
		{"plot", required_argument, NULL, 'p'},
		{"sizes", required_argument, NULL, 'S'},
		{"rules", required_argument, NULL, 'R'},
		{"event-seconds", required_argument, NULL, 'E'},
		{"events", required_argument, NULL, 'e'},
		{"spin", required_argument, NULL, 'P'},
		{"help", no_argument, NULL, 'h'},
		{0},
	};
	int c;

	*opt = (struct options){.rounds = DEFAULT_ROUNDS,
				.repeat = DEFAULT_REPEAT,
				.cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1,
				.xdpf_id = -1,
				.nrules = DEFAULT_RULES,
				.event_s = EVENT_SECONDS};
	parse_sizes("1,10,100,1000,10000", opt);

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			opt->rounds = atoi(optarg);
			break;
		case 'n':
			opt->repeat = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			opt->cpu = atoi(optarg);
			break;
		case 'N':
			opt->netns = optarg;
			break;
		case 'i':
			opt->iface = optarg;
			break;
		case 'x':
			opt->xdpf_id = atoi(optarg);
			break;
		case 's':
			opt->samples = optarg;
			break;
		case 'j':
			opt->json = optarg;
			break;
		case 'p':
			opt->plot = optarg;
			break;
		case 'S':
			if (parse_sizes(optarg, opt))
				return -EINVAL;
			break;
		case 'R':
			opt->nrules = (uint32_t)strtoul(optarg, NULL, 10);
			break;
		case 'E':
			opt->event_s = atof(optarg);
			break;
		case 'e':
			opt->events = optarg;
			break;
		case 'P':
			opt->spin = optarg;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (optind != argc || opt->rounds < 1 || !opt->repeat || opt->cpu < 0 || !opt->iface ||
	    !opt->events || opt->event_s <= 0 || opt->nrules < 1 || opt->nrules > MAX_RULES)
		return -EINVAL;
	return 0;
}

/* Enter the network namespace /run/netns/@name. Returns 0 or -errno. */
static int enter_netns(const char *name)
{
	char path[256];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET))
		err = -errno;
	close(fd);
	return err;
}

static int setup_stage(struct bench *b)
{
	int err;

	if (b->opt.netns) {
		err = enter_netns(b->opt.netns);
		if (err) {
			pr_err("cannot enter network namespace %s: %s", b->opt.netns,
			       strerror(-err));
			return err;
		}
	}
	if (b->opt.iface) {
		b->ifindex = (int)if_nametoindex(b->opt.iface);
		if (!b->ifindex) {
			err = -errno;
			pr_err("no interface %s: %s", b->opt.iface, strerror(-err));
			return err;
		}
	}

	err = bench_pin_cpu(b->opt.cpu);
	if (err)
		pr_err("cannot pin to CPU %d: %s", b->opt.cpu, strerror(-err));
	return err;
}

static uint32_t largest_size(const struct options *opt)
{
	uint32_t max = opt->sizes[0];

	for (int i = 1; i < opt->nsizes; i++)
		if (opt->sizes[i] > max)
			max = opt->sizes[i];
	return max;
}

static int load_helpers(struct bench *b)
{
	int err;

	b->bare = bare_bpf__open_and_load();
	if (!b->bare) {
		err = -errno;
		pr_err("cannot load the bare programs: %s", strerror(-err));
		return err;
	}

	b->aid = bench_bpf__open_and_load();
	if (!b->aid) {
		err = -errno;
		pr_err("cannot load the benchmark's helper programs: %s", strerror(-err));
		return err;
	}

	err = bench_linear_fill(b->aid, largest_size(&b->opt), b->opt.nrules);
	if (err)
		pr_err("cannot fill the linear filter's rules: %s", strerror(-err));
	return err;
}

/* What the verifier and the JIT made of a program: its size says much of its cost. */
static void note_program(struct bench *b, const char *who, int fd)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return;
	bench_note(&b->rep,
		   "%s: program %s (id %u): %u BPF instructions, %u bytes JITed, "
		   "%u instructions processed by the verifier",
		   who, info.name, info.id, info.xlated_prog_len / 8, info.jited_prog_len,
		   info.verified_insns);
}

static int get_xdp_filter(struct bench *b)
{
	int err;

	b->xdpf_fd = -1;
	if (b->opt.xdpf_id < 0) {
		bench_note(&b->rep, "xdp-filter: not loaded (no --xdp-filter-id), B1 not measured");
		return 0;
	}

	b->xdpf_fd = bpf_prog_get_fd_by_id((uint32_t)b->opt.xdpf_id);
	if (b->xdpf_fd < 0) {
		err = -errno;
		pr_err("no BPF program of id %d (xdp-filter): %s", b->opt.xdpf_id, strerror(-err));
		return err;
	}

	note_program(b, "xdp-filter", b->xdpf_fd);
	return 0;
}

static int add_probe(struct bench *b, const struct bench_probe *p)
{
	int idx = bench_plan_add(&b->plan, p);

	if (idx < 0)
		pr_err("out of memory planning the probes");
	return idx;
}

static int plan_baselines(struct bench *b)
{
	struct bench_probe p = {
		.hook = BENCH_XDP, .ifindex = b->ifindex, .repeat = b->opt.repeat, .base = -1};

	bench_flow_frame(0, BENCH_FROM_DEVICE, BENCH_PORT, BENCH_TCP_ACK, &p.frame);
	p.name = "xdp.bare";
	p.label = "bare XDP program (absolute)";
	p.fd = bpf_program__fd(b->bare->progs.bare_xdp);
	p.want = XDP_PASS;
	b->base_xdp = add_probe(b, &p);
	if (b->base_xdp < 0)
		return b->base_xdp;

	bench_flow_frame(0, BENCH_TO_DEVICE, BENCH_PORT, BENCH_TCP_ACK, &p.frame);
	p.name = "tc.bare";
	p.label = "bare TC program (absolute)";
	p.hook = BENCH_TC;
	p.fd = bpf_program__fd(b->bare->progs.bare_tc);
	p.want = TC_ACT_OK;
	b->base_tc = add_probe(b, &p);
	return b->base_tc < 0 ? b->base_tc : 0;
}

static int plan_xdp_filter(struct bench *b)
{
	struct bench_probe p = {.name = "xdp.xdpfilter.allowed",
				.label = "xdp-filter, allowed packet",
				.fd = b->xdpf_fd,
				.hook = BENCH_XDP,
				.ifindex = b->ifindex,
				.repeat = b->opt.repeat,
				.base = b->base_xdp,
				.want = XDP_PASS};

	if (b->xdpf_fd < 0)
		return 0;
	bench_flow_frame(0, BENCH_FROM_DEVICE, BENCH_PORT, BENCH_TCP_ACK, &p.frame);
	return add_probe(b, &p) < 0 ? -ENOMEM : 0;
}

static int plan_linear(struct bench *b)
{
	static char names[MAX_SIZES][BENCH_NAME_MAX], labels[MAX_SIZES][96];

	for (int i = 0; i < b->opt.nsizes; i++) {
		uint32_t n = b->opt.sizes[i], repeat = b->opt.repeat / n;
		struct bench_probe p = {.fd = bpf_program__fd(b->aid->progs.bench_linear),
					.hook = BENCH_XDP,
					.ifindex = b->ifindex,
					.base = b->base_xdp,
					.want = XDP_PASS,
					.prepare = bench_linear_prepare,
					.arg = &b->linear[i]};

		snprintf(names[i], sizeof(names[i]), "xdp.linear@%ux%u", n, b->opt.nrules);
		snprintf(labels[i], sizeof(labels[i]), "linear scan, %u x %u", n, b->opt.nrules);
		b->linear[i] =
			(struct bench_linear_size){.skel = b->aid, .nrules = n * b->opt.nrules};
		p.name = names[i];
		p.label = labels[i];
		p.repeat = repeat < LINEAR_MIN_REPEAT ? LINEAR_MIN_REPEAT : repeat;
		bench_flow_frame(bench_measured_device(n), BENCH_FROM_DEVICE, BENCH_PORT,
				 BENCH_TCP_ACK, &p.frame);
		if (add_probe(b, &p) < 0)
			return -ENOMEM;
	}
	bench_note(&b->rep,
		   "linear scan: repeat divided by the number of devices (at least %d), "
		   "the measured device is the middle one",
		   LINEAR_MIN_REPEAT);
	return 0;
}

static int load_wards(struct bench *b)
{
	struct bench_load load;
	int err;

	/* 1 device x 1 rule, the reference of B1, B2, B4, B5 and of B3's ratios. */
	err = bench_ward_open(&b->wards[b->nwards++], b->opt.iface, b->ifindex, 1, 1, &load);
	for (int i = 0; !err && i < b->opt.nsizes; i++)
		err = bench_ward_open(&b->wards[b->nwards++], b->opt.iface, b->ifindex,
				      b->opt.sizes[i], b->opt.nrules, &load);
	if (!err)
		err = bench_ward_open(&b->events, b->opt.iface, b->ifindex, 1, 1, &load);
	if (!err) {
		note_program(b, "ward", bench_ward_xdp_fd(&b->wards[0]));
		note_program(b, "ward", bench_ward_tc_fd(&b->wards[0]));
	}
	return err;
}

/* bench_fresh's tail call: where it goes and which port it varies. */
struct fresh_target {
	struct bench_bpf *aid;
	int fd;
	bool vary_dport;
};

static int point_fresh(struct bench_bpf *aid, int fd, bool vary_dport)
{
	uint32_t zero = 0;

	aid->bss->fresh_vary_dport = vary_dport;
	if (bpf_map_update_elem(bpf_map__fd(aid->maps.bench_target), &zero, &fd, BPF_ANY))
		return -errno;
	return 0;
}

static int fresh_prepare(void *arg)
{
	struct fresh_target *t = arg;

	return point_fresh(t->aid, t->fd, t->vary_dport);
}

static struct fresh_target fresh_targets[MAX_SIZES + 2];

static int plan_fresh_base(struct bench *b)
{
	struct fresh_target *t = &fresh_targets[MAX_SIZES + 1];
	struct bench_probe p = {.name = "xdp.fresh.bare",
				.label = "bench_fresh + bare XDP program (absolute)",
				.fd = bpf_program__fd(b->aid->progs.bench_fresh),
				.hook = BENCH_XDP,
				.ifindex = b->ifindex,
				.repeat = b->opt.repeat,
				.base = -1,
				.want = XDP_PASS,
				.prepare = fresh_prepare,
				.arg = t};

	*t = (struct fresh_target){b->aid, bpf_program__fd(b->bare->progs.bare_xdp), false};
	bench_flow_frame(0, BENCH_FROM_DEVICE, BENCH_PORT, BENCH_TCP_SYN, &p.frame);
	b->base_fresh = add_probe(b, &p);
	return b->base_fresh < 0 ? b->base_fresh : 0;
}

/* The probes of one ward instance: tracked, new flow, no rule (and TC for 1 x 1). */
static int plan_ward(struct bench *b, int i)
{
	static char names[MAX_SIZES + 1][4][BENCH_NAME_MAX];
	static char labels[MAX_SIZES + 1][4][96];
	struct bench_ward *w = &b->wards[i];
	uint32_t dev = bench_measured_device(w->ndevices);
	struct bench_probe p = {.hook = BENCH_XDP, .ifindex = b->ifindex, .repeat = b->opt.repeat};
	const char *what[4] = {"XDP tracked flow", "XDP new flow", "XDP no rule (held back)",
			       "TC tracked flow"};
	const char *key[4] = {"xdp.ward.tracked", "xdp.ward.new", "xdp.ward.norule",
			      "tc.ward.tracked"};

	for (int k = 0; k < 4; k++) {
		snprintf(names[i][k], BENCH_NAME_MAX, "%s@%s", key[k], w->scale);
		snprintf(labels[i][k], 96, "ward %s, %u x %u", what[k], w->ndevices, w->nrules);
	}
	fresh_targets[i] = (struct fresh_target){b->aid, bench_ward_xdp_fd(w), false};

	/* 1. tracked: the flow opened before each run, then its ACK repeated */
	p.name = names[i][0];
	p.label = labels[i][0];
	p.fd = bench_ward_xdp_fd(w);
	p.base = b->base_xdp;
	p.want = XDP_PASS;
	p.prepare = bench_ward_open_flow;
	p.arg = w;
	bench_flow_frame(dev, BENCH_FROM_DEVICE, BENCH_PORT, BENCH_TCP_ACK, &p.frame);
	if (add_probe(b, &p) < 0)
		return -ENOMEM;

	/* 2. new flow: a SYN made new on every run by bench_fresh */
	p.name = names[i][1];
	p.label = labels[i][1];
	p.fd = bpf_program__fd(b->aid->progs.bench_fresh);
	p.base = b->base_fresh;
	p.prepare = fresh_prepare;
	p.arg = &fresh_targets[i];
	bench_flow_frame(dev, BENCH_FROM_DEVICE, BENCH_PORT, BENCH_TCP_SYN, &p.frame);
	if (add_probe(b, &p) < 0)
		return -ENOMEM;

	/* 3. no rule: a SYN to a port no rule allows, dropped, its event held back */
	p.name = names[i][2];
	p.label = labels[i][2];
	p.fd = bench_ward_xdp_fd(w);
	p.base = b->base_xdp;
	p.want = XDP_DROP;
	p.prepare = NULL;
	bench_flow_frame(dev, BENCH_FROM_DEVICE, BENCH_DENIED_PORT, BENCH_TCP_SYN, &p.frame);
	if (add_probe(b, &p) < 0)
		return -ENOMEM;

	if (i)
		return 0;

	/* 4. TC egress (1 x 1 only): the peer's ACK toward the device */
	p.name = names[i][3];
	p.label = labels[i][3];
	p.fd = bench_ward_tc_fd(w);
	p.hook = BENCH_TC;
	p.base = b->base_tc;
	p.want = TC_ACT_OK;
	p.prepare = bench_ward_open_flow;
	p.arg = w;
	bench_flow_frame(dev, BENCH_TO_DEVICE, BENCH_PORT, BENCH_TCP_ACK, &p.frame);
	return add_probe(b, &p) < 0 ? -ENOMEM : 0;
}

static int plan_wards(struct bench *b)
{
	int err = plan_fresh_base(b);

	for (int i = 0; !err && i < b->nwards; i++)
		err = plan_ward(b, i);
	bench_note(&b->rep, "new flow: bench_fresh rewrites the peer address and source port "
			    "on every run, then tail-calls ward; minus bench_fresh + bare");
	return err;
}

/* B7: the largest policy compiled and applied again, then with one rule changed. */
static int run_loads(struct bench *b)
{
	struct bench_ward *w = &b->wards[b->nwards - 1];
	char name[BENCH_NAME_MAX], label[96];
	struct bench_load load;
	int err = 0;

	for (int r = 0; r < b->opt.rounds && !err; r++) {
		err = bench_ward_reload(w, &load);
		if (err)
			break;
		snprintf(name, sizeof(name), "policy.compile_s@%s", w->scale);
		snprintf(label, sizeof(label), "ward_compile(), %u x %u", w->ndevices, w->nrules);
		err = bench_add(&b->res, name, label, "s", load.compile_s);
		snprintf(name, sizeof(name), "policy.apply_s@%s", w->scale);
		snprintf(label, sizeof(label), "ward_compile() + ward_maps_install(), %u x %u",
			 w->ndevices, w->nrules);
		if (!err)
			err = bench_add(&b->res, name, label, "s", load.apply_s);

		bench_policy_toggle_one(w->policy);
		if (!err)
			err = bench_ward_reload(w, &load);
		snprintf(name, sizeof(name), "policy.reload_s@%s", w->scale);
		if (!err)
			err = bench_add(&b->res, name, "the same, one device's rule changed", "s",
					load.apply_s);
	}
	return err;
}

/* B6: events from the ring buffer to a JSON lines file, and their accounting. */
static int run_events(struct bench *b, const char *path)
{
	struct bench_evrate_setup s = {
		.driver_fd = bpf_program__fd(b->aid->progs.bench_fresh),
		.ringbuf_fd = bench_ward_events_fd(&b->events),
		.maps = &b->events.maps,
		.suppress_fd = bench_ward_suppress_fd(&b->events),
		.device_id = 0,
		.generation = b->events.generation,
		.device_name = "d0",
		.iface_name = b->opt.iface,
		.ifindex = b->ifindex,
		.flood_cpu = b->opt.cpu,
		.drain_cpu = b->opt.cpu ? 0 : 1,
		.seconds = b->opt.event_s,
		.path = path,
	};
	struct bench_evrate ev;
	uint64_t sum;
	int err;

	bench_flow_frame(0, BENCH_FROM_DEVICE, BENCH_DENIED_PORT, BENCH_TCP_SYN, &s.frame);
	err = point_fresh(b->aid, bench_ward_xdp_fd(&b->events), true);
	if (!err)
		err = bench_evrate_run(&s, &ev);
	if (err) {
		pr_err("event throughput test failed: %s", strerror(-err));
		return err;
	}

	err = bench_add(&b->res, "events.per_s", "event lines written per second (B6)", "ev/s",
			(double)ev.lines / ev.seconds);
	sum = ev.delivered + ev.held + ev.lost;
	bench_note(&b->rep,
		   "B6: %.1f s, %llu packets flooded: delivered %llu (in %llu lines) + "
		   "held back %llu + lost %llu = %llu, dropped %llu: %s",
		   ev.seconds, (unsigned long long)ev.flooded, (unsigned long long)ev.delivered,
		   (unsigned long long)ev.lines, (unsigned long long)ev.held,
		   (unsigned long long)ev.lost, (unsigned long long)sum,
		   (unsigned long long)ev.dropped, sum == ev.dropped ? "exact" : "MISMATCH");
	return err;
}

/* Lines "NAME<TAB>UNIT<TAB>LABEL<TAB>VALUE" measured by tools/bench.sh. */
static int load_samples(struct bench *b)
{
	char line[512], name[BENCH_NAME_MAX], unit[8], label[96];
	double v;
	FILE *f;
	int err = 0;

	if (!b->opt.samples)
		return 0;
	f = fopen(b->opt.samples, "r");
	if (!f) {
		err = -errno;
		pr_err("cannot read samples %s: %s", b->opt.samples, strerror(-err));
		return err;
	}
	while (!err && fgets(line, sizeof(line), f)) {
		if (line[0] == '#') {
			line[strcspn(line, "\n")] = '\0';
			err = bench_note(&b->rep, "%s", line + 1 + (line[1] == ' '));
			continue;
		}
		if (sscanf(line, "%47[^\t]\t%7[^\t]\t%95[^\t]\t%lf", name, unit, label, &v) != 4) {
			pr_err("%s: malformed line: %s", b->opt.samples, line);
			err = -EINVAL;
			break;
		}
		err = bench_add(&b->res, name, label, unit, v);
	}
	fclose(f);
	return err;
}

static int write_plot(struct bench *b)
{
	struct bench_summary sum;
	char name[BENCH_NAME_MAX];
	static const char *const cols[] = {"xdp.ward.tracked", "xdp.ward.new", "xdp.ward.norule",
					   "xdp.linear"};
	FILE *f;

	if (!b->opt.plot)
		return 0;
	f = fopen(b->opt.plot, "w");
	if (!f)
		return -errno;

	fprintf(f,
		"# devices (x %u rules each), then median ns above bare for: ward tracked, "
		"ward new flow, ward no rule, linear scan (NaN: not measured)\n",
		b->opt.nrules);
	for (int i = 0; i < b->opt.nsizes; i++) {
		fprintf(f, "%u", b->opt.sizes[i]);
		for (size_t c = 0; c < sizeof(cols) / sizeof(cols[0]); c++) {
			const struct bench_series *s;

			snprintf(name, sizeof(name), "%s@%ux%u", cols[c], b->opt.sizes[i],
				 b->opt.nrules);
			s = bench_series_find(&b->res, name);
			if (!s) {
				fprintf(f, " NaN");
				continue;
			}
			bench_summarize(s, &sum);
			fprintf(f, " %g", sum.median);
		}
		fputc('\n', f);
	}
	return fclose(f) ? -errno : 0;
}

static int write_json(struct bench *b)
{
	FILE *f;

	if (!b->opt.json)
		return 0;
	f = fopen(b->opt.json, "w");
	if (!f)
		return -errno;
	bench_print_json(&b->rep, f);
	return fclose(f) ? -errno : 0;
}

static int plan_all(struct bench *b)
{
	int err;

	err = plan_baselines(b);
	if (err)
		return err;

	err = plan_xdp_filter(b);
	if (err)
		return err;

	err = plan_linear(b);
	if (err)
		return err;

	return plan_wards(b);
}

static int report(struct bench *b)
{
	int err;

	err = load_samples(b);
	if (err)
		return err;

	err = bench_compute_figures(&b->rep);
	if (err)
		return err;

	bench_print_table(&b->rep, stdout);
	fflush(stdout);

	err = write_json(b);
	if (err) {
		pr_err("cannot write %s: %s", b->opt.json, strerror(-err));
		return err;
	}

	err = write_plot(b);
	if (err)
		pr_err("cannot write %s: %s", b->opt.plot, strerror(-err));
	return err;
}

static void cleanup(struct bench *b)
{
	bench_plan_free(&b->plan);
	for (int i = 0; i < b->nwards; i++)
		bench_ward_close(&b->wards[i]);
	bench_ward_close(&b->events);
	if (b->xdpf_fd >= 0)
		close(b->xdpf_fd);
	bench_bpf__destroy(b->aid);
	bare_bpf__destroy(b->bare);
	bench_report_free(&b->rep);
	bench_results_free(&b->res);
}

int main(int argc, char **argv)
{
	struct bench b = {.xdpf_fd = -1};
	int err;

	if (parse_options(argc, argv, &b.opt)) {
		usage(stderr);
		return 2;
	}
	ward_log_route_libbpf();
	name_scale_figures(largest_size(&b.opt), b.opt.nrules);
	bench_machine_read(&b.machine);
	b.rep = (struct bench_report){.res = &b.res,
				      .machine = &b.machine,
				      .figures = figures,
				      .nfigures = sizeof(figures) / sizeof(figures[0]),
				      .rounds = b.opt.rounds,
				      .repeat = b.opt.repeat,
				      .cpu = b.opt.cpu};

	/* 1. The stage: namespace, interface, CPU. */
	err = setup_stage(&b);
	if (err)
		goto out;

	/* 2. The programs compared. */
	err = load_helpers(&b);
	if (err)
		goto out;

	err = get_xdp_filter(&b);
	if (err)
		goto out;

	err = load_wards(&b);
	if (err)
		goto out;

	/* 3. Interleaved rounds of every probe. */
	err = plan_all(&b);
	if (err)
		goto out;

	if (b.opt.spin) {
		err = bench_plan_spin(&b.plan, b.opt.spin, b.opt.event_s);
		goto out;
	}

	err = bench_plan_run(&b.plan, b.opt.rounds, &b.res);
	if (err)
		goto out;

	/* 4. Policy loads (B7), then the event flood (B6). */
	err = run_loads(&b);
	if (err)
		goto out;

	err = run_events(&b, b.opt.events);
	if (err)
		goto out;

	/* 5. The table, and the JSON and plot data when asked. */
	err = report(&b);
out:
	cleanup(&b);
	return err ? 1 : 0;
}
