/*
 * What the files of the worker loop share: the worker's state, and the
 * steps one file takes for the other. Not for use outside src/worker.c and
 * src/fetch.c.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_PRIVATE_H
#define BSC_WORKER_PRIVATE_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "src/monitor/statsd.h"
#include "src/monitor/status.h"
#include "src/worker/stopsignals.h"
#include "src/worker/worker.h"

/* The first reconnect waits this long (s). */
#define BSC_BACKOFF_FIRST 0.1

/* What the monitor thread reads of the loop (the beats, the title's
 * refresh): published by the loop at its state changes. */
typedef struct {
	bsc_worker_state state;
	uint64_t job_id;
	double job_start;           /* monotonic */
	uint64_t processed, failed, released, buried, deleted;
	size_t memory;
	double rtt, p50, p99;
	int stop_reason;
} worker_snapshot;

/* What a title says: no new title unless it changed. */
typedef struct {
	bsc_worker_state state;
	uint64_t job_id, done, seconds;
	bool tube;
} worker_title_key;

/* Log lines of the monitor thread waiting for the loop's thread. */
#define MAIL_LINES 4
#define MAIL_LINE_MAX 512

typedef enum {
	PHASE_NONE,
	PHASE_SETTLE,       /* a delete or a release is on its way: never abandoned */
	PHASE_WAIT,         /* the wait for a job: a stop signal ends it */
	PHASE_RECONNECT
} wait_phase;

/* A server the worker takes jobs from. */
typedef struct {
	bsc_conn *conn;
	struct bsc_worker *w;
	double fail_since;          /* away since; 0: it is not */
	double up_since;            /* its connection has been up since */
	double backoff_next;        /* the next pause before a connect */
	double retry_at;            /* away: the next connect is due then (monotonic) */
	uint64_t last_gen;
	uint64_t deletes_seen[3];   /* its deletes' outcomes counted so far: done, refused, unconfirmed */
} worker_server;

struct bsc_worker {
	bsc_worker_options opt;
	uint32_t *backoff;
	char *name;
	char prefix[96];           /* "beanstalk worker[ name]" */

	/* One run. */
	worker_server *servers;
	size_t n;
	size_t cur;                 /* the server of the job the handler runs, or ran last */
	bsc_conn *conn;             /* servers[cur].conn */
	size_t next_pick;           /* the server whose jobs reserved ahead are taken first */
	char *job_body;             /* the body of the job handed out last, owned */
	double last_job_start;      /* monotonic */
	char *server_names;         /* "host:port[, ...]", for log lines and the status */
	const bsc_worker_host *host;
	void *ctx;
	bool running;
	bool stop_requested;
	wait_phase phase;
	bsc_monitor *wd;
	bsc_stop_signals signals;
	uint64_t job_id, job_gen;   /* the job the handler runs */
	uint64_t done_id, done_gen; /* finished: deleted with the next reserve */
	size_t done_server;
	double start, end;          /* monotonic */
	double deadline;            /* max_runtime plus jitter; 0: none */
	double last_rtt_at;
	int statm;                  /* /proc/self/statm, open while the RSS cap is on */

	bsc_worker_figures f;
	bsc_histogram durations;    /* µs */
	/* Their p95 in seconds, as of durations.count == p95_count: read
	 * for every job reserved ahead, worked out again only as jobs add up. */
	double p95;
	uint64_t p95_count;

	/* Status and title. */
	bsc_redis_address *status_address;
	char *status_prefix;
	bool publishing;            /* a monitor reads the snapshot */
	bool title_on;
	pid_t pid;                  /* of the run: a forked child's copy does not beat */
	pthread_t loop_thread;
	char hostname[256];
	char id[320];               /* host:pid:start ms */
	char *tubes;                /* watched, comma-separated */
	char single_tube[BSC_TUBE_MAX + 1];  /* the one watched tube; "" when several */
	double job_start;           /* monotonic, of the job the handler runs */
	char title[256];            /* the last one set */
	worker_title_key title_key; /* what it says */
	bsc_status_writer *status;  /* of the run */
	bsc_status_counts status_counts;  /* of the last run, once it ended */
	bsc_statsd_address *statsd_address;
	char *statsd_prefix;
	bsc_statsd *statsd;         /* of the run */
	bsc_statsd_counts statsd_counts;  /* of the last run, once it ended */
	bool statsd_finished;       /* the monitor thread sent the last */
	double idle_since;          /* monotonic: the last job ended, or the run began */
	size_t done_slot;           /* StatsD's slot of the finished job's tube */

	/* Shared with the monitor thread. */
	pthread_mutex_t snap_lock;
	worker_snapshot snap;
	atomic_bool want_percentiles;
	atomic_bool restart_requested;
	pthread_mutex_t mail_lock;
	char mail[MAIL_LINES][MAIL_LINE_MAX];
	size_t mail_count;
	atomic_bool mail_waiting;
	/* The monitor thread's own. */
	bsc_monitor *monitor_wd;
	double title_poked;
};

/* worker.c */
void bsc_worker_log(bsc_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The stop reason the arrived signals give. */
bsc_stop_reason bsc_worker_arrived_reason(bsc_worker *w);
void bsc_worker_rtt_sample(bsc_worker *w, double seconds);
/* Counts the connection's new generations after the first as reconnects. */
void bsc_worker_note_generation(bsc_worker *w, size_t server);

/* report.c */
bool bsc_worker_report_init(bsc_worker *w, const bsc_worker_options *opt);
void bsc_worker_report_free(bsc_worker *w);
/* At the start of a run, before the watchdog starts: the identity, the
 * status writer, the monitor's task in wc. */
void bsc_worker_report_begin(bsc_worker *w, bsc_monitor_config *wc);
/* The start's log line. */
void bsc_worker_report_started(bsc_worker *w);
/* The loop's state changed: the snapshot and the title. */
void bsc_worker_publish(bsc_worker *w);
/* The loop may wait now: the title says so. */
void bsc_worker_title_waiting(bsc_worker *w);
/* Before the watchdog stops (its thread writes the last beat), and after. */
void bsc_worker_report_stopping(bsc_worker *w, bsc_stop_reason reason);
void bsc_worker_report_end(bsc_worker *w, bsc_stop_reason reason);
/* Writes the monitor thread's log lines (in the loop's thread). */
void bsc_worker_drain_mail(bsc_worker *w);
/* The log_jobs line; learnt: the job's tube as the watchdog learnt it, or "". */
void bsc_worker_log_job(bsc_worker *w, uint64_t id, const char *learnt, const char *outcome, double took);
void bsc_worker_status_counts(const bsc_worker *w, bsc_status_counts *out);
void bsc_worker_statsd_counts(const bsc_worker *w, bsc_statsd_counts *out);
/* A job ended (StatsD): its tube ("" when not known), what became of it,
 * how long it ran. */
void bsc_worker_report_job(bsc_worker *w, const char *tube, bool failed, bool released, bool buried, double took);
/* The finished job's delete was confirmed (StatsD). */
void bsc_worker_report_deleted(bsc_worker *w);

/* fetch.c */
/* Sends the finished job's delete (if any) with the next reserves and
 * takes the next job, waiting for one when none has come: BSC_STOP_NONE
 * with *got telling whether one came (its body is the worker's until the
 * next call), or why to stop. */
bsc_stop_reason bsc_worker_next_job(bsc_worker *w, bsc_job *job, bool *got);
/* Counts and logs what became of the deletes sent without a wait. */
void bsc_worker_sweep_deletes(bsc_worker *w);
/* The finished job could not be deleted: the connection was lost (it runs
 * again), or the server no longer had it (its TTR ran out). */
void bsc_worker_lost_before_delete(bsc_worker *w, const char *when);
void bsc_worker_gone_before_delete(bsc_worker *w, uint64_t id);

#endif
