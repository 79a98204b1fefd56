/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The adversarial packets of ../shared/spec/datapath.md as a table, shared by
 * test_adversarial (which checks each verdict and counter) and
 * test_truncation (which cuts the last frame of each case at every offset).
 *
 * A case is a short sequence of steps on a clean harness loaded with
 * SCN_POLICY: the first steps set up state (open a flow, send a first
 * fragment, let time pass), the last one is the frame under test. A case
 * runs for each IP family and direction it lists, and for each value of its
 * loop variable (an IHL, a data offset, a kind of extension header, ...).
 */
#ifndef WARD_TEST_ADVERSARIAL_H
#define WARD_TEST_ADVERSARIAL_H

#include "scenario.h"

#define ADV_V4	 (1U << 0)
#define ADV_V6	 (1U << 1)
#define ADV_XDP	 (1U << 0)
#define ADV_TC	 (1U << 1)
#define ADV_BOTH (ADV_V4 | ADV_V6)
#define ADV_DIRS (ADV_XDP | ADV_TC)

#define ADV_MAX_STEPS 4
#define ADV_ANY_INDEX (-1)

struct adv_ctx {
	enum ward_direction dir; /* of this step */
	bool v6;
	int arg; /* the step's own argument */
	int var; /* the case's loop variable */
};

/* Build the frame of a step into @p; returns its length (pkt_finish()). */
typedef size_t (*adv_build_fn)(struct pkt *p, const struct adv_ctx *c);

struct adv_step {
	adv_build_fn build;
	int arg;
	bool reverse;		  /* runs in the direction opposite to the case's */
	uint64_t age_ns;	  /* harness_age_flows() by this much before the step */
	struct scn_expect expect; /* index ADV_ANY_INDEX: any index may move */
};

struct adv_case {
	const char *name;
	unsigned families; /* ADV_V4 | ADV_V6 */
	unsigned dirs;	   /* ADV_XDP | ADV_TC: the direction of the last step */
	int var_lo, var_hi;
	int nsteps;
	struct adv_step steps[ADV_MAX_STEPS];
};

extern const struct adv_case adv_cases[];
extern const size_t adv_ncases;

/*
 * The programs share one harness loaded with SCN_POLICY (opening one and
 * loading a policy costs a third of a second). Each case starts with the
 * datapath's memory wiped (harness_forget(): flows, fragments, held-back
 * events, rate buckets) and the event queue drained, so no case sees another's state.
 */
int adv_group_setup(void **state);
int adv_group_teardown(void **state);
struct harness *adv_harness(void);
/* Start a case from a clean slate. */
void adv_fresh_start(void);

/* The direction of @step of a case run in @dir. */
enum ward_direction adv_step_dir(const struct adv_step *step, enum ward_direction dir);

/*
 * The test instances: one per case, family and direction, named
 * "<case>_<v4|v6>_<xdp|tc>". Returns how many were written to @out (at most @max).
 */
struct adv_instance {
	const struct adv_case *c;
	bool v6;
	enum ward_direction dir;
	char name[128];
};

size_t adv_instances(struct adv_instance *out, size_t max);

#endif /* WARD_TEST_ADVERSARIAL_H */
