// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Figures from series, and the table and JSON that show them.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "jsonout.h"
#include "report.h"

#define FIG_PREFIX "fig."

int bench_note(struct bench_report *rep, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int n;

	if (rep->nnotes == sizeof(rep->notes) / sizeof(rep->notes[0]))
		return -ENOSPC;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;

	rep->notes[rep->nnotes++] = line;
	return 0;
}

static int compute_figure(struct bench_report *rep, const struct bench_figure *fig)
{
	const struct bench_series *num, *den = NULL;
	char name[BENCH_NAME_MAX];
	size_t n;
	int err;

	num = bench_series_find(rep->res, fig->num);
	if (fig->den)
		den = bench_series_find(rep->res, fig->den);
	if (!num || (fig->den && !den))
		return 0;

	n = den && den->n < num->n ? den->n : num->n;
	snprintf(name, sizeof(name), FIG_PREFIX "%s", fig->id);
	for (size_t i = 0; i < n; i++) {
		double v = den ? num->v[i] / den->v[i] : num->v[i] * fig->scale;

		err = bench_add(rep->res, name, fig->label, fig->unit, v);
		if (err)
			return err;
	}
	return 0;
}

int bench_compute_figures(struct bench_report *rep)
{
	int err;

	for (size_t i = 0; i < rep->nfigures; i++) {
		err = compute_figure(rep, &rep->figures[i]);
		if (err)
			return err;
	}
	return 0;
}

static const struct bench_series *figure_series(const struct bench_report *rep,
						const struct bench_figure *fig)
{
	char name[BENCH_NAME_MAX];

	snprintf(name, sizeof(name), FIG_PREFIX "%s", fig->id);
	return bench_series_find(rep->res, name);
}

static const char *cmp_text(enum bench_cmp cmp)
{
	return cmp == BENCH_AT_MOST ? "<=" : cmp == BENCH_AT_LEAST ? ">=" : "";
}

static const char *verdict(const struct bench_figure *fig, double median)
{
	if (fig->cmp == BENCH_NO_TARGET)
		return "";
	if (fig->cmp == BENCH_AT_MOST)
		return median <= fig->target ? "met" : "MISSED";
	return median >= fig->target ? "met" : "MISSED";
}

/* Three significant digits at least, never exponent form for the sizes we print. */
static void format_value(double v, char *buf, size_t size)
{
	double a = fabs(v);

	if (a >= 1000 || v == floor(v))
		snprintf(buf, size, "%.0f", v);
	else if (a < 1)
		snprintf(buf, size, "%.3g", v);
	else if (a >= 100)
		snprintf(buf, size, "%.1f", v);
	else if (a >= 10)
		snprintf(buf, size, "%.2f", v);
	else
		snprintf(buf, size, "%.3f", v);
}

static void print_row(FILE *out, const char *id, const char *label, const char *unit,
		      const struct bench_summary *sum, const char *target, const char *mark)
{
	char med[32], lo[32], hi[32], range[72];

	format_value(sum->median, med, sizeof(med));
	format_value(sum->min, lo, sizeof(lo));
	format_value(sum->max, hi, sizeof(hi));
	snprintf(range, sizeof(range), "%s - %s", lo, hi);
	fprintf(out, "%-4s %-52s %9s  %-21s %-7s %-11s %s\n", id, label, med, range, unit, target,
		mark);
}

static bool is_figure(const struct bench_series *s)
{
	return !strncmp(s->name, FIG_PREFIX, strlen(FIG_PREFIX));
}

static void print_series(const struct bench_report *rep, FILE *out)
{
	struct bench_summary sum;

	for (size_t i = 0; i < rep->res->count; i++) {
		const struct bench_series *s = &rep->res->items[i];

		if (is_figure(s))
			continue;
		bench_summarize(s, &sum);
		print_row(out, "", s->label, s->unit, &sum, "", "");
	}
}

static void print_figures(const struct bench_report *rep, FILE *out)
{
	struct bench_summary sum;
	char target[32], tv[24];

	for (size_t i = 0; i < rep->nfigures; i++) {
		const struct bench_figure *fig = &rep->figures[i];
		const struct bench_series *s = figure_series(rep, fig);

		snprintf(tv, sizeof(tv), "%.10g", fig->target);
		snprintf(target, sizeof(target), "%s %s", cmp_text(fig->cmp), tv);
		if (fig->cmp == BENCH_NO_TARGET)
			target[0] = '\0';
		if (!s) {
			fprintf(out, "%-4s %-52s %9s  %-21s %-7s %-11s\n", fig->id, fig->label, "-",
				"not measured", "", target);
			continue;
		}
		bench_summarize(s, &sum);
		print_row(out, fig->id, fig->label, fig->unit, &sum, target,
			  verdict(fig, sum.median));
	}
}

void bench_print_table(const struct bench_report *rep, FILE *out)
{
	fprintf(out,
		"ward benchmark: %d interleaved rounds; per-packet costs from "
		"BPF_PROG_TEST_RUN, repeat %u, on CPU %d, minus the bare program's\n",
		rep->rounds, rep->repeat, rep->cpu);
	bench_machine_print(rep->machine, out);
	fprintf(out, "\n%-4s %-52s %9s  %-21s %-7s %-11s %s\n", "id", "measured", "median",
		"min - max", "unit", "target", "");
	print_series(rep, out);
	fputc('\n', out);
	print_figures(rep, out);
	if (rep->nnotes)
		fputc('\n', out);
	for (size_t i = 0; i < rep->nnotes; i++)
		fprintf(out, "note: %s\n", rep->notes[i]);
}

static void json_series(FILE *out, const struct bench_series *s)
{
	struct bench_summary sum;

	bench_summarize(s, &sum);
	fprintf(out, "\"label\":");
	json_string(out, s->label);
	fprintf(out, ",\"unit\":");
	json_string(out, s->unit);
	fprintf(out, ",\"median\":");
	json_number(out, sum.median);
	fprintf(out, ",\"min\":");
	json_number(out, sum.min);
	fprintf(out, ",\"max\":");
	json_number(out, sum.max);
	fprintf(out, ",\"samples\":[");
	for (size_t i = 0; i < s->n; i++) {
		fprintf(out, "%s", i ? "," : "");
		json_number(out, s->v[i]);
	}
	fprintf(out, "]");
}

static void json_measurements(const struct bench_report *rep, FILE *out)
{
	bool first = true;

	fprintf(out, ",\n\"measurements\":{");
	for (size_t i = 0; i < rep->res->count; i++) {
		const struct bench_series *s = &rep->res->items[i];

		if (is_figure(s))
			continue;
		fprintf(out, "%s\n ", first ? "" : ",");
		first = false;
		json_string(out, s->name);
		fprintf(out, ":{");
		json_series(out, s);
		fprintf(out, "}");
	}
	fprintf(out, "}");
}

static void json_figures(const struct bench_report *rep, FILE *out)
{
	struct bench_summary sum;

	fprintf(out, ",\n\"figures\":{");
	for (size_t i = 0; i < rep->nfigures; i++) {
		const struct bench_figure *fig = &rep->figures[i];
		const struct bench_series *s = figure_series(rep, fig);

		fprintf(out, "%s\n ", i ? "," : "");
		json_string(out, fig->id);
		fprintf(out, ":{");
		if (s) {
			json_series(out, s);
			bench_summarize(s, &sum);
		} else {
			fprintf(out, "\"label\":");
			json_string(out, fig->label);
			fprintf(out, ",\"measured\":false");
		}
		if (fig->cmp != BENCH_NO_TARGET) {
			fprintf(out, ",\"target\":{\"op\":\"%s\",\"value\":", cmp_text(fig->cmp));
			json_number(out, fig->target);
			fprintf(out, "}");
			if (s)
				fprintf(out, ",\"met\":%s",
					!strcmp(verdict(fig, sum.median), "met") ? "true"
										 : "false");
		}
		fprintf(out, "}");
	}
	fprintf(out, "}");
}

void bench_print_json(const struct bench_report *rep, FILE *out)
{
	fprintf(out, "{\"machine\":");
	bench_machine_json(rep->machine, out);
	fprintf(out, ",\n\"rounds\":%d,\"repeat\":%u,\"cpu\":%d", rep->rounds, rep->repeat,
		rep->cpu);
	json_measurements(rep, out);
	json_figures(rep, out);
	fprintf(out, ",\n\"notes\":[");
	for (size_t i = 0; i < rep->nnotes; i++) {
		fprintf(out, "%s\n ", i ? "," : "");
		json_string(out, rep->notes[i]);
	}
	fprintf(out, "]}\n");
}

void bench_report_free(struct bench_report *rep)
{
	for (size_t i = 0; i < rep->nnotes; i++)
		free(rep->notes[i]);
	rep->nnotes = 0;
}
