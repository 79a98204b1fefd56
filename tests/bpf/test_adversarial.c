// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The adversarial packets of the datapath contract (adversarial.c), each run
 * through the real XDP or TC program from a clean slate: every step must get
 * its verdict, and move exactly one counter by one, on the expected device
 * and for the expected reason. One test per case, IP family and direction;
 * a case with a loop variable (IHL, data offset, header kind) runs them all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <cmocka.h>

#include "adversarial.h"

static void run_steps(const struct adv_instance *in, int var)
{
	struct harness *h = adv_harness();
	char what[192];
	struct pkt p;

	for (int i = 0; i < in->c->nsteps; i++) {
		const struct adv_step *s = &in->c->steps[i];
		struct adv_ctx ctx = {
			.dir = adv_step_dir(s, in->dir), .v6 = in->v6, .arg = s->arg, .var = var};
		size_t len;

		if (s->age_ns)
			assert_int_equal(harness_age_flows(h, s->age_ns), 0);
		len = s->build(&p, &ctx);
		assert_true(len > 0);
		snprintf(what, sizeof(what), "%s var=%d step %d", in->name, var, i + 1);
		scn_expect_run(h, SCN_NINDEX, ctx.dir, &p, len, &s->expect, what);
	}
}

static void test_adversarial_case(void **state)
{
	const struct adv_instance *in = *state;

	for (int var = in->c->var_lo; var <= in->c->var_hi; var++) {
		adv_fresh_start();
		run_steps(in, var);
	}
}

/* The clean slate each case starts from: an open flow is forgotten, its reply is no-rule. */
static void test_each_case_starts_without_earlier_flows(void **state)
{
	struct harness *h = adv_harness();
	struct scn_ends out = scn_ct(WARD_DIR_FROM_DEVICE, false, SCN_PACS_V4);
	struct scn_ends in = scn_ct(WARD_DIR_TO_DEVICE, false, SCN_PACS_V4);
	struct pkt p;
	size_t len;

	adv_fresh_start();
	len = scn_tcp_frame(&p, &out, SCN_DEV_PORT, SCN_PACS_PORT, TCP_SYN);
	scn_expect_run(h, SCN_NINDEX, out.dir, &p, len, &EXPECT_PASS(SCN_CT), "SYN");
	len = scn_tcp_frame(&p, &in, SCN_DEV_PORT, SCN_PACS_PORT, TCP_SYN | TCP_ACK);
	scn_expect_run(h, SCN_NINDEX, in.dir, &p, len, &EXPECT_PASS(SCN_CT), "SYN-ACK");
	adv_fresh_start();
	scn_expect_run(h, SCN_NINDEX, in.dir, &p, len, &EXPECT_DROP(SCN_CT, WARD_REASON_NO_RULE),
		       "SYN-ACK after a fresh start");
}

int main(void)
{
	static struct adv_instance instances[512];
	static struct CMUnitTest tests[512];
	size_t n = adv_instances(instances, 511);

	tests[n] = (struct CMUnitTest){
		.name = "each_case_starts_without_earlier_flows",
		.test_func = test_each_case_starts_without_earlier_flows,
	};
	for (size_t i = 0; i < n; i++) {
		tests[i] = (struct CMUnitTest){
			.name = instances[i].name,
			.test_func = test_adversarial_case,
			.initial_state = &instances[i],
		};
	}
	return _cmocka_run_group_tests("adversarial", tests, n + 1, adv_group_setup,
				       adv_group_teardown);
}
