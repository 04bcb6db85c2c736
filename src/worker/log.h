/*
 * The worker's log lines: one line each, with the worker's prefix, handed
 * to the host's log (PHP's error log). Below the loop, the fetching and the
 * reports, which all write through it.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_LOG_H
#define BSC_WORKER_LOG_H

typedef struct {
	void (*write)(void *ctx, const char *line);   /* the host's; NULL: lines go nowhere */
	void *ctx;
	char prefix[96];            /* "beanstalk worker[ name]" */
} bsc_log;

/* The prefix for a worker of this name ("" for none). */
void bsc_log_init(bsc_log *log, const char *name);
void bsc_log_line(const bsc_log *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
