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
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>

#include "bare.skel.h"
#include "bench.skel.h"
#include "bench/layout.h"
#include "bench/linear.h"
#include "bench/machine.h"
#include "bench/probe.h"
#include "bench/report.h"
#include "log.h"

#define DEFAULT_ROUNDS 5
#define DEFAULT_REPEAT 1000000
#define DEFAULT_RULES  20
#define MAX_RULES      64 /* ward's rules per device and direction */
#define LINEAR_MIN_REPEAT 100
#define MAX_SIZES      8

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
	struct bench_plan plan;
	struct bench_results res;
	struct bench_machine machine;
	struct bench_report rep;
	int base_xdp, base_tc;
};

/* Series names of the largest policy, "...@10000x20": set by name_scale_figures(). */
static char big_tracked[BENCH_NAME_MAX], big_new[BENCH_NAME_MAX], big_norule[BENCH_NAME_MAX];
static char big_apply[BENCH_NAME_MAX], big_reload[BENCH_NAME_MAX];
static char label_b3t[96], label_b3n[96], label_b3r[96], label_b7a[96];

static const struct bench_figure figures[] = {
	{ "B1", "ward XDP tracked flow / xdp-filter allowed packet", "xdp.ward.tracked@1x1",
	  "xdp.xdpfilter.allowed", 1, "ratio", BENCH_AT_MOST, 1.0 },
	{ "B2", "ward XDP new flow (insert included) / tracked", "xdp.ward.new@1x1",
	  "xdp.ward.tracked@1x1", 1, "ratio", BENCH_AT_MOST, 10 },
	{ "B3t", label_b3t, big_tracked, "xdp.ward.tracked@1x1", 1, "ratio", BENCH_AT_MOST, 1.3 },
	{ "B3n", label_b3n, big_new, "xdp.ward.new@1x1", 1, "ratio", BENCH_AT_MOST, 1.3 },
	{ "B3r", label_b3r, big_norule, "xdp.ward.norule@1x1", 1, "ratio", BENCH_AT_MOST, 1.3 },
	{ "B4", "ward TC egress / ward XDP, same tracked flow", "tc.ward.tracked@1x1",
	  "xdp.ward.tracked@1x1", 1, "ratio", BENCH_AT_MOST, 1.5 },
	{ "B5", "ward denied flood, event held back / tracked", "xdp.ward.norule@1x1",
	  "xdp.ward.tracked@1x1", 1, "ratio", BENCH_AT_MOST, 1.5 },
	{ "B6", "events/s, ring buffer to JSON lines, sustained", "events.per_s", NULL, 1,
	  "ev/s", BENCH_AT_LEAST, 1e6 },
	{ "B7a", label_b7a, big_apply, NULL, 1, "s", BENCH_AT_MOST, 1 },
	{ "B7r", "reload after a one-device change", big_reload, NULL, 1000, "ms",
	  BENCH_AT_MOST, 100 },
	{ "B8n", "iperf3 TCP: with ward / no filter", "iperf.ward", "iperf.none", 1, "ratio",
	  BENCH_AT_LEAST, 0.95 },
	{ "B8f", "iperf3 TCP: with ward / nftables stateful", "iperf.ward", "iperf.nft", 1,
	  "ratio", BENCH_AT_LEAST, 1.0 },
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
	snprintf(label_b3n, sizeof(label_b3n), "%u devices x %u rules / 1 x 1: new flow",
		 ndevices, nrules);
	snprintf(label_b3r, sizeof(label_b3r), "%u devices x %u rules / 1 x 1: no rule",
		 ndevices, nrules);
	snprintf(label_b7a, sizeof(label_b7a), "compile and apply %u devices x %u rules",
		 ndevices, nrules);
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bench [--rounds N] [--repeat N] [--cpu N] [--netns NAME --iface NAME]\n"
		"             [--xdp-filter-id ID] [--samples FILE] [--json FILE] [--plot FILE]\n"
		"             [--sizes N,N,...] [--rules N]\n"
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
		{ "rounds", required_argument, NULL, 'r' },
		{ "repeat", required_argument, NULL, 'n' },
		{ "cpu", required_argument, NULL, 'c' },
		{ "netns", required_argument, NULL, 'N' },
		{ "iface", required_argument, NULL, 'i' },
		{ "xdp-filter-id", required_argument, NULL, 'x' },
		{ "samples", required_argument, NULL, 's' },
		{ "json", required_argument, NULL, 'j' },
		{ "plot", required_argument, NULL, 'p' },
		{ "sizes", required_argument, NULL, 'S' },
		{ "rules", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	*opt = (struct options){ .rounds = DEFAULT_ROUNDS, .repeat = DEFAULT_REPEAT,
				 .cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1,
				 .xdpf_id = -1, .nrules = DEFAULT_RULES };
	parse_sizes("1,10,100,1000,10000", opt);

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': opt->rounds = atoi(optarg); break;
		case 'n': opt->repeat = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'c': opt->cpu = atoi(optarg); break;
		case 'N': opt->netns = optarg; break;
		case 'i': opt->iface = optarg; break;
		case 'x': opt->xdpf_id = atoi(optarg); break;
		case 's': opt->samples = optarg; break;
		case 'j': opt->json = optarg; break;
		case 'p': opt->plot = optarg; break;
		case 'S':
			if (parse_sizes(optarg, opt))
				return -EINVAL;
			break;
		case 'R': opt->nrules = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'h': usage(stdout); exit(0);
		default: return -EINVAL;
		}
	}
	if (optind != argc || opt->rounds < 1 || !opt->repeat || opt->cpu < 0 ||
	    opt->nrules < 1 || opt->nrules > MAX_RULES)
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

static int get_xdp_filter(struct bench *b)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	int err;

	b->xdpf_fd = -1;
	if (b->opt.xdpf_id < 0) {
		bench_note(&b->rep, "xdp-filter: not loaded (no --xdp-filter-id), B1 not measured");
		return 0;
	}

	b->xdpf_fd = bpf_prog_get_fd_by_id((uint32_t)b->opt.xdpf_id);
	if (b->xdpf_fd < 0) {
		err = -errno;
		pr_err("no BPF program of id %d (xdp-filter): %s", b->opt.xdpf_id,
		       strerror(-err));
		return err;
	}

	if (!bpf_obj_get_info_by_fd(b->xdpf_fd, &info, &len))
		bench_note(&b->rep, "xdp-filter: program %s (id %u), %u bytes JITed", info.name,
			   info.id, info.jited_prog_len);
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
	struct bench_probe p = { .hook = BENCH_XDP, .ifindex = b->ifindex,
				 .repeat = b->opt.repeat, .base = -1 };

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
	p.want = 0; /* TC_ACT_OK */
	b->base_tc = add_probe(b, &p);
	return b->base_tc < 0 ? b->base_tc : 0;
}

static int plan_xdp_filter(struct bench *b)
{
	struct bench_probe p = { .name = "xdp.xdpfilter.allowed",
				 .label = "xdp-filter, allowed packet",
				 .fd = b->xdpf_fd, .hook = BENCH_XDP, .ifindex = b->ifindex,
				 .repeat = b->opt.repeat, .base = b->base_xdp, .want = XDP_PASS };

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
		struct bench_probe p = { .fd = bpf_program__fd(b->aid->progs.bench_linear),
					 .hook = BENCH_XDP, .ifindex = b->ifindex,
					 .base = b->base_xdp, .want = XDP_PASS,
					 .prepare = bench_linear_prepare, .arg = &b->linear[i] };

		snprintf(names[i], sizeof(names[i]), "xdp.linear@%ux%u", n, b->opt.nrules);
		snprintf(labels[i], sizeof(labels[i]), "linear scan, %u device(s) x %u rules", n,
			 b->opt.nrules);
		b->linear[i] = (struct bench_linear_size){ .skel = b->aid,
							   .nrules = n * b->opt.nrules };
		p.name = names[i];
		p.label = labels[i];
		p.repeat = repeat < LINEAR_MIN_REPEAT ? LINEAR_MIN_REPEAT : repeat;
		bench_flow_frame(bench_measured_device(n), BENCH_FROM_DEVICE, BENCH_PORT,
				 BENCH_TCP_ACK, &p.frame);
		if (add_probe(b, &p) < 0)
			return -ENOMEM;
	}
	bench_note(&b->rep, "linear scan: repeat divided by the number of devices (at least %d), "
			    "the measured device is the middle one", LINEAR_MIN_REPEAT);
	return 0;
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
	static const char *const cols[] = { "xdp.ward.tracked", "xdp.ward.new",
					    "xdp.ward.norule", "xdp.linear" };
	FILE *f;

	if (!b->opt.plot)
		return 0;
	f = fopen(b->opt.plot, "w");
	if (!f)
		return -errno;

	fprintf(f, "# devices (x %u rules each), then median ns above bare for: ward tracked, "
		   "ward new flow, ward no rule, linear scan (NaN: not measured)\n", b->opt.nrules);
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

	return plan_linear(b);
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
	if (b->xdpf_fd >= 0)
		close(b->xdpf_fd);
	bench_bpf__destroy(b->aid);
	bare_bpf__destroy(b->bare);
	bench_report_free(&b->rep);
	bench_results_free(&b->res);
}

int main(int argc, char **argv)
{
	struct bench b = { .xdpf_fd = -1 };
	int err;

	if (parse_options(argc, argv, &b.opt)) {
		usage(stderr);
		return 2;
	}
	ward_log_route_libbpf();
	name_scale_figures(largest_size(&b.opt), b.opt.nrules);
	bench_machine_read(&b.machine);
	b.rep = (struct bench_report){ .res = &b.res, .machine = &b.machine, .figures = figures,
				       .nfigures = sizeof(figures) / sizeof(figures[0]),
				       .rounds = b.opt.rounds, .repeat = b.opt.repeat,
				       .cpu = b.opt.cpu };

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

	/* 3. Interleaved rounds of every probe. */
	err = plan_all(&b);
	if (err)
		goto out;

	err = bench_plan_run(&b.plan, b.opt.rounds, &b.res);
	if (err)
		goto out;

	/* 4. The table, and the JSON and plot data when asked. */
	err = report(&b);
out:
	cleanup(&b);
	return err ? 1 : 0;
}
