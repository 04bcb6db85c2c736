/*
 * How the worker gets its next job, from one server or several, through
 * the pool (src/client/pool.h): the one engine a Queue's reserve uses too.
 *
 * On the server of the job just finished, the job's delete and the
 * reserves that keep `prefetch` jobs out or kept go in one write. With one
 * job at a time on one server, the delete's answer is read before the next
 * wait; otherwise the connection takes it in later, and its outcome is
 * counted and logged here.
 *
 * A stop signal ends a wait at once; a server that goes away is connected
 * to again after the pool's back-off while the others serve, and given up
 * on after reconnect_timeout.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_FETCH_H
#define BSC_WORKER_FETCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/client/pool.h"
#include "src/worker/histogram.h"
#include "src/worker/log.h"
#include "src/worker/policy.h"
#include "src/worker/report.h"
#include "src/worker/stopsignals.h"

/* What the fetching counts. */
typedef struct {
	uint64_t lost;              /* done jobs whose delete did not go through, jobs kept ahead that ran out */
	uint64_t deleted;           /* finished jobs deleted */
	uint64_t reconnects;
	uint64_t prefetched;        /* jobs reserved ahead of their turn, while another ran */
	uint64_t prefetch_released; /* jobs reserved ahead and given back unstarted */
	double wait_time;           /* spent waiting for jobs */
	double reconnect_backoff;   /* the back-off now, while every server is away */
	double rtt, rtt_min;        /* server round trip, smoothed; 0 before a sample */
	uint64_t rtt_samples;
} bsc_fetch_figures;

typedef struct {
	uint32_t prefetch;          /* >= 1: jobs kept at a time, the running one included */
	uint32_t reserve_timeout;   /* s, >= 1: the server-side wait on one server */
	double ttr_margin;          /* s */
	double reconnect_timeout;   /* s of every server away before BSC_STOP_CONNECTION */
	double deadline;            /* monotonic: max_runtime and jitter; 0: none */
	const bsc_caps *caps;       /* the stop reason of a signal */
	const bsc_stop_signals *signals;
	const bsc_log *log;
	bsc_report *report;
} bsc_fetch_config;

/* A finished job whose delete is still to go out. */
typedef struct {
	uint64_t id, gen;           /* the job, and the connection generation it was reserved under */
	size_t server;
	size_t slot;                /* its tube's, for StatsD */
} bsc_fetch_done;

typedef struct {
	uint64_t last_gen;          /* its connection's generation, as last seen */
	size_t *slots;              /* the tube slots of the deletes out, oldest first */
	size_t slots_head, slots_len, slots_cap;
} bsc_fetch_per_server;

/* The waits a stop signal ends. */
typedef enum {
	BSC_FETCH_PHASE_NONE,
	BSC_FETCH_PHASE_WAIT,       /* the wait for a job */
	BSC_FETCH_PHASE_RECONNECT   /* a connect, or the pause before it */
} bsc_fetch_phase;

typedef struct {
	bsc_fetch_config cfg;
	bsc_pool *pool;
	size_t n;
	bsc_conn **conns;           /* the pool's, at hand */
	bsc_fetch_per_server *servers;
	size_t cur;                 /* the server of the job handed out last */
	char *job_body;             /* its body, owned */
	double last_job_start;      /* monotonic */
	double last_rtt_at;
	bsc_fetch_done *done;       /* finished: deleted with a next write */
	size_t done_len, done_cap;
	double done_since;          /* monotonic: the oldest of them finished then */
	double p95;                 /* of the durations, as of p95_count of them */
	uint64_t p95_count;
	bsc_fetch_phase phase;
	bsc_fetch_figures fig;
} bsc_fetch;

/* A run's fetching over the pool's servers. False when memory runs out. */
bool bsc_fetch_begin(bsc_fetch *f, const bsc_fetch_config *cfg, bsc_pool *pool);
/* Deletes the finished job, hands back the jobs kept ahead (their
 * connections close: the server puts them back), frees the run's state. */
void bsc_fetch_end(bsc_fetch *f);

/* In a child the handler forked: frees the run's state without a word to
 * any server (the connections and jobs are the parent's). */
void bsc_fetch_forget(bsc_fetch *f);
/* Sends the finished job's delete (if any) with the next reserves and
 * takes the next job, waiting for one when none has come: BSC_STOP_NONE
 * with *got telling whether one came (its body is the fetch's until the
 * next call), or why to stop. durations: the runs so far (µs), whose p95
 * says how long a job kept ahead must still have. */
bsc_stop_reason bsc_fetch_next(bsc_fetch *f, const bsc_histogram *durations, bsc_job *job, bool *got);
/* The server of the job handed out last, and its connection. */
size_t bsc_fetch_server(const bsc_fetch *f);
bsc_conn *bsc_fetch_conn(const bsc_fetch *f);
/* The handler starts on the job handed out last. */
void bsc_fetch_job_started(bsc_fetch *f, double now);
/* It returned at now (monotonic) and the job is still held: delete it with
 * a next write (slot: its tube's, for StatsD). */
void bsc_fetch_job_done(bsc_fetch *f, uint64_t id, uint64_t generation, size_t slot, double now);
/* A reply came back now to a request sent at sent_at (monotonic). */
void bsc_fetch_rtt_sample(bsc_fetch *f, double sent_at);
/* The interrupt function of the waits (net.h): true when a stop signal
 * arrived and the wait is one for a job or for a server. */
bool bsc_fetch_interrupted(void *fetch);

#endif
