/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Where event lines go: a file that ward appends to and that logrotate may
 * rename or remove at any time, or standard output. Lines go out whole, in
 * one write(2) on a file opened O_APPEND each (ward_sink_write()) or several
 * at once (ward_sink_append() then ward_sink_flush(), for a batch drained
 * from the ring buffer), so a reader never sees half a line and several
 * writers never interleave within one.
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

/*
 * Append @line and a newline in one write, after any appended lines still
 * held. Returns 0 or a negative errno.
 */
int ward_sink_write(struct ward_sink *sink, const struct ward_jbuf *line);

/*
 * Hold @line and a newline for the next flush; a flush happens by itself
 * when WARD_SINK_HOLD bytes are held. Returns 0 or a negative errno (from
 * that flush, or -ENOMEM).
 */
#define WARD_SINK_HOLD (64 * 1024)
int ward_sink_append(struct ward_sink *sink, const struct ward_jbuf *line);

/*
 * Write the lines held, in one write when the kernel takes it whole. On an
 * error the lines not written are dropped. A NULL @sink holds nothing.
 * Returns 0 or a negative errno.
 */
int ward_sink_flush(struct ward_sink *sink);

/* Flushes what is held, then closes. */
void ward_sink_close(struct ward_sink *sink);

#endif /* WARD_SINK_H */
