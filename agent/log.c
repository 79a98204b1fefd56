// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The logger declared in log.h.
 */
#include <stdarg.h>
#include <stdio.h>

#include <bpf/libbpf.h>

#include "log.h"

static int log_verbosity;

void ward_log_set_verbosity(int verbosity)
{
	log_verbosity = verbosity;
}

int ward_log_verbosity(void)
{
	return log_verbosity;
}

static int level_shown(enum ward_log_level level)
{
	switch (level) {
	case WARD_LOG_ERROR:
	case WARD_LOG_WARN:
		return 1;
	case WARD_LOG_INFO:
		return log_verbosity >= 1;
	case WARD_LOG_DEBUG:
		return log_verbosity >= 2;
	}
	return 0;
}

static const char *level_prefix(enum ward_log_level level)
{
	switch (level) {
	case WARD_LOG_ERROR:
		return "error: ";
	case WARD_LOG_WARN:
		return "warning: ";
	default:
		return "";
	}
}

void ward_log(enum ward_log_level level, const char *fmt, ...)
{
	va_list ap;

	if (!level_shown(level))
		return;

	fprintf(stderr, "ward: %s", level_prefix(level));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (log_verbosity < 2)
		return 0;

	fputs("ward: libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

void ward_log_route_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
