/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Every event line, also sent to a syslog collector (a SIEM's, or the
 * gateway's rsyslog) as an RFC 5424 message:
 *
 *   <PRI>1 TS HOST ward PID - [ward@32473 event=".." device=".." reason=".."
 *   criticality=".."] {"ts":...}
 *
 * The message is the event's JSON line, unchanged; the structured data repeat
 * the fields a SIEM routes on. The facility is local0; the severity follows
 * the device's criticality (see ward_syslog_severity()).
 *
 * Sending never blocks the agent: sockets are non-blocking, messages wait in
 * a bounded queue while the collector cannot take them, and a collector that
 * is down is tried again with exponential back-off (1 s doubling up to 30 s).
 * What could not be sent (queue overflow, a datagram the kernel reports
 * refused, a message too long) is counted, and the count is logged when the
 * collector comes back and when the agent stops. The events file is written
 * whatever happens here.
 *
 * Transports: udp://HOST:PORT (RFC 5426, one message a datagram),
 * tcp://HOST:PORT (RFC 6587 octet counting: "LEN MSG"), unix:PATH (a
 * datagram socket such as /dev/log). HOST is a name, an IPv4 address or an
 * IPv6 address in brackets; a name is resolved once, when the agent starts.
 */
#ifndef WARD_SYSLOG_H
#define WARD_SYSLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/un.h>

#define WARD_SYSLOG_FACILITY	   16	 /* local0 */
#define WARD_SYSLOG_QUEUE_MAX	   4096	 /* messages waiting for the collector */
#define WARD_SYSLOG_MSG_MAX	   65000 /* longest message sent (fits one datagram) */
#define WARD_SYSLOG_BACKOFF_MIN_MS 1000
#define WARD_SYSLOG_BACKOFF_MAX_MS 30000
#define WARD_SYSLOG_SD_ID	   "ward@32473"

/* RFC 5424 severities ward uses. */
enum ward_syslog_severity {
	WARD_SLOG_CRIT = 2,
	WARD_SLOG_ERR = 3,
	WARD_SLOG_WARNING = 4,
	WARD_SLOG_NOTICE = 5,
	WARD_SLOG_INFO = 6,
};

enum ward_syslog_transport {
	WARD_SYSLOG_UDP,
	WARD_SYSLOG_TCP,
	WARD_SYSLOG_UNIX,
};

/* Where messages go, as parsed from the --syslog argument. */
struct ward_syslog_target {
	enum ward_syslog_transport transport;
	char host[256];						/* UDP, TCP: without brackets */
	char port[6];						/* UDP, TCP: decimal, 1 to 65535 */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* UNIX */
};

/* Counts for metrics and logs, since the agent started. */
struct ward_syslog_stats {
	uint64_t sent;	 /* handed whole to the kernel */
	uint64_t unsent; /* given up on: see the file's comment */
	uint64_t queued; /* waiting now */
	bool connected;	 /* the last attempt to send succeeded */
};

struct ward_syslog;

/*
 * Parse @url (udp://HOST:PORT, tcp://HOST:PORT, unix:PATH) into @t.
 * Returns 0 or -EINVAL.
 */
int ward_syslog_parse_url(const char *url, struct ward_syslog_target *t);

/*
 * The severity of an event, from its "event" and "criticality" values
 * (@criticality NULL when the event has none): a device's event is crit for
 * life-critical, err for clinical, warning for administrative; an event of
 * a host no device matches is warning (drop, would-drop) or notice
 * (host-seen); policy-rejected, events-lost and detached are notice; the
 * agent's other events are info.
 */
enum ward_syslog_severity ward_syslog_severity(const char *event, const char *criticality);

/*
 * Format the event @line (@len bytes, one JSON object, no newline) as an
 * RFC 5424 message from @hostname and @pid into a new buffer: *@out (free()
 * it) holding *@out_len bytes. Returns 0, -EINVAL when the line is not an
 * event, or -ENOMEM.
 */
int ward_syslog_format(const char *line, size_t len, const char *hostname, long pid, char **out,
		       size_t *out_len);

/*
 * Parse @url, resolve its host, and set up sending to it, keeping at most
 * @queue_max messages while the collector is away. No connection is needed
 * yet: the first one is tried on the first message. Returns 0, -EINVAL
 * (a bad URL or an unknown host, logged) or -ENOMEM.
 */
int ward_syslog_open(const char *url, size_t queue_max, struct ward_syslog **out);

/*
 * Queue @line (an event line, as written to the events file) and send what
 * the collector takes now. @now_ms is CLOCK_MONOTONIC in milliseconds.
 */
void ward_syslog_send(struct ward_syslog *sl, const char *line, size_t len, uint64_t now_ms);

/* Retry and send what waits, when the back-off allows. Call it at every tick. */
void ward_syslog_tick(struct ward_syslog *sl, uint64_t now_ms);

void ward_syslog_get_stats(const struct ward_syslog *sl, struct ward_syslog_stats *out);

/* The wait between tries, while the collector is away (1 s doubling to 30 s); 0 when up. */
uint64_t ward_syslog_backoff_ms(const struct ward_syslog *sl);

/*
 * Try once more to send what waits, count what is left as unsent, log the
 * totals, fill @last (when not NULL) with the final counts, and free @sl
 * (NULL is fine).
 */
void ward_syslog_close(struct ward_syslog *sl, uint64_t now_ms, struct ward_syslog_stats *last);

/* CLOCK_MONOTONIC in milliseconds, the clock of ward_syslog_send() and _tick(). */
uint64_t ward_syslog_now_ms(void);

#endif /* WARD_SYSLOG_H */
