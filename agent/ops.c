// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What `ward run` does for the hospital's operations (docs/operations.md):
 * every event line also to a syslog collector (--syslog, syslog.h), and the
 * counters as a Prometheus textfile (--metrics, metrics.h). cmd_run.c calls
 * these at four points: after parsing its options, for each event line, at
 * each tick of its loop, and when it stops.
 */
#include <errno.h>

#include "agent.h"
#include "log.h"

int agent_ops_open(struct agent *agent, const char *syslog_url, const char *metrics_path)
{
	int err;

	agent->start_ns = ward_clock_now_ns();
	if (syslog_url) {
		err = ward_syslog_open(syslog_url, WARD_SYSLOG_QUEUE_MAX, &agent->syslog);
		if (err)
			return err;
	}
	if (metrics_path) {
		err = ward_metrics_open(metrics_path, agent->pin_dir, &agent->metrics);
		if (err)
			goto close_syslog;
	}
	return 0;

close_syslog:
	ward_syslog_close(agent->syslog, ward_syslog_now_ms(), NULL);
	agent->syslog = NULL;
	return err;
}

void agent_ops_emit(struct agent *agent)
{
	if (agent->syslog && !agent->line.err && agent->line.data)
		ward_syslog_send(agent->syslog, agent->line.data, agent->line.len,
				 ward_syslog_now_ms());
}

void agent_ops_tick(struct agent *agent)
{
	struct ward_metrics_agent info = {.maps = &agent->maps, .start_ns = agent->start_ns};
	uint64_t now = ward_syslog_now_ms();

	if (agent->syslog) {
		ward_syslog_tick(agent->syslog, now);
		info.has_syslog = true;
		ward_syslog_get_stats(agent->syslog, &info.syslog);
	}
	if (agent->metrics)
		ward_metrics_tick(agent->metrics, now, &info);
}

/* The syslog sender first, so that the last metrics count what it could not send. */
void agent_ops_close(struct agent *agent)
{
	struct ward_metrics_agent info = {.maps = &agent->maps, .start_ns = agent->start_ns};

	if (agent->syslog) {
		info.has_syslog = true;
		ward_syslog_close(agent->syslog, ward_syslog_now_ms(), &info.syslog);
		agent->syslog = NULL;
	}
	if (agent->metrics) {
		ward_metrics_write(agent->metrics, &info);
		ward_metrics_close(agent->metrics);
		agent->metrics = NULL;
	}
}
