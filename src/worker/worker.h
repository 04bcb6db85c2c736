/*
 * The worker loop: reserve a job, hand it to the host's handler, delete it,
 * and again, for hours, until a signal, a cap or a lost server ends it.
 *
 * One write per job: the finished job's delete goes out with the next
 * reserve-with-timeout. The wait for a job is our own ppoll() with the stop
 * signals (stopsignals.h) let in inside it only, so TERM/INT/QUIT/HUP end
 * it within milliseconds, and a job the server hands out after that goes
 * back to the ready queue when the connection closes; while the handler
 * runs they wait, so a job is never cut short by them. A handler that
 * throws gets its job released with a back-off delay and its priority, or
 * buried after max_attempts (policy.h). The caps (jobs, runtime with jitter,
 * heap, RSS) are looked at between jobs. A monitor thread (monitor.h)
 * keeps handlers within their jobs' time-to-run; it hears of the handler's
 * own delete, release, bury and touch through the connection's events.
 *
 * The same thread writes the worker's status to Redis (status.h) and sends
 * its metrics to StatsD (statsd.h) when asked to: what the beats need from
 * the loop (state, job, counters, heap, round trip, durations) is
 * published by the loop under a lock at its state changes only (a job
 * begins, a job ends), never with a system call per job; a job's end adds
 * to StatsD's figures under a lock of their own. A restart asked for
 * through Redis comes back as a flag the loop looks at between jobs, as it
 * does stop(), and as a SIGHUP to the loop's thread, which ends a wait for
 * a job at once (and waits, blocked, while the handler runs). Log lines of
 * that thread are handed to the loop's thread, which writes them between
 * jobs, after a wait, or at the handler's next interrupt check.
 *
 * The process title (host->title) says what the worker does, set when a
 * job begins, when the worker may wait (no reply is in already: in a run of
 * fast jobs the next one often is, and the title goes from job to job),
 * and, for a job that runs on, once a second.
 *
 * No Zend here: the handler, the heap figure, the log and the interrupt of
 * the host's VM are callbacks.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_H
#define BSC_WORKER_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/worker/policy.h"
#include "src/client/command.h"
#include "src/client/pool.h"
#include "src/worker/histogram.h"
#include "src/monitor/redis.h"
#include "src/monitor/statsd.h"
#include "src/worker/monitor.h"

typedef struct {
	bsc_caps caps;
	bsc_retry_policy retry;
	uint32_t reserve_timeout;   /* s, >= 1: the server-side wait slice */
	uint32_t prefetch;          /* >= 1: jobs reserved at a time, the running one included */
	double ttr_margin;          /* s, > 0 */
	double reconnect_timeout;   /* s of failed reconnects before BSC_STOP_CONNECTION */
	const char *name;           /* in log lines; "" for none */
	const bsc_redis_address *status;  /* heartbeats to Redis; NULL: none */
	double status_interval;     /* s between beats */
	const char *status_prefix;  /* of the keys */
	const bsc_statsd_address *statsd;  /* metrics to StatsD; NULL: none */
	const char *statsd_prefix;  /* of the names */
	double statsd_interval;     /* s between sends */
	bool process_title;         /* the host's title callback says what the worker does */
	bool log_jobs;              /* a log line per job */
} bsc_worker_options;

typedef enum {
	BSC_JOB_RETURNED,           /* the handler returned */
	BSC_JOB_THREW,              /* the handler threw: why says what */
	BSC_JOB_ABORTED             /* exit() or a fatal error: stop at once, touch nothing */
} bsc_job_result;

typedef struct {
	/* Runs the handler. The job's body points into the connection's
	 * buffer: copy it. On BSC_JOB_THREW, why gets a line for the log. */
	bsc_job_result (*run)(void *ctx, const bsc_job *job, char *why, size_t why_size);
	/* Bytes in use on the host's heap (0: not known). */
	size_t (*heap)(void *ctx);
	/* Between waits, the connection idle: the host runs what it put off
	 * (PHP's signal handlers). False: stop (BSC_STOP_ABORT). */
	bool (*idle)(void *ctx);
	/* One line for the log, without a newline. */
	void (*log)(void *ctx, const char *line);
	/* From the watchdog's thread: make the handler look (raise the VM's
	 * interrupt flag); the host then calls bsc_worker_interrupted(). */
	void (*poke)(void *poke_ctx);
	void *poke_ctx;
	/* Sets the process title; NULL when the host has none. Called only
	 * when the text changes. */
	void (*title)(void *ctx, const char *title);
} bsc_worker_host;

typedef enum {
	BSC_WORKER_IDLE,            /* not in run() */
	BSC_WORKER_WAITING,         /* for a job, or for the server */
	BSC_WORKER_WORKING          /* the handler runs */
} bsc_worker_state;

/* What stats() shows. Durations in seconds, sizes in bytes. */
typedef struct {
	bsc_worker_state state;
	uint64_t processed;         /* jobs handed to the handler */
	uint64_t failed;            /* of which the handler threw */
	uint64_t released, buried;  /* failed jobs given back, or set aside */
	uint64_t deleted;           /* finished jobs the worker deleted */
	uint64_t lost;              /* jobs no longer ours when the handler ended */
	uint64_t ttr_exceeded;      /* jobs that reached their TTR limit */
	uint64_t reconnects;
	uint64_t prefetched;        /* jobs reserved ahead of their turn, while another ran */
	uint64_t prefetch_released; /* jobs reserved ahead and given back unstarted */
	double started_at;          /* Unix time */
	double uptime;
	double jobs_per_sec;
	double duration_p50, duration_p95, duration_p99, duration_max, duration_mean;
	double wait_time;           /* spent waiting for jobs */
	size_t memory, memory_start, rss, rss_start;
	double rtt, rtt_min;        /* server round trip, smoothed; 0 before a sample */
	uint64_t rtt_samples;
	double reconnect_backoff;   /* the back-off now, while the server is away */
	double runtime_limit;       /* max_runtime plus the jitter drawn; 0: none */
	int stop_reason;            /* BSC_STOP_NONE while running or before */
	int stop_signal;            /* the signal that stopped it, or 0 */
	uint64_t status_beats;      /* heartbeats written */
	uint64_t status_errors;     /* heartbeats skipped: Redis away, slow or wrong */
	char status_last_error[BSC_ERRSTR_LEN];
	bool restart_requested;     /* through Redis (restartAll) */
	uint64_t statsd_sent;       /* StatsD datagrams sent */
	uint64_t statsd_errors;     /* StatsD datagrams dropped */
	char statsd_last_error[BSC_ERRSTR_LEN];
} bsc_worker_figures;

typedef struct bsc_worker bsc_worker;

/* Copies the options. NULL when memory runs out. */
bsc_worker *bsc_worker_new(const bsc_worker_options *opt);
void bsc_worker_free(bsc_worker *w);

/* The loop, on the servers of a pool (which the caller keeps, with its
 * connections; the same tubes on each): a job the pool keeps from a
 * reserve of the caller's is the first handed to the handler. Blocks the
 * stop signals and installs handlers for them for the duration, then puts
 * back what was there. BSC_STOP_BUSY, at once, when another run in the
 * process has the signals; BSC_STOP_ABORT when memory runs out;
 * BSC_STOP_FORKED, in a child the handler forked, as soon as the handler
 * returns there: the child leaves every connection, job and report of the
 * run to the parent, and only frees its copy of the run's memory. */
bsc_stop_reason bsc_worker_run(bsc_worker *w, bsc_pool *pool, const bsc_worker_host *host, void *ctx);
/* The server of the job the handler runs: an index into the pool. */
size_t bsc_worker_server(const bsc_worker *w);
/* The name option ("" when none). */
const char *bsc_worker_name(const bsc_worker *w);
/* Whether this process is a child forked during the run (by the handler):
 * the run is the parent's, and nothing of it is done here. */
bool bsc_worker_forked(const bsc_worker *w);
/* Ends run() once the job that runs now is done (BSC_STOP_REQUESTED). Called
 * from the handler, or from the host's idle callback between waits. */
void bsc_worker_stop(bsc_worker *w);

/* In the handler's thread, from the host's interrupt hook: true when the
 * handler must give its job up now (its TTR limit), with why in msg. */
bool bsc_worker_take_interrupt(bsc_worker *w, char *msg, size_t size);
/* In the handler's thread, from the host's interrupt hook: writes the log
 * lines of the monitor thread, brings the title up to date. */
void bsc_worker_interrupted(bsc_worker *w);

/* The process title for a state: "beanstalk-worker NAME: working job 42
 * (mail, 3 s) 1204 done", "...: waiting (mail) 1204 done" (stopped when
 * idle). Set once per job: without printf, as it is set at every job. */
void bsc_worker_title_format(char *buf, size_t size, const char *name, bsc_worker_state state, uint64_t job_id,
	const char *job_tube, uint64_t job_seconds, const char *tubes, uint64_t done);

/* The figures of the run going on, or of the last one; heap is the host's
 * heap now. */
void bsc_worker_figures_get(const bsc_worker *w, size_t heap, bsc_worker_figures *f);

#endif
