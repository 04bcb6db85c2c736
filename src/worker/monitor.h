/*
 * The worker's monitor thread. Its first duty is the TTR watchdog: it keeps
 * an eye on the job the handler is running, so that no handler goes on past
 * its job's time-to-run, when another worker may hold the job. Its second
 * is the reports (the status beats, StatsD): a task, below.
 *
 * A job that ends within its first half second costs nothing but two
 * uncontended lock/unlock pairs: no round trip, no timer, no system call.
 * After that the watchdog asks the server (stats-job, over a connection of
 * its own, so it works even while the handler is stuck in a C call) how
 * long the job has left, and sleeps until time-left less the margin. There,
 * or as soon as it finds the job is no longer reserved by this worker:
 *   1. it asks the handler to give the job up: it raises the host's
 *      interrupt flag (the host throws in the handler: TtrExceededException)
 *      and sends interrupt_signal to the handler's thread, which ends a
 *      blocking sleep() or poll() in the handler with EINTR; it asks again
 *      every quarter second while the handler runs on;
 *   2. if the handler is still running half the margin before the TTR runs
 *      out (stuck in a call that does not return, or swallowing the
 *      exception), it releases the job over the worker's own socket (or
 *      buries it after max_attempts, so a job that always hangs cannot
 *      loop), writes why to stderr and ends the process with
 *      BSC_EXIT_TTR_OVERRUN. Dead, the worker cannot run on beside the one
 *      that gets the job next.
 * A touch() by the handler moves the deadline: every step asks the server
 * first, and the worker tells the watchdog of the touches it sees, since
 * the server counts time-left in whole seconds.
 *
 * The thread has a second duty, beside the TTR: a task (the status beats)
 * that it runs at every pass, which never blocks it, and whose socket it
 * waits on together with its own wake-up.
 *
 * The job running is published under a lock, and the watchdog holds that
 * lock from its last look to the end of the process: a job cannot end, and
 * the next one cannot begin, in between, so the process is only ever ended
 * for the job it was ended for. The worker's socket is forgotten under the
 * same lock when the connection closes it, so the watchdog never writes to
 * a number that has become another file's.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_MONITOR_H
#define BSC_WORKER_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/worker/policy.h"
#include "src/client/conn.h"
#include "src/client/pool.h"
#include "src/proto/stats.h"

/* The exit status of a process the watchdog ended. */
#define BSC_EXIT_TTR_OVERRUN 16

/* When the first look at a job is due, and how often to ask again once the
 * limit is reached (seconds). */
#define BSC_TTR_FIRST_CHECK 0.5
#define BSC_TTR_REPEAT 0.25
/* The longest the thread sleeps when nothing is due (s). */
#define BSC_MONITOR_TICK 0.1

struct bsc_monitor;

typedef struct {
	const char *address;        /* the server, for the watchdog's own connection */
	double ttr_margin;          /* s: the limit is at time-left = min(ttr_margin, ttr / 2) */
	bsc_retry_policy retry;     /* what becomes of a job it gives back */
	/* Called from the watchdog's thread: makes the handler look (the host
	 * raises its interrupt flag). Must be safe from any thread. */
	void (*poke)(void *ctx);
	void *poke_ctx;
	int interrupt_signal;       /* sent to the handler's thread; 0: none */
	const char *log_prefix;     /* "beanstalk worker" */

	/* The task, NULL for none. run: called at every pass (at least every
	 * BSC_MONITOR_TICK) with the monotonic time, never blocking; it sets
	 * a socket to wait on and its poll() events (fd -1: none) and returns
	 * when it wants the next pass. finish: called once as the thread
	 * stops; it may block, for a bounded time. */
	double (*task_run)(void *ctx, struct bsc_monitor *wd, double now, int *fd, short *events);
	void (*task_finish)(void *ctx);
	void *task_ctx;

	/* Seams for the tests; zero in production. first_check replaces
	 * BSC_TTR_FIRST_CHECK; job_stats replaces the question to the
	 * server; overrun is called instead of writing why to stderr and
	 * ending the process (with the job lock held, after the job was given
	 * back). */
	double first_check;
	bsc_status (*job_stats)(void *ctx, uint64_t id, bsc_job_stats *out);
	void (*overrun)(void *ctx, uint64_t id, const char *why);
	void *seam_ctx;
} bsc_monitor_config;

typedef struct bsc_monitor bsc_monitor;

/* Starts the thread; the calling thread is the handler's. NULL with a
 * message in errbuf when it cannot. */
bsc_monitor *bsc_monitor_start(const bsc_monitor_config *cfg, char errbuf[BSC_ERRSTR_LEN]);
/* Stops and joins the thread (not in a forked child: it has none). */
void bsc_monitor_stop(bsc_monitor *wd);

/* The handler starts on job id now, reserved over socket fd from server
 * (its name, as bsc_conn_name() gives it; NULL: the config's address). */
void bsc_monitor_job_begin(bsc_monitor *wd, uint64_t id, int fd, const char *server);
/* The handler touched the job: its time-to-run starts again now. */
void bsc_monitor_job_touched(bsc_monitor *wd);
/* The handler returned, or gave the job up (deleted, released, buried). */
void bsc_monitor_job_end(bsc_monitor *wd);
/* The socket given to begin() is about to be closed. */
void bsc_monitor_socket_gone(bsc_monitor *wd);

/* In the handler's thread: true once for every request to give the job up
 * since the last call, for the job running now, with the reason in msg. */
bool bsc_monitor_take_give_up(bsc_monitor *wd, char *msg, size_t size);
/* How many times a job reached its limit. */
uint64_t bsc_monitor_ttr_exceeded(const bsc_monitor *wd);
/* The tube of job id, when it is the job running and a look at it learnt
 * its tube (jobs that run half a second or more); false otherwise. */
bool bsc_monitor_job_tube(bsc_monitor *wd, uint64_t id, char *buf, size_t size);

/* The pure part: how long the server still gives the job, at the least,
 * from its answer (time-left is in whole seconds, rounded down) and from the
 * local clock (the job came, or was last touched, elapsed seconds ago). */
double bsc_ttr_time_left(int64_t time_left, int64_t ttr, double elapsed);
/* The margin for a ttr: bsc_ttr_margin() (src/client/pool.h). */

#endif
