// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Every frame of the adversarial list (adversarial.c), cut at every length
 * from the Ethernet header (14 bytes: the kernel runs nothing shorter) to 80
 * bytes, then whole. Each run must succeed and give a defined verdict: exactly
 * one counter moves by one packet. A cut IP frame can only be worse off than
 * the whole one: it is dropped (or, in audit mode, would be) as malformed,
 * fragment, unknown host (when the cut took the address that told its
 * device), or for the whole frame's own reason; it may pass only where the
 * cut leaves a valid shorter IPv6 packet (all its headers present), and then
 * only if the whole frame passes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "adversarial.h"

#define TRUNC_MAX 80

/* What is known of the frame under test, to judge its cut versions. */
struct frame_facts {
	bool is_ip;
	bool is_v6;
	bool icmp_error;
	size_t hdr_end; /* end of its last header */
	struct scn_expect whole;
};

static struct frame_facts frame_facts(const struct pkt *p, const struct adv_step *s)
{
	struct frame_facts f = {.whole = s->expect};
	int nip = 0;

	for (int i = 0; i < p->nlayers; i++) {
		const struct pkt_layer *l = &p->layers[i];

		if (l->kind == PKT_L_IPV4 || l->kind == PKT_L_IPV6) {
			f.is_v6 = nip ? f.is_v6 : l->kind == PKT_L_IPV6;
			f.is_ip = true;
			nip++;
		}
		if (l->kind != PKT_L_RAW)
			f.hdr_end = i + 1 < p->nlayers ? p->layers[i + 1].off : p->len;
	}
	f.icmp_error = nip > 1;
	return f;
}

static bool reason_allowed(const struct frame_facts *f, enum ward_reason r)
{
	if (r == WARD_REASON_MALFORMED || r == WARD_REASON_FRAGMENT)
		return true;
	if (f->whole.reason != WARD_REASON_NONE && r == f->whole.reason)
		return true;
	if (f->icmp_error && r == WARD_REASON_NO_RULE)
		return true;
	/* A cut frame may lose the address that told its device: an unknown host's, then. */
	return r == WARD_REASON_UNKNOWN_HOST;
}

/* Is @m (the one counter that moved) a defined verdict for the frame cut at @len? */
static bool cut_verdict_ok(const struct frame_facts *f, size_t len, const struct scn_moved *m,
			   int pass)
{
	bool may_pass = f->is_v6 && len >= f->hdr_end && f->whole.pass && !f->whole.would_drop;

	if (m->delta != 1 || pass != (m->kind != SCN_DROPPED))
		return false;
	if (!f->is_ip)
		return true;
	if (m->kind == SCN_PASSED)
		return may_pass;
	return reason_allowed(f, m->reason) || (may_pass && m->reason == f->whole.reason);
}

/*
 * BPF_PROG_TEST_RUN builds an skb for TC and refuses (-EINVAL) one whose
 * Ethernet type is IPv4 or IPv6 but which cannot hold that header, or that
 * holds nothing past Ethernet. Such a frame never reaches the program.
 */
static bool kernel_refuses(const struct pkt *p, enum ward_direction dir, size_t len)
{
	uint16_t type = (uint16_t)(p->buf[12] << 8 | p->buf[13]);

	if (dir != WARD_DIR_TO_DEVICE)
		return false;
	if (len <= 14)
		return true;
	if (type == ETH_P_IPV4_)
		return len < 14 + 20;
	return type == ETH_P_IPV6_ && len < 14 + 40;
}

static void run_cut(const struct adv_instance *in, const struct pkt *p, enum ward_direction dir,
		    size_t len, const struct frame_facts *f, int var)
{
	struct scn_snapshot before, after;
	struct scn_moved moved[8];
	char why[1024];
	int pass = -1, n, err;

	struct harness *h = adv_harness();

	assert_int_equal(scn_snapshot(h, SCN_NINDEX, &before), 0);
	err = harness_run(h, dir, 0, p->buf, len, &pass);
	assert_int_equal(scn_snapshot(h, SCN_NINDEX, &after), 0);
	n = scn_moved(&before, &after, moved, 8);
	if (!err && n == 1 && cut_verdict_ok(f, len, &moved[0], pass))
		return;
	if (err == -EINVAL && n == 0 && kernel_refuses(p, dir, len))
		return;
	scn_describe_moved(moved, n < 8 ? n : 8, why, sizeof(why));
	fprintf(stderr, "# %s var=%d cut at %zu of %zu bytes (%s): run=%d verdict=%s;%s\n",
		in->name, var, len, p->len, dir == WARD_DIR_FROM_DEVICE ? "XDP" : "TC", err,
		pass == 1 ? "pass" : (pass == 0 ? "drop" : "none"), why);
	scn_dump_frame(p->buf, len);
	fail_msg("%s: cut at %zu bytes has no defined verdict", in->name, len);
}

static void run_setup_steps(const struct adv_instance *in, int var)
{
	const struct adv_case *c = in->c;
	struct pkt p;

	for (int i = 0; i < c->nsteps - 1; i++) {
		const struct adv_step *s = &c->steps[i];
		struct adv_ctx ctx = {
			.dir = adv_step_dir(s, in->dir), .v6 = in->v6, .arg = s->arg, .var = var};
		size_t len;

		if (s->age_ns)
			assert_int_equal(harness_age_flows(adv_harness(), s->age_ns), 0);
		len = s->build(&p, &ctx);
		scn_expect_run(adv_harness(), SCN_NINDEX, ctx.dir, &p, len, &s->expect, in->name);
	}
}

static void test_truncated_case(void **state)
{
	const struct adv_instance *in = *state;
	const struct adv_case *c = in->c;
	const struct adv_step *last = &c->steps[c->nsteps - 1];

	for (int var = c->var_lo; var <= c->var_hi; var++) {
		struct adv_ctx ctx = {.dir = adv_step_dir(last, in->dir),
				      .v6 = in->v6,
				      .arg = last->arg,
				      .var = var};
		struct frame_facts f;
		struct pkt p;
		size_t len;

		adv_fresh_start();
		run_setup_steps(in, var);
		if (last->age_ns)
			assert_int_equal(harness_age_flows(adv_harness(), last->age_ns), 0);
		len = last->build(&p, &ctx);
		f = frame_facts(&p, last);
		scn_expect_run(adv_harness(), SCN_NINDEX, ctx.dir, &p, len, &last->expect,
			       in->name);
		for (size_t cut = 14; cut <= TRUNC_MAX && cut < len; cut++)
			run_cut(in, &p, ctx.dir, cut, &f, var);
	}
}

int main(void)
{
	static struct adv_instance instances[512];
	static struct CMUnitTest tests[512];
	size_t n = adv_instances(instances, 512);

	for (size_t i = 0; i < n; i++) {
		char *name = instances[i].name;

		tests[i] = (struct CMUnitTest){
			.name = name,
			.test_func = test_truncated_case,
			.initial_state = &instances[i],
		};
		strncat(name, "_cut_anywhere", sizeof(instances[i].name) - strlen(name) - 1);
	}
	return _cmocka_run_group_tests("truncation", tests, n, adv_group_setup, adv_group_teardown);
}
