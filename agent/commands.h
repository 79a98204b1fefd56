/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The subcommands of the ward binary. Each takes the arguments after its
 * name (argv[0] is the command's name) and returns an exit status of
 * ../shared/spec/cli.md: 0 success, 1 invalid policy, 2 wrong usage,
 * 3 the kernel refused something.
 */
#ifndef WARD_COMMANDS_H
#define WARD_COMMANDS_H

enum ward_exit {
	WARD_EXIT_OK = 0,
	WARD_EXIT_INVALID_POLICY = 1,
	WARD_EXIT_USAGE = 2,
	WARD_EXIT_KERNEL = 3,
};

struct ward_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

int cmd_check(int argc, char **argv);
int cmd_detach(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_tail(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif /* WARD_COMMANDS_H */
