// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Tests of agent/syslog.c:
 *  - the --syslog URL forms, and the ones refused;
 *  - severity by criticality and event, and the RFC 5424 message byte for
 *    byte, with SD-PARAM escaping;
 *  - delivery over a unix datagram socket, TCP with octet counting and UDP,
 *    with collectors that are away at first, the back-off between tries, the
 *    bounded queue and the count of what could not be sent.
 * Network traffic stays on 127.0.0.1, on ports the kernel picks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <cmocka.h>

#include "syslog.h"

#define LINE_DROP                                                                                  \
	"{\"ts\":\"2026-12-03T18:17:57.123456Z\",\"event\":\"drop\",\"iface\":\"dev0\","           \
	"\"device\":\"icu-pump-1\",\"criticality\":\"life-critical\",\"direction\":\"to-device\"," \
	"\"reason\":\"no-rule\",\"proto\":\"tcp\",\"count\":1}"

static void test_parse_url_forms(void **state)
{
	struct ward_syslog_target t;

	assert_int_equal(ward_syslog_parse_url("udp://siem.example:514", &t), 0);
	assert_int_equal(t.transport, WARD_SYSLOG_UDP);
	assert_string_equal(t.host, "siem.example");
	assert_string_equal(t.port, "514");

	assert_int_equal(ward_syslog_parse_url("tcp://[2001:db8::1]:6514", &t), 0);
	assert_int_equal(t.transport, WARD_SYSLOG_TCP);
	assert_string_equal(t.host, "2001:db8::1");
	assert_string_equal(t.port, "6514");

	assert_int_equal(ward_syslog_parse_url("unix:/dev/log", &t), 0);
	assert_int_equal(t.transport, WARD_SYSLOG_UNIX);
	assert_string_equal(t.path, "/dev/log");
}

static void test_parse_url_refuses_bad_forms(void **state)
{
	static const char *const bad[] = {
		"udp://host",	    "udp://:514",     "udp://host:0",
		"udp://host:65536", "udp://host:51x", "tcp://2001:db8::1:514",
		"tcp://[::1]514",   "http://host:80", "unix:",
		"host:514",	    "udp://host:",
	};
	struct ward_syslog_target t;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ward_syslog_parse_url(bad[i], &t), -EINVAL);
}

static void test_severity_follows_criticality(void **state)
{
	assert_int_equal(ward_syslog_severity("drop", "life-critical"), 2);
	assert_int_equal(ward_syslog_severity("would-drop", "clinical"), 3);
	assert_int_equal(ward_syslog_severity("drop", "administrative"), 4);
	assert_int_equal(ward_syslog_severity("drop", NULL), 4);
	assert_int_equal(ward_syslog_severity("host-seen", NULL), 5);
	assert_int_equal(ward_syslog_severity("policy-rejected", NULL), 5);
	assert_int_equal(ward_syslog_severity("events-lost", NULL), 5);
	assert_int_equal(ward_syslog_severity("detached", NULL), 5);
	assert_int_equal(ward_syslog_severity("policy-loaded", NULL), 6);
	assert_int_equal(ward_syslog_severity("attached", NULL), 6);
	assert_int_equal(ward_syslog_severity("agent-start", NULL), 6);
	assert_int_equal(ward_syslog_severity("agent-stop", NULL), 6);
}

static void test_format_is_rfc5424_with_the_line_as_message(void **state)
{
	const char *want = "<130>1 2026-12-03T18:17:57.123456Z gw1 ward 42 - [ward@32473 "
			   "event=\"drop\" device=\"icu-pump-1\" reason=\"no-rule\" "
			   "criticality=\"life-critical\"] " LINE_DROP;
	size_t len;
	char *msg;

	assert_int_equal(ward_syslog_format(LINE_DROP, strlen(LINE_DROP), "gw1", 42, &msg, &len),
			 0);
	assert_int_equal(len, strlen(want));
	assert_memory_equal(msg, want, len);
	free(msg);
}

static void test_format_agent_event_has_only_its_params(void **state)
{
	const char *line = "{\"ts\":\"2026-12-03T18:00:00.000001Z\",\"event\":\"agent-start\","
			   "\"version\":\"0.1.0\",\"pid\":7}";
	size_t len;
	char *msg;

	assert_int_equal(ward_syslog_format(line, strlen(line), "gw1", 7, &msg, &len), 0);
	assert_true(len > strlen(line));
	assert_memory_equal(msg,
			    "<134>1 2026-12-03T18:00:00.000001Z gw1 ward 7 - "
			    "[ward@32473 event=\"agent-start\"] {",
			    strlen("<134>1 2026-12-03T18:00:00.000001Z gw1 ward 7 - "
				   "[ward@32473 event=\"agent-start\"] {"));
	free(msg);
}

static void test_format_escapes_sd_param_values(void **state)
{
	const char *line = "{\"event\":\"drop\",\"device\":\"a\\\"b\\\\c]d\","
			   "\"criticality\":\"clinical\"}";
	size_t len;
	char *msg;

	assert_int_equal(ward_syslog_format(line, strlen(line), "gw1", 1, &msg, &len), 0);
	/* no ts: NILVALUE; clinical: err(3) of local0 = 131 */
	assert_non_null(strstr(msg, "<131>1 - gw1 ward 1 - [ward@32473 event=\"drop\" "
				    "device=\"a\\\"b\\\\c\\]d\" criticality=\"clinical\"] {"));
	free(msg);
}

static void test_format_refuses_what_is_not_an_event(void **state)
{
	size_t len;
	char *msg;

	assert_int_equal(ward_syslog_format("{\"x\":1}", 7, "h", 1, &msg, &len), -EINVAL);
	assert_null(msg);
	assert_int_equal(ward_syslog_format("not json", 8, "h", 1, &msg, &len), -EINVAL);
}

/* A line whose event is "drop" and whose device is dev-N. */
static size_t numbered_line(char *buf, size_t size, int n)
{
	return snprintf(buf, size,
			"{\"event\":\"drop\",\"device\":\"dev-%d\","
			"\"criticality\":\"administrative\"}",
			n);
}

struct unix_fixture {
	char dir[64];
	char path[128];
	char url[140];
	int rx;
};

static int unix_setup(void **state)
{
	struct unix_fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	strcpy(fx->dir, "/tmp/ward-test-syslog-XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/log.sock", fx->dir);
	snprintf(fx->url, sizeof(fx->url), "unix:%s", fx->path);
	fx->rx = -1;
	*state = fx;
	return 0;
}

static int unix_teardown(void **state)
{
	struct unix_fixture *fx = *state;

	if (fx->rx >= 0)
		close(fx->rx);
	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void unix_listen(struct unix_fixture *fx)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};

	strcpy(sun.sun_path, fx->path);
	fx->rx = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fx->rx >= 0);
	assert_int_equal(bind(fx->rx, (struct sockaddr *)&sun, sizeof(sun)), 0);
}

/* The device name in the next datagram waiting on @fd, or "" when none waits. */
static void next_device(int fd, char *dev, size_t size)
{
	char buf[4096], *p, *end;
	ssize_t n;

	dev[0] = '\0';
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	if (n <= 0)
		return;
	buf[n] = '\0';
	p = strstr(buf, "device=\"");
	assert_non_null(p);
	p += strlen("device=\"");
	end = strchr(p, '"');
	assert_non_null(end);
	snprintf(dev, size, "%.*s", (int)(end - p), p);
}

static void send_numbered(struct ward_syslog *sl, int from, int to, uint64_t now)
{
	char line[256];
	size_t len;
	int i;

	for (i = from; i <= to; i++) {
		len = numbered_line(line, sizeof(line), i);
		ward_syslog_send(sl, line, len, now);
	}
}

static void test_unix_delivers_each_event_as_a_datagram(void **state)
{
	struct unix_fixture *fx = *state;
	struct ward_syslog_stats st;
	struct ward_syslog *sl;
	char dev[64];

	unix_listen(fx);
	assert_int_equal(ward_syslog_open(fx->url, 16, &sl), 0);
	send_numbered(sl, 1, 3, 1000);
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.sent, 3);
	assert_int_equal(st.unsent, 0);
	assert_int_equal(st.queued, 0);
	assert_true(st.connected);
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-1");
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-2");
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-3");
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "");
	ward_syslog_close(sl, 1000, NULL);
}

static void test_collector_away_queues_backs_off_then_delivers(void **state)
{
	struct unix_fixture *fx = *state;
	struct ward_syslog_stats st;
	struct ward_syslog *sl;
	char dev[64];

	assert_int_equal(ward_syslog_open(fx->url, 16, &sl), 0);
	send_numbered(sl, 1, 2, 1000);
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.queued, 2);
	assert_false(st.connected);
	assert_int_equal(ward_syslog_backoff_ms(sl), 1000);

	unix_listen(fx);
	ward_syslog_tick(sl, 1999); /* the first retry is due at 2000 */
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.queued, 2);
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "");

	ward_syslog_tick(sl, 2000);
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.sent, 2);
	assert_int_equal(st.unsent, 0);
	assert_int_equal(st.queued, 0);
	assert_int_equal(ward_syslog_backoff_ms(sl), 0);
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-1");
	ward_syslog_close(sl, 2000, NULL);
}

static void test_backoff_doubles_up_to_its_cap(void **state)
{
	struct unix_fixture *fx = *state;
	static const uint64_t waits[] = {1000, 2000, 4000, 8000, 16000, 30000, 30000};
	struct ward_syslog *sl;
	uint64_t now = 1000;
	size_t i;

	assert_int_equal(ward_syslog_open(fx->url, 16, &sl), 0);
	send_numbered(sl, 1, 1, now);
	for (i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		assert_int_equal(ward_syslog_backoff_ms(sl), waits[i]);
		ward_syslog_tick(sl, now + waits[i] - 1); /* too early: no try, no change */
		assert_int_equal(ward_syslog_backoff_ms(sl), waits[i]);
		now += waits[i];
		ward_syslog_tick(sl, now);
	}
	ward_syslog_close(sl, now, NULL);
}

static void test_full_queue_gives_up_oldest_and_counts_them(void **state)
{
	struct unix_fixture *fx = *state;
	struct ward_syslog_stats st;
	struct ward_syslog *sl;
	char dev[64];

	assert_int_equal(ward_syslog_open(fx->url, 3, &sl), 0);
	send_numbered(sl, 1, 5, 0);
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.queued, 3);
	assert_int_equal(st.unsent, 2);

	unix_listen(fx);
	ward_syslog_tick(sl, 60000);
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.sent, 3);
	assert_int_equal(st.unsent, 2);
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-3");
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-4");
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-5");
	ward_syslog_close(sl, 60000, NULL);
}

static void test_close_tries_once_more_whatever_the_backoff(void **state)
{
	struct unix_fixture *fx = *state;
	struct ward_syslog_stats st;
	struct ward_syslog *sl;
	char dev[64];

	assert_int_equal(ward_syslog_open(fx->url, 8, &sl), 0);
	send_numbered(sl, 1, 4, 0);
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.queued, 4);
	unix_listen(fx);
	ward_syslog_close(sl, 100, NULL); /* the retry would be due at 1000 */
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-1");
	next_device(fx->rx, dev, sizeof(dev));
	next_device(fx->rx, dev, sizeof(dev));
	next_device(fx->rx, dev, sizeof(dev));
	assert_string_equal(dev, "dev-4");
}

static int listen_inet(int type, uint16_t *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t len = sizeof(sin);
	int fd;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, type, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

static void test_tcp_frames_by_octet_counting(void **state)
{
	struct ward_syslog_stats st;
	struct ward_syslog *sl;
	char url[64], buf[8192], *sp, *msg;
	uint16_t port;
	size_t got = 0, flen;
	int lfd, cfd, i;
	ssize_t n;

	lfd = listen_inet(SOCK_STREAM, &port);
	snprintf(url, sizeof(url), "tcp://127.0.0.1:%u", port);
	assert_int_equal(ward_syslog_open(url, 16, &sl), 0);
	ward_syslog_send(sl, LINE_DROP, strlen(LINE_DROP), 0); /* connecting */
	for (i = 1; i <= 20; i++) {
		usleep(1000);
		ward_syslog_tick(sl, i);
	}
	ward_syslog_send(sl, LINE_DROP, strlen(LINE_DROP), 21);
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.sent, 2);

	cfd = accept(lfd, NULL, NULL);
	assert_true(cfd >= 0);
	while (got < sizeof(buf) - 1) {
		n = recv(cfd, buf + got, sizeof(buf) - 1 - got, MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += n;
	}
	buf[got] = '\0';
	ward_syslog_format(LINE_DROP, strlen(LINE_DROP), "x", 1, &msg, &flen);
	free(msg);
	/* two frames: "LEN <130>1 ...", each LEN bytes after the space */
	sp = strchr(buf, ' ');
	assert_non_null(sp);
	flen = strtoul(buf, NULL, 10);
	assert_memory_equal(sp + 1, "<130>1 ", 7);
	assert_true(sp + 1 + flen < buf + got);
	assert_memory_equal(sp + 1 + flen - 20, LINE_DROP + strlen(LINE_DROP) - 20, 20);
	sp = strchr(sp + 1 + flen, ' ');
	assert_non_null(sp);
	assert_int_equal(sp + 1 + flen, buf + got);

	ward_syslog_close(sl, 30, NULL);
	close(cfd);
	close(lfd);
}

static void test_udp_refused_probe_is_kept_not_lost(void **state)
{
	struct ward_syslog_stats st;
	struct ward_syslog *sl;
	char url[64], buf[4096];
	uint16_t port;
	int fd;

	/* find a free port, then leave it closed: the kernel answers port unreachable */
	fd = listen_inet(SOCK_DGRAM, &port);
	close(fd);
	snprintf(url, sizeof(url), "udp://127.0.0.1:%u", port);
	assert_int_equal(ward_syslog_open(url, 16, &sl), 0);
	ward_syslog_send(sl, LINE_DROP, strlen(LINE_DROP), 0); /* the probe */
	ward_syslog_tick(sl, 200);			       /* refused */
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.sent, 0);
	assert_int_equal(st.unsent, 0);
	assert_int_equal(st.queued, 1);
	assert_false(st.connected);

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	{
		struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(port)};

		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	}
	ward_syslog_tick(sl, 1200); /* probe again, now delivered */
	ward_syslog_tick(sl, 1400); /* no refusal: it counts as sent */
	ward_syslog_get_stats(sl, &st);
	assert_int_equal(st.sent, 1);
	assert_int_equal(st.unsent, 0);
	assert_int_equal(st.queued, 0);
	assert_true(st.connected);
	assert_true(recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0);
	assert_memory_equal(buf, "<130>1 ", 7);

	ward_syslog_close(sl, 1400, NULL);
	close(fd);
}

static void test_open_refuses_bad_url(void **state)
{
	struct ward_syslog *sl = NULL;

	assert_int_equal(ward_syslog_open("syslog://x:1", 4, &sl), -EINVAL);
	assert_null(sl);
	ward_syslog_close(NULL, 0, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_url_forms),
		cmocka_unit_test(test_parse_url_refuses_bad_forms),
		cmocka_unit_test(test_severity_follows_criticality),
		cmocka_unit_test(test_format_is_rfc5424_with_the_line_as_message),
		cmocka_unit_test(test_format_agent_event_has_only_its_params),
		cmocka_unit_test(test_format_escapes_sd_param_values),
		cmocka_unit_test(test_format_refuses_what_is_not_an_event),
		cmocka_unit_test_setup_teardown(test_unix_delivers_each_event_as_a_datagram,
						unix_setup, unix_teardown),
		cmocka_unit_test_setup_teardown(test_collector_away_queues_backs_off_then_delivers,
						unix_setup, unix_teardown),
		cmocka_unit_test_setup_teardown(test_backoff_doubles_up_to_its_cap, unix_setup,
						unix_teardown),
		cmocka_unit_test_setup_teardown(test_full_queue_gives_up_oldest_and_counts_them,
						unix_setup, unix_teardown),
		cmocka_unit_test_setup_teardown(test_close_tries_once_more_whatever_the_backoff,
						unix_setup, unix_teardown),
		cmocka_unit_test(test_tcp_frames_by_octet_counting),
		cmocka_unit_test(test_udp_refused_probe_is_kept_not_lost),
		cmocka_unit_test(test_open_refuses_bad_url),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
