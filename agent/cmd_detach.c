// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `ward detach [IFACE...]`: take ward's programs off the interfaces named
 * (all of the policy's when none is named), then, when no interface is left
 * with them, remove the pins. An agent still running would re-attach on
 * its next link change or reload: detach refuses while one holds the pin
 * directory, and holds it itself so that none starts meanwhile.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "commands.h"
#include "log.h"
#include "pins.h"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ward detach [--pin-dir DIR] [IFACE...]\n\n"
		"Remove ward's XDP and TC programs from the interfaces named (all of the\n"
		"policy's when none is), and the pins under DIR (default %s) once no\n"
		"interface is left with them. Stop the agent first: it would attach again.\n",
		WARD_DEFAULT_PIN_DIR);
}

static int parse_args(int argc, char **argv, const char **pin_dir)
{
	static const struct option opts[] = {
		{"pin-dir", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			*pin_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	return 0;
}

static int detach_one(const char *name, int xdp_fd)
{
	unsigned int ifindex = if_nametoindex(name);
	int err;

	if (!ifindex) {
		pr_warn("no interface %s here: nothing to detach from it", name);
		return 0;
	}
	err = ward_detach_iface(ifindex, xdp_fd);
	if (err) {
		pr_err("cannot detach ward from %s: %s", name, strerror(-err));
		return err;
	}
	pr_info("detached from %s", name);
	return 0;
}

static int still_attached(const struct ward_state *state, uint32_t xdp_id, uint32_t tc_id)
{
	struct ward_attachment att;
	unsigned int ifindex;
	uint32_t i;

	for (i = 0; i < state->nifaces; i++) {
		ifindex = if_nametoindex(state->ifnames[i]);
		if (!ifindex || ward_attach_query(ifindex, &att))
			continue;
		if ((xdp_id && att.xdp_id == xdp_id) || (tc_id && att.tc_id == tc_id))
			return 1;
	}
	return 0;
}

/* Unpin everything under @dir (maps, programs, the record), then the directory. */
static int remove_pins(const char *dir)
{
	struct dirent *de;
	DIR *d;
	int err = 0, e;

	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		e = ward_pin_remove(dir, de->d_name);
		if (e && !err)
			err = e;
	}
	closedir(d);
	if (!err && rmdir(dir) && errno != ENOENT && errno != EBUSY)
		err = -errno;
	return err;
}

int cmd_detach(int argc, char **argv)
{
	const char *pin_dir = WARD_DEFAULT_PIN_DIR;
	struct ward_state state;
	int lock_fd, xdp_fd, tc_fd, err, failed = 0, ret = WARD_EXIT_OK;
	uint32_t i;

	err = parse_args(argc, argv, &pin_dir);
	if (err)
		return err > 0 ? WARD_EXIT_OK : WARD_EXIT_USAGE;

	if (ward_pins_find(pin_dir))
		return WARD_EXIT_KERNEL;
	err = ward_state_read(pin_dir, &state);
	if (err) {
		pr_err("nothing of ward is pinned under %s (%s): nothing to detach", pin_dir,
		       strerror(-err));
		return WARD_EXIT_KERNEL;
	}
	lock_fd = ward_pins_lock(pin_dir);
	if (lock_fd == -EBUSY) {
		char pid[32];

		pr_err("a ward run%s is using %s and would attach again: stop it first "
		       "(systemctl stop ward), then detach",
		       ward_pins_holder_note(pin_dir, pid, sizeof(pid)), pin_dir);
		return WARD_EXIT_KERNEL;
	}
	if (lock_fd < 0) {
		pr_err("cannot lock the pin directory %s: %s", pin_dir, strerror(-lock_fd));
		return WARD_EXIT_KERNEL;
	}
	xdp_fd = ward_pin_open(pin_dir, WARD_PIN_PROG_XDP);
	tc_fd = ward_pin_open(pin_dir, WARD_PIN_PROG_TC);

	if (optind < argc) {
		for (i = optind; i < (uint32_t)argc; i++)
			failed |= detach_one(argv[i], xdp_fd) != 0;
	} else {
		for (i = 0; i < state.nifaces; i++)
			failed |= detach_one(state.ifnames[i], xdp_fd) != 0;
	}
	if (failed) {
		ret = WARD_EXIT_KERNEL;
		goto close_progs;
	}

	if (still_attached(&state, ward_prog_id(xdp_fd), ward_prog_id(tc_fd))) {
		pr_info("ward stays attached elsewhere: the pins under %s stay", pin_dir);
		goto close_progs;
	}
	err = remove_pins(pin_dir);
	if (err) {
		pr_err("cannot remove the pins under %s: %s", pin_dir, strerror(-err));
		ret = WARD_EXIT_KERNEL;
	}

close_progs:
	if (xdp_fd >= 0)
		close(xdp_fd);
	if (tc_fd >= 0)
		close(tc_fd);
	close(lock_fd);
	return ret;
}
