/*
 * What the worker tells of itself while it runs: the snapshot of the loop
 * that the monitor thread reads, the monitor's task (the status beats, the
 * StatsD sends, the title's refresh during a long job), the process title,
 * and the log lines of the start and of each job.
 *
 * Its state is its own: the loop shows what it is doing by passing a view
 * of itself at its state changes (a job begins, a job ends), never with a
 * system call per job; the monitor thread reads the last one under a lock.
 * The monitor thread never calls the host but through poke, which is safe
 * from any thread: its log lines wait in a mailbox for the loop's thread.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_REPORT_H
#define BSC_WORKER_REPORT_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/types.h>

#include "src/client/tubes.h"
#include "src/monitor/statsd.h"
#include "src/monitor/status.h"
#include "src/worker/histogram.h"
#include "src/worker/log.h"
#include "src/worker/monitor.h"
#include "src/worker/worker.h"

/* What the loop shows of itself. */
typedef struct {
	bsc_worker_state state;
	uint64_t job_id;            /* the job the handler runs, while WORKING */
	double job_start;           /* monotonic */
	uint64_t processed, failed, released, buried, deleted;
	double rtt;
	const bsc_histogram *durations;
} bsc_report_view;

/* What the monitor thread reads of the loop. */
typedef struct {
	bsc_worker_state state;
	uint64_t job_id;
	double job_start;
	uint64_t processed, failed, released, buried, deleted;
	size_t memory;
	double rtt, p50, p99;
	int stop_reason;
} bsc_report_snapshot;

/* What a title says: no new title unless it changed. */
typedef struct {
	bsc_worker_state state;
	uint64_t job_id, done, seconds;
	bool tube;
} bsc_report_title_key;

/* Log lines of the monitor thread waiting for the loop's thread. */
#define BSC_REPORT_MAIL_LINES 4
#define BSC_REPORT_MAIL_LINE_MAX 512

/* What a run is: given at its beginning. */
typedef struct {
	const bsc_worker_host *host;
	void *ctx;
	const bsc_log *log;
	const char *server_names;   /* "host:port[, ...]" */
	const bsc_tubes *tubes;     /* the watched tubes, every server's */
	double start;               /* monotonic */
	double started_at;          /* Unix time */
	const bsc_caps *caps;
	const bsc_retry_policy *retry;
} bsc_report_run;

typedef struct {
	/* Options, own copies. */
	char *name;
	bsc_redis_address *status_address;
	char *status_prefix;
	double status_interval;
	bsc_statsd_address *statsd_address;
	char *statsd_prefix;
	double statsd_interval;
	bool process_title;

	/* One run. */
	bsc_report_run run;
	const bsc_report_view *view;  /* the loop's, as last shown (it keeps it) */
	bsc_report_view stopped;    /* the last view, once the loop stopped */
	bsc_monitor *wd;            /* the loop's monitor thread, once started */
	bool publishing;            /* a monitor reads the snapshot */
	bool title_on;
	pid_t pid;                  /* of the run: a forked child's copy does not beat */
	pthread_t loop_thread;
	char hostname[256];
	char id[320];               /* host:pid:start ms */
	char *tubes;                /* watched, comma-separated */
	char single_tube[BSC_TUBE_MAX + 1];  /* the one watched tube; "" when several */
	char title[256];            /* the last one set */
	bsc_report_title_key title_key;
	bsc_status_writer *status;  /* of the run */
	bsc_status_counts status_counts;  /* of the last run, once it ended */
	bsc_statsd *statsd;         /* of the run */
	bsc_statsd_counts statsd_counts;  /* of the last run, once it ended */
	bool statsd_finished;       /* the monitor thread sent the last */
	double idle_since;          /* monotonic: the last job ended, or the run began */

	/* Shared with the monitor thread. */
	pthread_mutex_t snap_lock;
	bsc_report_snapshot snap;
	atomic_bool want_percentiles;
	atomic_bool restart_requested;
	pthread_mutex_t mail_lock;
	char mail[BSC_REPORT_MAIL_LINES][BSC_REPORT_MAIL_LINE_MAX];
	size_t mail_count;
	atomic_bool mail_waiting;
	/* The monitor thread's own. */
	bsc_monitor *monitor_wd;
	double title_poked;
} bsc_report;

/* Copies what it needs of the options; false when memory runs out. */
bool bsc_report_init(bsc_report *r, const bsc_worker_options *opt);
void bsc_report_free(bsc_report *r);

/* At the start of a run, before the monitor thread starts: the identity,
 * the status writer, StatsD, the monitor's task in wc. */
void bsc_report_begin(bsc_report *r, const bsc_report_run *run, const bsc_report_view *view, bsc_monitor_config *wc);
/* The monitor thread is up (NULL: it could not start). */
void bsc_report_monitor_started(bsc_report *r, bsc_monitor *wd);
/* The start's log line. */
void bsc_report_started(bsc_report *r);
/* Whether the report shows the loop's state anywhere (a monitor thread,
 * the title): the loop's state changes need not be published otherwise. */
bool bsc_report_wants_view(const bsc_report *r);
/* The loop's state changed: the snapshot and the title. The view is the
 * loop's, kept by it until the next call. */
void bsc_report_publish(bsc_report *r, const bsc_report_view *view);
/* The loop may wait now: the title says so. */
void bsc_report_title_waiting(bsc_report *r);
/* A job that began at job_start ended (StatsD): its tube ("" when not
 * known), what became of it, how long it ran. Returns the slot that names
 * its tube, for bsc_report_deleted(). */
size_t bsc_report_job(bsc_report *r, double job_start, const char *tube, bool failed, bool released, bool buried, double took);
/* A finished job's delete was confirmed (StatsD): slot, its tube's. */
void bsc_report_deleted(bsc_report *r, size_t slot);
/* The log_jobs line; learnt: the job's tube as the watchdog learnt it, or "". */
void bsc_report_log_job(bsc_report *r, uint64_t id, const char *learnt, const char *outcome, double took);
/* Writes the monitor thread's log lines (in the loop's thread). */
void bsc_report_drain_mail(bsc_report *r);
/* In the handler's thread, from the host's interrupt hook: the monitor's
 * log lines, the title brought up to date. */
void bsc_report_interrupted(bsc_report *r);
/* Whether the job's tube is worth learning from the watchdog when a job
 * ends (several tubes watched, and StatsD or log_jobs names it). */
bool bsc_report_needs_job_tube(const bsc_report *r, bool log_jobs);
/* Whether a monitor thread is wanted for the reports. */
bool bsc_report_publishing(const bsc_report *r);
/* A restart was asked for through Redis (restartAll). */
bool bsc_report_restart_requested(const bsc_report *r);
/* Before the monitor thread stops (its thread writes the last beat), and
 * after. */
void bsc_report_stopping(bsc_report *r, bsc_stop_reason reason, const bsc_report_view *view);
void bsc_report_end(bsc_report *r, bsc_stop_reason reason);
void bsc_report_status_counts(const bsc_report *r, bsc_status_counts *out);
void bsc_report_statsd_counts(const bsc_report *r, bsc_statsd_counts *out);

#endif
