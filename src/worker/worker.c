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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "src/worker/stopsignals.h"
#include "src/worker/worker_private.h"

/* The signal the watchdog sends to end a blocking call in the handler. */
#define INTERRUPT_SIGNAL (SIGRTMIN + 4)
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
	bool reports = bsc_worker_report_init(w, opt);
	w->backoff = malloc(opt->retry.backoff_len * sizeof(uint32_t));
	w->name = strdup(opt->name ? opt->name : "");
	if (!reports || !w->backoff || !w->name) {
		bsc_worker_free(w);
		return NULL;
	}
	memcpy(w->backoff, opt->retry.backoff, opt->retry.backoff_len * sizeof(uint32_t));
	w->opt.retry.backoff = w->backoff;
	w->opt.name = w->name;
	if (w->name[0]) {
		snprintf(w->prefix, sizeof(w->prefix), "beanstalk worker %.60s", w->name);
	} else {
		snprintf(w->prefix, sizeof(w->prefix), "beanstalk worker");
	}
	w->f.stop_reason = BSC_STOP_NONE;
	return w;
}

void bsc_worker_free(bsc_worker *w)
{
	if (w) {
		bsc_worker_report_free(w);
		free(w->backoff);
		free(w->name);
		free(w);
	}
}

size_t bsc_worker_server(const bsc_worker *w)
{
	return w->cur;
}

const char *bsc_worker_name(const bsc_worker *w)
{
	return w->name;
}

void bsc_worker_stop(bsc_worker *w)
{
	w->stop_requested = true;
}

bool bsc_worker_take_interrupt(bsc_worker *w, char *msg, size_t size)
{
	return w->running && w->wd && w->job_id && bsc_monitor_take_give_up(w->wd, msg, size);
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
	if (!w->wd || sv != &w->servers[w->cur]) {
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
void bsc_worker_log(bsc_worker *w, const char *fmt, ...)
{
	char line[1536];
	va_list ap;
	int n = snprintf(line, sizeof(line), "%s: ", w->prefix);

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	w->host->log(w->ctx, line);
}

bsc_stop_reason bsc_worker_arrived_reason(bsc_worker *w)
{
	bsc_worker_gauges g = { .signals = bsc_stop_signals_arrived() };

	return bsc_worker_decide(&w->opt.caps, &g);
}

/* Asked by the connection when a wait is interrupted. */
static bool wait_interrupted(void *ctx)
{
	bsc_worker *w = ctx;

	return (w->phase == PHASE_WAIT || w->phase == PHASE_RECONNECT) && bsc_stop_signals_arrived() != 0;
}

void bsc_worker_rtt_sample(bsc_worker *w, double seconds)
{
	bsc_worker_figures *f = &w->f;

	/* Smoothed like TCP's SRTT (a gain of 1/8). */
	f->rtt = f->rtt_samples ? f->rtt + (seconds - f->rtt) / 8 : seconds;
	if (f->rtt_samples == 0 || seconds < f->rtt_min) {
		f->rtt_min = seconds;
	}
	f->rtt_samples++;
	w->last_rtt_at = bsc_now();
}

/* Counts the connection's new generations after the first as reconnects. */
void bsc_worker_note_generation(bsc_worker *w, size_t s)
{
	worker_server *sv = &w->servers[s];
	uint64_t gen = bsc_conn_generation(sv->conn);

	if (sv->last_gen && gen > sv->last_gen) {
		w->f.reconnects += gen - sv->last_gen;
	}
	if (gen) {
		sv->last_gen = gen;
	}
}

/* }}} */

/* {{{ a job */
static const char *const connection_lost = "the connection was lost meanwhile, so the server gave the job back";

/* Says what became of the failed job's release or bury. */
static void report_failure(bsc_worker *w, const char *head, const bsc_failure_plan *plan, bsc_status st, uint64_t gen)
{
	bsc_conn *c = w->conn;

	if (st == BSC_OK && plan->bury) {
		w->f.buried++;
		bsc_worker_log(w, "%s; buried", head);
	} else if (st == BSC_OK) {
		w->f.released++;
		bsc_worker_log(w, "%s; released with delay %" PRIu32 " s", head, plan->delay);
	} else if (st == BSC_BURIED) {
		w->f.buried++;
		bsc_worker_log(w, "%s; buried by the server, out of memory to release it", head);
	} else if (st == BSC_NOT_FOUND) {
		w->f.lost++;
		bsc_worker_log(w, "%s; %s", head, bsc_conn_generation(c) != gen ? connection_lost : "it was no longer reserved by this worker");
	} else {
		bsc_worker_log(w, "%s; could not be %s (%s): it comes back when the connection closes", head,
			plan->bury ? "buried" : "released", bsc_conn_errstr(c));
	}
}

/* The handler threw: release the job with the back-off and its priority,
 * or bury it once it has had max_attempts tries (policy.h). The job's tube,
 * when the server told it, goes into tube if that is still "". */
static void job_failed(bsc_worker *w, uint64_t id, uint64_t gen, bool held, bool same, const char *why, char *tube, size_t tube_size)
{
	bsc_conn *c = w->conn;
	bsc_job_stats js;
	bsc_failure_plan plan;
	char head[1280];

	if (!held) {
		if (!same) {
			w->f.lost++;
		}
		bsc_worker_log(w, "job %" PRIu64 " failed: %s; %s", id, why, same ? "the handler had deleted, released or buried it already" : connection_lost);
		return;
	}
	w->phase = PHASE_SETTLE;
	double sent = bsc_now();
	/* Pinned: on a connection found dead and replaced, nothing goes out. */
	bsc_conn_pin(c, gen);
	bsc_status st = bsc_job_stats_get(c, id, &js);
	if (st == BSC_OK) {
		bsc_worker_rtt_sample(w, bsc_now() - sent);
	}
	if (bsc_conn_generation(c) != gen) {
		w->f.lost++;
		bsc_worker_log(w, "job %" PRIu64 " failed: %s; %s", id, why, connection_lost);
		return;
	}
	if (st == BSC_NOT_FOUND || (st == BSC_OK && strcmp(js.state, "reserved") != 0)) {
		bsc_conn_let_go(c, id);
		w->f.lost++;
		bsc_worker_log(w, "job %" PRIu64 " failed: %s; its time-to-run had run out, so it is no longer this worker's", id, why);
		return;
	}
	if (st != BSC_OK) {
		bsc_worker_log(w, "job %" PRIu64 " failed: %s; the server could not be asked about it (%s), so it comes back when the connection closes or its time-to-run runs out",
			id, why, bsc_conn_errstr(c));
		return;
	}
	if (!tube[0]) {
		snprintf(tube, tube_size, "%s", js.tube);
	}
	bsc_failure_plan_make(&w->opt.retry, &js, &plan);
	snprintf(head, sizeof(head), "job %" PRIu64 " (tube %s) failed on attempt %" PRIu32 " of %" PRIu32 ": %s",
		id, js.tube, plan.attempt, w->opt.retry.max_attempts, why);
	bsc_conn_pin(c, gen);
	st = plan.bury ? bsc_bury(c, id, plan.priority) : bsc_release(c, id, plan.priority, plan.delay);
	report_failure(w, head, &plan, st, gen);
}

/* Whether the waits on the servers' connections let the stop signals in
 * and end on them: between jobs, not while the handler runs. */
static void waits_let_in_signals(bsc_worker *w, bool on)
{
	for (size_t s = 0; s < w->n; s++) {
		bsc_conn_set_interrupt(w->servers[s].conn, on ? wait_interrupted : NULL, w);
		bsc_conn_set_wait_mask(w->servers[s].conn, on ? &w->signals.wait_mask : NULL);
	}
}

/* Runs the handler on the job. The stop signals stay blocked meanwhile:
 * one that comes is acted on once the handler has returned. */
static bsc_stop_reason run_job(bsc_worker *w, const bsc_job *job)
{
	bsc_conn *c = w->conn;
	char why[1024] = "";
	uint64_t id = job->id, gen = bsc_conn_generation(c);

	w->job_id = id;
	w->job_gen = gen;
	w->f.state = BSC_WORKER_WORKING;
	waits_let_in_signals(w, false);
	double start = w->job_start = w->last_job_start = bsc_now();
	if (w->wd) {
		bsc_monitor_job_begin(w->wd, id, bsc_conn_fd(c), bsc_conn_name(c));
	}
	bsc_worker_publish(w);
	bsc_job_result result = w->host->run(w->ctx, job, why, sizeof(why));
	/* Learnt by the watchdog while the job ran: gone once it ends. */
	char tube[BSC_TUBE_MAX + 1] = "";
	if ((w->opt.log_jobs || w->statsd) && w->wd && !w->single_tube[0]) {
		bsc_monitor_job_tube(w->wd, id, tube, sizeof(tube));
	}
	if (w->wd) {
		bsc_monitor_job_end(w->wd);
	}
	/* A ppoll() whose socket is ready returns without letting a pending
	 * signal in: one that came during the handler is taken in here. */
	bsc_stop_signals_take_pending(&w->signals);
	double took = bsc_now() - start;
	waits_let_in_signals(w, true);
	w->job_id = 0;
	w->f.state = BSC_WORKER_WAITING;
	if (result == BSC_JOB_ABORTED) {
		return BSC_STOP_ABORT;
	}
	w->f.processed++;
	bsc_hist_add(&w->durations, (uint64_t)(took * 1e6));

	/* Still ours unless the handler gave it up, or the connection it came
	 * over was lost (and with it the job). */
	bool same = bsc_conn_is_connected(c) && bsc_conn_generation(c) == gen;
	bool held = same && bsc_conn_holds(c, id);
	const char *outcome = "done";
	uint64_t released = w->f.released, buried = w->f.buried;
	if (result == BSC_JOB_THREW) {
		w->f.failed++;
		job_failed(w, id, gen, held, same, why, tube, sizeof(tube));
		outcome = "failed";
	} else if (held) {
		w->done_id = id;
		w->done_gen = gen;
		w->done_server = w->cur;
	} else if (!same) {
		w->f.lost++;
		bsc_worker_log(w, "job %" PRIu64 ": the connection was lost while the handler ran; unless the handler had deleted it, the server gave the job back and it may run again", id);
		outcome = "lost with the connection";
	} else {
		outcome = "settled by the handler";
	}
	w->phase = PHASE_NONE;
	bsc_worker_report_job(w, tube, result == BSC_JOB_THREW, w->f.released > released, w->f.buried > buried, took);
	bsc_worker_publish(w);
	if (w->opt.log_jobs) {
		bsc_worker_log_job(w, id, tube, outcome, took);
	}
	return BSC_STOP_NONE;
}
/* }}} */

/* {{{ run */
/* The servers of a run, and the names they go by in log lines. False when
 * memory runs out. */
static bool servers_begin(bsc_worker *w, bsc_conn *const *conns, size_t n)
{
	size_t len = 1;

	w->servers = calloc(n, sizeof(*w->servers));
	for (size_t s = 0; s < n; s++) {
		len += strlen(bsc_conn_name(conns[s])) + 2;
	}
	w->server_names = malloc(len);
	if (!w->servers || !w->server_names) {
		free(w->servers);
		free(w->server_names);
		w->servers = NULL;
		w->server_names = NULL;
		return false;
	}
	w->n = n;
	w->server_names[0] = '\0';
	for (size_t s = 0; s < n; s++) {
		worker_server *sv = &w->servers[s];
		sv->conn = conns[s];
		sv->w = w;
		sv->backoff_next = BSC_BACKOFF_FIRST;
		sv->up_since = bsc_now();
		sv->last_gen = bsc_conn_generation(sv->conn);
		/* The connection counts from its start: this run from here. */
		bsc_conn_delete_counts(sv->conn, &sv->deletes_seen[0], &sv->deletes_seen[1], &sv->deletes_seen[2]);
		strcat(w->server_names, s ? ", " : "");
		strcat(w->server_names, bsc_conn_name(sv->conn));
	}
	w->cur = w->next_pick = 0;
	w->conn = conns[0];
	return true;
}

static void run_begin(bsc_worker *w, const bsc_worker_host *host, void *ctx)
{
	char errbuf[BSC_ERRSTR_LEN];
	struct timeval tv;

	w->host = host;
	w->ctx = ctx;
	w->running = true;
	w->stop_requested = false;
	w->phase = PHASE_NONE;
	w->job_id = w->done_id = 0;
	w->job_body = NULL;
	w->last_job_start = 0;
	w->last_rtt_at = 0;
	w->statm = w->opt.caps.rss_limit ? open("/proc/self/statm", O_RDONLY | O_CLOEXEC) : -1;
	memset(&w->f, 0, sizeof(w->f));
	bsc_hist_reset(&w->durations);
	w->p95 = 0;
	w->p95_count = 0;
	w->f.stop_reason = BSC_STOP_NONE;
	w->f.state = BSC_WORKER_WAITING;
	gettimeofday(&tv, NULL);
	w->f.started_at = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	w->f.memory_start = host->heap(ctx);
	w->f.rss_start = bsc_rss_bytes();
	w->start = bsc_now();
	w->f.runtime_limit = w->opt.caps.max_runtime > 0 ? w->opt.caps.max_runtime + bsc_jitter(w->opt.caps.runtime_jitter) : 0;
	w->deadline = w->f.runtime_limit > 0 ? w->start + w->f.runtime_limit : 0;

	bsc_stop_signals_install(&w->signals, INTERRUPT_SIGNAL);
	bsc_monitor_config wc = {
		.address = bsc_conn_name(w->conn),
		.ttr_margin = w->opt.ttr_margin,
		.retry = w->opt.retry,
		.poke = host->poke,
		.poke_ctx = host->poke_ctx,
		.interrupt_signal = INTERRUPT_SIGNAL,
		.log_prefix = w->prefix,
	};
	bsc_worker_report_begin(w, &wc);
	w->wd = bsc_monitor_start(&wc, errbuf);
	bsc_worker_report_started(w);
	if (!w->wd) {
		bsc_worker_log(w, "%s: jobs are not held to their time-to-run%s", errbuf, w->publishing ? ", and no heartbeats are written" : "");
	}
	for (size_t s = 0; s < w->n; s++) {
		bsc_conn_set_event_hook(w->servers[s].conn, on_conn_event, &w->servers[s]);
		bsc_conn_set_auto_replace(w->servers[s].conn, false);
	}
	waits_let_in_signals(w, true);
}

/* Never leaves a finished job undeleted: it would run again. */
static void delete_last_job(bsc_worker *w)
{
	bsc_conn *c = w->servers[w->done_server].conn;

	w->phase = PHASE_SETTLE;
	double sent = bsc_now();
	bsc_conn_pin(c, w->done_gen);
	bsc_status st = bsc_delete(c, w->done_id);
	if (st == BSC_OK) {
		bsc_worker_rtt_sample(w, bsc_now() - sent);
		w->f.deleted++;
		bsc_worker_report_deleted(w);
	} else if (st == BSC_NOT_FOUND) {
		bsc_worker_gone_before_delete(w, w->done_id);
	} else {
		bsc_worker_lost_before_delete(w, "before its delete was confirmed");
	}
	w->done_id = 0;
}

/* Jobs reserved ahead and not started go back to the server at once, with
 * their priority: their connections close (the server puts back every job
 * a closed connection held), and so do those with a reserve out, whose job
 * would otherwise be held by a connection nobody reads. */
static void hand_back(bsc_worker *w)
{
	uint64_t jobs = 0;

	w->phase = PHASE_SETTLE;
	for (size_t s = 0; s < w->n; s++) {
		bsc_conn *c = w->servers[s].conn;
		/* Its deletes first: they come before any reserve that may wait. */
		bsc_conn_settle_deletes(c, bsc_conn_timeout(c));
		size_t have = bsc_conn_prefetch_jobs(c);
		if (have > 0 || bsc_conn_prefetch_out(c, NULL) > 0) {
			jobs += have;
			bsc_conn_close(c);
		}
	}
	bsc_worker_sweep_deletes(w);
	if (jobs > 0) {
		w->f.prefetch_released += jobs;
		bsc_worker_log(w, "handed back %" PRIu64 " job%s reserved ahead", jobs, jobs == 1 ? "" : "s");
	}
}

static void run_end(bsc_worker *w, bsc_stop_reason reason)
{
	if (w->done_id) {
		delete_last_job(w);
	}
	hand_back(w);
	free(w->job_body);
	w->job_body = NULL;
	for (size_t s = 0; s < w->n; s++) {
		bsc_conn_set_event_hook(w->servers[s].conn, NULL, NULL);
		bsc_conn_set_auto_replace(w->servers[s].conn, true);
	}
	bsc_worker_report_stopping(w, reason);
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
	int signals = bsc_stop_signals_arrived();
	/* restartAll's SIGHUP, sent by the monitor thread (joined above) to end
	 * a wait, may have come after the last wait: still pending, it would
	 * reach SIGHUP's disposition of before the run and end the process. */
	if (atomic_load(&w->restart_requested)) {
		bsc_stop_signals_take_back(&w->signals, SIGHUP);
	}
	bsc_stop_signals_restore(&w->signals);
	w->f.stop_signal = (reason == BSC_STOP_SIGNAL || reason == BSC_STOP_RESTART) ? bsc_stop_signal_number(signals) : 0;
	if (reason == BSC_STOP_RESTART && atomic_load(&w->restart_requested)) {
		w->f.stop_signal = 0;   /* its own SIGHUP, sent to end a wait */
	}
	w->f.stop_reason = reason;
	w->f.state = BSC_WORKER_IDLE;
	w->f.reconnect_backoff = 0;
	w->end = bsc_now();
	bsc_worker_report_end(w, reason);
	w->running = false;
	w->phase = PHASE_NONE;
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
	bsc_worker_drain_mail(w);
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
	if (reason == BSC_STOP_NONE && atomic_load_explicit(&w->restart_requested, memory_order_relaxed)) {
		reason = BSC_STOP_RESTART;
	}
	return reason;
}

bsc_stop_reason bsc_worker_run(bsc_worker *w, bsc_conn *const *conns, size_t n, const bsc_worker_host *host, void *ctx)
{
	bsc_stop_reason reason = BSC_STOP_NONE;

	if (!bsc_stop_signals_claim()) {
		return BSC_STOP_BUSY;
	}
	if (!servers_begin(w, conns, n)) {
		bsc_stop_signals_release();
		return BSC_STOP_ABORT;
	}
	run_begin(w, host, ctx);
	while ((reason = stop_now(w)) == BSC_STOP_NONE) {
		bsc_job job;
		bool got;
		reason = bsc_worker_next_job(w, &job, &got);
		if (reason == BSC_STOP_NONE && got) {
			reason = run_job(w, &job);
		}
		if (reason != BSC_STOP_NONE) {
			break;
		}
	}
	run_end(w, reason);
	bsc_stop_signals_release();
	if (reason != BSC_STOP_ABORT) {
		double took = w->end - w->start;
		bsc_worker_log(w, "stopping on %s after %" PRIu64 " jobs (%" PRIu64 " failed, %" PRIu64 " buried) in %.1f s, %.1f jobs/s (exit code %d)",
			reason_name(reason, w->f.stop_signal, atomic_load(&w->restart_requested)), w->f.processed, w->f.failed, w->f.buried,
			took, took > 0 ? (double)w->f.processed / took : 0, (int)reason);
	}
	free(w->servers);
	free(w->server_names);
	w->servers = NULL;
	w->server_names = NULL;
	w->conn = NULL;
	w->n = 0;
	return reason;
}

void bsc_worker_figures_get(const bsc_worker *w, size_t heap, bsc_worker_figures *f)
{
	const bsc_histogram *h = &w->durations;

	*f = w->f;
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
	bsc_worker_status_counts(w, &sc);
	f->status_beats = sc.beats;
	f->status_errors = sc.errors;
	memcpy(f->status_last_error, sc.last_error, sizeof(f->status_last_error));
	f->restart_requested = atomic_load(&((bsc_worker *)w)->restart_requested);
	bsc_statsd_counts stc;
	bsc_worker_statsd_counts(w, &stc);
	f->statsd_sent = stc.sent;
	f->statsd_errors = stc.errors;
	memcpy(f->statsd_last_error, stc.last_error, sizeof(f->statsd_last_error));
}
/* }}} */
