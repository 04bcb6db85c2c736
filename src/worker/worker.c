/*
 * The worker loop. See worker.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/worker.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "src/worker/fetch.h"
#include "src/worker/log.h"
#include "src/worker/report.h"
#include "src/worker/settle.h"
#include "src/worker/stopsignals.h"

/* The signal the watchdog sends to end a blocking call in the handler. */
#define INTERRUPT_SIGNAL (SIGRTMIN + 4)
/* How often (s) the loop looks for a stop signal that came while the
 * handler ran, when the wait for the next job does not let it in. */
#define PENDING_LOOK_EVERY 0.01

/* A server of the run, as its connection's events name it. */
typedef struct {
	struct bsc_worker *w;
	size_t index;
	bsc_conn *conn;
} worker_server;

struct bsc_worker {
	bsc_worker_options opt;
	uint32_t *backoff;
	char *name;
	bsc_log log;
	bsc_report report;
	bsc_fetch fetch;

	/* One run. */
	bsc_pool *pool;
	worker_server *servers;
	size_t n;
	char *server_names;         /* "host:port[, ...]", for log lines and the status */
	const bsc_worker_host *host;
	void *ctx;
	bool running;
	bool stop_requested;
	uint64_t epoch;             /* bsc_fork_epoch() of the run's process */
	bsc_monitor *wd;
	bsc_stop_signals signals;
	uint64_t job_id, job_gen;   /* the job the handler runs */
	double job_start;           /* monotonic */
	double pending_looked;      /* monotonic: the last look for stop signals kept out */
	double start, end;          /* monotonic */
	double deadline;            /* max_runtime plus jitter; 0: none */
	int statm;                  /* /proc/self/statm, open while the RSS cap is on */

	bsc_worker_figures f;       /* the loop's; the fetching's are added on reading */
	bsc_report_view view;       /* what the report is shown of the loop */
	bsc_histogram durations;    /* µs */
};

/* {{{ life cycle */
bsc_worker *bsc_worker_new(const bsc_worker_options *opt)
{
	bsc_worker *w = calloc(1, sizeof(*w));

	if (!w) {
		return NULL;
	}
	w->opt = *opt;
	if (w->opt.prefetch == 0) {
		w->opt.prefetch = 1;
	}
	bool reports = bsc_report_init(&w->report, opt);
	w->backoff = malloc(opt->retry.backoff_len * sizeof(uint32_t));
	w->name = strdup(opt->name ? opt->name : "");
	if (!reports || !w->backoff || !w->name) {
		bsc_worker_free(w);
		return NULL;
	}
	memcpy(w->backoff, opt->retry.backoff, opt->retry.backoff_len * sizeof(uint32_t));
	w->opt.retry.backoff = w->backoff;
	w->opt.name = w->name;
	/* The report keeps its own copies of these. */
	w->opt.status = NULL;
	w->opt.status_prefix = NULL;
	w->opt.statsd = NULL;
	w->opt.statsd_prefix = NULL;
	bsc_log_init(&w->log, w->name);
	w->f.stop_reason = BSC_STOP_NONE;
	return w;
}

void bsc_worker_free(bsc_worker *w)
{
	if (w) {
		bsc_report_free(&w->report);
		free(w->backoff);
		free(w->name);
		free(w);
	}
}

size_t bsc_worker_server(const bsc_worker *w)
{
	return bsc_fetch_server(&w->fetch);
}

const char *bsc_worker_name(const bsc_worker *w)
{
	return w->name;
}

void bsc_worker_stop(bsc_worker *w)
{
	w->stop_requested = true;
}

bool bsc_worker_forked(const bsc_worker *w)
{
	return w->running && w->epoch != bsc_fork_epoch();
}

bool bsc_worker_take_interrupt(bsc_worker *w, char *msg, size_t size)
{
	return w->running && !bsc_worker_forked(w) && w->wd && w->job_id && bsc_monitor_take_give_up(w->wd, msg, size);
}

void bsc_worker_interrupted(bsc_worker *w)
{
	/* Not in a forked child: the monitor thread that fills the mailbox is
	 * the parent's. */
	if (w->running && !bsc_worker_forked(w)) {
		bsc_report_interrupted(&w->report);
	}
}

/* What the connection tells of the handler's job and of its socket, for
 * the watchdog: the handler's own delete, release, bury and touch, and a
 * close (by the handler, or on a failure) before the socket number can be
 * another file's. */
static void on_conn_event(void *ctx, bsc_conn_event event, uint64_t id)
{
	worker_server *sv = ctx;
	bsc_worker *w = sv->w;

	/* Ids are per server: only the running job's server speaks of it. */
	if (!w->wd || sv->index != bsc_fetch_server(&w->fetch)) {
		return;
	}
	switch (event) {
	case BSC_EVENT_JOB_LET_GO:
		if (id != 0 && id == w->job_id) {
			bsc_monitor_job_end(w->wd);
		}
		break;
	case BSC_EVENT_JOB_TOUCHED:
		if (id != 0 && id == w->job_id) {
			bsc_monitor_job_touched(w->wd);
		}
		break;
	case BSC_EVENT_CLOSING:
		bsc_monitor_socket_gone(w->wd);
		break;
	}
}
/* }}} */

/* {{{ helpers */
/* What the loop shows of itself to the report, brought up to date. */
static const bsc_report_view *loop_view(bsc_worker *w)
{
	bsc_report_view *v = &w->view;

	v->state = w->f.state;
	v->job_id = w->job_id;
	v->job_start = w->job_start;
	v->processed = w->f.processed;
	v->failed = w->f.failed;
	v->released = w->f.released;
	v->buried = w->f.buried;
	v->deleted = w->fetch.fig.deleted;
	v->rtt = w->fetch.fig.rtt;
	v->durations = &w->durations;
	return v;
}

static void publish(bsc_worker *w)
{
	if (bsc_report_wants_view(&w->report)) {
		bsc_report_publish(&w->report, loop_view(w));
	}
}
/* }}} */

/* {{{ a job */
/* Whether the waits on the servers' connections let the stop signals in:
 * between jobs, not while the handler runs (whose own commands then wait in
 * one blocking recv()). Whether a wait ends on them is the fetching's to
 * say (bsc_fetch_interrupted), set for the run. */
static void waits_let_in_signals(bsc_worker *w, bool on)
{
	const sigset_t *mask = on ? &w->signals.wait_mask : NULL;

	for (size_t s = 0; s < w->n; s++) {
		bsc_conn_set_wait_mask(w->servers[s].conn, mask);
	}
	bsc_pool_set_wait_mask(w->pool, mask);
}

static void waits_end_on_signals(bsc_worker *w, bool on)
{
	for (size_t s = 0; s < w->n; s++) {
		bsc_conn_set_interrupt(w->servers[s].conn, on ? bsc_fetch_interrupted : NULL, &w->fetch);
	}
	bsc_pool_set_interrupt(w->pool, on ? bsc_fetch_interrupted : NULL, &w->fetch);
}

/* Runs the handler on the job. The stop signals stay blocked meanwhile:
 * one that comes is acted on once the handler has returned. */
static bsc_stop_reason run_job(bsc_worker *w, const bsc_job *job)
{
	bsc_conn *c = bsc_fetch_conn(&w->fetch);
	char why[1024] = "";
	uint64_t id = job->id, gen = bsc_conn_generation(c);

	w->job_id = id;
	w->job_gen = gen;
	w->f.state = BSC_WORKER_WORKING;
	waits_let_in_signals(w, false);
	double start = w->job_start = bsc_now();
	bsc_fetch_job_started(&w->fetch, start);
	if (w->wd) {
		bsc_monitor_job_begin(w->wd, id, bsc_conn_fd(c), bsc_conn_name(c));
	}
	publish(w);
	bsc_job_result result = w->host->run(w->ctx, job, why, sizeof(why));
	if (bsc_worker_forked(w)) {
		return BSC_STOP_FORKED;   /* a child the handler forked: the job is the parent's */
	}
	/* Learnt by the watchdog while the job ran: gone once it ends. */
	char tube[BSC_TUBE_MAX + 1] = "";
	if (w->wd && bsc_report_needs_job_tube(&w->report, w->opt.log_jobs)) {
		bsc_monitor_job_tube(w->wd, id, tube, sizeof(tube));
	}
	if (w->wd) {
		bsc_monitor_job_end(w->wd);
	}
	/* A ppoll() whose socket is ready returns without letting a pending
	 * signal in: one that came during the handler is taken in here, looked
	 * for once PENDING_LOOK_EVERY has passed since the last look (the
	 * clock costs no system call, sigpending() does), so a stop waits
	 * that long at most after a run of fast jobs, and not at all after a
	 * job that ran longer. */
	double end = bsc_now(), took = end - start;
	if (end - w->pending_looked >= PENDING_LOOK_EVERY) {
		bsc_stop_signals_take_pending(&w->signals);
		w->pending_looked = end;
	}
	waits_let_in_signals(w, true);
	w->job_id = 0;
	w->f.state = BSC_WORKER_WAITING;
	if (result == BSC_JOB_ABORTED) {
		return BSC_STOP_ABORT;
	}
	w->f.processed++;
	bsc_hist_add(&w->durations, (uint64_t)(took * 1e6));

	uint64_t released = w->f.released, buried = w->f.buried;
	bool done;
	bsc_settle settle = { &w->opt.retry, &w->log, &w->fetch, &w->f };
	const char *outcome = bsc_settle_job(&settle, c, result, id, gen, why, tube, sizeof(tube), &done);
	size_t slot = bsc_report_job(&w->report, start, tube, result == BSC_JOB_THREW, w->f.released > released, w->f.buried > buried, took);
	if (done) {
		bsc_fetch_job_done(&w->fetch, id, gen, slot, end);
	}
	publish(w);
	if (w->opt.log_jobs) {
		bsc_report_log_job(&w->report, id, tube, outcome, took);
	}
	return BSC_STOP_NONE;
}
/* }}} */

/* {{{ run */
/* The servers of a run, and the names they go by in log lines. False when
 * memory runs out. */
static bool servers_begin(bsc_worker *w, bsc_pool *pool)
{
	size_t n = bsc_pool_size(pool), len = 1;

	w->servers = calloc(n, sizeof(*w->servers));
	for (size_t s = 0; s < n; s++) {
		len += strlen(bsc_conn_name(bsc_pool_conn(pool, s))) + 2;
	}
	w->server_names = malloc(len);
	if (!w->servers || !w->server_names) {
		free(w->servers);
		free(w->server_names);
		w->servers = NULL;
		w->server_names = NULL;
		return false;
	}
	w->pool = pool;
	w->n = n;
	w->server_names[0] = '\0';
	for (size_t s = 0; s < n; s++) {
		w->servers[s] = (worker_server){ w, s, bsc_pool_conn(pool, s) };
		strcat(w->server_names, s ? ", " : "");
		strcat(w->server_names, bsc_conn_name(bsc_pool_conn(pool, s)));
	}
	return true;
}

static void servers_end(bsc_worker *w)
{
	free(w->servers);
	free(w->server_names);
	w->servers = NULL;
	w->server_names = NULL;
	w->pool = NULL;
	w->n = 0;
}

/* The figures of a run that begins. */
static void figures_begin(bsc_worker *w)
{
	struct timeval tv;

	memset(&w->f, 0, sizeof(w->f));
	bsc_hist_reset(&w->durations);
	w->f.stop_reason = BSC_STOP_NONE;
	w->f.state = BSC_WORKER_WAITING;
	gettimeofday(&tv, NULL);
	w->f.started_at = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	w->f.memory_start = w->host->heap(w->ctx);
	w->f.rss_start = bsc_rss_bytes();
	w->start = bsc_now();
	w->f.runtime_limit = w->opt.caps.max_runtime > 0 ? w->opt.caps.max_runtime + bsc_jitter(w->opt.caps.runtime_jitter) : 0;
	w->deadline = w->f.runtime_limit > 0 ? w->start + w->f.runtime_limit : 0;
}

/* The monitor thread, with the report's task. */
static void monitor_begin(bsc_worker *w)
{
	char errbuf[BSC_ERRSTR_LEN];
	bsc_conn *first = bsc_pool_conn(w->pool, 0);
	bsc_monitor_config wc = {
		.address = bsc_conn_name(first),
		.ttr_margin = w->opt.ttr_margin,
		.retry = w->opt.retry,
		.poke = w->host->poke,
		.poke_ctx = w->host->poke_ctx,
		.interrupt_signal = INTERRUPT_SIGNAL,
		.log_prefix = w->log.prefix,
	};
	bsc_report_run run = {
		.host = w->host,
		.ctx = w->ctx,
		.log = &w->log,
		.server_names = w->server_names,
		.tubes = bsc_conn_tubes(first),   /* every server's are the same */
		.start = w->start,
		.started_at = w->f.started_at,
		.caps = &w->opt.caps,
		.retry = &w->opt.retry,
	};
	bsc_report_begin(&w->report, &run, loop_view(w), &wc);
	w->wd = bsc_monitor_start(&wc, errbuf);
	bsc_report_monitor_started(&w->report, w->wd);
	bsc_report_started(&w->report);
	if (!w->wd) {
		bsc_log_line(&w->log, "%s: jobs are not held to their time-to-run%s", errbuf, bsc_report_publishing(&w->report) ? ", and no heartbeats are written" : "");
	}
}

static bool run_begin(bsc_worker *w, const bsc_worker_host *host, void *ctx)
{
	w->host = host;
	w->ctx = ctx;
	w->log.write = host->log;
	w->log.ctx = ctx;
	w->stop_requested = false;
	w->job_id = 0;
	w->epoch = bsc_fork_epoch();
	w->statm = w->opt.caps.rss_limit ? open("/proc/self/statm", O_RDONLY | O_CLOEXEC) : -1;
	figures_begin(w);
	bsc_fetch_config fc = {
		.prefetch = w->opt.prefetch,
		.reserve_timeout = w->opt.reserve_timeout,
		.ttr_margin = w->opt.ttr_margin,
		.reconnect_timeout = w->opt.reconnect_timeout,
		.deadline = w->deadline,
		.caps = &w->opt.caps,
		.signals = &w->signals,
		.log = &w->log,
		.report = &w->report,
	};
	if (!bsc_fetch_begin(&w->fetch, &fc, w->pool)) {
		if (w->statm >= 0) {
			close(w->statm);
		}
		return false;
	}
	w->running = true;
	bsc_stop_signals_install(&w->signals, INTERRUPT_SIGNAL);
	monitor_begin(w);
	for (size_t s = 0; s < w->n; s++) {
		bsc_conn *c = w->servers[s].conn;
		bsc_conn_set_event_hook(c, on_conn_event, &w->servers[s]);
		bsc_conn_set_auto_replace(c, false);
	}
	waits_end_on_signals(w, true);
	waits_let_in_signals(w, true);
	return true;
}

static void run_end(bsc_worker *w, bsc_stop_reason reason)
{
	bsc_fetch_end(&w->fetch);
	for (size_t s = 0; s < w->n; s++) {
		bsc_conn *c = w->servers[s].conn;
		bsc_conn_set_event_hook(c, NULL, NULL);
		bsc_conn_set_auto_replace(c, true);
	}
	bsc_report_stopping(&w->report, reason, loop_view(w));
	if (w->wd) {
		w->f.ttr_exceeded = bsc_monitor_ttr_exceeded(w->wd);
		bsc_monitor_stop(w->wd);
		w->wd = NULL;
	}
	if (w->statm >= 0) {
		close(w->statm);
		w->statm = -1;
	}
	waits_let_in_signals(w, false);
	waits_end_on_signals(w, false);
	int signals = bsc_stop_signals_arrived();
	/* restartAll's SIGHUP, sent by the monitor thread (joined above) to end
	 * a wait, may have come after the last wait: still pending, it would
	 * reach SIGHUP's disposition of before the run and end the process. */
	bool restart_requested = bsc_report_restart_requested(&w->report);
	if (restart_requested) {
		bsc_stop_signals_take_back(&w->signals, SIGHUP);
	}
	bsc_stop_signals_restore(&w->signals);
	w->f.stop_signal = (reason == BSC_STOP_SIGNAL || reason == BSC_STOP_RESTART) ? bsc_stop_signal_number(signals) : 0;
	if (reason == BSC_STOP_RESTART && restart_requested) {
		w->f.stop_signal = 0;   /* its own SIGHUP, sent to end a wait */
	}
	w->f.stop_reason = reason;
	w->f.state = BSC_WORKER_IDLE;
	w->fetch.fig.reconnect_backoff = 0;
	w->end = bsc_now();
	bsc_report_end(&w->report, reason);
	w->running = false;
}

/* The end of the run in a child the handler forked: nothing of the
 * parent's is touched (no connection, no beat, no log line); the child's
 * copy of the run's memory is freed. Its stop signals were given back at
 * the fork. */
static void run_forsaken(bsc_worker *w)
{
	bsc_fetch_forget(&w->fetch);
	if (w->wd) {
		bsc_monitor_stop(w->wd);   /* in a child: its memory only */
		w->wd = NULL;
	}
	if (w->statm >= 0) {
		close(w->statm);
		w->statm = -1;
	}
	bsc_report_end(&w->report, BSC_STOP_FORKED);
	w->f.stop_reason = BSC_STOP_REQUESTED;
	w->f.state = BSC_WORKER_IDLE;
	w->end = bsc_now();
	w->running = false;
}

static const char *reason_name(bsc_stop_reason reason, int signo, bool restart_requested)
{
	switch (reason) {
	case BSC_STOP_SIGNAL:
		return signo == SIGTERM ? "SIGTERM" : signo == SIGINT ? "SIGINT" : "SIGQUIT";
	case BSC_STOP_RESTART: return restart_requested ? "restartAll (restart)" : "SIGHUP (restart)";
	case BSC_STOP_MAX_JOBS: return "max_jobs";
	case BSC_STOP_MAX_RUNTIME: return "max_runtime";
	case BSC_STOP_MEMORY: return "a memory cap";
	case BSC_STOP_REQUESTED: return "stop()";
	case BSC_STOP_CONNECTION: return "the lost server";
	default: return "the handler";
	}
}

/* Between jobs: whether a signal, stop() or a cap says to stop. */
static bsc_stop_reason stop_now(bsc_worker *w)
{
	if (!w->host->idle(w->ctx)) {
		return BSC_STOP_ABORT;
	}
	bsc_report_drain_mail(&w->report);
	if (w->statm >= 0) {
		w->f.rss = bsc_rss_read(w->statm);   /* one pread per job */
	}
	bsc_worker_gauges g = {
		.signals = bsc_stop_signals_arrived(),
		.stop_requested = w->stop_requested,
		.processed = w->f.processed,
		.now = bsc_now(),
		.deadline = w->deadline,
		.heap = w->opt.caps.memory_limit ? w->host->heap(w->ctx) : 0,
		.rss = w->f.rss,
	};
	bsc_stop_reason reason = bsc_worker_decide(&w->opt.caps, &g);
	if (reason == BSC_STOP_NONE && bsc_report_restart_requested(&w->report)) {
		reason = BSC_STOP_RESTART;
	}
	return reason;
}

static void log_stop(bsc_worker *w, bsc_stop_reason reason)
{
	double took = w->end - w->start;

	bsc_log_line(&w->log, "stopping on %s after %" PRIu64 " jobs (%" PRIu64 " failed, %" PRIu64 " buried) in %.1f s, %.1f jobs/s (exit code %d)",
		reason_name(reason, w->f.stop_signal, bsc_report_restart_requested(&w->report)), w->f.processed, w->f.failed, w->f.buried,
		took, took > 0 ? (double)w->f.processed / took : 0, (int)reason);
}

bsc_stop_reason bsc_worker_run(bsc_worker *w, bsc_pool *pool, const bsc_worker_host *host, void *ctx)
{
	bsc_stop_reason reason = BSC_STOP_NONE;

	if (!bsc_stop_signals_claim()) {
		return BSC_STOP_BUSY;
	}
	if (!servers_begin(w, pool) || !run_begin(w, host, ctx)) {
		servers_end(w);
		bsc_stop_signals_release();
		return BSC_STOP_ABORT;
	}
	while ((reason = stop_now(w)) == BSC_STOP_NONE) {
		bsc_job job;
		bool got;
		reason = bsc_fetch_next(&w->fetch, &w->durations, &job, &got);
		if (reason == BSC_STOP_NONE && got) {
			reason = run_job(w, &job);
		}
		if (reason != BSC_STOP_NONE) {
			break;
		}
	}
	if (reason == BSC_STOP_FORKED) {
		run_forsaken(w);
		servers_end(w);
		return reason;
	}
	run_end(w, reason);
	bsc_stop_signals_release();
	if (reason != BSC_STOP_ABORT) {
		log_stop(w, reason);
	}
	servers_end(w);
	return reason;
}

void bsc_worker_figures_get(const bsc_worker *w, size_t heap, bsc_worker_figures *f)
{
	const bsc_histogram *h = &w->durations;
	const bsc_fetch_figures *g = &w->fetch.fig;

	*f = w->f;
	f->lost += g->lost;
	f->deleted = g->deleted;
	f->reconnects = g->reconnects;
	f->prefetched = g->prefetched;
	f->prefetch_released = g->prefetch_released;
	f->wait_time = g->wait_time;
	f->reconnect_backoff = g->reconnect_backoff;
	f->rtt = g->rtt;
	f->rtt_min = g->rtt_min;
	f->rtt_samples = g->rtt_samples;
	double end = w->running ? bsc_now() : w->end;
	f->uptime = w->start > 0 ? end - w->start : 0;
	f->jobs_per_sec = f->uptime > 0 ? (double)f->processed / f->uptime : 0;
	f->duration_p50 = (double)bsc_hist_percentile(h, 0.50) / 1e6;
	f->duration_p95 = (double)bsc_hist_percentile(h, 0.95) / 1e6;
	f->duration_p99 = (double)bsc_hist_percentile(h, 0.99) / 1e6;
	f->duration_max = (double)h->max / 1e6;
	f->duration_mean = h->count ? h->sum / (double)h->count / 1e6 : 0;
	f->memory = heap;
	f->rss = bsc_rss_bytes();
	if (w->running && w->wd) {
		f->ttr_exceeded = bsc_monitor_ttr_exceeded(w->wd);
	}
	bsc_status_counts sc;
	bsc_report_status_counts(&w->report, &sc);
	f->status_beats = sc.beats;
	f->status_errors = sc.errors;
	memcpy(f->status_last_error, sc.last_error, sizeof(f->status_last_error));
	f->restart_requested = bsc_report_restart_requested(&w->report);
	bsc_statsd_counts stc;
	bsc_report_statsd_counts(&w->report, &stc);
	f->statsd_sent = stc.sent;
	f->statsd_errors = stc.errors;
	memcpy(f->statsd_last_error, stc.last_error, sizeof(f->statsd_last_error));
}
/* }}} */
