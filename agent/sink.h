/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Where event lines go: a file that ward appends to and that logrotate may
 * rename or remove at any time, or standard output. Each line is one
 * write(2) on a file opened O_APPEND, so a reader never sees half a line
 * and several writers never interleave within one.
 */
#ifndef WARD_SINK_H
#define WARD_SINK_H

#include "json.h"

/*
 * Where lines go: a file, appended to, or standard output for "-". The file
 * is created mode 0640, and its directory mode 0750 when missing.
 */
struct ward_sink;

/* Returns 0, or a negative errno when the file cannot be opened (logged). */
int ward_sink_open(const char *path, struct ward_sink **out);

/*
 * Call before each batch of lines: when the path no longer names the open
 * file (logrotate renamed or removed it), close it and open the path anew,
 * so later lines land in the new file and none is lost. Returns 0 or a
 * negative errno (the old file stays open).
 */
int ward_sink_batch_begin(struct ward_sink *sink);

/* Append @line and a newline in one write. Returns 0 or a negative errno. */
int ward_sink_write(struct ward_sink *sink, const struct ward_jbuf *line);

void ward_sink_close(struct ward_sink *sink);

#endif /* WARD_SINK_H */
