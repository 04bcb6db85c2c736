/*
 * What the worker tells of itself while it runs. See report.h.
 *
 * The loop publishes at its state changes only: a lock, a copy of a few
 * counters, the host's heap figure; the durations' percentiles only when
 * the monitor has taken the last ones.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/report.h"

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
bool bsc_report_init(bsc_report *r, const bsc_worker_options *opt)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->snap_lock, NULL);
	pthread_mutex_init(&r->mail_lock, NULL);
	r->name = strdup(opt->name ? opt->name : "");
	r->status_prefix = strdup(opt->status_prefix ? opt->status_prefix : BSC_STATUS_PREFIX);
	r->statsd_prefix = strdup(opt->statsd_prefix ? opt->statsd_prefix : BSC_STATSD_PREFIX);
	if (!r->name || !r->status_prefix || !r->statsd_prefix) {
		return false;
	}
	r->status_interval = opt->status_interval > 0 ? opt->status_interval : BSC_STATUS_INTERVAL;
	r->statsd_interval = opt->statsd_interval > 0 ? opt->statsd_interval : BSC_STATSD_INTERVAL;
	r->process_title = opt->process_title;
	if (opt->status) {
		r->status_address = malloc(sizeof(*r->status_address));
		if (!r->status_address) {
			return false;
		}
		*r->status_address = *opt->status;
	}
	if (opt->statsd) {
		r->statsd_address = malloc(sizeof(*r->statsd_address));
		if (!r->statsd_address) {
			return false;
		}
		*r->statsd_address = *opt->statsd;
	}
	return true;
}

void bsc_report_free(bsc_report *r)
{
	pthread_mutex_destroy(&r->snap_lock);
	pthread_mutex_destroy(&r->mail_lock);
	free(r->name);
	free(r->status_prefix);
	if (r->status_address) {
		explicit_bzero(r->status_address, sizeof(*r->status_address));
		free(r->status_address);
	}
	free(r->statsd_prefix);
	free(r->statsd_address);
	free(r->tubes);
}

bool bsc_report_needs_job_tube(const bsc_report *r, bool log_jobs)
{
	return !r->single_tube[0] && (log_jobs || r->statsd);
}

bool bsc_report_wants_view(const bsc_report *r)
{
	return r->publishing || r->title_on;
}

bool bsc_report_publishing(const bsc_report *r)
{
	return r->publishing;
}

bool bsc_report_restart_requested(const bsc_report *r)
{
	return atomic_load_explicit(&((bsc_report *)r)->restart_requested, memory_order_relaxed);
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
static const char *job_tube(bsc_report *r, bsc_monitor *wd, uint64_t id, char *buf, size_t size)
{
	if (r->single_tube[0]) {
		return r->single_tube;
	}
	if (!wd || !bsc_monitor_job_tube(wd, id, buf, size)) {
		buf[0] = '\0';
	}
	return buf;
}

/* In the loop's thread: sets the title when what it says changed. */
static void title_update(bsc_report *r)
{
	char tube_buf[BSC_TUBE_MAX + 1] = "";
	const char *tube = "";
	const bsc_report_view *v = r->view;
	bool working = v->state == BSC_WORKER_WORKING;
	uint64_t seconds = working ? (uint64_t)(bsc_now() - v->job_start) : 0;

	/* A job's tube from several watched is learnt past its first half
	 * second, never at its start. */
	if (working && (r->single_tube[0] || seconds > 0)) {
		tube = job_tube(r, r->wd, v->job_id, tube_buf, sizeof(tube_buf));
	}
	bsc_report_title_key *k = &r->title_key;
	uint64_t job_id = working ? v->job_id : 0;
	if (k->state == v->state && k->job_id == job_id && k->done == v->processed && k->seconds == seconds
		&& k->tube == (tube[0] != '\0')) {
		return;
	}
	*k = (bsc_report_title_key){ v->state, job_id, v->processed, seconds, tube[0] != '\0' };
	bsc_worker_title_format(r->title, sizeof(r->title), r->name, v->state, v->job_id, tube, seconds,
		r->tubes ? r->tubes : "", v->processed);
	r->run.host->title(r->run.ctx, r->title);
}

void bsc_report_title_waiting(bsc_report *r)
{
	if (r->title_on) {
		title_update(r);
	}
}
/* }}} */

/* {{{ the loop's side */
void bsc_report_publish(bsc_report *r, const bsc_report_view *view)
{
	r->view = view;
	if (r->publishing) {
		size_t heap = r->run.host->heap(r->run.ctx);
		bool percentiles = atomic_exchange(&r->want_percentiles, false);
		pthread_mutex_lock(&r->snap_lock);
		bsc_report_snapshot *s = &r->snap;
		s->state = view->state;
		s->job_id = view->state == BSC_WORKER_WORKING ? view->job_id : 0;
		s->job_start = view->job_start;
		s->processed = view->processed;
		s->failed = view->failed;
		s->released = view->released;
		s->buried = view->buried;
		s->deleted = view->deleted;
		s->memory = heap;
		s->rtt = view->rtt;
		if (percentiles) {
			s->p50 = (double)bsc_hist_percentile(view->durations, 0.50) / 1e6;
			s->p99 = (double)bsc_hist_percentile(view->durations, 0.99) / 1e6;
		}
		pthread_mutex_unlock(&r->snap_lock);
	}
	/* Waiting: set where the wait may block (bsc_report_title_waiting). */
	if (r->title_on && view->state != BSC_WORKER_WAITING) {
		title_update(r);
	}
}

size_t bsc_report_job(bsc_report *r, double job_start, const char *tube, bool failed, bool released, bool buried, double took)
{
	size_t slot = 0;

	if (r->statsd) {
		bsc_statsd_job_end e = {
			.failed = failed,
			.released = released,
			.buried = buried,
			.duration = took,
			.wait = job_start - r->idle_since,
		};
		slot = bsc_statsd_job(r->statsd, r->single_tube[0] ? r->single_tube : tube, &e);
	}
	r->idle_since = job_start + took;
	return slot;
}

void bsc_report_deleted(bsc_report *r, size_t slot)
{
	if (r->statsd) {
		bsc_statsd_deleted(r->statsd, slot);
	}
}

void bsc_report_drain_mail(bsc_report *r)
{
	char lines[BSC_REPORT_MAIL_LINES][BSC_REPORT_MAIL_LINE_MAX];
	size_t n;

	if (!atomic_load_explicit(&r->mail_waiting, memory_order_acquire)) {
		return;
	}
	atomic_store(&r->mail_waiting, false);
	pthread_mutex_lock(&r->mail_lock);
	n = r->mail_count;
	memcpy(lines, r->mail, n * BSC_REPORT_MAIL_LINE_MAX);
	r->mail_count = 0;
	pthread_mutex_unlock(&r->mail_lock);
	for (size_t i = 0; i < n; i++) {
		bsc_log_line(r->run.log, "%s", lines[i]);
	}
}

void bsc_report_interrupted(bsc_report *r)
{
	bsc_report_drain_mail(r);
	if (r->title_on && r->view->state == BSC_WORKER_WORKING) {
		title_update(r);
	}
}

void bsc_report_log_job(bsc_report *r, uint64_t id, const char *learnt, const char *outcome, double took)
{
	const char *tube = r->single_tube[0] ? r->single_tube : learnt;

	bsc_log_line(r->run.log, "job %" PRIu64 "%s%s%s: %s in %.3f s", id, tube[0] ? " (tube " : "", tube, tube[0] ? ")" : "",
		outcome, took);
}
/* }}} */

/* {{{ the monitor thread's side */
static void monitor_log(void *ctx, const char *line)
{
	bsc_report *r = ctx;

	pthread_mutex_lock(&r->mail_lock);
	if (r->mail_count < BSC_REPORT_MAIL_LINES) {
		snprintf(r->mail[r->mail_count++], BSC_REPORT_MAIL_LINE_MAX, "%s", line);
	}
	pthread_mutex_unlock(&r->mail_lock);
	atomic_store_explicit(&r->mail_waiting, true, memory_order_release);
	/* A handler that runs on writes it at its next interrupt check. */
	r->run.host->poke(r->run.host->poke_ctx);
}

static void monitor_restart(void *ctx)
{
	bsc_report *r = ctx;

	atomic_store(&r->restart_requested, true);
	/* Blocked in the loop's thread but inside its waits: it ends a wait
	 * for a job at once, and waits while the handler runs. */
	pthread_kill(r->loop_thread, SIGHUP);
}

static void monitor_read(void *ctx, bsc_status_figures *f, char *tube, size_t tube_size)
{
	bsc_report *r = ctx;
	bsc_report_snapshot s;

	pthread_mutex_lock(&r->snap_lock);
	s = r->snap;
	pthread_mutex_unlock(&r->snap_lock);
	atomic_store(&r->want_percentiles, true);
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
		const char *t = job_tube(r, r->monitor_wd, s.job_id, tube, tube_size);
		if (t != tube) {
			snprintf(tube, tube_size, "%s", t);
		}
	}
}

/* A job that runs on: the loop's thread is asked (through the host's
 * interrupt) to bring the title's seconds up to date. */
static void title_refresh(bsc_report *r, double now)
{
	pthread_mutex_lock(&r->snap_lock);
	bool working = r->snap.state == BSC_WORKER_WORKING;
	double since = r->snap.job_start;
	pthread_mutex_unlock(&r->snap_lock);
	if (working && now - since >= TITLE_REFRESH && now - r->title_poked >= TITLE_REFRESH) {
		r->title_poked = now;
		r->run.host->poke(r->run.host->poke_ctx);
	}
}

/* The gauges StatsD gets: the heap as the loop last published it. */
static void statsd_gauges(bsc_report *r, bsc_statsd_gauges *g)
{
	pthread_mutex_lock(&r->snap_lock);
	g->memory = r->snap.memory;
	pthread_mutex_unlock(&r->snap_lock);
	g->rss = bsc_rss_bytes();
}

static double monitor_task(void *ctx, bsc_monitor *wd, double now, int *fd, short *events)
{
	bsc_report *r = ctx;
	double next = INFINITY;

	r->monitor_wd = wd;
	*fd = -1;
	*events = 0;
	if (r->status) {
		next = bsc_status_writer_run(r->status, now, fd, events);
	}
	if (r->statsd) {
		bsc_statsd_gauges g = { 0 };
		/* The RSS is read only when a send is due. */
		if (bsc_statsd_due(r->statsd, now) <= now) {
			statsd_gauges(r, &g);
		}
		next = fmin(next, bsc_statsd_run(r->statsd, now, &g, fd, events));
	}
	if (r->title_on) {
		title_refresh(r, now);
	}
	return next;
}

static void monitor_finish(void *ctx)
{
	bsc_report *r = ctx;

	if (r->status) {
		bsc_status_writer_finish(r->status);
	}
	if (r->statsd) {
		bsc_statsd_gauges g;
		statsd_gauges(r, &g);
		bsc_statsd_send(r->statsd, &g);
		r->statsd_finished = true;
	}
}
/* }}} */

/* {{{ a run's beginning and end */
/* The identity of the run: host, id, tubes. */
static void identify(bsc_report *r)
{
	const bsc_tubes *t = r->run.tubes;
	size_t n = bsc_tubes_watch_count(t), len, size = 1;

	if (gethostname(r->hostname, sizeof(r->hostname)) != 0) {
		snprintf(r->hostname, sizeof(r->hostname), "localhost");
	}
	r->hostname[sizeof(r->hostname) - 1] = '\0';
	r->pid = getpid();
	snprintf(r->id, sizeof(r->id), "%s:%ld:%lld", r->hostname, (long)r->pid, (long long)llround(r->run.started_at * 1000));
	for (size_t i = 0; i < n; i++) {
		bsc_tubes_watched(t, i, &len);
		size += len + 1;
	}
	free(r->tubes);
	r->tubes = malloc(size);
	r->single_tube[0] = '\0';
	if (!r->tubes) {
		return;
	}
	r->tubes[0] = '\0';
	for (size_t i = 0, at = 0; i < n; i++) {
		const char *name = bsc_tubes_watched(t, i, &len);
		memcpy(r->tubes + at, name, len);
		at += len;
		r->tubes[at] = i + 1 < n ? ',' : '\0';
		at++;
	}
	if (n == 1) {
		snprintf(r->single_tube, sizeof(r->single_tube), "%s", r->tubes);
	}
}

static void start_writer(bsc_report *r)
{
	bsc_status_config sc = {
		.address = r->status_address,
		.who = {
			.prefix = r->status_prefix,
			.id = r->id,
			.name = r->name,
			.host = r->hostname,
			.pid = (long)r->pid,
			.server = r->run.server_names,
			.tubes = r->tubes ? r->tubes : "",
			.started_at = r->run.started_at,
			.interval = r->status_interval,
		},
		.read = monitor_read,
		.log = monitor_log,
		.restart = monitor_restart,
		.ctx = r,
		.started = r->run.start,
	};
	r->status = bsc_status_writer_new(&sc);
	if (!r->status) {
		bsc_log_line(r->run.log, "status: out of memory: no heartbeats");
	}
}

/* The tubes StatsD names, as watched now, and the worker's part of the
 * gauges' names: its name, or its host and pid. */
static void start_statsd(bsc_report *r)
{
	const bsc_tubes *t = r->run.tubes;
	size_t n = bsc_tubes_watch_count(t), len;
	char **tubes = calloc(n ? n : 1, sizeof(char *));
	char worker[sizeof(r->hostname) + 24], errbuf[BSC_ERRSTR_LEN];
	bool ok = tubes != NULL;

	for (size_t i = 0; ok && i < n; i++) {
		const char *name = bsc_tubes_watched(t, i, &len);
		tubes[i] = strndup(name, len);
		ok = tubes[i] != NULL;
	}
	if (r->name[0]) {
		snprintf(worker, sizeof(worker), "%s", r->name);
	} else {
		snprintf(worker, sizeof(worker), "%s_%ld", r->hostname, (long)r->pid);
	}
	bsc_statsd_config sc = {
		.address = r->statsd_address,
		.prefix = r->statsd_prefix,
		.interval = r->statsd_interval,
		.worker = worker,
		.tubes = (const char *const *)tubes,
		.tube_count = n,
		.servers = r->run.server_names,
	};
	r->statsd = ok ? bsc_statsd_new(&sc, errbuf) : NULL;
	if (!r->statsd) {
		bsc_log_line(r->run.log, "statsd: out of memory: no metrics");
	} else if (errbuf[0]) {
		bsc_log_line(r->run.log, "statsd: %s: its metrics are lost", errbuf);
	}
	for (size_t i = 0; tubes && i < n; i++) {
		free(tubes[i]);
	}
	free(tubes);
}

void bsc_report_begin(bsc_report *r, const bsc_report_run *run, const bsc_report_view *view, bsc_monitor_config *wc)
{
	r->run = *run;
	r->view = view;
	r->wd = NULL;
	identify(r);
	r->loop_thread = pthread_self();
	r->title_on = r->process_title && run->host->title != NULL;
	r->title[0] = '\0';
	r->title_key = (bsc_report_title_key){ .state = BSC_WORKER_IDLE, .done = UINT64_MAX };
	r->title_poked = 0;
	r->monitor_wd = NULL;
	r->mail_count = 0;
	atomic_store(&r->mail_waiting, false);
	atomic_store(&r->restart_requested, false);
	atomic_store(&r->want_percentiles, true);
	memset(&r->status_counts, 0, sizeof(r->status_counts));
	memset(&r->snap, 0, sizeof(r->snap));
	r->snap.stop_reason = BSC_STOP_NONE;
	r->status = NULL;
	if (r->status_address) {
		start_writer(r);
	}
	memset(&r->statsd_counts, 0, sizeof(r->statsd_counts));
	r->statsd = NULL;
	r->statsd_finished = false;
	r->idle_since = run->start;
	if (r->statsd_address) {
		start_statsd(r);
	}
	r->publishing = r->status != NULL || r->statsd != NULL || r->title_on;
	bsc_report_publish(r, view);
	if (r->publishing) {
		wc->task_run = monitor_task;
		wc->task_finish = monitor_finish;
		wc->task_ctx = r;
	}
}

void bsc_report_monitor_started(bsc_report *r, bsc_monitor *wd)
{
	r->wd = wd;
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

/* ", max_jobs 100, max_runtime 3600 s (+ up to 60 s), ..." of the caps
 * set, or "". */
static void caps_text(const bsc_caps *caps, char *buf, size_t size)
{
	char a[40], b[40];
	size_t at = 0;

	buf[0] = '\0';
	if (caps->max_jobs) {
		at += (size_t)snprintf(buf + at, size - at, ", max_jobs %" PRIu64, caps->max_jobs);
	}
	if (caps->max_runtime > 0) {
		at += (size_t)snprintf(buf + at, size - at, ", max_runtime %g s (+ up to %g s)", caps->max_runtime, caps->runtime_jitter);
	}
	if (caps->memory_limit && at < size) {
		at += (size_t)snprintf(buf + at, size - at, ", memory_limit %s", size_text(a, sizeof(a), caps->memory_limit));
	}
	if (caps->rss_limit && at < size) {
		snprintf(buf + at, size - at, ", rss_limit %s", size_text(b, sizeof(b), caps->rss_limit));
	}
}

void bsc_report_started(bsc_report *r)
{
	const bsc_retry_policy *retry = r->run.retry;
	char capbuf[400], backoff[120] = "";

	caps_text(r->run.caps, capbuf, sizeof(capbuf));
	for (size_t i = 0, n = 0; i < retry->backoff_len && n < sizeof(backoff) - 12; i++) {
		n += (size_t)snprintf(backoff + n, sizeof(backoff) - n, "%s%" PRIu32, i ? "," : "", retry->backoff[i]);
	}
	char status[sizeof(r->status_address->name) + 40] = "off";
	if (r->status_address) {
		snprintf(status, sizeof(status), "%s every %g s", r->status_address->name, r->status_interval);
	}
	char statsd[sizeof(r->statsd_address->name) + 40] = "";
	if (r->statsd_address) {
		snprintf(statsd, sizeof(statsd), "; statsd: %s every %g s", r->statsd_address->name, r->statsd_interval);
	}
	bsc_log_line(r->run.log, "running, pid %ld, server %s, tubes %s; caps: %s; max_attempts %" PRIu32 ", backoff %s s; status: %s%s",
		(long)r->pid, r->run.server_names, r->tubes ? r->tubes : "?", capbuf[0] ? capbuf + 2 : "none",
		retry->max_attempts, backoff, status, statsd);
}

/* A child the handler forked (and ended with exit()) ends its copy of the
 * run: it has no monitor thread, and a lock that thread held at the fork
 * stays held in the child for ever. */
static bool forked_child(const bsc_report *r)
{
	return getpid() != r->pid;
}

void bsc_report_stopping(bsc_report *r, bsc_stop_reason reason, const bsc_report_view *view)
{
	r->stopped = *view;
	r->view = &r->stopped;
	if (r->publishing && !forked_child(r)) {
		pthread_mutex_lock(&r->snap_lock);
		r->snap.state = BSC_WORKER_IDLE;
		r->snap.job_id = 0;
		r->snap.stop_reason = reason;
		r->snap.processed = view->processed;
		r->snap.failed = view->failed;
		r->snap.released = view->released;
		r->snap.buried = view->buried;
		r->snap.deleted = view->deleted;
		pthread_mutex_unlock(&r->snap_lock);
	}
}

void bsc_report_end(bsc_report *r, bsc_stop_reason reason)
{
	bool child = forked_child(r);

	/* A child frees its copies: no count (their locks may be held by the
	 * parent's monitor thread), no send, no log line. */
	if (r->status && !child) {
		bsc_status_writer_counts(r->status, &r->status_counts);
	}
	bsc_status_writer_free(r->status);
	r->status = NULL;
	if (r->statsd && !child) {
		/* No monitor thread ran (the watchdog could not start): what
		 * was recorded goes now, without waiting either. */
		if (!r->statsd_finished) {
			bsc_statsd_send(r->statsd, NULL);
		}
		bsc_statsd_counts_get(r->statsd, &r->statsd_counts);
	}
	bsc_statsd_free(r->statsd);
	r->statsd = NULL;
	if (!child) {
		bsc_report_drain_mail(r);
	}
	r->publishing = false;
	r->wd = NULL;
	r->stopped.state = BSC_WORKER_IDLE;
	if (r->title_on && reason != BSC_STOP_ABORT && !child) {
		title_update(r);
	}
}

void bsc_report_statsd_counts(const bsc_report *r, bsc_statsd_counts *out)
{
	if (r->statsd) {
		bsc_statsd_counts_get(r->statsd, out);
	} else {
		*out = r->statsd_counts;
	}
}

void bsc_report_status_counts(const bsc_report *r, bsc_status_counts *out)
{
	if (r->status) {
		bsc_status_writer_counts(r->status, out);
	} else {
		*out = r->status_counts;
	}
}
/* }}} */
