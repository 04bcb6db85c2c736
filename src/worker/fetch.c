/*
 * How the worker gets its next job. See fetch.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/fetch.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* An idle worker measures the round trip this often (s). */
#define RTT_PROBE_EVERY 10.0

typedef enum {
	PHASE_NONE,
	PHASE_WAIT,         /* the wait for a job: a stop signal ends it */
	PHASE_RECONNECT     /* a connect, or the pause before it: likewise */
} wait_phase;

static bsc_request line_request(const bsc_line *line, size_t reply_body_max, bsc_request_for reply_for)
{
	return (bsc_request){ line->buf, line->len, NULL, 0, false, reply_body_max, reply_for };
}

/* The stop reason the arrived signals give. */
static bsc_stop_reason arrived_reason(const bsc_fetch *f)
{
	bsc_worker_gauges g = { .signals = bsc_stop_signals_arrived() };

	return bsc_worker_decide(f->cfg.caps, &g);
}

/* The server-side wait of a reserve: a slice on several servers. */
static uint32_t reserve_slice(const bsc_fetch *f)
{
	return f->n > 1 && f->cfg.reserve_timeout > BSC_POOL_RESERVE_SLICE ? BSC_POOL_RESERVE_SLICE : f->cfg.reserve_timeout;
}

/* {{{ life cycle */
/* What the pool tells of what it did on its own. */
static void on_pool_event(void *ctx, const bsc_pool_event *e)
{
	bsc_fetch *f = ctx;
	const char *name = bsc_conn_name(f->conns[e->server]);

	switch (e->kind) {
	case BSC_POOL_SERVER_LOST:
		f->fig.reconnect_backoff = bsc_pool_backoff(f->pool, e->server);
		if (e->first) {
			bsc_log_line(f->cfg.log, "lost %s (%s); reconnecting", name, bsc_conn_errstr(f->conns[e->server]));
		}
		break;
	case BSC_POOL_JOB_GONE:
		f->fig.lost++;
		bsc_log_line(f->cfg.log, "job %" PRIu64 " was reserved ahead, and its time-to-run ran out before its turn: the server has it back", e->id);
		break;
	case BSC_POOL_JOB_RELEASED:
		f->fig.prefetch_released++;
		bsc_log_line(f->cfg.log, "job %" PRIu64 " (tube %s) was reserved ahead and has %" PRId64 " s left of its %" PRId64
			" s time-to-run, less than a run takes: %s untouched", e->id, e->stats->tube, e->stats->time_left, e->stats->ttr,
			e->released ? "released" : "it goes back when the connection closes,");
		break;
	}
}

bool bsc_fetch_begin(bsc_fetch *f, const bsc_fetch_config *cfg, bsc_pool *pool)
{
	memset(f, 0, sizeof(*f));
	f->cfg = *cfg;
	f->pool = pool;
	f->n = bsc_pool_size(pool);
	f->servers = calloc(f->n, sizeof(*f->servers));
	f->conns = malloc(f->n * sizeof(*f->conns));
	if (!f->servers || !f->conns) {
		free(f->servers);
		free(f->conns);
		return false;
	}
	for (size_t s = 0; s < f->n; s++) {
		bsc_conn *c = f->conns[s] = bsc_pool_conn(pool, s);
		f->servers[s].last_gen = bsc_conn_generation(c);
		/* The connection counts from its start: this run from here. */
		bsc_conn_delete_counts(c, &f->servers[s].deletes_seen[0], &f->servers[s].deletes_seen[1], &f->servers[s].deletes_seen[2]);
	}
	bsc_pool_set_events(pool, on_pool_event, f);
	return true;
}

bool bsc_fetch_interrupted(void *ctx)
{
	bsc_fetch *f = ctx;

	return (f->phase == PHASE_WAIT || f->phase == PHASE_RECONNECT) && bsc_stop_signals_arrived() != 0;
}

size_t bsc_fetch_server(const bsc_fetch *f)
{
	return f->cur;
}

bsc_conn *bsc_fetch_conn(const bsc_fetch *f)
{
	return f->conns[f->cur];
}

void bsc_fetch_job_started(bsc_fetch *f, double now)
{
	f->last_job_start = now;
}

void bsc_fetch_job_done(bsc_fetch *f, uint64_t id, uint64_t generation)
{
	f->done_id = id;
	f->done_gen = generation;
	f->done_server = f->cur;
}

void bsc_fetch_rtt_sample(bsc_fetch *f, double seconds)
{
	bsc_fetch_figures *g = &f->fig;

	/* Smoothed like TCP's SRTT (a gain of 1/8). */
	g->rtt = g->rtt_samples ? g->rtt + (seconds - g->rtt) / 8 : seconds;
	if (g->rtt_samples == 0 || seconds < g->rtt_min) {
		g->rtt_min = seconds;
	}
	g->rtt_samples++;
	f->last_rtt_at = bsc_now();
}

/* Counts the connection's new generations after the first as reconnects. */
static void note_generation(bsc_fetch *f, size_t s)
{
	bsc_fetch_per_server *sv = &f->servers[s];
	uint64_t gen = bsc_conn_generation(f->conns[s]);

	if (sv->last_gen && gen > sv->last_gen) {
		f->fig.reconnects += gen - sv->last_gen;
	}
	if (gen) {
		sv->last_gen = gen;
	}
}
/* }}} */

/* {{{ a server away */
/* Every server away for reconnect_timeout: the worker gives up. */
static bool give_up(bsc_fetch *f, double now)
{
	for (size_t s = 0; s < f->n; s++) {
		if (!bsc_pool_is_away(f->pool, s) || now < bsc_pool_away_since(f->pool, s) + f->cfg.reconnect_timeout) {
			return false;
		}
	}
	for (size_t s = 0; s < f->n; s++) {
		bsc_conn *c = f->conns[s];
		bsc_log_line(f->cfg.log, "no server at %s for %.1f s (%s): giving up", bsc_conn_name(c),
			now - bsc_pool_away_since(f->pool, s), bsc_conn_errstr(c));
	}
	f->fig.reconnect_backoff = 0;
	return true;
}

/* Connects to server s, whose back-off is over. The connect waits in plain
 * poll(): the stop signals are let in for it (one landing just before it
 * only waits for connect_timeout). */
static bsc_stop_reason reconnect(bsc_fetch *f, size_t s)
{
	bsc_conn *c = f->conns[s];

	bsc_stop_signals_let_in(f->cfg.signals);
	bsc_status st = bsc_pool_reconnect(f->pool, s);
	bsc_stop_signals_keep_out(f->cfg.signals);
	if (bsc_stop_signals_arrived()) {
		bsc_conn_close(c);
		return arrived_reason(f);
	}
	if (st != BSC_OK) {
		return BSC_STOP_NONE;
	}
	note_generation(f, s);
	f->fig.reconnect_backoff = 0;
	bsc_log_line(f->cfg.log, "reconnected to %s after %.1f s", bsc_conn_name(c), bsc_now() - bsc_pool_away_since(f->pool, s));
	return BSC_STOP_NONE;
}

/* When every server is away: gives up, or pauses until the earliest is
 * due (a stop signal ends the pause). *paused: the caller looks at its
 * caps before going on. */
static bsc_stop_reason pause_for_servers(bsc_fetch *f, double now, double earliest, bool *paused)
{
	double last_call = 0;

	if (give_up(f, now)) {
		return BSC_STOP_CONNECTION;
	}
	for (size_t s = 0; s < f->n; s++) {
		double at = bsc_pool_away_since(f->pool, s) + f->cfg.reconnect_timeout;
		last_call = at > last_call ? at : last_call;
	}
	double pause = (earliest < last_call ? earliest : last_call) - now;
	if (pause <= 0) {
		return BSC_STOP_NONE;
	}
	f->phase = PHASE_RECONNECT;
	bsc_report_title_waiting(f->cfg.report);
	bool undisturbed = bsc_stop_signals_pause(f->cfg.signals, pause);
	f->phase = PHASE_NONE;
	*paused = true;
	return undisturbed ? BSC_STOP_NONE : arrived_reason(f);
}

/* The servers whose back-off is over are connected to; when none is up,
 * the worker first waits for the earliest (*paused). */
static bsc_stop_reason reconnect_due(bsc_fetch *f, bool *paused)
{
	double now = bsc_now(), earliest = 0;
	bool any_up = false;

	*paused = false;
	for (size_t s = 0; s < f->n; s++) {
		if (!bsc_pool_is_away(f->pool, s)) {
			any_up = true;
		} else if (earliest == 0 || bsc_pool_retry_at(f->pool, s) < earliest) {
			earliest = bsc_pool_retry_at(f->pool, s);
		}
	}
	if (earliest == 0) {
		return BSC_STOP_NONE;
	}
	if (!any_up) {
		bsc_stop_reason reason = pause_for_servers(f, now, earliest, paused);
		if (reason != BSC_STOP_NONE || *paused) {
			return reason;
		}
	}
	for (size_t s = 0; s < f->n; s++) {
		if (bsc_pool_is_away(f->pool, s) && now >= bsc_pool_retry_at(f->pool, s)) {
			f->phase = PHASE_RECONNECT;
			bsc_stop_reason reason = reconnect(f, s);
			f->phase = PHASE_NONE;
			if (reason != BSC_STOP_NONE) {
				return reason;
			}
		}
	}
	return BSC_STOP_NONE;
}
/* }}} */

/* {{{ the finished job's delete, and the reserves */
static void lost_before_delete(bsc_fetch *f, const char *when)
{
	f->fig.lost++;
	bsc_log_line(f->cfg.log, "job %" PRIu64 " was done, but the connection was lost %s: the server gives the job back and it may run again",
		f->done_id, when);
	f->done_id = 0;
}

static void gone_before_delete(bsc_fetch *f, uint64_t id)
{
	f->fig.lost++;
	bsc_log_line(f->cfg.log, "job %" PRIu64 " was gone when the worker deleted it: its time-to-run ran out before the handler returned, so it may have run twice", id);
}

/* The answer to the finished job's delete. False when it makes no sense
 * (the connection is then closed). */
static bool delete_answered(bsc_fetch *f, bsc_conn *c, const bsc_reply *reply)
{
	uint64_t id = f->done_id;

	f->done_id = 0;
	if (reply->kind == BSC_REPLY_DELETED && !reply->has_num) {
		f->fig.deleted++;
		bsc_report_deleted(f->cfg.report);
		bsc_conn_let_go(c, id);
		return true;
	}
	if (reply->kind == BSC_REPLY_NOT_FOUND) {
		bsc_conn_let_go(c, id);
		gone_before_delete(f, id);
		return true;
	}
	if (bsc_reply_is_error(reply->kind)) {
		/* INTERNAL_ERROR: the binlog could not record it. The job stays
		 * reserved and comes back when its time-to-run runs out. */
		bsc_log_line(f->cfg.log, "job %" PRIu64 ": %s refused its delete with %s", id, bsc_conn_name(c), bsc_reply_name(reply->kind));
		bsc_conn_refused(c, reply->kind);
		return true;
	}
	bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered delete with %s", bsc_conn_name(c), bsc_reply_name(reply->kind));
	return false;
}

static bool probe_answered(bsc_conn *c, const bsc_reply *reply)
{
	if (reply->kind == BSC_REPLY_USING) {
		return true;
	}
	bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered list-tube-used with %s", bsc_conn_name(c), bsc_reply_name(reply->kind));
	return false;
}

/* The answer to the request of ours that went first in the write (the
 * delete or the probe); a failure is the server lost. */
static void take_answer(bsc_fetch *f, size_t s, bool deleting, double sent_at)
{
	bsc_conn *c = f->conns[s];
	bsc_reply reply;
	bsc_status st = bsc_conn_recv(c, &reply, bsc_conn_timeout(c));

	if (st != BSC_OK) {
		if (deleting) {
			lost_before_delete(f, "before the server confirmed its delete");
		}
		bsc_pool_lost(f->pool, s);
		return;
	}
	bsc_fetch_rtt_sample(f, bsc_now() - sent_at);
	bool fits = deleting ? delete_answered(f, c, &reply) : probe_answered(c, &reply);
	if (!fits || !bsc_conn_is_connected(c)) {
		bsc_pool_lost(f->pool, s);
	}
}

/* One write on server s: the finished job's delete when it is s's, a
 * round-trip probe when due and nothing else measures it, and the reserves
 * that keep prefetch of them out or kept; then the delete's (or the
 * probe's) answer, unless the connection takes it in later. */
static void ask(bsc_fetch *f, size_t s)
{
	bsc_conn *c = f->conns[s];
	bsc_line del, probe;
	bsc_request pre;
	size_t npre = 0;
	bool deleting = f->done_id != 0 && f->done_server == s, probing = false;
	bool idle = bsc_conn_prefetch_out(c, NULL) + bsc_conn_prefetch_jobs(c) == 0;

	/* With more than one job at a time, no reply is waited for just to know
	 * the delete went through: the connection takes its answer in later. */
	bool delete_later = deleting && (f->cfg.prefetch > 1 || f->n > 1);
	if (deleting) {
		bsc_line_start(&del, "delete");
		bsc_line_u64(&del, f->done_id);
		bsc_line_end(&del);
		pre = line_request(&del, 0, delete_later ? BSC_FOR_DELETE : BSC_FOR_CALLER);
		npre = 1;
		/* Found dead on sending, the connection is replaced: the job went
		 * back with the old one and this delete must not go out. */
		bsc_conn_pin(c, f->done_gen);
	} else if (idle && bsc_now() - f->last_rtt_at >= RTT_PROBE_EVERY) {
		/* Idle: a command answered at once measures the round trip. */
		bsc_line_start(&probe, "list-tube-used");
		bsc_line_end(&probe);
		pre = line_request(&probe, 0, BSC_FOR_CALLER);
		npre = 1;
		probing = true;
	}
	double sent_at = bsc_now();
	bsc_status st = bsc_pool_ask(f->pool, s, &pre, npre, f->cfg.prefetch, reserve_slice(f));
	note_generation(f, s);
	if (st == BSC_NOT_FOUND) {
		lost_before_delete(f, "while the handler ran");
		return;
	}
	if (st != BSC_OK) {
		if (deleting) {
			lost_before_delete(f, "before its delete went out");
		}
		return;   /* the pool set it aside */
	}
	if (delete_later) {
		uint64_t id = f->done_id;
		f->done_id = 0;
		if (!bsc_conn_delete_sent(c, id)) {
			bsc_log_line(f->cfg.log, "job %" PRIu64 ": out of memory to follow its delete: the server gives the job back and it may run again", id);
			f->fig.lost++;
			bsc_pool_lost(f->pool, s);
		}
		return;
	}
	if (deleting || probing) {
		take_answer(f, s, deleting, sent_at);
	}
}
/* }}} */

/* Counts and logs what became of the deletes sent without a wait. */
static void sweep_deletes(bsc_fetch *f)
{
	uint64_t gone[16];

	for (size_t s = 0; s < f->n; s++) {
		bsc_fetch_per_server *sv = &f->servers[s];
		bsc_conn *c = f->conns[s];
		uint64_t now[3];
		bsc_conn_delete_counts(c, &now[0], &now[1], &now[2]);
		f->fig.deleted += now[0] - sv->deletes_seen[0];
		if (now[1] > sv->deletes_seen[1]) {
			bsc_log_line(f->cfg.log, "%s refused %" PRIu64 " delete%s (INTERNAL_ERROR: its binlog): those jobs come back when their time-to-run runs out",
				bsc_conn_name(c), now[1] - sv->deletes_seen[1], now[1] - sv->deletes_seen[1] == 1 ? "" : "s");
		}
		if (now[2] > sv->deletes_seen[2]) {
			uint64_t lost = now[2] - sv->deletes_seen[2];
			f->fig.lost += lost;
			bsc_log_line(f->cfg.log, "%" PRIu64 " job%s done, but the connection to %s was lost before the server confirmed %s delete: the server gives %s back and %s may run again",
				lost, lost == 1 ? " was" : "s were", bsc_conn_name(c), lost == 1 ? "its" : "their", lost == 1 ? "it" : "them",
				lost == 1 ? "it" : "they");
		}
		memcpy(sv->deletes_seen, now, sizeof(now));
		size_t k;
		while ((k = bsc_conn_take_gone(c, gone, 16)) > 0) {
			for (size_t i = 0; i < k; i++) {
				gone_before_delete(f, gone[i]);
			}
		}
	}
}

/* {{{ taking a job */
/* How long a run takes (p95), seconds: worked out anew after the first 64
 * runs only once the runs since have added a sixteenth, so that a loop of
 * short jobs does not walk the histogram at every job. */
static double expected_run(bsc_fetch *f, const bsc_histogram *durations)
{
	uint64_t n = durations->count;

	if (n != f->p95_count && (n <= 64 || n - f->p95_count >= n / 16)) {
		f->p95 = (double)bsc_hist_percentile(durations, 0.95) / 1e6;
		f->p95_count = n;
	}
	return f->p95;
}

/* A job kept by the pool, still in time for a run. */
static bool take_job(bsc_fetch *f, const bsc_histogram *durations, bsc_job *job)
{
	bsc_pool_fresh rule = { expected_run(f, durations), f->cfg.ttr_margin };
	bsc_prefetch_job kept;
	size_t s;

	if (!bsc_pool_take(f->pool, &rule, &kept, &s)) {
		return false;
	}
	free(f->job_body);
	f->job_body = kept.body;
	*job = (bsc_job){ kept.id, kept.body, kept.len };
	/* Reserved while another job ran: ahead of its turn. */
	if (kept.asked_at < f->last_job_start) {
		f->fig.prefetched++;
	}
	f->cur = s;
	return true;
}
/* }}} */

/* {{{ waiting */
static bool reply_at_hand(const bsc_fetch *f)
{
	for (size_t s = 0; s < f->n; s++) {
		if (bsc_conn_buffered(f->conns[s]) > 0) {
			return true;
		}
	}
	return false;
}

static bsc_stop_reason wait_for_job(bsc_fetch *f)
{
	double deadline = f->cfg.deadline;

	if (deadline > 0 && bsc_now() >= deadline) {
		return BSC_STOP_MAX_RUNTIME;
	}
	f->phase = PHASE_WAIT;
	double from = bsc_now();
	bsc_status st = bsc_pool_wait(f->pool, deadline);
	f->fig.wait_time += bsc_now() - from;
	f->phase = PHASE_NONE;
	if (st == BSC_ERR_INTERRUPTED) {
		return arrived_reason(f);
	}
	if (deadline > 0 && bsc_now() >= deadline && !bsc_pool_has_job(f->pool)) {
		return BSC_STOP_MAX_RUNTIME;
	}
	return BSC_STOP_NONE;
}
/* }}} */

bsc_stop_reason bsc_fetch_next(bsc_fetch *f, const bsc_histogram *durations, bsc_job *job, bool *got)
{
	bsc_stop_reason reason;
	bool paused;

	*got = false;
	free(f->job_body);
	f->job_body = NULL;
	if (f->done_id) {
		ask(f, f->done_server);
	}
	sweep_deletes(f);
	if ((*got = take_job(f, durations, job))) {
		return BSC_STOP_NONE;
	}
	if ((reason = reconnect_due(f, &paused)) != BSC_STOP_NONE || paused) {
		return reason;   /* after a pause, the loop looks at its caps first */
	}
	for (size_t s = 0; s < f->n; s++) {
		if (!bsc_pool_is_away(f->pool, s)) {
			ask(f, s);
		}
	}
	if ((*got = take_job(f, durations, job))) {
		return BSC_STOP_NONE;
	}
	/* The stop signals are blocked here: one that came since is seen now,
	 * one that comes later ends the wait. */
	if (bsc_stop_signals_arrived()) {
		return arrived_reason(f);
	}
	/* In a run of fast jobs the next reply is often in already: the title
	 * goes from job to job. */
	if (!reply_at_hand(f)) {
		bsc_report_title_waiting(f->cfg.report);
	}
	reason = wait_for_job(f);
	if (reason == BSC_STOP_NONE) {
		*got = take_job(f, durations, job);
	}
	return reason;
}

/* {{{ the end of a run */
/* Never leaves a finished job undeleted: it would run again. */
static void delete_last_job(bsc_fetch *f)
{
	bsc_conn *c = f->conns[f->done_server];
	double sent = bsc_now();

	bsc_conn_pin(c, f->done_gen);
	bsc_status st = bsc_delete(c, f->done_id);
	if (st == BSC_OK) {
		bsc_fetch_rtt_sample(f, bsc_now() - sent);
		f->fig.deleted++;
		bsc_report_deleted(f->cfg.report);
	} else if (st == BSC_NOT_FOUND) {
		gone_before_delete(f, f->done_id);
	} else {
		lost_before_delete(f, "before its delete was confirmed");
	}
	f->done_id = 0;
}

/* Jobs reserved ahead and not started go back to the server at once, with
 * their priority: their connections close (the server puts back every job
 * a closed connection held), and so do those with a reserve out, whose job
 * would otherwise be held by a connection nobody reads. */
static void hand_back(bsc_fetch *f)
{
	uint64_t jobs = 0;

	for (size_t s = 0; s < f->n; s++) {
		bsc_conn *c = f->conns[s];
		/* Its deletes first: they come before any reserve that may wait. */
		bsc_conn_settle_deletes(c, bsc_conn_timeout(c));
		size_t have = bsc_conn_prefetch_jobs(c);
		if (have > 0 || bsc_conn_prefetch_out(c, NULL) > 0) {
			jobs += have;
			bsc_conn_close(c);
		}
	}
	sweep_deletes(f);
	if (jobs > 0) {
		f->fig.prefetch_released += jobs;
		bsc_log_line(f->cfg.log, "handed back %" PRIu64 " job%s reserved ahead", jobs, jobs == 1 ? "" : "s");
	}
}

void bsc_fetch_forget(bsc_fetch *f)
{
	bsc_pool_set_events(f->pool, NULL, NULL);
	f->done_id = 0;
	free(f->job_body);
	f->job_body = NULL;
	free(f->servers);
	free(f->conns);
	f->servers = NULL;
	f->conns = NULL;
}

void bsc_fetch_end(bsc_fetch *f)
{
	if (f->done_id) {
		delete_last_job(f);
	}
	hand_back(f);
	bsc_fetch_forget(f);
}
/* }}} */
