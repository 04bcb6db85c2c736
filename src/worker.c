/*
 * The worker loop. See worker.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "worker.h"

#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "stopsignals.h"

/* The signal the watchdog sends to end a blocking call in the handler. */
#define INTERRUPT_SIGNAL (SIGRTMIN + 4)
/* Reconnects wait this long, doubling up to the most. */
#define BACKOFF_FIRST 0.1
#define BACKOFF_MAX 10.0
/* A connection that stayed up this long starts the back-off afresh when it
 * is lost; one lost sooner goes on backing off. */
#define BACKOFF_STABLE 10.0
/* An idle worker measures the round trip this often (s). */
#define RTT_PROBE_EVERY 10.0

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

/* {{{ life cycle */
bsc_worker *bsc_worker_new(const bsc_worker_options *opt)
{
	bsc_worker *w = calloc(1, sizeof(*w));

	if (!w) {
		return NULL;
	}
	w->opt = *opt;
	w->backoff = malloc(opt->retry.backoff_len * sizeof(uint32_t));
	w->name = strdup(opt->name ? opt->name : "");
	if (!w->backoff || !w->name) {
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
		free(w->backoff);
		free(w->name);
		free(w);
	}
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
	return w->running && w->wd && w->job_id && bsc_watchdog_take(w->wd, msg, size);
}

/* What the connection tells of the handler's job and of its socket, for
 * the watchdog: the handler's own delete, release, bury and touch, and a
 * close (by the handler, or on a failure) before the socket number can be
 * another file's. */
static void on_conn_event(void *ctx, bsc_conn_event event, uint64_t id)
{
	bsc_worker *w = ctx;

	if (!w->wd) {
		return;
	}
	switch (event) {
	case BSC_EVENT_JOB_LET_GO:
		if (id != 0 && id == w->job_id) {
			bsc_watchdog_end(w->wd);
		}
		break;
	case BSC_EVENT_JOB_TOUCHED:
		if (id != 0 && id == w->job_id) {
			bsc_watchdog_touched(w->wd);
		}
		break;
	case BSC_EVENT_CLOSING:
		bsc_watchdog_socket_gone(w->wd);
		break;
	}
}
/* }}} */

/* {{{ helpers */
static void worker_log(bsc_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void worker_log(bsc_worker *w, const char *fmt, ...)
{
	char line[1536];
	va_list ap;
	int n = snprintf(line, sizeof(line), "%s: ", w->prefix);

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	w->host->log(w->ctx, line);
}

static bsc_stop_reason arrived_reason(bsc_worker *w)
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

static void rtt_sample(bsc_worker *w, double seconds)
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
static void note_generation(bsc_worker *w)
{
	uint64_t gen = bsc_conn_generation(w->conn);

	if (w->last_gen && gen > w->last_gen) {
		w->f.reconnects += gen - w->last_gen;
	}
	if (gen) {
		w->last_gen = gen;
	}
}

static bsc_request line_request(const bsc_line *line, size_t reply_body_max)
{
	return (bsc_request){ line->buf, line->len, NULL, 0, false, reply_body_max };
}
/* }}} */

/* {{{ the server away */
/* Waits out the back-off, then connects; BSC_STOP_NONE once connected. */
static bsc_stop_reason reconnect_after_backoff(bsc_worker *w, double give_up)
{
	double now = bsc_now();
	double wait = w->backoff_next < give_up - now ? w->backoff_next : give_up - now;

	w->f.reconnect_backoff = w->backoff_next;
	w->backoff_next = w->backoff_next * 2 < BACKOFF_MAX ? w->backoff_next * 2 : BACKOFF_MAX;
	if (!bsc_stop_signals_pause(&w->signals, wait)) {
		return arrived_reason(w);
	}
	if (!w->host->idle(w->ctx)) {
		return BSC_STOP_ABORT;
	}
	if (w->stop_requested) {
		return BSC_STOP_REQUESTED;
	}
	if (w->deadline > 0 && bsc_now() >= w->deadline) {
		return BSC_STOP_MAX_RUNTIME;
	}
	if (bsc_now() >= give_up) {
		return BSC_STOP_CONNECTION;
	}
	/* The connect waits in plain poll(): let the stop signals in for it
	 * (one landing just before it only waits for connect_timeout). */
	bsc_stop_signals_let_in(&w->signals);
	bsc_status st = bsc_conn_connect(w->conn);
	bsc_stop_signals_keep_out(&w->signals);
	if (bsc_stop_signals_arrived()) {
		bsc_conn_close(w->conn);
		return arrived_reason(w);
	}
	return st == BSC_OK ? BSC_STOP_NONE : BSC_STOP_CONNECTION;
}

static bsc_stop_reason reconnect(bsc_worker *w)
{
	bsc_conn *c = w->conn;

	w->phase = PHASE_RECONNECT;
	w->f.state = BSC_WORKER_WAITING;
	if (w->fail_since == 0) {
		w->fail_since = bsc_now();
		/* A connection lost soon after it came back (a proxy that drops it
		 * after each reply) does not start the back-off afresh: the job it
		 * hands out would run again and again at full speed. */
		if (w->fail_since - w->up_since >= BACKOFF_STABLE) {
			w->backoff_next = BACKOFF_FIRST;
		}
		worker_log(w, "lost %s (%s); reconnecting", bsc_conn_name(c), bsc_conn_errstr(c));
	}
	for (;;) {
		double give_up = w->fail_since + w->opt.reconnect_timeout;
		if (bsc_now() >= give_up) {
			worker_log(w, "no server at %s for %.1f s (%s): giving up", bsc_conn_name(c), bsc_now() - w->fail_since, bsc_conn_errstr(c));
			w->f.reconnect_backoff = 0;
			return BSC_STOP_CONNECTION;
		}
		bsc_stop_reason reason = reconnect_after_backoff(w, give_up);
		if (reason == BSC_STOP_NONE) {
			note_generation(w);
			w->up_since = bsc_now();
			w->f.reconnect_backoff = 0;
			w->phase = PHASE_NONE;
			worker_log(w, "reconnected to %s after %.1f s", bsc_conn_name(c), bsc_now() - w->fail_since);
			return BSC_STOP_NONE;
		}
		if (reason != BSC_STOP_CONNECTION) {
			return reason;
		}
	}
}
/* }}} */

/* {{{ waiting for a job */
static void lost_before_delete(bsc_worker *w, const char *when)
{
	w->f.lost++;
	worker_log(w, "job %" PRIu64 " was done, but the connection was lost %s: the server gives the job back and it may run again",
		w->done_id, when);
	w->done_id = 0;
}

static void gone_before_delete(bsc_worker *w, uint64_t id)
{
	w->f.lost++;
	worker_log(w, "job %" PRIu64 " was gone when the worker deleted it: its time-to-run ran out before the handler returned, so it may have run twice", id);
}

/* The answer to the finished job's delete. False when it makes no sense
 * (the connection is then closed). */
static bool delete_answered(bsc_worker *w, const bsc_reply *reply)
{
	bsc_conn *c = w->conn;
	uint64_t id = w->done_id;

	w->done_id = 0;
	if (reply->kind == BSC_REPLY_DELETED && !reply->has_num) {
		w->f.deleted++;
		bsc_conn_let_go(c, id);
		return true;
	}
	if (reply->kind == BSC_REPLY_NOT_FOUND) {
		bsc_conn_let_go(c, id);
		gone_before_delete(w, id);
		return true;
	}
	if (bsc_reply_is_error(reply->kind)) {
		/* INTERNAL_ERROR: the binlog could not record it. The job stays
		 * reserved and comes back when its time-to-run runs out. */
		worker_log(w, "job %" PRIu64 ": %s refused its delete with %s", id, bsc_conn_name(c), bsc_reply_name(reply->kind));
		bsc_conn_refused(c, reply->kind);
		return true;
	}
	bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered delete with %s", bsc_conn_name(c), bsc_reply_name(reply->kind));
	return false;
}

static bool probe_answered(bsc_worker *w, const bsc_reply *reply)
{
	if (reply->kind == BSC_REPLY_USING) {
		return true;
	}
	bsc_conn_fail(w->conn, BSC_ERR_PROTOCOL, "%s answered list-tube-used with %s", bsc_conn_name(w->conn), bsc_reply_name(reply->kind));
	return false;
}

/* Sends the finished job's delete (if any) with the next reserve in one
 * write, and reads the delete's answer. *sent tells whether the reserve is
 * on its way; otherwise the connection was lost (and maybe found again). */
static bsc_stop_reason send_delete_and_reserve(bsc_worker *w, bool *sent)
{
	bsc_conn *c = w->conn;
	bsc_line del, probe, reserve;
	bsc_request reqs[2];
	size_t n = 0;
	bool deleting = w->done_id != 0, probing = false;
	bsc_reply reply;

	*sent = false;
	if (deleting) {
		bsc_line_start(&del, "delete");
		bsc_line_u64(&del, w->done_id);
		bsc_line_end(&del);
		reqs[n++] = line_request(&del, 0);
		/* Found dead on sending, the connection is replaced: the job went
		 * back with the old one and this delete must not go out. */
		bsc_conn_pin(c, w->done_gen);
	} else if (bsc_now() - w->last_rtt_at >= RTT_PROBE_EVERY) {
		/* Idle: a command answered at once measures the round trip. */
		bsc_line_start(&probe, "list-tube-used");
		bsc_line_end(&probe);
		reqs[n++] = line_request(&probe, 0);
		probing = true;
	}
	bsc_line_start(&reserve, "reserve-with-timeout");
	bsc_line_u64(&reserve, w->opt.reserve_timeout);
	bsc_line_end(&reserve);
	reqs[n++] = line_request(&reserve, bsc_conn_job_body_max(c));

	w->phase = PHASE_SETTLE;
	w->f.state = BSC_WORKER_WAITING;
	double sent_at = bsc_now();
	bsc_status st = bsc_conn_send(c, reqs, n);
	note_generation(w);
	if (st == BSC_NOT_FOUND) {
		lost_before_delete(w, "while the handler ran");
		return BSC_STOP_NONE;
	}
	if (st != BSC_OK) {
		if (deleting) {
			lost_before_delete(w, "before its delete went out");
		}
		return reconnect(w);
	}
	if (deleting || probing) {
		st = bsc_conn_recv(c, &reply, bsc_conn_timeout(c));
		if (st != BSC_OK) {
			if (deleting) {
				lost_before_delete(w, "before the server confirmed its delete");
			}
			return reconnect(w);
		}
		rtt_sample(w, bsc_now() - sent_at);
		bool fits = deleting ? delete_answered(w, &reply) : probe_answered(w, &reply);
		if (!fits || !bsc_conn_is_connected(c)) {
			return reconnect(w);
		}
	}
	*sent = true;
	return BSC_STOP_NONE;
}

/* Waits for the answer to the reserve on its way. BSC_STOP_NONE with *got
 * telling whether a job came, or why to stop. */
static bsc_stop_reason wait_for_job(bsc_worker *w, bsc_job *job, bool *got)
{
	bsc_conn *c = w->conn;
	bsc_reply reply;

	/* The stop signals are blocked here: one that came since is seen now,
	 * one that comes later ends the wait. */
	w->phase = PHASE_WAIT;
	if (bsc_stop_signals_arrived()) {
		bsc_conn_close(c);  /* a job the server hands out now goes back */
		return arrived_reason(w);
	}
	double from = bsc_now();
	double timeout = bsc_conn_timeout(c) > 0 ? (double)w->opt.reserve_timeout + bsc_conn_timeout(c) : 0;
	bool capped = false;
	if (w->deadline > 0) {
		double left = w->deadline - from;
		if (left <= 0) {
			bsc_conn_close(c);
			return BSC_STOP_MAX_RUNTIME;
		}
		if (timeout == 0 || left < timeout) {
			timeout = left;
			capped = true;
		}
	}
	bsc_status st = bsc_conn_recv(c, &reply, timeout);
	w->f.wait_time += bsc_now() - from;
	w->phase = PHASE_NONE;
	if (st == BSC_ERR_INTERRUPTED) {
		return arrived_reason(w);
	}
	if (st == BSC_ERR_TIMEOUT && capped) {
		return BSC_STOP_MAX_RUNTIME;   /* closed: a job handed out meanwhile goes back */
	}
	if (st != BSC_OK) {
		return reconnect(w);
	}
	switch (reply.kind) {
	case BSC_REPLY_RESERVED:
		bsc_job_from_reply(c, &reply, job);
		w->fail_since = 0;
		*got = true;
		return BSC_STOP_NONE;
	case BSC_REPLY_TIMED_OUT:
	case BSC_REPLY_DEADLINE_SOON:   /* only if the handler reserved jobs itself */
		w->fail_since = 0;
		return BSC_STOP_NONE;
	default:
		bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered reserve-with-timeout with %s", bsc_conn_name(c), bsc_reply_name(reply.kind));
		return reconnect(w);
	}
}

static bsc_stop_reason next_job(bsc_worker *w, bsc_job *job, bool *got)
{
	bool sent;
	bsc_stop_reason reason = send_delete_and_reserve(w, &sent);

	*got = false;
	if (reason != BSC_STOP_NONE || !sent) {
		return reason;
	}
	return wait_for_job(w, job, got);
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
		worker_log(w, "%s; buried", head);
	} else if (st == BSC_OK) {
		w->f.released++;
		worker_log(w, "%s; released with delay %" PRIu32 " s", head, plan->delay);
	} else if (st == BSC_BURIED) {
		w->f.buried++;
		worker_log(w, "%s; buried by the server, out of memory to release it", head);
	} else if (st == BSC_NOT_FOUND) {
		w->f.lost++;
		worker_log(w, "%s; %s", head, bsc_conn_generation(c) != gen ? connection_lost : "it was no longer reserved by this worker");
	} else {
		worker_log(w, "%s; could not be %s (%s): it comes back when the connection closes", head,
			plan->bury ? "buried" : "released", bsc_conn_errstr(c));
	}
}

/* The handler threw: release the job with the back-off and its priority,
 * or bury it once it has had max_attempts tries (caps.h). */
static void job_failed(bsc_worker *w, uint64_t id, uint64_t gen, bool held, bool same, const char *why)
{
	bsc_conn *c = w->conn;
	bsc_job_stats js;
	bsc_failure_plan plan;
	char head[1280];

	if (!held) {
		if (!same) {
			w->f.lost++;
		}
		worker_log(w, "job %" PRIu64 " failed: %s; %s", id, why, same ? "the handler had deleted, released or buried it already" : connection_lost);
		return;
	}
	w->phase = PHASE_SETTLE;
	double sent = bsc_now();
	/* Pinned: on a connection found dead and replaced, nothing goes out. */
	bsc_conn_pin(c, gen);
	bsc_status st = bsc_job_stats_get(c, id, &js);
	if (st == BSC_OK) {
		rtt_sample(w, bsc_now() - sent);
	}
	if (bsc_conn_generation(c) != gen) {
		w->f.lost++;
		worker_log(w, "job %" PRIu64 " failed: %s; %s", id, why, connection_lost);
		return;
	}
	if (st == BSC_NOT_FOUND || (st == BSC_OK && strcmp(js.state, "reserved") != 0)) {
		bsc_conn_let_go(c, id);
		w->f.lost++;
		worker_log(w, "job %" PRIu64 " failed: %s; its time-to-run had run out, so it is no longer this worker's", id, why);
		return;
	}
	if (st != BSC_OK) {
		worker_log(w, "job %" PRIu64 " failed: %s; the server could not be asked about it (%s), so it comes back when the connection closes or its time-to-run runs out",
			id, why, bsc_conn_errstr(c));
		return;
	}
	bsc_failure_plan_make(&w->opt.retry, &js, &plan);
	snprintf(head, sizeof(head), "job %" PRIu64 " (tube %s) failed on attempt %" PRIu32 " of %" PRIu32 ": %s",
		id, js.tube, plan.attempt, w->opt.retry.max_attempts, why);
	bsc_conn_pin(c, gen);
	st = plan.bury ? bsc_bury(c, id, plan.priority) : bsc_release(c, id, plan.priority, plan.delay);
	report_failure(w, head, &plan, st, gen);
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
	bsc_conn_set_interrupt(c, NULL, NULL);
	bsc_conn_set_wait_mask(c, NULL);
	double start = bsc_now();
	if (w->wd) {
		bsc_watchdog_begin(w->wd, id, bsc_conn_fd(c));
	}
	bsc_job_result result = w->host->run(w->ctx, job, why, sizeof(why));
	if (w->wd) {
		bsc_watchdog_end(w->wd);
	}
	/* A ppoll() whose socket is ready returns without letting a pending
	 * signal in: one that came during the handler is taken in here. */
	bsc_stop_signals_take_pending(&w->signals);
	double took = bsc_now() - start;
	bsc_conn_set_interrupt(c, wait_interrupted, w);
	bsc_conn_set_wait_mask(c, &w->signals.wait_mask);
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
	if (result == BSC_JOB_THREW) {
		w->f.failed++;
		job_failed(w, id, gen, held, same, why);
	} else if (held) {
		w->done_id = id;
		w->done_gen = gen;
	} else if (!same) {
		w->f.lost++;
		worker_log(w, "job %" PRIu64 ": the connection was lost while the handler ran; unless the handler had deleted it, the server gave the job back and it may run again", id);
	}
	w->phase = PHASE_NONE;
	return BSC_STOP_NONE;
}
/* }}} */

/* {{{ run */
static void run_begin(bsc_worker *w, bsc_conn *c, const bsc_worker_host *host, void *ctx)
{
	char errbuf[BSC_ERRSTR_LEN];
	struct timeval tv;

	w->conn = c;
	w->host = host;
	w->ctx = ctx;
	w->running = true;
	w->stop_requested = false;
	w->phase = PHASE_NONE;
	w->job_id = w->done_id = 0;
	w->fail_since = 0;
	w->last_rtt_at = 0;
	w->backoff_next = BACKOFF_FIRST;
	w->statm = w->opt.caps.rss_limit ? open("/proc/self/statm", O_RDONLY | O_CLOEXEC) : -1;
	w->last_gen = bsc_conn_generation(c);
	memset(&w->f, 0, sizeof(w->f));
	bsc_hist_reset(&w->durations);
	w->f.stop_reason = BSC_STOP_NONE;
	w->f.state = BSC_WORKER_WAITING;
	gettimeofday(&tv, NULL);
	w->f.started_at = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	w->f.memory_start = host->heap(ctx);
	w->f.rss_start = bsc_rss_bytes();
	w->start = w->up_since = bsc_now();
	w->f.runtime_limit = w->opt.caps.max_runtime > 0 ? w->opt.caps.max_runtime + bsc_jitter(w->opt.caps.runtime_jitter) : 0;
	w->deadline = w->f.runtime_limit > 0 ? w->start + w->f.runtime_limit : 0;

	bsc_stop_signals_install(&w->signals, INTERRUPT_SIGNAL);
	bsc_watchdog_config wc = {
		.address = bsc_conn_name(c),
		.ttr_margin = w->opt.ttr_margin,
		.retry = w->opt.retry,
		.poke = host->poke,
		.poke_ctx = host->poke_ctx,
		.interrupt_signal = INTERRUPT_SIGNAL,
		.log_prefix = w->prefix,
	};
	w->wd = bsc_watchdog_start(&wc, errbuf);
	if (!w->wd) {
		worker_log(w, "%s: jobs are not held to their time-to-run", errbuf);
	}
	bsc_conn_set_event_hook(c, on_conn_event, w);
	bsc_conn_set_auto_replace(c, false);
	bsc_conn_set_interrupt(c, wait_interrupted, w);
	bsc_conn_set_wait_mask(c, &w->signals.wait_mask);
}

/* Never leaves a finished job undeleted: it would run again. */
static void delete_last_job(bsc_worker *w)
{
	bsc_conn *c = w->conn;

	w->phase = PHASE_SETTLE;
	double sent = bsc_now();
	bsc_conn_pin(c, w->done_gen);
	bsc_status st = bsc_delete(c, w->done_id);
	if (st == BSC_OK) {
		rtt_sample(w, bsc_now() - sent);
		w->f.deleted++;
	} else if (st == BSC_NOT_FOUND) {
		gone_before_delete(w, w->done_id);
	} else {
		lost_before_delete(w, "before its delete was confirmed");
	}
	w->done_id = 0;
}

static void run_end(bsc_worker *w, bsc_stop_reason reason)
{
	bsc_conn *c = w->conn;

	if (w->done_id) {
		delete_last_job(w);
	}
	bsc_conn_set_event_hook(c, NULL, NULL);
	bsc_conn_set_auto_replace(c, true);
	if (w->wd) {
		w->f.ttr_exceeded = bsc_watchdog_exceeded(w->wd);
		bsc_watchdog_stop(w->wd);
		w->wd = NULL;
	}
	if (w->statm >= 0) {
		close(w->statm);
		w->statm = -1;
	}
	bsc_conn_set_interrupt(c, NULL, NULL);
	bsc_conn_set_wait_mask(c, NULL);
	int signals = bsc_stop_signals_arrived();
	bsc_stop_signals_restore(&w->signals);
	w->f.stop_signal = (reason == BSC_STOP_SIGNAL || reason == BSC_STOP_RESTART) ? bsc_stop_signal_number(signals) : 0;
	w->f.stop_reason = reason;
	w->f.state = BSC_WORKER_IDLE;
	w->f.reconnect_backoff = 0;
	w->end = bsc_now();
	w->running = false;
	w->phase = PHASE_NONE;
}

static const char *reason_name(bsc_stop_reason reason, int signo)
{
	switch (reason) {
	case BSC_STOP_SIGNAL:
		return signo == SIGTERM ? "SIGTERM" : signo == SIGINT ? "SIGINT" : "SIGQUIT";
	case BSC_STOP_RESTART: return "SIGHUP (restart)";
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
	return bsc_worker_decide(&w->opt.caps, &g);
}

bsc_stop_reason bsc_worker_run(bsc_worker *w, bsc_conn *c, const bsc_worker_host *host, void *ctx)
{
	bsc_stop_reason reason = BSC_STOP_NONE;

	if (!bsc_stop_signals_claim()) {
		return BSC_STOP_BUSY;
	}
	run_begin(w, c, host, ctx);
	while ((reason = stop_now(w)) == BSC_STOP_NONE) {
		bsc_job job;
		bool got;
		reason = next_job(w, &job, &got);
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
		worker_log(w, "stopping on %s after %" PRIu64 " jobs in %.1f s (exit code %d)", reason_name(reason, w->f.stop_signal),
			w->f.processed, w->end - w->start, (int)reason);
	}
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
		f->ttr_exceeded = bsc_watchdog_exceeded(w->wd);
	}
}
/* }}} */
