// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * ward's programs and a policy of layout.h, loaded for timing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "compile.h"
#include "layout.h"
#include "log.h"
#include "maps.h"
#include "ward.h"
#include "ward.skel.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int install(struct bench_ward *w, struct bench_load *load)
{
	struct ward_diags diags = {};
	struct ward_compiled *compiled;
	uint32_t ifindex = (uint32_t)w->ifindex;
	double start, compiled_at;
	int err;

	start = now_s();
	err = ward_compile(w->policy, w->generation + 1, &compiled, &diags);
	compiled_at = now_s();
	if (err) {
		ward_diags_print(&diags, "benchmark policy", stderr);
		goto free_diags;
	}

	err = ward_maps_install(&w->maps, compiled, &ifindex, 1);
	load->compile_s = compiled_at - start;
	load->apply_s = now_s() - start;
	if (err)
		pr_err("cannot install the %s policy: %s", w->scale, strerror(-err));
	else
		w->generation++;

	ward_compiled_free(compiled);
free_diags:
	ward_diags_free(&diags);
	return err;
}

int bench_ward_open(struct bench_ward *w, const char *iface, int ifindex, uint32_t ndevices,
		    uint32_t nrules, struct bench_load *load)
{
	int err;

	memset(w, 0, sizeof(*w));
	w->maps.owned = false;
	w->ndevices = ndevices;
	w->nrules = nrules;
	w->ifindex = ifindex;
	snprintf(w->scale, sizeof(w->scale), "%ux%u", ndevices, nrules);

	w->skel = ward_bpf__open_and_load();
	if (!w->skel) {
		err = -errno;
		pr_err("cannot load ward's programs: %s", strerror(-err));
		return err;
	}

	err = ward_maps_from_object(&w->maps, w->skel->obj);
	if (err) {
		pr_err("cannot open ward's maps: %s", strerror(-err));
		return err;
	}

	w->policy = bench_policy_build(iface, ndevices, nrules);
	if (!w->policy)
		return -ENOMEM;

	return install(w, load);
}

int bench_ward_reload(struct bench_ward *w, struct bench_load *load)
{
	return install(w, load);
}

int bench_ward_open_flow(void *arg)
{
	struct bench_ward *w = arg;
	uint32_t dev = bench_measured_device(w->ndevices);
	struct bench_frame syn, synack;
	struct bench_run run;
	int err;

	bench_flow_frame(dev, BENCH_FROM_DEVICE, BENCH_PORT, BENCH_TCP_SYN, &syn);
	bench_flow_frame(dev, BENCH_TO_DEVICE, BENCH_PORT, BENCH_TCP_SYN | BENCH_TCP_ACK, &synack);

	err = bench_test_run(bench_ward_xdp_fd(w), BENCH_XDP, &syn, w->ifindex, 1, &run);
	if (!err && run.retval != XDP_PASS)
		err = -EPROTO;
	if (err)
		return err;

	err = bench_test_run(bench_ward_tc_fd(w), BENCH_TC, &synack, w->ifindex, 1, &run);
	if (!err && run.retval != TC_ACT_OK)
		err = -EPROTO;
	return err;
}

int bench_ward_xdp_fd(const struct bench_ward *w)
{
	return bpf_program__fd(w->skel->progs.ward_xdp);
}

int bench_ward_tc_fd(const struct bench_ward *w)
{
	return bpf_program__fd(w->skel->progs.ward_tc);
}

int bench_ward_events_fd(const struct bench_ward *w)
{
	return bpf_map__fd(w->skel->maps.ward_events);
}

int bench_ward_suppress_fd(const struct bench_ward *w)
{
	return bpf_map__fd(w->skel->maps.ward_ev_suppress);
}

void bench_ward_close(struct bench_ward *w)
{
	if (w->skel)
		ward_maps_close(&w->maps);
	ward_policy_free(w->policy);
	ward_bpf__destroy(w->skel);
	memset(w, 0, sizeof(*w));
}
