// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Event lines to a syslog collector (syslog.h): RFC 5424 formatting, a
 * bounded queue, and a non-blocking connection that backs off while the
 * collector is away.
 *
 * Knowing that a collector is away: TCP says so when connecting or writing.
 * UDP says so only through an ICMP port unreachable, which the kernel reports
 * on the next operation of a connected socket. So after every (re)connection
 * the first datagram is a probe: it stays queued until a later tick finds no
 * error pending on the socket. A refused probe costs nothing; a datagram
 * refused later (the collector went away while up) is counted unsent.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "log.h"
#include "syslog.h"

#define CONNECT_TIMEOUT_MS 10000
#define QUEUE_BYTES_MAX	   (8U << 20)
#define HOSTNAME_MAX	   255

struct message {
	char *data;
	size_t len;
};

struct ward_syslog {
	char *url;
	struct ward_syslog_target target;
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char hostname[HOSTNAME_MAX + 1];
	long pid;

	struct message *queue; /* ring of queue_max */
	size_t queue_max;
	size_t head;
	size_t count;
	size_t bytes;
	size_t head_off; /* TCP: bytes of the head message already written */

	int fd;
	bool connecting; /* TCP connect in progress */
	bool probing;	 /* UDP: the head was sent, not yet known delivered */
	bool up;	 /* the last attempt succeeded */
	bool told_down;	 /* the outage was logged */
	uint64_t connect_ms;
	uint64_t next_try_ms;
	uint64_t wait_ms; /* between tries while the collector is away */
	uint64_t unsent_at_down;

	uint64_t sent;
	uint64_t unsent;
};

uint64_t ward_syslog_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int parse_host_port(const char *s, struct ward_syslog_target *t)
{
	const char *colon, *host = s;
	size_t hlen;
	char *end;
	long port;

	if (*s == '[') {
		colon = strchr(s, ']');
		if (!colon || colon[1] != ':')
			return -EINVAL;
		host = s + 1;
		hlen = colon - host;
		colon++;
	} else {
		colon = strrchr(s, ':');
		if (!colon || memchr(s, ':', colon - s))
			return -EINVAL;
		hlen = colon - s;
	}
	if (!hlen || hlen >= sizeof(t->host))
		return -EINVAL;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || *end || end == colon + 1 || port < 1 || port > 65535)
		return -EINVAL;
	memcpy(t->host, host, hlen);
	t->host[hlen] = '\0';
	snprintf(t->port, sizeof(t->port), "%ld", port);
	return 0;
}

int ward_syslog_parse_url(const char *url, struct ward_syslog_target *t)
{
	memset(t, 0, sizeof(*t));
	if (!strncmp(url, "udp://", 6)) {
		t->transport = WARD_SYSLOG_UDP;
		return parse_host_port(url + 6, t);
	}
	if (!strncmp(url, "tcp://", 6)) {
		t->transport = WARD_SYSLOG_TCP;
		return parse_host_port(url + 6, t);
	}
	if (!strncmp(url, "unix:", 5)) {
		t->transport = WARD_SYSLOG_UNIX;
		if (!url[5] || strlen(url + 5) >= sizeof(t->path))
			return -EINVAL;
		strcpy(t->path, url + 5);
		return 0;
	}
	return -EINVAL;
}

static bool is(const char *a, const char *b)
{
	return a && !strcmp(a, b);
}

enum ward_syslog_severity ward_syslog_severity(const char *event, const char *criticality)
{
	if (is(criticality, "life-critical"))
		return WARD_SLOG_CRIT;
	if (is(criticality, "clinical"))
		return WARD_SLOG_ERR;
	if (is(criticality, "administrative"))
		return WARD_SLOG_WARNING;
	if (is(event, "drop") || is(event, "would-drop"))
		return WARD_SLOG_WARNING;
	if (is(event, "host-seen") || is(event, "policy-rejected") || is(event, "events-lost") ||
	    is(event, "detached"))
		return WARD_SLOG_NOTICE;
	return WARD_SLOG_INFO;
}

/* PARAM-VALUE of RFC 5424: '"', '\' and ']' are escaped with a backslash. */
static void put_param(FILE *f, const char *name, const char *val)
{
	if (!val)
		return;
	fprintf(f, " %s=\"", name);
	for (; *val; val++) {
		if (*val == '"' || *val == '\\' || *val == ']')
			fputc('\\', f);
		fputc(*val, f);
	}
	fputc('"', f);
}

/* An RFC 3339 timestamp as events write it, or NILVALUE for anything else. */
static const char *header_ts(const char *ts)
{
	const char *p;

	if (!ts || !*ts || strlen(ts) > 32)
		return "-";
	for (p = ts; *p; p++)
		if (*p < 33 || *p > 126)
			return "-";
	return ts;
}

int ward_syslog_format(const char *line, size_t len, const char *hostname, long pid, char **out,
		       size_t *out_len)
{
	const char *event, *crit;
	struct ward_jobj obj;
	FILE *f;
	int err;

	*out = NULL;
	err = ward_json_parse(line, len, &obj);
	if (err)
		return err;
	event = ward_jobj_str(&obj, "event");
	if (!event) {
		err = -EINVAL;
		goto free_obj;
	}
	crit = ward_jobj_str(&obj, "criticality");

	f = open_memstream(out, out_len);
	if (!f) {
		err = -ENOMEM;
		goto free_obj;
	}
	fprintf(f, "<%d>1 %s %s ward %ld - [%s",
		WARD_SYSLOG_FACILITY * 8 + ward_syslog_severity(event, crit),
		header_ts(ward_jobj_str(&obj, "ts")), hostname, pid, WARD_SYSLOG_SD_ID);
	put_param(f, "event", event);
	put_param(f, "device", ward_jobj_str(&obj, "device"));
	put_param(f, "reason", ward_jobj_str(&obj, "reason"));
	put_param(f, "criticality", crit);
	fputs("] ", f);
	fwrite(line, 1, len, f);
	if (fclose(f)) {
		free(*out);
		*out = NULL;
		err = -ENOMEM;
	}

free_obj:
	ward_jobj_free(&obj);
	return err;
}

/* HOSTNAME of RFC 5424: printable US-ASCII, no spaces; NILVALUE when unknown. */
static void read_hostname(char *buf, size_t size)
{
	char *p;

	if (gethostname(buf, size) || !buf[0]) {
		snprintf(buf, size, "-");
		return;
	}
	buf[size - 1] = '\0';
	for (p = buf; *p; p++)
		if (*p < 33 || *p > 126)
			*p = '_';
}

static int resolve(struct ward_syslog *sl)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC}, *res;
	struct sockaddr_un *sun = (struct sockaddr_un *)&sl->addr;
	int err;

	if (sl->target.transport == WARD_SYSLOG_UNIX) {
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, sl->target.path);
		sl->addrlen = sizeof(*sun);
		return 0;
	}
	hints.ai_socktype = sl->target.transport == WARD_SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;
	err = getaddrinfo(sl->target.host, sl->target.port, &hints, &res);
	if (err) {
		pr_err("syslog collector %s: cannot resolve %s: %s", sl->url, sl->target.host,
		       gai_strerror(err));
		return -EINVAL;
	}
	memcpy(&sl->addr, res->ai_addr, res->ai_addrlen);
	sl->addrlen = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

int ward_syslog_open(const char *url, size_t queue_max, struct ward_syslog **out)
{
	struct ward_syslog *sl;
	int err = -ENOMEM;

	sl = calloc(1, sizeof(*sl));
	if (!sl)
		return -ENOMEM;
	sl->fd = -1;
	sl->queue_max = queue_max ? queue_max : 1;
	sl->pid = (long)getpid();
	read_hostname(sl->hostname, sizeof(sl->hostname));
	sl->url = strdup(url);
	sl->queue = calloc(sl->queue_max, sizeof(*sl->queue));
	if (!sl->url || !sl->queue)
		goto free_sl;

	err = ward_syslog_parse_url(url, &sl->target);
	if (err) {
		pr_err("--syslog %s: expected udp://HOST:PORT, tcp://HOST:PORT or unix:PATH", url);
		goto free_sl;
	}
	err = resolve(sl);
	if (err)
		goto free_sl;
	*out = sl;
	return 0;

free_sl:
	free(sl->queue);
	free(sl->url);
	free(sl);
	return err;
}

static struct message *queue_head(struct ward_syslog *sl)
{
	return &sl->queue[sl->head];
}

static void queue_pop(struct ward_syslog *sl)
{
	struct message *m = queue_head(sl);

	sl->bytes -= m->len;
	free(m->data);
	m->data = NULL;
	sl->head = (sl->head + 1) % sl->queue_max;
	sl->count--;
	sl->head_off = 0;
	sl->probing = false;
}

/*
 * Make room by giving up on the oldest waiting messages: while the collector
 * is away the newest events matter most, and the events file has them all.
 * A head already on its way (half a TCP frame, a UDP probe) is kept.
 */
static bool queue_full(const struct ward_syslog *sl, size_t len)
{
	return sl->count >= sl->queue_max || sl->bytes + len > QUEUE_BYTES_MAX;
}

static void queue_make_room(struct ward_syslog *sl, size_t len)
{
	while (sl->count && !sl->head_off && !sl->probing && queue_full(sl, len)) {
		queue_pop(sl);
		sl->unsent++;
	}
}

/* TCP frames are "LEN MSG" (RFC 6587 octet counting); datagrams are the message. */
static int frame(const struct ward_syslog *sl, char *msg, size_t len, struct message *out)
{
	int n;

	if (sl->target.transport != WARD_SYSLOG_TCP) {
		out->data = msg;
		out->len = len;
		return 0;
	}
	n = asprintf(&out->data, "%zu %.*s", len, (int)len, msg);
	free(msg);
	if (n < 0)
		return -ENOMEM;
	out->len = n;
	return 0;
}

static void enqueue(struct ward_syslog *sl, const char *line, size_t len)
{
	struct message m;
	size_t mlen;
	char *msg;

	if (ward_syslog_format(line, len, sl->hostname, sl->pid, &msg, &mlen)) {
		sl->unsent++;
		return;
	}
	if (mlen > WARD_SYSLOG_MSG_MAX) {
		pr_warn("syslog: an event of %zu bytes is too long to send to %s", mlen, sl->url);
		free(msg);
		sl->unsent++;
		return;
	}
	if (frame(sl, msg, mlen, &m)) {
		sl->unsent++;
		return;
	}
	queue_make_room(sl, m.len);
	if (queue_full(sl, m.len)) {
		free(m.data);
		sl->unsent++;
		return;
	}
	sl->queue[(sl->head + sl->count) % sl->queue_max] = m;
	sl->count++;
	sl->bytes += m.len;
}

static void close_socket(struct ward_syslog *sl)
{
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	sl->connecting = false;
	sl->probing = false;
	sl->head_off = 0; /* a new stream starts the message again */
}

static void went_down(struct ward_syslog *sl, uint64_t now_ms, int err)
{
	close_socket(sl);
	if (sl->up || !sl->wait_ms)
		sl->wait_ms = WARD_SYSLOG_BACKOFF_MIN_MS;
	else if (sl->wait_ms * 2 <= WARD_SYSLOG_BACKOFF_MAX_MS)
		sl->wait_ms *= 2;
	else
		sl->wait_ms = WARD_SYSLOG_BACKOFF_MAX_MS;
	sl->next_try_ms = now_ms + sl->wait_ms;
	sl->up = false;

	if (sl->told_down) {
		pr_debug("syslog collector %s: %s; retrying in %llu s", sl->url, strerror(-err),
			 (unsigned long long)(sl->wait_ms / 1000));
		return;
	}
	pr_warn("syslog collector %s: %s; keeping up to %zu events for it, retrying in %llu s",
		sl->url, strerror(-err), sl->queue_max, (unsigned long long)(sl->wait_ms / 1000));
	sl->told_down = true;
	sl->unsent_at_down = sl->unsent;
}

static void came_up(struct ward_syslog *sl)
{
	sl->up = true;
	sl->wait_ms = 0;
	if (!sl->told_down)
		return;
	sl->told_down = false;
	if (sl->unsent == sl->unsent_at_down) {
		pr_info("syslog collector %s is reachable again; nothing was lost", sl->url);
		return;
	}
	pr_warn("syslog collector %s is reachable again; %llu events could not be sent to it "
		"during the outage (%llu since the agent started; all are in the events file)",
		sl->url, (unsigned long long)(sl->unsent - sl->unsent_at_down),
		(unsigned long long)sl->unsent);
}

static int open_socket(struct ward_syslog *sl, uint64_t now_ms)
{
	int type = sl->target.transport == WARD_SYSLOG_TCP ? SOCK_STREAM : SOCK_DGRAM;

	sl->fd = socket(sl->addr.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sl->fd < 0)
		return -errno;
	if (!connect(sl->fd, (struct sockaddr *)&sl->addr, sl->addrlen))
		return 0;
	if (errno != EINPROGRESS)
		return -errno;
	sl->connecting = true;
	sl->connect_ms = now_ms;
	return 0;
}

static int pending_error(int fd)
{
	socklen_t len = sizeof(int);
	int soerr = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len))
		return -errno;
	return -soerr;
}

/* 1 while a TCP connect goes on, 0 once done, or a negative errno. */
static int finish_connect(struct ward_syslog *sl, uint64_t now_ms)
{
	struct pollfd pfd = {.fd = sl->fd, .events = POLLOUT};

	if (poll(&pfd, 1, 0) < 0)
		return -errno;
	if (!pfd.revents)
		return now_ms - sl->connect_ms >= CONNECT_TIMEOUT_MS ? -ETIMEDOUT : 1;
	sl->connecting = false;
	return pending_error(sl->fd);
}

/* TCP: a collector that closed its end (it never writes to us) is reconnected to. */
static int check_peer(struct ward_syslog *sl)
{
	struct pollfd pfd = {.fd = sl->fd, .events = POLLIN | POLLRDHUP};
	char buf[256];
	ssize_t n;

	if (poll(&pfd, 1, 0) <= 0 || !pfd.revents)
		return 0;
	if (pfd.revents & (POLLERR | POLLHUP | POLLRDHUP))
		return -ECONNRESET;
	n = recv(sl->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (n == 0)
		return -ECONNRESET;
	return 0;
}

/* UDP: the probe datagram went out a tick ago; no refusal means delivered. */
static int judge_probe(struct ward_syslog *sl)
{
	int err = pending_error(sl->fd);

	if (err)
		return err;
	queue_pop(sl);
	sl->sent++;
	came_up(sl);
	return 0;
}

/* Send the head message (or its rest). 1: all of it, 0: try later, or a negative errno. */
static int send_head(struct ward_syslog *sl)
{
	struct message *m = queue_head(sl);
	ssize_t n;

	n = send(sl->fd, m->data + sl->head_off, m->len - sl->head_off, MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == ENOBUFS ? 0 : -errno;
	sl->head_off += n;
	return sl->head_off == m->len;
}

static int drain(struct ward_syslog *sl)
{
	int ret;

	while (sl->count && !sl->probing) {
		ret = send_head(sl);
		if (ret == -EMSGSIZE) {
			queue_pop(sl);
			sl->unsent++;
			continue;
		}
		if (ret == -ECONNREFUSED && sl->target.transport == WARD_SYSLOG_UDP && sl->sent) {
			sl->sent--; /* the refusal answers the datagram before this one */
			sl->unsent++;
		}
		if (ret <= 0)
			return ret;
		if (!sl->up && sl->target.transport == WARD_SYSLOG_UDP) {
			sl->probing = true;
			return 0;
		}
		queue_pop(sl);
		sl->sent++;
		came_up(sl);
	}
	return 0;
}

static int progress(struct ward_syslog *sl, uint64_t now_ms)
{
	int err;

	if (sl->fd < 0) {
		if (now_ms < sl->next_try_ms)
			return 0;
		err = open_socket(sl, now_ms);
		if (err)
			return err;
	}
	if (sl->connecting) {
		err = finish_connect(sl, now_ms);
		if (err)
			return err < 0 ? err : 0;
	}
	if (sl->target.transport == WARD_SYSLOG_TCP) {
		err = check_peer(sl);
		if (err)
			return err;
	}
	if (sl->probing) {
		err = judge_probe(sl);
		if (err)
			return err;
	}
	return drain(sl);
}

static void flush(struct ward_syslog *sl, uint64_t now_ms)
{
	int err;

	if (!sl->count && sl->fd < 0)
		return;
	err = progress(sl, now_ms);
	if (err)
		went_down(sl, now_ms, err);
}

void ward_syslog_send(struct ward_syslog *sl, const char *line, size_t len, uint64_t now_ms)
{
	enqueue(sl, line, len);
	flush(sl, now_ms);
}

void ward_syslog_tick(struct ward_syslog *sl, uint64_t now_ms)
{
	flush(sl, now_ms);
}

void ward_syslog_get_stats(const struct ward_syslog *sl, struct ward_syslog_stats *out)
{
	out->sent = sl->sent;
	out->unsent = sl->unsent;
	out->queued = sl->count;
	out->connected = sl->up;
}

uint64_t ward_syslog_backoff_ms(const struct ward_syslog *sl)
{
	return sl->wait_ms;
}

void ward_syslog_close(struct ward_syslog *sl, uint64_t now_ms, struct ward_syslog_stats *last)
{
	if (!sl)
		return;
	if (sl->count && sl->fd < 0)
		sl->next_try_ms = now_ms; /* one last try, whatever the back-off */
	flush(sl, now_ms);
	if (sl->probing && !pending_error(sl->fd)) {
		queue_pop(sl);
		sl->sent++;
	}
	sl->unsent += sl->count;
	if (sl->unsent)
		pr_warn("syslog collector %s: %llu events could not be sent to it since the agent "
			"started (%llu were); all are in the events file",
			sl->url, (unsigned long long)sl->unsent, (unsigned long long)sl->sent);
	while (sl->count)
		queue_pop(sl);
	if (last)
		ward_syslog_get_stats(sl, last);
	close_socket(sl);
	free(sl->queue);
	free(sl->url);
	free(sl);
}
