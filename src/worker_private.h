/*
 * What the files of the worker loop share: the worker's state, and the
 * steps one file takes for the other. Not for use outside src/worker.c and
 * src/fetch.c.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_PRIVATE_H
#define BSC_WORKER_PRIVATE_H

#include "stopsignals.h"
#include "worker.h"

/* The first reconnect waits this long (s). */
#define BSC_BACKOFF_FIRST 0.1

typedef enum {
	PHASE_NONE,
	PHASE_SETTLE,       /* a delete or a release is on its way: never abandoned */
	PHASE_WAIT,         /* the wait for a job: a stop signal ends it */
	PHASE_RECONNECT
} wait_phase;

struct bsc_worker {
	bsc_worker_options opt;
	uint32_t *backoff;
	char *name;
	char prefix[96];           /* "beanstalk worker[ name]" */

	/* One run. */
	bsc_conn *conn;
	const bsc_worker_host *host;
	void *ctx;
	bool running;
	bool stop_requested;
	wait_phase phase;
	bsc_watchdog *wd;
	bsc_stop_signals signals;
	uint64_t job_id, job_gen;   /* the job the handler runs */
	uint64_t done_id, done_gen; /* finished: deleted with the next reserve */
	double start, end;          /* monotonic */
	double deadline;            /* max_runtime plus jitter; 0: none */
	double fail_since;          /* the server has been away since; 0: it is not */
	double up_since;            /* the connection has been up since */
	double backoff_next;
	double last_rtt_at;
	int statm;                  /* /proc/self/statm, open while the RSS cap is on */
	uint64_t last_gen;

	bsc_worker_figures f;
	bsc_histogram durations;    /* µs */
};

/* worker.c */
void bsc_worker_log(bsc_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The stop reason the arrived signals give. */
bsc_stop_reason bsc_worker_arrived_reason(bsc_worker *w);
void bsc_worker_rtt_sample(bsc_worker *w, double seconds);
/* Counts the connection's new generations after the first as reconnects. */
void bsc_worker_note_generation(bsc_worker *w);

/* fetch.c */
/* Sends the finished job's delete (if any) with the next reserve and waits
 * for a job: BSC_STOP_NONE with *got telling whether one came, or why to
 * stop. */
bsc_stop_reason bsc_worker_next_job(bsc_worker *w, bsc_job *job, bool *got);
/* The server is away: reconnects with a back-off; BSC_STOP_NONE once back. */
bsc_stop_reason bsc_worker_reconnect(bsc_worker *w);
/* The finished job could not be deleted: the connection was lost (it runs
 * again), or the server no longer had it (its TTR ran out). */
void bsc_worker_lost_before_delete(bsc_worker *w, const char *when);
void bsc_worker_gone_before_delete(bsc_worker *w, uint64_t id);

#endif
