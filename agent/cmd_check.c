// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `ward check POLICY`: load, validate and compile a policy file, print
 * every error and warning as FILE:LINE:COLUMN: ..., and when it is valid,
 * one line saying how big it is. Exit 0 valid (warnings allowed), 1 invalid
 * (a policy over a datapath limit too) or unreadable, 2 wrong usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "compile.h"
#include "diag.h"
#include "policy.h"

static void usage(FILE *out)
{
	fprintf(out, "usage: ward check POLICY\n\n"
		     "Validate the policy file POLICY and compile it into the datapath's map\n"
		     "entries, without touching the kernel. Every error and warning is printed as\n"
		     "FILE:LINE:COLUMN: error|warning: MESSAGE; a valid policy gets a one-line\n"
		     "summary. Exit status: 0 valid (warnings allowed), 1 invalid (also over a\n"
		     "limit of the datapath) or unreadable, 2 wrong usage.\n");
}

static size_t count_rules(const struct ward_policy *policy)
{
	size_t i, n = 0;

	for (i = 0; i < policy->ndevices; i++)
		n += policy->devices[i].nrules[WARD_DIR_FROM_DEVICE] +
		     policy->devices[i].nrules[WARD_DIR_TO_DEVICE];
	return n;
}

static size_t count_warnings(const struct ward_diags *diags)
{
	return diags->count + diags->dropped - diags->nerrors;
}

static size_t count_entries(const struct ward_compiled *c)
{
	return c->nifaces + c->nmacs + c->nips + c->ndevices + c->npeers + c->nservices;
}

/* "1 device", "2 devices", after @sep. */
static void print_count(const char *sep, size_t n, const char *one, const char *many)
{
	printf("%s%zu %s", sep, n, n == 1 ? one : many);
}

static void print_summary(const char *path, const struct ward_policy *policy,
			  const struct ward_compiled *compiled, const struct ward_diags *diags)
{
	size_t warnings = count_warnings(diags);

	printf("%s: valid", path);
	print_count(": ", policy->ndevices, "device", "devices");
	print_count(", ", count_rules(policy), "rule", "rules");
	print_count(", ", policy->nsets, "set", "sets");
	print_count(", ", policy->nservices, "service", "services");
	print_count(", ", policy->nifaces, "interface", "interfaces");
	print_count(", ", count_entries(compiled), "map entry", "map entries");
	if (warnings)
		print_count(", ", warnings, "warning", "warnings");
	printf("\n");
}

static int check(const char *path)
{
	struct ward_compiled *compiled = NULL;
	struct ward_diags diags = {0};
	struct ward_policy *policy;
	int ret;

	/* Step 1: load and validate. */
	ret = ward_policy_load(path, &policy, &diags);

	/* Step 2: compile, which finds what is over the datapath's limits. */
	if (!ret)
		ret = ward_compile(policy, 1, &compiled, &diags);
	ward_diags_sort(&diags);
	ward_diags_print(&diags, path, stderr);

	/* Step 3: say what a valid policy amounts to. */
	if (!ret)
		print_summary(path, policy, compiled, &diags);
	else if (ret == -ENOMEM)
		fprintf(stderr, "%s: error: out of memory\n", path);

	ward_compiled_free(compiled);
	ward_policy_free(policy);
	ward_diags_free(&diags);
	return ret ? WARD_EXIT_INVALID_POLICY : WARD_EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	static const struct option options[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return WARD_EXIT_OK;
		default:
			usage(stderr);
			return WARD_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "ward: error: 'ward check' takes one policy file\n\n");
		usage(stderr);
		return WARD_EXIT_USAGE;
	}
	return check(argv[optind]);
}
