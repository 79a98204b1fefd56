// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The ward binary: dispatches to the subcommands of commands.h, in the
 * manner of ip(8) and bpftool(8). Only here do errors become exit codes.
 */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"

static const struct ward_command commands[] = {
	{"check", "validate a policy file and say how big it is", cmd_check},
	{"explain", "what the policy does with a flow, and why", cmd_explain},
	{"run", "load the policy, attach, and stream events", cmd_run},
	{"status", "what is attached where, the policy in force, counters", cmd_status},
	{"detach", "remove ward from interfaces, and its pins", cmd_detach},
	{"tail", "show recent events, one a line; -f follows them", cmd_tail},
	{"version", "show versions and the kernel features found", cmd_version},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "usage: ward COMMAND [OPTIONS]\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-8s %s\n", "help", "describe a command: ward help COMMAND");
}

static const struct ward_command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static int run_help(int argc, char **argv)
{
	const struct ward_command *cmd;
	char *help_argv[] = {NULL, "--help", NULL};

	if (argc < 2) {
		usage(stdout);
		return WARD_EXIT_OK;
	}

	cmd = find_command(argv[1]);
	if (!cmd) {
		pr_err("no command '%s'; 'ward help' lists them", argv[1]);
		return WARD_EXIT_USAGE;
	}
	help_argv[0] = argv[1];
	return cmd->run(2, help_argv);
}

int main(int argc, char **argv)
{
	const struct ward_command *cmd;

	if (argc < 2) {
		usage(stderr);
		return WARD_EXIT_USAGE;
	}

	if (!strcmp(argv[1], "help") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return run_help(argc - 1, argv + 1);

	cmd = find_command(argv[1]);
	if (!cmd) {
		pr_err("no command '%s'; 'ward help' lists them", argv[1]);
		return WARD_EXIT_USAGE;
	}

	ward_log_route_libbpf();
	return cmd->run(argc - 1, argv + 1);
}
