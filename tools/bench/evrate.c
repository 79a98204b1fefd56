// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The event throughput test of evrate.h: a flooding thread, a draining
 * thread, then the accounting read back from the file and the maps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "events.h"
#include "evrate.h"
#include "log.h"
#include "maps.h"
#include "sink.h"

#define FLOOD_BATCH   20000
#define DRAIN_POLL_MS 10
#define CLOCK_EVERY   1024 /* events between two looks at the clock */
#define TIME_UP	      (-EINTR)

struct flood {
	const struct bench_evrate_setup *setup;
	atomic_bool stop;
	uint64_t packets;
	int err;
};

struct drain {
	const struct bench_evrate_setup *setup;
	struct ward_sink *sink;
	struct ward_jbuf line;
	int64_t clock_offset;
	struct ward_name_table table;
	struct ward_device_name *names;
	struct ward_iface_name iface;
	double end;    /* when the flood stops, CLOCK_MONOTONIC seconds */
	bool flooding; /* stop ring_buffer__poll() at the end */
	uint64_t seen;
	int err;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	const struct bench_evrate_setup *s = f->setup;
	struct bench_run run;

	f->err = bench_pin_cpu(s->flood_cpu);
	while (!f->err && !atomic_load(&f->stop)) {
		f->err = bench_test_run(s->driver_fd, BENCH_XDP, &s->frame, s->ifindex, FLOOD_BATCH,
					&run);
		f->packets += FLOOD_BATCH;
	}
	return NULL;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct drain *d = ctx;
	struct ward_event_names names;
	const struct ward_event *ev = data;
	int err;

	if (size < sizeof(*ev))
		return 0;
	ward_event_names_resolve(&d->table, 1, &d->iface, 1, ev, &names);
	err = ward_event_format_packet(&d->line, ev, &names, d->clock_offset);
	if (!err)
		err = ward_sink_append(d->sink, &d->line); /* written by the batch's flush */
	if (err) {
		d->err = err;
		return err;
	}

	/*
	 * ring_buffer__poll() returns only when the ring is empty, which a
	 * flood faster than the drain never lets happen: stop it at the end.
	 */
	if (d->flooding && ++d->seen % CLOCK_EVERY == 0 && now_s() >= d->end)
		return TIME_UP;
	return 0;
}

static int drain_open(struct drain *d, const struct bench_evrate_setup *s)
{
	int err;

	d->setup = s;
	d->clock_offset = ward_clock_offset_ns();
	ward_jbuf_init(&d->line);
	d->names = calloc(s->device_id + 1, sizeof(*d->names));
	if (!d->names)
		return -ENOMEM;
	d->names[s->device_id] = (struct ward_device_name){s->device_name, WARD_CRIT_CLINICAL};
	d->table = (struct ward_name_table){s->generation, d->names, s->device_id + 1};
	d->iface.ifindex = (uint32_t)s->ifindex;
	snprintf(d->iface.name, sizeof(d->iface.name), "%s", s->iface_name);

	remove(s->path);
	err = ward_sink_open(s->path, &d->sink);
	if (err)
		pr_err("cannot open %s: %s", s->path, strerror(-err));
	return err;
}

static void drain_close(struct drain *d)
{
	if (d->sink)
		ward_sink_close(d->sink);
	ward_jbuf_free(&d->line);
	free(d->names);
}

/* Drain while the flood runs, then what is left. Returns 0 or -errno. */
static int drain_run(struct drain *d, struct ring_buffer *rb, struct flood *f, double *seconds)
{
	double start = now_s();
	pthread_t tid;
	int n = 0;

	d->end = start + d->setup->seconds;
	d->flooding = true;
	if (pthread_create(&tid, NULL, flood_thread, f))
		return -EAGAIN;

	while (now_s() < d->end && n >= 0) {
		ward_sink_batch_begin(d->sink);
		n = ring_buffer__poll(rb, DRAIN_POLL_MS);
	}
	atomic_store(&f->stop, true);
	pthread_join(tid, NULL);
	*seconds = now_s() - start;
	if (n == TIME_UP && !d->err)
		n = 0;

	/* What the flood left in the ring: the last of its events. */
	d->flooding = false;
	while (n >= 0 && !d->err) {
		ward_sink_batch_begin(d->sink);
		n = ring_buffer__consume(rb);
		if (n == 0)
			break;
	}
	if (!d->err)
		d->err = ward_sink_flush(d->sink);
	if (d->err)
		return d->err;
	if (f->err)
		return f->err;
	return n < 0 ? n : 0;
}

/* Lines of the file and the packets they stand for. */
static int count_file(const char *path, uint64_t *lines, uint64_t *packets)
{
	struct ward_jobj obj;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t count;
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	*lines = *packets = 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (ward_json_parse(line, (size_t)len, &obj))
			continue;
		if (!ward_jobj_uint(&obj, "count", &count)) {
			(*lines)++;
			*packets += count;
		}
		ward_jobj_free(&obj);
	}
	free(line);
	fclose(f);
	return 0;
}

static int read_counters(const struct bench_evrate_setup *s, struct bench_evrate *out)
{
	struct ward_counters sum;
	int err;

	err = ward_maps_counters(s->maps, s->device_id, &sum);
	if (err)
		return err;
	out->dropped = sum.dropped[WARD_REASON_NO_RULE];
	out->lost = sum.event_lost[WARD_REASON_NO_RULE];
	return 0;
}

static int read_held(const struct bench_evrate_setup *s, struct bench_evrate *out)
{
	struct ward_suppress_key key, next;
	struct ward_suppress val;
	void *prev = NULL;

	while (!bpf_map_get_next_key(s->suppress_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(s->suppress_fd, &key, &val))
			continue;
		if (key.device_id == s->device_id && key.reason == WARD_REASON_NO_RULE)
			out->held += val.held;
	}
	return errno == ENOENT ? 0 : -errno;
}

int bench_evrate_run(const struct bench_evrate_setup *setup, struct bench_evrate *out)
{
	struct flood f = {.setup = setup};
	struct drain d = {};
	struct ring_buffer *rb;
	int err;

	memset(out, 0, sizeof(*out));
	err = drain_open(&d, setup);
	if (err)
		goto close_drain;

	rb = ring_buffer__new(setup->ringbuf_fd, on_event, &d, NULL);
	if (!rb) {
		err = -errno;
		goto close_drain;
	}

	err = bench_pin_cpu(setup->drain_cpu);
	if (!err)
		err = drain_run(&d, rb, &f, &out->seconds);
	out->flooded = f.packets;
	ring_buffer__free(rb);
	if (err)
		goto close_drain;

	/* The accounting: delivered + held + lost must equal dropped. */
	err = count_file(setup->path, &out->lines, &out->delivered);
	if (!err)
		err = read_counters(setup, out);
	if (!err)
		err = read_held(setup, out);
close_drain:
	drain_close(&d);
	bench_pin_cpu(setup->flood_cpu);
	return err;
}
