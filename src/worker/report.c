/*
 * What the worker tells of itself while it runs: the snapshot of the loop
 * that the monitor thread reads, the monitor's task (the status beats, the
 * StatsD sends, the title's refresh during a long job), the process title,
 * and the log lines of the start and of each job. See worker.h.
 *
 * The loop publishes at its state changes only: a lock, a copy of a few
 * counters, the host's heap figure; the durations' percentiles only when
 * the monitor has taken the last ones. The monitor thread never calls the
 * host but through poke, which is safe from any thread: its log lines wait
 * in a mailbox for the loop's thread.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/worker_private.h"

#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A job that runs on gets its title's seconds brought up to date this often. */
#define TITLE_REFRESH 1.0

/* {{{ life cycle */
bool bsc_worker_report_init(bsc_worker *w, const bsc_worker_options *opt)
{
	pthread_mutex_init(&w->snap_lock, NULL);
	pthread_mutex_init(&w->mail_lock, NULL);
	w->status_prefix = strdup(opt->status_prefix ? opt->status_prefix : BSC_STATUS_PREFIX);
	if (!w->status_prefix) {
		return false;
	}
	w->opt.status_prefix = w->status_prefix;
	if (w->opt.status_interval <= 0) {
		w->opt.status_interval = BSC_STATUS_INTERVAL;
	}
	if (opt->status) {
		w->status_address = malloc(sizeof(*w->status_address));
		if (!w->status_address) {
			return false;
		}
		*w->status_address = *opt->status;
	}
	w->opt.status = w->status_address;
	if (w->opt.statsd_interval <= 0) {
		w->opt.statsd_interval = BSC_STATSD_INTERVAL;
	}
	w->statsd_prefix = strdup(opt->statsd_prefix ? opt->statsd_prefix : BSC_STATSD_PREFIX);
	if (!w->statsd_prefix) {
		return false;
	}
	w->opt.statsd_prefix = w->statsd_prefix;
	if (opt->statsd) {
		w->statsd_address = malloc(sizeof(*w->statsd_address));
		if (!w->statsd_address) {
			return false;
		}
		*w->statsd_address = *opt->statsd;
	}
	w->opt.statsd = w->statsd_address;
	return true;
}

void bsc_worker_report_free(bsc_worker *w)
{
	pthread_mutex_destroy(&w->snap_lock);
	pthread_mutex_destroy(&w->mail_lock);
	free(w->status_prefix);
	if (w->status_address) {
		explicit_bzero(w->status_address, sizeof(*w->status_address));
		free(w->status_address);
	}
	free(w->statsd_prefix);
	free(w->statsd_address);
	free(w->tubes);
}
/* }}} */

/* {{{ the title */
typedef struct {
	char *p, *end;              /* end: the last byte, kept for the NUL */
} text;

static void text_put(text *t, const char *s, size_t n)
{
	if (n > (size_t)(t->end - t->p)) {
		n = (size_t)(t->end - t->p);
	}
	memcpy(t->p, s, n);
	t->p += n;
}

static void text_str(text *t, const char *s, size_t max)
{
	text_put(t, s, strnlen(s, max));
}

static void text_u64(text *t, uint64_t v)
{
	char digits[20];
	size_t i = sizeof(digits);

	do {
		digits[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	text_put(t, digits + i, sizeof(digits) - i);
}

void bsc_worker_title_format(char *buf, size_t size, const char *name, bsc_worker_state state, uint64_t job_id,
	const char *job_tube, uint64_t job_seconds, const char *tubes, uint64_t done)
{
	text t = { buf, buf + size - 1 };

	text_str(&t, "beanstalk-worker", 16);
	if (name[0]) {
		text_put(&t, " ", 1);
		text_str(&t, name, 60);
	}
	if (state == BSC_WORKER_WORKING) {
		text_str(&t, ": working job ", 14);
		text_u64(&t, job_id);
		text_put(&t, " (", 2);
		if (job_tube[0]) {
			text_str(&t, job_tube, 60);
			text_put(&t, ", ", 2);
		}
		text_u64(&t, job_seconds);
		text_put(&t, " s) ", 4);
	} else {
		text_str(&t, state == BSC_WORKER_WAITING ? ": waiting (" : ": stopped (", 11);
		text_str(&t, tubes, 80);
		text_put(&t, ") ", 2);
	}
	text_u64(&t, done);
	text_put(&t, " done", 5);
	*t.p = '\0';
}

/* The tube of the job running: the one watched, or what the watchdog
 * learnt (into buf), or "". */
static const char *job_tube(bsc_worker *w, bsc_monitor *wd, uint64_t id, char *buf, size_t size)
{
	if (w->single_tube[0]) {
		return w->single_tube;
	}
	if (!wd || !bsc_monitor_job_tube(wd, id, buf, size)) {
		buf[0] = '\0';
	}
	return buf;
}

/* In the loop's thread: sets the title when what it says changed. */
static void title_update(bsc_worker *w)
{
	char tube_buf[BSC_TUBE_MAX + 1] = "";
	const char *tube = "";
	bool working = w->f.state == BSC_WORKER_WORKING;
	uint64_t seconds = working ? (uint64_t)(bsc_now() - w->job_start) : 0;

	/* A job's tube from several watched is learnt past its first half
	 * second, never at its start. */
	if (working && (w->single_tube[0] || seconds > 0)) {
		tube = job_tube(w, w->wd, w->job_id, tube_buf, sizeof(tube_buf));
	}
	worker_title_key *k = &w->title_key;
	uint64_t job_id = working ? w->job_id : 0;
	if (k->state == w->f.state && k->job_id == job_id && k->done == w->f.processed && k->seconds == seconds
		&& k->tube == (tube[0] != '\0')) {
		return;
	}
	*k = (worker_title_key){ w->f.state, job_id, w->f.processed, seconds, tube[0] != '\0' };
	bsc_worker_title_format(w->title, sizeof(w->title), w->name, w->f.state, w->job_id, tube, seconds,
		w->tubes ? w->tubes : "", w->f.processed);
	w->host->title(w->ctx, w->title);
}

void bsc_worker_title_waiting(bsc_worker *w)
{
	if (w->title_on) {
		title_update(w);
	}
}
/* }}} */

/* {{{ the loop's side */
void bsc_worker_publish(bsc_worker *w)
{
	if (w->publishing) {
		const bsc_worker_figures *f = &w->f;
		size_t heap = w->host->heap(w->ctx);
		bool percentiles = atomic_exchange(&w->want_percentiles, false);
		pthread_mutex_lock(&w->snap_lock);
		worker_snapshot *s = &w->snap;
		s->state = f->state;
		s->job_id = f->state == BSC_WORKER_WORKING ? w->job_id : 0;
		s->job_start = w->job_start;
		s->processed = f->processed;
		s->failed = f->failed;
		s->released = f->released;
		s->buried = f->buried;
		s->deleted = f->deleted;
		s->memory = heap;
		s->rtt = f->rtt;
		if (percentiles) {
			s->p50 = (double)bsc_hist_percentile(&w->durations, 0.50) / 1e6;
			s->p99 = (double)bsc_hist_percentile(&w->durations, 0.99) / 1e6;
		}
		pthread_mutex_unlock(&w->snap_lock);
	}
	/* Waiting: set where the wait may block (bsc_worker_title_waiting). */
	if (w->title_on && w->f.state != BSC_WORKER_WAITING) {
		title_update(w);
	}
}

void bsc_worker_report_job(bsc_worker *w, const char *tube, bool failed, bool released, bool buried, double took)
{
	if (w->statsd) {
		bsc_statsd_job_end e = {
			.failed = failed,
			.released = released,
			.buried = buried,
			.duration = took,
			.wait = w->job_start - w->idle_since,
		};
		w->done_slot = bsc_statsd_job(w->statsd, w->single_tube[0] ? w->single_tube : tube, &e);
	}
	w->idle_since = w->job_start + took;
}

void bsc_worker_report_deleted(bsc_worker *w)
{
	if (w->statsd) {
		bsc_statsd_deleted(w->statsd, w->done_slot);
	}
}

void bsc_worker_drain_mail(bsc_worker *w)
{
	char lines[MAIL_LINES][MAIL_LINE_MAX];
	size_t n;

	if (!atomic_load_explicit(&w->mail_waiting, memory_order_acquire)) {
		return;
	}
	atomic_store(&w->mail_waiting, false);
	pthread_mutex_lock(&w->mail_lock);
	n = w->mail_count;
	memcpy(lines, w->mail, n * MAIL_LINE_MAX);
	w->mail_count = 0;
	pthread_mutex_unlock(&w->mail_lock);
	for (size_t i = 0; i < n; i++) {
		bsc_worker_log(w, "%s", lines[i]);
	}
}

void bsc_worker_interrupted(bsc_worker *w)
{
	if (!w->running) {
		return;
	}
	bsc_worker_drain_mail(w);
	if (w->title_on && w->f.state == BSC_WORKER_WORKING) {
		title_update(w);
	}
}

void bsc_worker_log_job(bsc_worker *w, uint64_t id, const char *learnt, const char *outcome, double took)
{
	const char *tube = w->single_tube[0] ? w->single_tube : learnt;

	bsc_worker_log(w, "job %" PRIu64 "%s%s%s: %s in %.3f s", id, tube[0] ? " (tube " : "", tube, tube[0] ? ")" : "", outcome, took);
}
/* }}} */

/* {{{ the monitor thread's side */
static void monitor_log(void *ctx, const char *line)
{
	bsc_worker *w = ctx;

	pthread_mutex_lock(&w->mail_lock);
	if (w->mail_count < MAIL_LINES) {
		snprintf(w->mail[w->mail_count++], MAIL_LINE_MAX, "%s", line);
	}
	pthread_mutex_unlock(&w->mail_lock);
	atomic_store_explicit(&w->mail_waiting, true, memory_order_release);
	/* A handler that runs on writes it at its next interrupt check. */
	w->host->poke(w->host->poke_ctx);
}

static void monitor_restart(void *ctx)
{
	bsc_worker *w = ctx;

	atomic_store(&w->restart_requested, true);
	/* Blocked in the loop's thread but inside its waits: it ends a wait
	 * for a job at once, and waits while the handler runs. */
	pthread_kill(w->loop_thread, SIGHUP);
}

static void monitor_read(void *ctx, bsc_status_figures *f, char *tube, size_t tube_size)
{
	bsc_worker *w = ctx;
	worker_snapshot s;

	pthread_mutex_lock(&w->snap_lock);
	s = w->snap;
	pthread_mutex_unlock(&w->snap_lock);
	atomic_store(&w->want_percentiles, true);
	f->state = s.state == BSC_WORKER_WORKING ? BSC_STATUS_WORKING : s.state == BSC_WORKER_IDLE ? BSC_STATUS_STOPPED : BSC_STATUS_WAITING;
	f->job_id = s.job_id;
	f->job_since = s.job_start;
	f->processed = s.processed;
	f->failed = s.failed;
	f->released = s.released;
	f->buried = s.buried;
	f->deleted = s.deleted;
	f->duration_p50 = s.p50;
	f->duration_p99 = s.p99;
	f->rtt = s.rtt;
	f->memory = s.memory;
	f->rss = bsc_rss_bytes();
	f->stop_reason = s.stop_reason == BSC_STOP_ABORT ? BSC_STOP_REQUESTED : s.stop_reason;
	if (s.state == BSC_WORKER_WORKING) {
		const char *t = job_tube(w, w->monitor_wd, s.job_id, tube, tube_size);
		if (t != tube) {
			snprintf(tube, tube_size, "%s", t);
		}
	}
}

/* A job that runs on: the loop's thread is asked (through the host's
 * interrupt) to bring the title's seconds up to date. */
static void title_refresh(bsc_worker *w, double now)
{
	pthread_mutex_lock(&w->snap_lock);
	bool working = w->snap.state == BSC_WORKER_WORKING;
	double since = w->snap.job_start;
	pthread_mutex_unlock(&w->snap_lock);
	if (working && now - since >= TITLE_REFRESH && now - w->title_poked >= TITLE_REFRESH) {
		w->title_poked = now;
		w->host->poke(w->host->poke_ctx);
	}
}

/* The gauges StatsD gets: the heap as the loop last published it. */
static void statsd_gauges(bsc_worker *w, bsc_statsd_gauges *g)
{
	pthread_mutex_lock(&w->snap_lock);
	g->memory = w->snap.memory;
	pthread_mutex_unlock(&w->snap_lock);
	g->rss = bsc_rss_bytes();
}

static double monitor_task(void *ctx, bsc_monitor *wd, double now, int *fd, short *events)
{
	bsc_worker *w = ctx;
	double next = INFINITY;

	w->monitor_wd = wd;
	*fd = -1;
	*events = 0;
	if (w->status) {
		next = bsc_status_writer_run(w->status, now, fd, events);
	}
	if (w->statsd) {
		bsc_statsd_gauges g = { 0 };
		/* The RSS is read only when a send is due. */
		if (bsc_statsd_due(w->statsd, now) <= now) {
			statsd_gauges(w, &g);
		}
		next = fmin(next, bsc_statsd_run(w->statsd, now, &g, fd, events));
	}
	if (w->title_on) {
		title_refresh(w, now);
	}
	return next;
}

static void monitor_finish(void *ctx)
{
	bsc_worker *w = ctx;

	if (w->status) {
		bsc_status_writer_finish(w->status);
	}
	if (w->statsd) {
		bsc_statsd_gauges g;
		statsd_gauges(w, &g);
		bsc_statsd_send(w->statsd, &g);
		w->statsd_finished = true;
	}
}
/* }}} */

/* {{{ a run's beginning and end */
/* The identity of the run: host, id, tubes. */
static void identify(bsc_worker *w)
{
	bsc_tubes *t = bsc_conn_tubes(w->servers[0].conn);  /* every server's are the same */
	size_t n = bsc_tubes_watch_count(t), len, size = 1;

	if (gethostname(w->hostname, sizeof(w->hostname)) != 0) {
		snprintf(w->hostname, sizeof(w->hostname), "localhost");
	}
	w->hostname[sizeof(w->hostname) - 1] = '\0';
	w->pid = getpid();
	snprintf(w->id, sizeof(w->id), "%s:%ld:%lld", w->hostname, (long)w->pid, (long long)llround(w->f.started_at * 1000));
	for (size_t i = 0; i < n; i++) {
		bsc_tubes_watched(t, i, &len);
		size += len + 1;
	}
	free(w->tubes);
	w->tubes = malloc(size);
	w->single_tube[0] = '\0';
	if (!w->tubes) {
		return;
	}
	w->tubes[0] = '\0';
	for (size_t i = 0, at = 0; i < n; i++) {
		const char *name = bsc_tubes_watched(t, i, &len);
		memcpy(w->tubes + at, name, len);
		at += len;
		w->tubes[at] = i + 1 < n ? ',' : '\0';
		at++;
	}
	if (n == 1) {
		snprintf(w->single_tube, sizeof(w->single_tube), "%s", w->tubes);
	}
}

static void start_writer(bsc_worker *w)
{
	bsc_status_config sc = {
		.address = w->status_address,
		.who = {
			.prefix = w->status_prefix,
			.id = w->id,
			.name = w->name,
			.host = w->hostname,
			.pid = (long)w->pid,
			.server = w->server_names,
			.tubes = w->tubes ? w->tubes : "",
			.started_at = w->f.started_at,
			.interval = w->opt.status_interval,
		},
		.read = monitor_read,
		.log = monitor_log,
		.restart = monitor_restart,
		.ctx = w,
		.started = w->start,
	};
	w->status = bsc_status_writer_new(&sc);
	if (!w->status) {
		bsc_worker_log(w, "status: out of memory: no heartbeats");
	}
}

/* The tubes StatsD names, as watched now, and the worker's part of the
 * gauges' names: its name, or its host and pid. */
static void start_statsd(bsc_worker *w)
{
	bsc_tubes *t = bsc_conn_tubes(w->conn);
	size_t n = bsc_tubes_watch_count(t), len;
	char **tubes = calloc(n ? n : 1, sizeof(char *));
	char worker[sizeof(w->hostname) + 24], errbuf[BSC_ERRSTR_LEN];
	bool ok = tubes != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		const char *name = bsc_tubes_watched(t, i, &len);
		tubes[i] = strndup(name, len);
		ok = tubes[i] != NULL;
	}
	if (w->name[0]) {
		snprintf(worker, sizeof(worker), "%s", w->name);
	} else {
		snprintf(worker, sizeof(worker), "%s_%ld", w->hostname, (long)w->pid);
	}
	bsc_statsd_config sc = {
		.address = w->statsd_address,
		.prefix = w->statsd_prefix,
		.interval = w->opt.statsd_interval,
		.worker = worker,
		.tubes = (const char *const *)tubes,
		.tube_count = n,
		.servers = w->server_names,
	};
	w->statsd = ok ? bsc_statsd_new(&sc, errbuf) : NULL;
	if (!w->statsd) {
		bsc_worker_log(w, "statsd: out of memory: no metrics");
	} else if (errbuf[0]) {
		bsc_worker_log(w, "statsd: %s: its metrics are lost", errbuf);
	}
	for (size_t i = 0; tubes && i < n; i++) {
		free(tubes[i]);
	}
	free(tubes);
}

void bsc_worker_report_begin(bsc_worker *w, bsc_monitor_config *wc)
{
	identify(w);
	w->loop_thread = pthread_self();
	w->title_on = w->opt.process_title && w->host->title != NULL;
	w->title[0] = '\0';
	w->title_key = (worker_title_key){ .state = BSC_WORKER_IDLE, .done = UINT64_MAX };
	w->title_poked = 0;
	w->monitor_wd = NULL;
	w->mail_count = 0;
	atomic_store(&w->mail_waiting, false);
	atomic_store(&w->restart_requested, false);
	atomic_store(&w->want_percentiles, true);
	memset(&w->status_counts, 0, sizeof(w->status_counts));
	memset(&w->snap, 0, sizeof(w->snap));
	w->snap.stop_reason = BSC_STOP_NONE;
	w->status = NULL;
	if (w->status_address) {
		start_writer(w);
	}
	memset(&w->statsd_counts, 0, sizeof(w->statsd_counts));
	w->statsd = NULL;
	w->statsd_finished = false;
	w->idle_since = w->start;
	w->done_slot = 0;
	if (w->statsd_address) {
		start_statsd(w);
	}
	w->publishing = w->status != NULL || w->statsd != NULL || w->title_on;
	bsc_worker_publish(w);
	if (w->publishing) {
		wc->task_run = monitor_task;
		wc->task_finish = monitor_finish;
		wc->task_ctx = w;
	}
}

/* "64 MiB", or bytes when not whole MiB. */
static const char *size_text(char *buf, size_t size, uint64_t bytes)
{
	if (bytes % (1 << 20) == 0) {
		snprintf(buf, size, "%" PRIu64 " MiB", bytes >> 20);
	} else {
		snprintf(buf, size, "%" PRIu64 " bytes", bytes);
	}
	return buf;
}

void bsc_worker_report_started(bsc_worker *w)
{
	const bsc_caps *caps = &w->opt.caps;
	char capbuf[400] = "", backoff[120] = "", a[40], b[40];
	size_t at = 0;

	if (caps->max_jobs) {
		at += (size_t)snprintf(capbuf + at, sizeof(capbuf) - at, ", max_jobs %" PRIu64, caps->max_jobs);
	}
	if (caps->max_runtime > 0) {
		at += (size_t)snprintf(capbuf + at, sizeof(capbuf) - at, ", max_runtime %g s (+ up to %g s)", caps->max_runtime, caps->runtime_jitter);
	}
	if (caps->memory_limit && at < sizeof(capbuf)) {
		at += (size_t)snprintf(capbuf + at, sizeof(capbuf) - at, ", memory_limit %s", size_text(a, sizeof(a), caps->memory_limit));
	}
	if (caps->rss_limit && at < sizeof(capbuf)) {
		snprintf(capbuf + at, sizeof(capbuf) - at, ", rss_limit %s", size_text(b, sizeof(b), caps->rss_limit));
	}
	for (size_t i = 0, n = 0; i < w->opt.retry.backoff_len && n < sizeof(backoff) - 12; i++) {
		n += (size_t)snprintf(backoff + n, sizeof(backoff) - n, "%s%" PRIu32, i ? "," : "", w->opt.retry.backoff[i]);
	}
	char status[sizeof(w->status_address->name) + 40] = "off";
	if (w->status_address) {
		snprintf(status, sizeof(status), "%s every %g s", w->status_address->name, w->opt.status_interval);
	}
	char statsd[sizeof(w->statsd_address->name) + 40] = "";
	if (w->statsd_address) {
		snprintf(statsd, sizeof(statsd), "; statsd: %s every %g s", w->statsd_address->name, w->opt.statsd_interval);
	}
	bsc_worker_log(w, "running, pid %ld, server %s, tubes %s; caps: %s; max_attempts %" PRIu32 ", backoff %s s; status: %s%s",
		(long)w->pid, w->server_names, w->tubes ? w->tubes : "?", capbuf[0] ? capbuf + 2 : "none",
		w->opt.retry.max_attempts, backoff, status, statsd);
}

/* A child the handler forked (and ended with exit()) ends its copy of the
 * run: it has no monitor thread, and a lock that thread held at the fork
 * stays held in the child for ever. */
static bool forked_child(const bsc_worker *w)
{
	return getpid() != w->pid;
}

void bsc_worker_report_stopping(bsc_worker *w, bsc_stop_reason reason)
{
	if (w->publishing && !forked_child(w)) {
		pthread_mutex_lock(&w->snap_lock);
		w->snap.state = BSC_WORKER_IDLE;
		w->snap.job_id = 0;
		w->snap.stop_reason = reason;
		w->snap.processed = w->f.processed;
		w->snap.failed = w->f.failed;
		w->snap.released = w->f.released;
		w->snap.buried = w->f.buried;
		w->snap.deleted = w->f.deleted;
		pthread_mutex_unlock(&w->snap_lock);
	}
}

void bsc_worker_report_end(bsc_worker *w, bsc_stop_reason reason)
{
	bool child = forked_child(w);

	if (w->status && !child) {
		bsc_status_writer_counts(w->status, &w->status_counts);
		bsc_status_writer_free(w->status);
	}
	/* The child leaves the parent's writer alone: it is about to exit. */
	w->status = NULL;
	if (w->statsd && !child) {
		/* No monitor thread ran (the watchdog could not start): what
		 * was recorded goes now, without waiting either. */
		if (!w->statsd_finished) {
			bsc_statsd_send(w->statsd, NULL);
		}
		bsc_statsd_counts_get(w->statsd, &w->statsd_counts);
		bsc_statsd_free(w->statsd);
	}
	w->statsd = NULL;
	if (!child) {
		bsc_worker_drain_mail(w);
	}
	w->publishing = false;
	if (w->title_on && reason != BSC_STOP_ABORT) {
		title_update(w);
	}
}

void bsc_worker_statsd_counts(const bsc_worker *w, bsc_statsd_counts *out)
{
	if (w->statsd) {
		bsc_statsd_counts_get(w->statsd, out);
	} else {
		*out = w->statsd_counts;
	}
}

void bsc_worker_status_counts(const bsc_worker *w, bsc_status_counts *out)
{
	if (w->status) {
		bsc_status_writer_counts(w->status, out);
	} else {
		*out = w->status_counts;
	}
}
/* }}} */
