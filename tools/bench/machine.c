// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Describing the machine under benchmark from /proc and /sys.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "jsonout.h"
#include "machine.h"

#define VULN_DIR "/sys/devices/system/cpu/vulnerabilities"

static void read_first_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	snprintf(buf, size, "unknown");
	if (!f)
		return;
	if (fgets(buf, (int)size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static void read_cpu_model(struct bench_machine *m)
{
	char line[256], *colon;
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(m->cpu, sizeof(m->cpu), "unknown CPU");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10))
			continue;
		colon = strchr(line, ':');
		if (!colon)
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(m->cpu, sizeof(m->cpu), "%s", colon + 2);
		break;
	}
	fclose(f);
}

static int compare_vulns(const void *a, const void *b)
{
	return strcmp(((const struct bench_vuln *)a)->name, ((const struct bench_vuln *)b)->name);
}

static void read_vulns(struct bench_machine *m)
{
	char path[512];
	struct dirent *de;
	DIR *dir = opendir(VULN_DIR);

	if (!dir)
		return;
	while ((de = readdir(dir)) && m->nvulns < BENCH_MAX_VULNS) {
		struct bench_vuln *v = &m->vulns[m->nvulns];

		if (de->d_name[0] == '.')
			continue;
		snprintf(v->name, sizeof(v->name), "%.47s", de->d_name);
		snprintf(path, sizeof(path), "%s/%s", VULN_DIR, de->d_name);
		read_first_line(path, v->state, sizeof(v->state));
		m->nvulns++;
	}
	closedir(dir);
	qsort(m->vulns, m->nvulns, sizeof(m->vulns[0]), compare_vulns);
}

void bench_machine_read(struct bench_machine *m)
{
	struct utsname uts;
	char jit[16];

	memset(m, 0, sizeof(*m));
	read_cpu_model(m);
	m->ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);

	snprintf(m->kernel, sizeof(m->kernel), "unknown");
	if (!uname(&uts))
		snprintf(m->kernel, sizeof(m->kernel), "%.60s %.60s", uts.sysname, uts.release);

	read_first_line("/proc/sys/net/core/bpf_jit_enable", jit, sizeof(jit));
	m->jit = strcmp(jit, "unknown") ? atoi(jit) : -1;

	read_vulns(m);
}

/* "Mitigation: Retpolines; IBPB: conditional" -> "Retpolines". */
static void short_state(const char *state, char *buf, size_t size)
{
	const char *p = state;

	if (!strncmp(p, "Mitigation: ", 12))
		p += 12;
	snprintf(buf, size, "%.*s", (int)strcspn(p, ";,"), p);
}

void bench_machine_print(const struct bench_machine *m, FILE *out)
{
	char brief[64];
	int shown = 0;

	fprintf(out, "machine: %s x%d, %s, BPF JIT %s, mitigations:", m->cpu, m->ncpus, m->kernel,
		m->jit < 0 ? "unknown"
		: m->jit   ? "on"
			   : "off");
	for (int i = 0; i < m->nvulns; i++) {
		if (!strncmp(m->vulns[i].state, "Not affected", 12))
			continue;
		short_state(m->vulns[i].state, brief, sizeof(brief));
		fprintf(out, "%s %s (%s)", shown++ ? "," : "", m->vulns[i].name, brief);
	}
	fprintf(out, "%s\n", shown ? "" : " none reported");
}

void bench_machine_json(const struct bench_machine *m, FILE *out)
{
	fprintf(out, "{\"cpu\":");
	json_string(out, m->cpu);
	fprintf(out, ",\"cpus\":%d,\"kernel\":", m->ncpus);
	json_string(out, m->kernel);
	fprintf(out, ",\"bpf_jit_enable\":%d,\"vulnerabilities\":{", m->jit);
	for (int i = 0; i < m->nvulns; i++) {
		fprintf(out, "%s", i ? "," : "");
		json_string(out, m->vulns[i].name);
		fputc(':', out);
		json_string(out, m->vulns[i].state);
	}
	fprintf(out, "}}");
}
