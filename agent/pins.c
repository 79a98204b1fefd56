// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The pin directory and the agent's record of the policy in force (pins.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/magic.h>

#include "log.h"
#include "pins.h"

int ward_pin_path(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

int ward_pins_on_bpffs(const char *dir)
{
	struct statfs fs;

	if (statfs(dir, &fs))
		return -errno;
	return fs.f_type == BPF_FS_MAGIC;
}

/* The usual mount point of bpffs: ward mounts one there when it is missing. */
#define BPFFS_ROOT "/sys/fs/bpf"

static int mount_bpffs(const char *dir, const char *mode)
{
	pr_info("mounting a bpffs on %s", dir);
	if (mount("bpf", dir, "bpf", 0, mode))
		return -errno;
	return 0;
}

/*
 * `ip netns exec` gives its command a mount namespace of its own with a
 * fresh /sys, where the host's bpffs is not mounted. A bpffs mounted there
 * would be a new, empty one that vanishes with the command, and the next
 * `ward status` would not see the pins. The kernel refuses to bind a mount
 * of another namespace, so ward joins the mount namespace of the nearest
 * process (init, else an ancestor) that has a bpffs at BPFFS_ROOT. Nothing
 * else of ward depends on the mount namespace: interfaces are found over
 * netlink and ioctls of the network namespace, which stays. The working
 * directory is kept, so that a relative policy path still resolves.
 */
static pid_t parent_of(pid_t pid)
{
	char path[64];
	FILE *f;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) != 1)
		ppid = 0;
	fclose(f);
	return ppid;
}

/*
 * -EACCES when the kernel would not let ward look: another process's root
 * needs CAP_SYS_PTRACE, and joining its mount namespace CAP_SYS_ADMIN.
 */
static int join_mntns_of(pid_t pid)
{
	char path[64];
	int ns, cwd, on, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/root" BPFFS_ROOT, (int)pid);
	on = ward_pins_on_bpffs(path);
	if (on == -EACCES || on == -EPERM)
		return -EACCES;
	if (on != 1)
		return -ENOENT;
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return errno == EPERM ? -EACCES : -errno;
	cwd = open(".", O_PATH | O_CLOEXEC);
	if (setns(ns, CLONE_NEWNS))
		err = errno == EPERM ? -EACCES : -errno;
	if (cwd >= 0 && fchdir(cwd) && !err)
		err = -errno;
	if (cwd >= 0)
		close(cwd);
	close(ns);
	return err;
}

/* Returns 0, -ENOENT (no bpffs found) or -EACCES (some could not be looked at). */
static int join_host_bpffs(void)
{
	pid_t pid = getppid();
	bool denied;
	int err;

	err = join_mntns_of(1);
	if (!err)
		return 0;
	denied = err == -EACCES;
	for (; pid > 1; pid = parent_of(pid)) {
		err = join_mntns_of(pid);
		if (!err) {
			pr_info("joined the mount namespace of process %d for its bpffs", (int)pid);
			return 0;
		}
		denied |= err == -EACCES;
	}
	return denied ? -EACCES : -ENOENT;
}

static int mount_bpffs_root(void)
{
	if (!join_host_bpffs() && ward_pins_on_bpffs(BPFFS_ROOT) == 1)
		return 0;
	return mount_bpffs(BPFFS_ROOT, "mode=0755");
}

/*
 * mkdir -p. Under BPFFS_ROOT with no bpffs mounted there (sysfs refuses
 * mkdir), mount the bpffs that belongs there first, as systemd would.
 */
static int mkdir_parents(const char *dir)
{
	char path[WARD_PATH_MAX];
	char *p;
	int err;

	if (snprintf(path, sizeof(path), "%s", dir) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	for (p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		*p = '\0';
		if (!strcmp(path, BPFFS_ROOT) && ward_pins_on_bpffs(path) == 0) {
			err = mount_bpffs_root();
			if (err)
				return err;
		}
		if (mkdir(path, 0700) && errno != EEXIST)
			return -errno;
		if (p - path == (long)strlen(dir))
			break;
		*p = '/';
	}
	return 0;
}

int ward_pins_find(const char *dir)
{
	size_t n = strlen(BPFFS_ROOT);

	if (strncmp(dir, BPFFS_ROOT, n) || (dir[n] != '/' && dir[n] != '\0'))
		return 0;
	if (ward_pins_on_bpffs(BPFFS_ROOT) == 1)
		return 0;
	if (join_host_bpffs() != -EACCES)
		return 0; /* the pins are where they are, or nowhere: the reader says which */
	pr_err("no bpffs on %s in this mount namespace (as under `ip netns exec`), and the "
	       "host's cannot be reached: that needs CAP_SYS_PTRACE and CAP_SYS_ADMIN. Run "
	       "ward as root with all its capabilities, or enter the network namespace alone: "
	       "nsenter --net=/run/netns/NS ward ...",
	       BPFFS_ROOT);
	return -EACCES;
}

int ward_pins_prepare(const char *dir)
{
	int err, on;

	err = mkdir_parents(dir);
	if (err)
		return err;

	on = ward_pins_on_bpffs(dir);
	if (on < 0)
		return on;
	if (!on) {
		err = mount_bpffs(dir, "mode=0700");
		if (err)
			return err;
	}

	if (chmod(dir, 0700))
		return -errno;
	return 0;
}

int ward_pins_lock(const char *dir)
{
	int fd, err;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		err = errno == EWOULDBLOCK ? -EBUSY : -errno;
		close(fd);
		return err;
	}
	return fd;
}

int ward_pins_holder(const char *dir)
{
	unsigned int major, minor;
	unsigned long inode;
	char line[256], kind[16];
	struct stat st;
	int pid, holder = 0;
	FILE *f;

	if (stat(dir, &st))
		return -errno;
	f = fopen("/proc/locks", "re");
	if (!f)
		return -errno;
	/* "1: FLOCK  ADVISORY  WRITE 1234 00:2a:5678 0 EOF"; waiters' lines say "->" */
	while (!holder && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%*d: %15s %*s %*s %d %x:%x:%lu", kind, &pid, &major, &minor,
			   &inode) != 5)
			continue;
		if (!strcmp(kind, "FLOCK") && inode == st.st_ino &&
		    makedev(major, minor) == st.st_dev)
			holder = pid;
	}
	fclose(f);
	return holder;
}

const char *ward_pins_holder_note(const char *dir, char *buf, size_t size)
{
	int pid = ward_pins_holder(dir);

	if (pid > 0)
		snprintf(buf, size, " (pid %d)", pid);
	else if (size)
		buf[0] = '\0';
	return buf;
}

int ward_pin_open(const char *dir, const char *name)
{
	char path[WARD_PATH_MAX];
	int fd, err;

	err = ward_pin_path(path, sizeof(path), dir, name);
	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	return fd;
}

int ward_pin_replace(const char *dir, const char *name, int fd)
{
	char path[WARD_PATH_MAX], tmp[WARD_PATH_MAX + 16];
	int err;

	err = ward_pin_path(path, sizeof(path), dir, name);
	if (err)
		return err;
	/* bpffs refuses names with a dot. */
	snprintf(tmp, sizeof(tmp), "%s_new", path);

	unlink(tmp);
	if (bpf_obj_pin(fd, tmp))
		return -errno;
	if (rename(tmp, path)) {
		err = -errno;
		goto unlink_tmp;
	}
	return 0;

unlink_tmp:
	unlink(tmp);
	return err;
}

int ward_pin_remove(const char *dir, const char *name)
{
	char path[WARD_PATH_MAX];
	int err;

	err = ward_pin_path(path, sizeof(path), dir, name);
	if (err)
		return err;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int ward_state_read(const char *dir, struct ward_state *state)
{
	uint32_t key = 0;
	int fd, err = 0;

	fd = ward_pin_open(dir, WARD_PIN_STATE);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &key, state))
		err = -errno;
	else if (state->version != WARD_STATE_VERSION)
		err = -EPROTO;
	close(fd);
	if (!err) {
		state->path[sizeof(state->path) - 1] = '\0';
		if (state->nifaces > WARD_MAX_IFACES)
			state->nifaces = WARD_MAX_IFACES;
	}
	return err;
}

static int state_create(const char *dir)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	int fd, err;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, WARD_PIN_STATE, sizeof(uint32_t),
			    sizeof(struct ward_state), 1, &opts);
	if (fd < 0)
		return -errno;
	err = ward_pin_replace(dir, WARD_PIN_STATE, fd);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int ward_state_write(const char *dir, const struct ward_state *state)
{
	uint32_t key = 0;
	int fd, err = 0;

	fd = ward_pin_open(dir, WARD_PIN_STATE);
	if (fd == -ENOENT)
		fd = state_create(dir);
	if (fd < 0)
		return fd;
	if (bpf_map_update_elem(fd, &key, state, BPF_ANY))
		err = -errno;
	close(fd);
	return err;
}

int ward_devnames_write(const char *dir, const struct ward_dev_name *names, uint32_t n)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	uint32_t id;
	int fd, err = 0;

	fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, WARD_PIN_DEVNAMES, sizeof(uint32_t),
			    sizeof(struct ward_dev_name), n ? n : 1, &opts);
	if (fd < 0)
		return -errno;

	for (id = 0; id < n; id++) {
		if (bpf_map_update_elem(fd, &id, &names[id], BPF_ANY)) {
			err = -errno;
			goto close_fd;
		}
	}
	err = ward_pin_replace(dir, WARD_PIN_DEVNAMES, fd);

close_fd:
	close(fd);
	return err;
}

int ward_devnames_read(const char *dir, uint32_t id, struct ward_dev_name *name)
{
	int fd, err = 0;

	fd = ward_pin_open(dir, WARD_PIN_DEVNAMES);
	if (fd < 0)
		return fd;
	if (bpf_map_lookup_elem(fd, &id, name))
		err = errno == E2BIG || errno == EINVAL ? -ENOENT : -errno;
	close(fd);
	if (!err)
		name->name[sizeof(name->name) - 1] = '\0';
	return err;
}
