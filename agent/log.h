/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * ward's one logger: messages to stderr, prefixed "ward: ", warnings and
 * errors always, informational messages with -v, debug (and libbpf's own
 * chatter) with -vv. Callers do not end messages with a newline.
 */
#ifndef WARD_LOG_H
#define WARD_LOG_H

enum ward_log_level {
	WARD_LOG_ERROR,
	WARD_LOG_WARN,
	WARD_LOG_INFO,
	WARD_LOG_DEBUG,
};

void ward_log_set_verbosity(int verbosity);
int ward_log_verbosity(void);
void ward_log(enum ward_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Route libbpf's messages through ward_log() at debug level. */
void ward_log_route_libbpf(void);

#define pr_err(...)   ward_log(WARD_LOG_ERROR, __VA_ARGS__)
#define pr_warn(...)  ward_log(WARD_LOG_WARN, __VA_ARGS__)
#define pr_info(...)  ward_log(WARD_LOG_INFO, __VA_ARGS__)
#define pr_debug(...) ward_log(WARD_LOG_DEBUG, __VA_ARGS__)

#endif /* WARD_LOG_H */
