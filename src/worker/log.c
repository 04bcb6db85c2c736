/*
 * The worker's log lines. See log.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/worker/log.h"

#include <stdarg.h>
#include <stdio.h>

void bsc_log_init(bsc_log *log, const char *name)
{
	log->write = NULL;
	log->ctx = NULL;
	if (name[0]) {
		snprintf(log->prefix, sizeof(log->prefix), "beanstalk worker %.60s", name);
	} else {
		snprintf(log->prefix, sizeof(log->prefix), "beanstalk worker");
	}
}

void bsc_log_line(const bsc_log *log, const char *fmt, ...)
{
	char line[1536];
	va_list ap;
	int n = snprintf(line, sizeof(line), "%s: ", log->prefix);

	if (!log->write) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	log->write(log->ctx, line);
}
