// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The adversarial packets of the datapath contract (adversarial.c), each run
 * through the real XDP or TC program on a fresh harness: every step must get
 * its verdict, and move exactly one counter by one, on the expected device
 * and for the expected reason. One test per case, IP family and direction;
 * a case with a loop variable (IHL, data offset, header kind) runs them all.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "adversarial.h"

struct adv_state {
	const struct adv_instance *in;
	struct harness *h;
};

static void run_steps(struct adv_state *st, int var)
{
	const struct adv_instance *in = st->in;
	char what[192];
	struct pkt p;

	for (int i = 0; i < in->c->nsteps; i++) {
		const struct adv_step *s = &in->c->steps[i];
		struct adv_ctx ctx = {.dir = adv_step_dir(s, in->dir), .v6 = in->v6,
				      .arg = s->arg, .var = var};
		size_t len;

		if (s->age_ns)
			assert_int_equal(harness_age_flows(st->h, s->age_ns), 0);
		len = s->build(&p, &ctx);
		assert_true(len > 0);
		snprintf(what, sizeof(what), "%s var=%d step %d", in->name, var, i + 1);
		scn_expect_run(st->h, SCN_NINDEX, ctx.dir, &p, len, &s->expect, what);
	}
}

static void test_adversarial_case(void **state)
{
	struct adv_state *st = *state;

	for (int var = st->in->c->var_lo; var <= st->in->c->var_hi; var++) {
		st->h = scn_open(SCN_POLICY);
		run_steps(st, var);
		harness_close(st->h);
		st->h = NULL;
	}
}

static int setup_case(void **state)
{
	struct adv_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	st->in = *state;
	*state = st;
	return 0;
}

static int teardown_case(void **state)
{
	struct adv_state *st = *state;

	if (st->h)
		harness_close(st->h);
	free(st);
	return 0;
}

int main(void)
{
	static struct adv_instance instances[512];
	static struct CMUnitTest tests[512];
	size_t n = adv_instances(instances, 512);

	for (size_t i = 0; i < n; i++) {
		tests[i] = (struct CMUnitTest){
			.name = instances[i].name,
			.test_func = test_adversarial_case,
			.setup_func = setup_case,
			.teardown_func = teardown_case,
			.initial_state = &instances[i],
		};
	}
	return _cmocka_run_group_tests("adversarial", tests, n, NULL, NULL);
}
