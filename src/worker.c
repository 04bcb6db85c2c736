/*
 * The worker loop. See worker.h.
 *
 * Signals: for the whole of run() the stop signals (TERM, INT, QUIT, HUP)
 * are blocked, except inside the waits (ppoll with wait_mask) and while the
 * handler runs. Their handler only records which one came, in the one
 * global below. So a signal is either seen by the check before a wait or
 * ends the wait itself: none can slip in between.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "worker.h"

#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* The signal the watchdog sends to end a blocking call in the handler. */
#define INTERRUPT_SIGNAL (SIGRTMIN + 4)
/* Reconnects wait this long, doubling up to the most. */
#define BACKOFF_FIRST 0.1
#define BACKOFF_MAX 10.0
/* An idle worker measures the round trip this often (s). */
#define RTT_PROBE_EVERY 10.0

/* Which stop signals arrived (BSC_SIGNAL_* bits). Written by the handler
 * only; cleared with the signals blocked. */
static volatile sig_atomic_t arrived;

static const int stop_signals[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };
#define STOP_SIGNAL_COUNT (sizeof(stop_signals) / sizeof(stop_signals[0]))

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
	sigset_t stop_set;          /* the four stop signals */
	sigset_t run_mask;          /* the caller's mask: while the handler runs */
	sigset_t wait_mask;         /* the same less the stop signals: inside waits */
	struct sigaction saved[STOP_SIGNAL_COUNT], saved_interrupt;
	uint64_t job_id, job_gen;   /* the job the handler runs */
	uint64_t done_id, done_gen; /* finished: deleted with the next reserve */
	double start, end;          /* monotonic */
	double deadline;            /* max_runtime plus jitter; 0: none */
	double fail_since;          /* the server has been away since; 0: it is not */
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
	w->backoff = malloc(opt->backoff_len * sizeof(uint32_t));
	w->name = strdup(opt->name ? opt->name : "");
	if (!w->backoff || !w->name) {
		bsc_worker_free(w);
		return NULL;
	}
	memcpy(w->backoff, opt->backoff, opt->backoff_len * sizeof(uint32_t));
	w->opt.backoff = w->backoff;
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

bool bsc_worker_running(const bsc_worker *w)
{
	return w->running;
}

const char *bsc_worker_name(const bsc_worker *w)
{
	return w->name;
}

void bsc_worker_stop(bsc_worker *w)
{
	w->stop_requested = true;
}

void bsc_worker_settled(bsc_worker *w, const bsc_conn *c, uint64_t id)
{
	if (w->running && w->wd && c == w->conn && id != 0 && id == w->job_id) {
		bsc_watchdog_end(w->wd);
	}
}

void bsc_worker_touched(bsc_worker *w, const bsc_conn *c, uint64_t id)
{
	if (w->running && w->wd && c == w->conn && id != 0 && id == w->job_id) {
		bsc_watchdog_touched(w->wd);
	}
}

bool bsc_worker_take_interrupt(bsc_worker *w, char *msg, size_t size)
{
	return w->running && w->wd && w->job_id && bsc_watchdog_take(w->wd, msg, size);
}
/* }}} */

/* {{{ signals */
static void on_stop_signal(int signo)
{
	arrived |= signo == SIGTERM ? BSC_SIGNAL_TERM : signo == SIGINT ? BSC_SIGNAL_INT
		: signo == SIGQUIT ? BSC_SIGNAL_QUIT : BSC_SIGNAL_HUP;
}

/* Only there to end a blocking call with EINTR. */
static void on_interrupt_signal(int signo)
{
	(void)signo;
}

static void signals_install(bsc_worker *w)
{
	struct sigaction sa;

	sigemptyset(&w->stop_set);
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		sigaddset(&w->stop_set, stop_signals[i]);
	}
	pthread_sigmask(SIG_BLOCK, &w->stop_set, &w->run_mask);
	w->wait_mask = w->run_mask;
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		sigdelset(&w->wait_mask, stop_signals[i]);
	}
	arrived = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_mask = w->stop_set;
	/* Restarted: the handler's own reads and writes go on undisturbed
	 * (ppoll never restarts, so the waits still end). */
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		sigaction(stop_signals[i], &sa, &w->saved[i]);
	}
	sa.sa_handler = on_interrupt_signal;
	sa.sa_flags = 0;
	sigaction(INTERRUPT_SIGNAL, &sa, &w->saved_interrupt);
}

static void signals_restore(bsc_worker *w)
{
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		sigaction(stop_signals[i], &w->saved[i], NULL);
	}
	sigaction(INTERRUPT_SIGNAL, &w->saved_interrupt, NULL);
	pthread_sigmask(SIG_SETMASK, &w->run_mask, NULL);
}

static int signal_number(int bits)
{
	return bits & BSC_SIGNAL_TERM ? SIGTERM : bits & BSC_SIGNAL_INT ? SIGINT
		: bits & BSC_SIGNAL_QUIT ? SIGQUIT : bits & BSC_SIGNAL_HUP ? SIGHUP : 0;
}

static bsc_stop_reason arrived_reason(bsc_worker *w)
{
	bsc_worker_gauges g = { .signals = arrived };

	return bsc_worker_decide(&w->opt, &g);
}

/* Asked by the connection when a wait is interrupted. */
static bool wait_interrupted(void *ctx)
{
	bsc_worker *w = ctx;

	return (w->phase == PHASE_WAIT || w->phase == PHASE_RECONNECT) && arrived != 0;
}

/* Sleeps for seconds with the stop signals let in; false when one came. */
static bool pause_for(bsc_worker *w, double seconds)
{
	double until = bsc_now() + seconds;

	while (arrived == 0) {
		double left = until - bsc_now();
		if (left <= 0) {
			break;
		}
		struct timespec ts = { .tv_sec = (time_t)left, .tv_nsec = (long)((left - (double)(time_t)left) * 1e9) };
		ppoll(NULL, 0, &ts, &w->wait_mask);
	}
	return arrived == 0;
}
/* }}} */

/* {{{ helpers */
static void say(bsc_worker *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(bsc_worker *w, const char *fmt, ...)
{
	char line[1536];
	va_list ap;
	int n = snprintf(line, sizeof(line), "%s: ", w->prefix);

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	w->host->log(w->ctx, line);
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
static bsc_stop_reason reconnect(bsc_worker *w)
{
	bsc_conn *c = w->conn;

	w->phase = PHASE_RECONNECT;
	w->f.state = BSC_WORKER_WAITING;
	if (w->fail_since == 0) {
		w->fail_since = bsc_now();
		w->backoff_next = BACKOFF_FIRST;
		say(w, "lost %s (%s); reconnecting", bsc_conn_name(c), bsc_conn_errstr(c));
	}
	for (;;) {
		double now = bsc_now();
		double give_up = w->fail_since + w->opt.reconnect_timeout;
		if (now >= give_up) {
			say(w, "no server at %s for %.1f s (%s): giving up", bsc_conn_name(c), now - w->fail_since, bsc_conn_errstr(c));
			w->f.reconnect_backoff = 0;
			return BSC_STOP_CONNECTION;
		}
		double wait = w->backoff_next < give_up - now ? w->backoff_next : give_up - now;
		w->f.reconnect_backoff = w->backoff_next;
		w->backoff_next = w->backoff_next * 2 < BACKOFF_MAX ? w->backoff_next * 2 : BACKOFF_MAX;
		if (!pause_for(w, wait)) {
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
			continue;
		}
		/* The connect waits in plain poll(): let the stop signals in for it
		 * (one landing just before it only waits for connect_timeout). */
		pthread_sigmask(SIG_SETMASK, &w->wait_mask, NULL);
		bsc_status st = bsc_conn_connect(c);
		pthread_sigmask(SIG_BLOCK, &w->stop_set, NULL);
		if (arrived) {
			bsc_conn_close(c);
			return arrived_reason(w);
		}
		if (st == BSC_OK) {
			note_generation(w);
			w->f.reconnect_backoff = 0;
			w->phase = PHASE_NONE;
			say(w, "reconnected to %s after %.1f s", bsc_conn_name(c), bsc_now() - w->fail_since);
			return BSC_STOP_NONE;
		}
	}
}
/* }}} */

/* {{{ waiting for a job */
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
		w->f.lost++;
		say(w, "job %" PRIu64 " was gone when the worker deleted it: its time-to-run ran out before the handler returned, so it may have run twice", id);
		return true;
	}
	if (bsc_reply_is_error(reply->kind)) {
		/* INTERNAL_ERROR: the binlog could not record it. The job stays
		 * reserved and comes back when its time-to-run runs out. */
		say(w, "job %" PRIu64 ": %s refused its delete with %s", id, bsc_conn_name(c), bsc_reply_name(reply->kind));
		bsc_conn_refused(c, reply->kind);
		return true;
	}
	bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered delete with %s", bsc_conn_name(c), bsc_reply_name(reply->kind));
	return false;
}

static void lost_before_delete(bsc_worker *w, const char *when)
{
	w->f.lost++;
	say(w, "job %" PRIu64 " was done, but the connection was lost %s: the server gives the job back and it may run again",
		w->done_id, when);
	w->done_id = 0;
}

/* Sends the finished job's delete (if any) with the next reserve in one
 * write, reads the delete's answer, then waits for a job. BSC_STOP_NONE with
 * *got telling whether a job came, or why to stop. */
static bsc_stop_reason next_job(bsc_worker *w, bsc_job *job, bool *got)
{
	bsc_conn *c = w->conn;
	bsc_line del, probe, reserve;
	bsc_request reqs[2];
	size_t n = 0;
	bool deleting = w->done_id != 0, probing = false;
	bsc_reply reply;
	bsc_status st;

	*got = false;
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
	double sent = bsc_now();
	st = bsc_conn_send(c, reqs, n);
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
		rtt_sample(w, bsc_now() - sent);
		if (deleting ? !delete_answered(w, &reply) : reply.kind != BSC_REPLY_USING) {
			if (!deleting) {
				bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered list-tube-used with %s", bsc_conn_name(c), bsc_reply_name(reply.kind));
			}
			return reconnect(w);
		}
		if (!bsc_conn_is_connected(c)) {
			return reconnect(w);
		}
	}

	/* The stop signals are blocked here: one that came since is seen now,
	 * one that comes later ends the wait. */
	w->phase = PHASE_WAIT;
	if (arrived) {
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
	st = bsc_conn_recv(c, &reply, timeout);
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
/* }}} */

/* {{{ a job */
/* The handler threw: release the job with the back-off and its priority,
 * or bury it once it has had max_attempts tries. */
static void job_failed(bsc_worker *w, uint64_t id, uint64_t gen, bool held, bool same, const char *why)
{
	bsc_conn *c = w->conn;
	bsc_yaml yaml;
	bsc_job_stats js;
	char head[1280];
	const char *lost = "the connection was lost meanwhile, so the server gave the job back";

	if (!held) {
		if (!same) {
			w->f.lost++;
		}
		say(w, "job %" PRIu64 " failed: %s; %s", id, why, same ? "the handler had deleted, released or buried it already" : lost);
		return;
	}
	w->phase = PHASE_SETTLE;
	double sent = bsc_now();
	/* Pinned: on a connection found dead and replaced, nothing goes out. */
	bsc_conn_pin(c, gen);
	bsc_status st = bsc_stats_job(c, id, &yaml);
	if (st == BSC_OK) {
		rtt_sample(w, bsc_now() - sent);
		if (!bsc_job_stats_parse(yaml.body, yaml.len, &js)) {
			st = bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered stats-job with something else", bsc_conn_name(c));
		}
	}
	if (bsc_conn_generation(c) != gen) {
		w->f.lost++;
		say(w, "job %" PRIu64 " failed: %s; %s", id, why, lost);
		return;
	}
	if (st == BSC_NOT_FOUND || (st == BSC_OK && strcmp(js.state, "reserved") != 0)) {
		bsc_conn_let_go(c, id);
		w->f.lost++;
		say(w, "job %" PRIu64 " failed: %s; its time-to-run had run out, so it is no longer this worker's", id, why);
		return;
	}
	if (st != BSC_OK) {
		say(w, "job %" PRIu64 " failed: %s; the server could not be asked about it (%s), so it comes back when the connection closes or its time-to-run runs out",
			id, why, bsc_conn_errstr(c));
		return;
	}
	uint32_t attempt = js.releases >= 0 ? (uint32_t)js.releases + 1 : 1;
	uint32_t pri = js.pri >= 0 ? (uint32_t)js.pri : 1024;
	snprintf(head, sizeof(head), "job %" PRIu64 " (tube %s) failed on attempt %" PRIu32 " of %" PRIu32 ": %s",
		id, js.tube, attempt, w->opt.max_attempts, why);
	uint32_t delay = 0;
	bsc_conn_pin(c, gen);
	if (attempt >= w->opt.max_attempts) {
		st = bsc_bury(c, id, pri);
	} else {
		delay = bsc_backoff_delay(w->opt.backoff, w->opt.backoff_len, attempt);
		st = bsc_release(c, id, pri, delay);
	}
	if (st == BSC_OK && attempt >= w->opt.max_attempts) {
		w->f.buried++;
		say(w, "%s; buried", head);
	} else if (st == BSC_OK) {
		w->f.released++;
		say(w, "%s; released with delay %" PRIu32 " s", head, delay);
	} else if (st == BSC_BURIED) {
		w->f.buried++;
		say(w, "%s; buried by the server, out of memory to release it", head);
	} else if (st == BSC_NOT_FOUND) {
		w->f.lost++;
		say(w, "%s; %s", head, bsc_conn_generation(c) != gen ? lost : "it was no longer reserved by this worker");
	} else {
		say(w, "%s; could not be %s (%s): it comes back when the connection closes", head,
			attempt >= w->opt.max_attempts ? "buried" : "released", bsc_conn_errstr(c));
	}
}

/* Runs the handler on the job; the signals flow while it runs. */
static bsc_stop_reason work(bsc_worker *w, const bsc_job *job)
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
	pthread_sigmask(SIG_SETMASK, &w->run_mask, NULL);
	bsc_job_result result = w->host->run(w->ctx, job, why, sizeof(why));
	pthread_sigmask(SIG_BLOCK, &w->stop_set, NULL);
	if (w->wd) {
		bsc_watchdog_end(w->wd);
	}
	double took = bsc_now() - start;
	bsc_conn_set_interrupt(c, wait_interrupted, w);
	bsc_conn_set_wait_mask(c, &w->wait_mask);
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
		say(w, "job %" PRIu64 ": the connection was lost while the handler ran; unless the handler had deleted it, the server gave the job back and it may run again", id);
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
	w->statm = w->opt.rss_limit ? open("/proc/self/statm", O_RDONLY | O_CLOEXEC) : -1;
	w->last_gen = bsc_conn_generation(c);
	memset(&w->f, 0, sizeof(w->f));
	bsc_hist_reset(&w->durations);
	w->f.stop_reason = BSC_STOP_NONE;
	w->f.state = BSC_WORKER_WAITING;
	gettimeofday(&tv, NULL);
	w->f.started_at = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	w->f.memory_start = host->heap(ctx);
	w->f.rss_start = bsc_rss_bytes();
	w->start = bsc_now();
	w->f.runtime_limit = w->opt.max_runtime > 0 ? w->opt.max_runtime + bsc_jitter(w->opt.runtime_jitter) : 0;
	w->deadline = w->f.runtime_limit > 0 ? w->start + w->f.runtime_limit : 0;

	signals_install(w);
	bsc_watchdog_config wc = {
		.address = bsc_conn_name(c),
		.ttr_margin = w->opt.ttr_margin,
		.max_attempts = w->opt.max_attempts,
		.backoff = w->opt.backoff,
		.backoff_len = w->opt.backoff_len,
		.poke = host->poke,
		.poke_ctx = host->poke_ctx,
		.interrupt_signal = INTERRUPT_SIGNAL,
		.log_prefix = w->prefix,
	};
	w->wd = bsc_watchdog_start(&wc, errbuf);
	if (!w->wd) {
		say(w, "%s: jobs are not held to their time-to-run", errbuf);
	}
	bsc_conn_set_interrupt(c, wait_interrupted, w);
	bsc_conn_set_wait_mask(c, &w->wait_mask);
}

static void run_end(bsc_worker *w, bsc_stop_reason reason)
{
	bsc_conn *c = w->conn;

	/* Never leave a finished job undeleted: it would run again. */
	if (w->done_id) {
		w->phase = PHASE_SETTLE;
		double sent = bsc_now();
		bsc_conn_pin(c, w->done_gen);
		bsc_status st = bsc_delete(c, w->done_id);
		if (st == BSC_OK) {
			rtt_sample(w, bsc_now() - sent);
			w->f.deleted++;
		} else if (st == BSC_NOT_FOUND) {
			w->f.lost++;
			say(w, "job %" PRIu64 " was gone when the worker deleted it: its time-to-run ran out before the handler returned, so it may have run twice", w->done_id);
		} else {
			lost_before_delete(w, "before its delete was confirmed");
		}
		w->done_id = 0;
	}
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
	signals_restore(w);
	w->f.stop_signal = (reason == BSC_STOP_SIGNAL || reason == BSC_STOP_RESTART) ? signal_number(arrived) : 0;
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

bsc_stop_reason bsc_worker_run(bsc_worker *w, bsc_conn *c, const bsc_worker_host *host, void *ctx)
{
	bsc_stop_reason reason = BSC_STOP_NONE;

	run_begin(w, c, host, ctx);
	while (reason == BSC_STOP_NONE) {
		if (!host->idle(ctx)) {
			reason = BSC_STOP_ABORT;
			break;
		}
		double now = bsc_now();
		if (w->statm >= 0) {
			w->f.rss = bsc_rss_read(w->statm);   /* one pread per job */
		}
		bsc_worker_gauges g = {
			.signals = arrived,
			.stop_requested = w->stop_requested,
			.processed = w->f.processed,
			.now = now,
			.deadline = w->deadline,
			.heap = w->opt.memory_limit ? host->heap(ctx) : 0,
			.rss = w->f.rss,
		};
		reason = bsc_worker_decide(&w->opt, &g);
		if (reason != BSC_STOP_NONE) {
			break;
		}
		bsc_job job;
		bool got;
		reason = next_job(w, &job, &got);
		if (reason == BSC_STOP_NONE && got) {
			reason = work(w, &job);
		}
	}
	run_end(w, reason);
	if (reason != BSC_STOP_ABORT) {
		say(w, "stopping on %s after %" PRIu64 " jobs in %.1f s (exit code %d)", reason_name(reason, w->f.stop_signal),
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
