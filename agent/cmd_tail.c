// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * `ward tail`: the last events of the events file, one a line, in a form
 * made for a person at a console (or as the JSON lines themselves with
 * --json), filtered by device or reason; with -f, the new ones as they are
 * written, across rotation.
 *
 * The file is read forward once, keeping the last N matching lines: simple,
 * and quick enough for a day of events (logrotate keeps files small).
 * Following polls the file: at its end ward checks whether the path now
 * names another file (logrotate renamed it and the agent created a new
 * one) or a shorter one (copytruncate), finishes the old file and moves on.
 *
 * A line that is not one of ward's events (a torn write, a hand edit) is
 * skipped with a warning that gives its line number. Names are printed
 * with control characters replaced, so a hostile device or interface name
 * cannot drive the terminal.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "events.h"
#include "json.h"
#include "log.h"

#define DEFAULT_EVENTS_PATH "/var/log/ward/events.jsonl"
#define DEFAULT_LINES	    10
#define MAX_LINE_BYTES	    (1 << 20)
#define READ_CHUNK	    65536
#define REASON_LIST                                                                      \
	"no-rule, spoofed-source, wrong-vlan, fragment, malformed, ip-options, non-ip, " \
	"rate-limit, unknown-host, flow-revoked"
#define FOLLOW_POLL_NS 100000000L /* 100 ms between looks at a quiet file */

struct tail_opts {
	const char *path;
	bool follow;
	long lines;
	const char *device;
	const char *reason;
	bool json;
};

/* Splits what read(2) returns into lines, keeping an unfinished one. */
struct line_reader {
	const char *path;
	int fd;
	char *buf;
	size_t start; /* first byte not yet returned */
	size_t len;
	size_t cap;
	unsigned long lineno;
	bool overlong; /* dropping the rest of a line longer than MAX_LINE_BYTES */
};

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	stop_requested = 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"usage: ward tail [--events PATH] [-f] [-n N] [--device NAME] [--reason R]\n"
		"                 [--json]\n"
		"\n"
		"Show the last events (10 unless -n says otherwise), one a line.\n"
		"\n"
		"  --events PATH  the events file (default " DEFAULT_EVENTS_PATH ", - for stdin)\n"
		"  -f, --follow   keep showing events as they are written, across rotation\n"
		"  -n, --lines N  how many past events to show first\n"
		"  --device NAME  only the events of this device\n"
		"  --reason R     only drops and would-drops for this reason (no-rule, ...)\n"
		"  --json         print the JSON lines themselves\n");
}

static bool known_reason(const char *reason)
{
	int r;

	for (r = WARD_REASON_NONE + 1; r < WARD_REASON_COUNT; r++)
		if (!strcmp(reason, ward_reason_name(r)))
			return true;
	return false;
}

static int parse_lines(const char *arg, long *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno || *end || end == arg || n < 0)
		return -EINVAL;
	*out = n;
	return 0;
}

static int parse_opts(int argc, char **argv, struct tail_opts *o)
{
	static const struct option longopts[] = {
		{"events", required_argument, NULL, 'e'}, {"follow", no_argument, NULL, 'f'},
		{"lines", required_argument, NULL, 'n'},  {"device", required_argument, NULL, 'd'},
		{"reason", required_argument, NULL, 'r'}, {"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},	  {NULL, 0, NULL, 0},
	};
	int c;

	*o = (struct tail_opts){.path = DEFAULT_EVENTS_PATH, .lines = DEFAULT_LINES};
	optind = 1;
	while ((c = getopt_long(argc, argv, "fn:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'e':
			o->path = optarg;
			break;
		case 'f':
			o->follow = true;
			break;
		case 'n':
			if (parse_lines(optarg, &o->lines)) {
				pr_err("-n wants a number of lines, 0 or more, not '%s'", optarg);
				return -EINVAL;
			}
			break;
		case 'd':
			o->device = optarg;
			break;
		case 'r':
			if (!known_reason(optarg)) {
				pr_err("no drop reason '%s'; the reasons are %s", optarg,
				       REASON_LIST);
				return -EINVAL;
			}
			o->reason = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		pr_err("'ward tail' takes no argument '%s'; the file is given with --events",
		       argv[optind]);
		return -EINVAL;
	}
	return 0;
}

/* Print @s with every control character (C0, DEL, C1) replaced by '?'. */
static void put_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;

		if (*p < 0x20 || *p == 0x7f || c1)
			putchar('?');
		else
			putchar(*p);
		if (c1)
			p++;
	}
}

/* At most @max bytes of @s, not cutting a character, as put_safe() prints them. */
static void put_prefix_safe(const char *s, size_t max)
{
	char prefix[32];
	size_t len = strnlen(s, max < sizeof(prefix) ? max : sizeof(prefix) - 1);

	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;

	memcpy(prefix, s, len);
	prefix[len] = '\0';
	put_safe(prefix);
}

static const char *field(const struct ward_jobj *o, const char *key)
{
	const char *s = ward_jobj_str(o, key);

	return s ? s : "?";
}

static void put_time(const char *ts)
{
	struct tm tm = {0};
	const char *rest;
	char hms[16];
	time_t secs;

	rest = strptime(ts, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!rest || rest[0] != '.' || strspn(rest + 1, "0123456789") < 3) {
		put_safe(ts);
		return;
	}
	secs = timegm(&tm);
	localtime_r(&secs, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	printf("%s.%.3s", hms, rest + 1);
}

/* ADDR:PORT, with brackets around an IPv6 address. */
static void put_endpoint(const struct ward_jobj *o, const char *addr_key, const char *port_key)
{
	const char *addr = field(o, addr_key);
	uint64_t port;
	bool v6 = strchr(addr, ':') != NULL;

	if (ward_jobj_uint(o, port_key, &port)) {
		put_safe(addr);
		return;
	}
	printf(v6 ? "[" : "");
	put_safe(addr);
	printf(v6 ? "]:%llu" : ":%llu", (unsigned long long)port);
}

static void put_flow(const struct ward_jobj *o)
{
	uint64_t type, code;

	if (!ward_jobj_str(o, "proto")) {
		printf(" eth ");
		put_safe(field(o, "src_mac"));
		printf(" -> ");
		put_safe(field(o, "dst_mac"));
		return;
	}
	putchar(' ');
	put_safe(field(o, "proto"));
	putchar(' ');
	put_endpoint(o, "src", "sport");
	printf(" -> ");
	put_endpoint(o, "dst", "dport");
	if (!ward_jobj_uint(o, "icmp_type", &type) && !ward_jobj_uint(o, "icmp_code", &code))
		printf(" type %llu code %llu", (unsigned long long)type, (unsigned long long)code);
}

static void put_who(const struct ward_jobj *o)
{
	const char *device = ward_jobj_str(o, "device");
	const char *crit = ward_jobj_str(o, "criticality");

	if (!device) {
		printf(" ? on ");
		put_safe(field(o, "iface"));
		return;
	}
	putchar(' ');
	put_safe(device);
	if (crit) {
		printf(" [");
		put_safe(crit);
		putchar(']');
	}
}

/* 18:17:57.123 DROP  ct-01 [clinical] to-device tcp A:P -> B:Q no-rule x3 */
static void put_packet_event(const struct ward_jobj *o, const char *label)
{
	const char *reason = ward_jobj_str(o, "reason");
	uint64_t count = 1, vlan;

	printf(" %-5s", label);
	put_who(o);
	putchar(' ');
	put_safe(field(o, "direction"));
	put_flow(o);
	if (reason) {
		putchar(' ');
		put_safe(reason);
	}
	if (reason && !strcmp(reason, "wrong-vlan")) {
		if (ward_jobj_uint(o, "vlan", &vlan))
			printf(" untagged");
		else
			printf(" vlan %llu", (unsigned long long)vlan);
	}
	if (!ward_jobj_str(o, "device") && ward_jobj_str(o, "src_mac")) {
		printf(" mac ");
		put_safe(field(o, "src_mac"));
	}
	ward_jobj_uint(o, "count", &count);
	if (count > 1)
		printf(" x%llu", (unsigned long long)count);
}

static void put_policy_event(const struct ward_jobj *o, const char *event)
{
	const struct ward_jfield *errors = ward_jobj_get(o, "errors");
	uint64_t gen = 0, devices = 0;

	if (!strcmp(event, "policy-loaded")) {
		ward_jobj_uint(o, "generation", &gen);
		ward_jobj_uint(o, "devices", &devices);
		printf(" LOAD  policy ");
		put_safe(field(o, "path"));
		printf(" generation %llu, %llu devices, sha256 ", (unsigned long long)gen,
		       (unsigned long long)devices);
		put_prefix_safe(field(o, "sha256"), 12);
		return;
	}
	printf(" REJECT policy ");
	put_safe(field(o, "path"));
	if (!errors || errors->type != WARD_JARR || errors->nitems == 0) {
		printf(" rejected");
		return;
	}
	printf(": ");
	put_safe(errors->items[0]);
	if (errors->nitems > 1)
		printf(" (and %zu more)", errors->nitems - 1);
}

static void put_agent_event(const struct ward_jobj *o, const char *event)
{
	uint64_t n = 0;

	if (!strcmp(event, "events-lost")) {
		ward_jobj_uint(o, "count", &n);
		printf(" LOST  %llu events lost: the ring buffer was full", (unsigned long long)n);
	} else if (!strcmp(event, "attached") || !strcmp(event, "detached")) {
		printf(" %-5s ", event[0] == 'a' ? "ATTACH" : "DETACH");
		put_safe(field(o, "iface"));
		putchar(' ');
		put_safe(field(o, "mode"));
	} else if (!strcmp(event, "agent-start")) {
		ward_jobj_uint(o, "pid", &n);
		printf(" START agent ");
		put_safe(field(o, "version"));
		printf(" pid %llu", (unsigned long long)n);
	} else if (!strcmp(event, "agent-stop")) {
		ward_jobj_uint(o, "pid", &n);
		printf(" STOP  agent pid %llu", (unsigned long long)n);
	} else {
		printf(" ");
		put_safe(event);
	}
}

static void print_human(const struct ward_jobj *o)
{
	const char *event = field(o, "event");

	put_time(field(o, "ts"));
	if (!strcmp(event, "drop"))
		put_packet_event(o, "DROP");
	else if (!strcmp(event, "would-drop"))
		put_packet_event(o, "WOULD");
	else if (!strcmp(event, "host-seen"))
		put_packet_event(o, "SEEN");
	else if (!strncmp(event, "policy-", 7))
		put_policy_event(o, event);
	else
		put_agent_event(o, event);
	putchar('\n');
}

static bool matches(const struct ward_jobj *o, const struct tail_opts *opts)
{
	const char *device = ward_jobj_str(o, "device");
	const char *reason = ward_jobj_str(o, "reason");

	if (opts->device && (!device || strcmp(device, opts->device)))
		return false;
	if (opts->reason && (!reason || strcmp(reason, opts->reason)))
		return false;
	return true;
}

/*
 * Parse @line; 1 when it is an event that passes the filters, 0 when it
 * does not or is blank, -EINVAL (warned about) when it is not an event.
 */
static int judge_line(const char *line, size_t len, const struct line_reader *r,
		      const struct tail_opts *opts, struct ward_jobj *o)
{
	size_t i;

	for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'); i++)
		;
	if (i == len)
		return 0;
	if (ward_json_parse(line, len, o) || !ward_jobj_str(o, "event")) {
		ward_jobj_free(o);
		pr_warn("%s:%lu: not an event line, skipped", opts->path, r->lineno);
		return -EINVAL;
	}
	if (!matches(o, opts)) {
		ward_jobj_free(o);
		return 0;
	}
	return 1;
}

static void show_line(const char *line, size_t len, const struct line_reader *r,
		      const struct tail_opts *opts)
{
	struct ward_jobj o;

	if (judge_line(line, len, r, opts, &o) != 1)
		return;
	if (opts->json)
		printf("%.*s\n", (int)len, line);
	else
		print_human(&o);
	ward_jobj_free(&o);
}

static int reader_fill(struct line_reader *r)
{
	ssize_t n;
	char *buf;

	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->len - r->start);
		r->len -= r->start;
		r->start = 0;
	}
	if (r->cap - r->len < READ_CHUNK) {
		buf = realloc(r->buf, r->cap + READ_CHUNK);
		if (!buf)
			return -ENOMEM;
		r->buf = buf;
		r->cap += READ_CHUNK;
	}
	do {
		n = read(r->fd, r->buf + r->len, r->cap - r->len);
	} while (n < 0 && errno == EINTR && !stop_requested);
	if (n < 0)
		return -errno;
	r->len += n;
	return n > 0;
}

/* Drop what is buffered of a line too long to be an event. */
static void reader_drop_overlong(struct line_reader *r)
{
	if (!r->overlong)
		pr_warn("%s:%lu: line longer than %d bytes, skipped", r->path, r->lineno + 1,
			MAX_LINE_BYTES);
	r->overlong = true;
	r->start = r->len = 0;
}

/*
 * The next complete line (without its newline): 1, with @line and @len set;
 * 0 when the file has no complete line left for now; a negative errno.
 */
static int reader_next(struct line_reader *r, const char **line, size_t *len)
{
	char *nl;
	int err;

	for (;;) {
		/* Before the first read buf is NULL, which memchr() must not get. */
		nl = r->len > r->start ? memchr(r->buf + r->start, '\n', r->len - r->start) : NULL;
		if (nl) {
			bool was_overlong = r->overlong;

			*line = r->buf + r->start;
			*len = nl - *line;
			r->start = nl + 1 - r->buf;
			r->lineno++;
			r->overlong = false;
			if (was_overlong)
				continue;
			return 1;
		}
		if (r->len - r->start > MAX_LINE_BYTES)
			reader_drop_overlong(r);
		err = reader_fill(r);
		if (err <= 0)
			return err;
	}
}

/* At the end of a file that will not grow: its last line may lack a newline. */
static int reader_last(struct line_reader *r, const char **line, size_t *len)
{
	if (r->start == r->len || r->overlong)
		return 0;
	*line = r->buf + r->start;
	*len = r->len - r->start;
	r->start = r->len;
	r->lineno++;
	return 1;
}

/* Keep the last opts->lines matching lines of the file, then print them. */
struct ring {
	char **lines;
	size_t *lens;
	long size;
	long next;
	long count;
};

static int ring_push(struct ring *ring, const char *line, size_t len)
{
	char *copy;
	long at = ring->next;

	if (ring->size == 0)
		return 0;
	copy = malloc(len + 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, line, len);
	copy[len] = '\0';
	free(ring->lines[at]);
	ring->lines[at] = copy;
	ring->lens[at] = len;
	ring->next = (at + 1) % ring->size;
	if (ring->count < ring->size)
		ring->count++;
	return 0;
}

static int keep_if_matching(struct ring *ring, const char *line, size_t len,
			    const struct line_reader *r, const struct tail_opts *opts)
{
	struct ward_jobj o;

	if (judge_line(line, len, r, opts, &o) != 1)
		return 0;
	ward_jobj_free(&o);
	return ring_push(ring, line, len);
}

static void ring_show_and_free(struct ring *ring, const struct tail_opts *opts)
{
	struct line_reader none = {0}; /* the lines were judged already: no warning */
	long i, at;

	for (i = 0; i < ring->count; i++) {
		at = (ring->next - ring->count + i + ring->size) % ring->size;
		show_line(ring->lines[at], ring->lens[at], &none, opts);
	}
	for (i = 0; i < ring->size; i++)
		free(ring->lines[i]);
	free(ring->lines);
	free(ring->lens);
}

static int show_last_lines(struct line_reader *r, const struct tail_opts *opts)
{
	struct ring ring = {.size = opts->lines};
	const char *line;
	size_t len;
	int err = 0, got;

	ring.lines = calloc(ring.size ? ring.size : 1, sizeof(*ring.lines));
	ring.lens = calloc(ring.size ? ring.size : 1, sizeof(*ring.lens));
	if (!ring.lines || !ring.lens) {
		free(ring.lines);
		free(ring.lens);
		return -ENOMEM;
	}
	while (!err && (got = reader_next(r, &line, &len)) == 1)
		err = keep_if_matching(&ring, line, len, r, opts);
	if (!err && got < 0)
		err = got;
	if (!err && !opts->follow && reader_last(r, &line, &len) == 1)
		err = keep_if_matching(&ring, line, len, r, opts);
	ring_show_and_free(&ring, opts);
	fflush(stdout);
	return err;
}

static int open_events(const char *path)
{
	int fd;

	if (!strcmp(path, "-"))
		return dup(STDIN_FILENO);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return fd;
}

enum file_change {
	FILE_SAME,
	FILE_REPLACED,	/* the path names another file now */
	FILE_TRUNCATED, /* the same file, shorter than what was read */
};

static enum file_change look_at_path(const struct line_reader *r, const char *path)
{
	struct stat at_path, held;
	off_t pos;

	if (stat(path, &at_path) < 0 || fstat(r->fd, &held) < 0)
		return FILE_SAME; /* removed and not yet created again: wait */
	if (at_path.st_ino != held.st_ino || at_path.st_dev != held.st_dev)
		return FILE_REPLACED;
	pos = lseek(r->fd, 0, SEEK_CUR);
	if (pos >= 0 && at_path.st_size < pos)
		return FILE_TRUNCATED;
	return FILE_SAME;
}

static int drain(struct line_reader *r, const struct tail_opts *opts)
{
	const char *line;
	size_t len;
	int got;

	while ((got = reader_next(r, &line, &len)) == 1)
		show_line(line, len, r, opts);
	fflush(stdout);
	return got;
}

/* The old file is finished: show its last unfinished line, read the new one. */
static int switch_file(struct line_reader *r, const struct tail_opts *opts)
{
	const char *line;
	size_t len;
	int fd;

	if (drain(r, opts) < 0)
		return -EIO;
	if (reader_last(r, &line, &len) == 1)
		show_line(line, len, r, opts);
	fd = open_events(opts->path);
	if (fd < 0)
		return 0; /* gone again between stat and open: next round */
	close(r->fd);
	r->fd = fd;
	r->start = r->len = 0;
	r->lineno = 0;
	r->overlong = false;
	pr_info("%s was rotated; following the new file", opts->path);
	return 0;
}

static int follow(struct line_reader *r, const struct tail_opts *opts)
{
	const struct timespec pause = {0, FOLLOW_POLL_NS};
	int err;

	while (!stop_requested) {
		err = drain(r, opts);
		if (err < 0)
			return err;
		if (!strcmp(opts->path, "-")) {
			nanosleep(&pause, NULL);
			continue;
		}
		switch (look_at_path(r, opts->path)) {
		case FILE_REPLACED:
			err = switch_file(r, opts);
			if (err)
				return err;
			continue;
		case FILE_TRUNCATED:
			lseek(r->fd, 0, SEEK_SET);
			r->start = r->len = 0;
			continue;
		case FILE_SAME:
			break;
		}
		nanosleep(&pause, NULL);
	}
	return 0;
}

static void catch_stop_signals(void)
{
	struct sigaction sa = {.sa_handler = on_stop_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cmd_tail(int argc, char **argv)
{
	struct line_reader r = {0};
	struct tail_opts opts;
	int err;

	err = parse_opts(argc, argv, &opts);
	if (err)
		return err > 0 ? WARD_EXIT_OK : WARD_EXIT_USAGE;
	r.path = opts.path;

	r.fd = open_events(opts.path);
	if (r.fd < 0) {
		pr_err("cannot open events file %s: %s%s", opts.path, strerror(-r.fd),
		       r.fd == -ENOENT ? " (is 'ward run' writing elsewhere? see --events)" : "");
		return WARD_EXIT_USAGE;
	}
	if (opts.follow)
		catch_stop_signals();

	err = show_last_lines(&r, &opts);
	if (!err && opts.follow)
		err = follow(&r, &opts);

	close(r.fd);
	free(r.buf);
	if (err) {
		pr_err("reading events file %s: %s", opts.path, strerror(-err));
		return WARD_EXIT_USAGE;
	}
	return WARD_EXIT_OK;
}
