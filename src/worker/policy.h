/*
 * The worker's policies, apart from the loop so they can be tested alone:
 * why it stops (the stop reasons, which are also exit codes, and the caps),
 * what becomes of a failed job (released after a back-off, or buried), the
 * runtime jitter, the resident set.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_POLICY_H
#define BSC_WORKER_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/proto/stats.h"

/* Why run() returned. The values are the exit codes a worker script passes
 * on (exit($worker->run(...))): 0 for an intended stop, which supervisord
 * must not undo (autorestart=unexpected, exitcodes=0); every other reason is
 * a distinct code that it restarts. 1, 2 and 255 are PHP's own (fatal and
 * parse errors). */
typedef enum {
	BSC_STOP_SIGNAL = 0,        /* SIGTERM, SIGINT, SIGQUIT */
	BSC_STOP_RESTART = 10,      /* SIGHUP */
	BSC_STOP_MAX_JOBS = 11,
	BSC_STOP_MAX_RUNTIME = 12,
	BSC_STOP_MEMORY = 13,       /* memory_limit or rss_limit */
	BSC_STOP_REQUESTED = 14,    /* bsc_worker_stop() */
	BSC_STOP_CONNECTION = 15,   /* no server for reconnect_timeout */
	/* Not an exit code: the host wants out at once (exit() or a fatal error
	 * in the handler, an exception from its signal handlers). */
	BSC_STOP_ABORT = -1,
	BSC_STOP_NONE = -2,
	/* Not an exit code: run() did not start, another run has the process's
	 * signals. */
	BSC_STOP_BUSY = -3,
	/* Not an exit code: the handler returned (or threw, or exited) in a
	 * child it forked; the run, the parent's, is left to the parent. */
	BSC_STOP_FORKED = -4
} bsc_stop_reason;

/* How a failing job is retried. */
typedef struct {
	uint32_t max_attempts;      /* >= 1: tries in all before a failing job is buried */
	const uint32_t *backoff;    /* release delays per attempt (s); the last one repeats */
	size_t backoff_len;         /* >= 1 */
} bsc_retry_policy;

/* When a worker stops by itself. */
typedef struct {
	uint64_t max_jobs;          /* 0: no cap */
	double max_runtime;         /* s; 0: no cap */
	double runtime_jitter;      /* s: a random extra in [0, runtime_jitter] */
	uint64_t memory_limit;      /* bytes of the host's heap; 0: no cap */
	uint64_t rss_limit;         /* bytes resident; 0: no cap */
} bsc_caps;

/* The delay before the next try after failed attempt n (1-based). */
uint32_t bsc_backoff_delay(const uint32_t *backoff, size_t len, uint32_t attempt);

/* What to do with a job whose handler failed (or ran past its time-to-run),
 * from its stats: the server's releases count tells which attempt it was;
 * after max_attempts it is buried, before that released after the back-off
 * of its attempt; either way with its own priority. */
typedef struct {
	bool bury;
	uint32_t attempt;           /* 1-based */
	uint32_t priority;
	uint32_t delay;             /* when released */
} bsc_failure_plan;

void bsc_failure_plan_make(const bsc_retry_policy *retry, const bsc_job_stats *js, bsc_failure_plan *plan);
/* A uniform random real in [0, max], from the kernel's generator. */
double bsc_jitter(double max);
/* Resident set size from /proc/self/statm; 0 when unknown. */
size_t bsc_rss_bytes(void);
/* The same from an open /proc/self/statm (one pread). */
size_t bsc_rss_read(int fd);

typedef struct {
	int signals;                /* BSC_SIGNAL_* bits that arrived */
	bool stop_requested;
	uint64_t processed;
	double now, deadline;       /* deadline 0: none */
	size_t heap, rss;
} bsc_worker_gauges;

#define BSC_SIGNAL_TERM 1
#define BSC_SIGNAL_INT 2
#define BSC_SIGNAL_QUIT 4
#define BSC_SIGNAL_HUP 8

/* The reason to stop now, if any (BSC_STOP_NONE), first match wins:
 * a stop signal, SIGHUP, stop(), the heap cap, the RSS cap, max_jobs,
 * max_runtime. */
bsc_stop_reason bsc_worker_decide(const bsc_caps *caps, const bsc_worker_gauges *g);

#endif
