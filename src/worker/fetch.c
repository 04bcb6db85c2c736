/*
 * How the worker gets its next job. See fetch.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/fetch_private.h"

#include <inttypes.h>

#include "src/grow.h"
#include <stdlib.h>
#include <string.h>

/* An idle worker measures the round trip this often (s); a busy one waits
 * for a finished job's delete as often, for the same figure. */
#define RTT_PROBE_EVERY 10.0
/* The longest a finished job's delete waits (s) for a write that takes it
 * while jobs reserved ahead are at hand: it never waits past a wait. */
#define DELETE_DEFER 0.002
/* The most deletes one write takes. */
#define DELETES_MAX 64

static bsc_request line_request(const bsc_line *line, size_t reply_body_max, bsc_request_for reply_for)
{
	return (bsc_request){ line->buf, line->len, NULL, 0, false, reply_body_max, reply_for };
}

bsc_stop_reason bsc_fetch_arrived_reason(const bsc_fetch *f)
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
		/* What an earlier run left of its deletes is not this one's. */
		bsc_delete_outcome skip[16];
		while (bsc_conn_take_delete_outcomes(c, skip, 16) > 0) {
		}
	}
	bsc_pool_set_events(pool, on_pool_event, f);
	return true;
}

bool bsc_fetch_interrupted(void *ctx)
{
	bsc_fetch *f = ctx;

	return (f->phase == BSC_FETCH_PHASE_WAIT || f->phase == BSC_FETCH_PHASE_RECONNECT) && bsc_stop_signals_arrived() != 0;
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

void bsc_fetch_job_done(bsc_fetch *f, uint64_t id, uint64_t generation, size_t slot, double now)
{
	if (!bsc_grow(&f->done, &f->done_cap, f->done_len + 1, sizeof(*f->done), 16)) {
		/* Not deleted: the server gives it back when its time-to-run runs out. */
		f->fig.lost++;
		bsc_log_line(f->cfg.log, "job %" PRIu64 ": out of memory to delete it: it comes back when its time-to-run runs out", id);
		return;
	}
	if (f->done_len == 0) {
		f->done_since = now;
	}
	f->done[f->done_len++] = (bsc_fetch_done){ id, generation, f->cur, slot };
}

void bsc_fetch_rtt_sample(bsc_fetch *f, double sent_at)
{
	bsc_fetch_figures *g = &f->fig;
	double now = bsc_now(), seconds = now - sent_at;

	/* Smoothed like TCP's SRTT (a gain of 1/8). */
	g->rtt = g->rtt_samples ? g->rtt + (seconds - g->rtt) / 8 : seconds;
	if (g->rtt_samples == 0 || seconds < g->rtt_min) {
		g->rtt_min = seconds;
	}
	g->rtt_samples++;
	f->last_rtt_at = now;
}

/* {{{ the finished job's delete, and the reserves */
static void lost_before_delete(bsc_fetch *f, uint64_t id, const char *when)
{
	f->fig.lost++;
	bsc_log_line(f->cfg.log, "job %" PRIu64 " was done, but the connection was lost %s: the server gives the job back and it may run again",
		id, when);
}

static void gone_before_delete(bsc_fetch *f, uint64_t id)
{
	f->fig.lost++;
	bsc_log_line(f->cfg.log, "job %" PRIu64 " was gone when the worker deleted it: its time-to-run ran out before the handler returned, so it may have run twice", id);
}

/* The answer to a finished job's delete. False when it makes no sense
 * (the connection is then closed). */
static bool delete_answered(bsc_fetch *f, bsc_conn *c, const bsc_fetch_done *d, const bsc_reply *reply)
{
	uint64_t id = d->id;

	if (reply->kind == BSC_REPLY_DELETED && !reply->has_num) {
		f->fig.deleted++;
		bsc_report_deleted(f->cfg.report, d->slot);
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
 * delete d, or the probe when d is NULL); a failure is the server lost. */
static void take_answer(bsc_fetch *f, size_t s, const bsc_fetch_done *d, double sent_at)
{
	bsc_conn *c = f->conns[s];
	bsc_reply reply;
	bsc_status st = bsc_conn_recv(c, &reply, bsc_conn_timeout(c));

	if (st != BSC_OK) {
		if (d) {
			lost_before_delete(f, d->id, "before the server confirmed its delete");
		}
		bsc_pool_lost(f->pool, s);
		return;
	}
	bsc_fetch_rtt_sample(f, sent_at);
	bool fits = d ? delete_answered(f, c, d, &reply) : probe_answered(c, &reply);
	if (!fits || !bsc_conn_is_connected(c)) {
		bsc_pool_lost(f->pool, s);
	}
}

/* The deletes of server s's finished jobs, for one write: those reserved
 * under its connection's generation (the others went back with a lost
 * connection: logged); their lines in lines[], at most DELETES_MAX. How
 * many went into picked[]. */
static size_t pick_deletes(bsc_fetch *f, size_t s, bsc_fetch_done *picked, bsc_line *lines, uint64_t *gen)
{
	uint64_t now_gen = bsc_conn_generation(f->conns[s]);
	size_t n = 0, kept = 0;

	*gen = 0;
	for (size_t i = 0; i < f->done_len; i++) {
		bsc_fetch_done *d = &f->done[i];
		if (d->server != s || n == DELETES_MAX) {
			f->done[kept++] = *d;
			continue;
		}
		/* A connection that is not up now is (re)made by the write, under
		 * a generation of its own: the jobs went back with the old one. */
		if (d->gen != now_gen || !bsc_conn_is_connected(f->conns[s])) {
			lost_before_delete(f, d->id, "while the handler ran");
			continue;
		}
		*gen = d->gen;
		picked[n] = *d;
		bsc_line_start(&lines[n], "delete");
		bsc_line_u64(&lines[n], d->id);
		bsc_line_end(&lines[n]);
		n++;
	}
	f->done_len = kept;
	if (n > 0 && kept > 0) {
		f->done_since = bsc_now();   /* those left wait from now on */
	}
	return n;
}

/* The tube slots of the deletes just sent on server s, for StatsD once
 * their answers are in; false when memory runs out. */
static bool note_sent(bsc_fetch_per_server *sv, const bsc_fetch_done *picked, size_t n)
{
	if (sv->slots_head > 0 && sv->slots_head == sv->slots_len) {
		sv->slots_head = sv->slots_len = 0;
	}
	if (!bsc_grow(&sv->slots, &sv->slots_cap, sv->slots_len + n, sizeof(*sv->slots), 16)) {
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		sv->slots[sv->slots_len++] = picked[i].slot;
	}
	return true;
}

/* One write on server s: the deletes of its finished jobs, a round-trip
 * probe when due and nothing else measures it, and the reserves that keep
 * `keep` jobs out or kept there. With more than one job at a time, the
 * connection takes the deletes' answers in as they come (one is waited
 * for, and timed, when the round trip is due). */
static void ask(bsc_fetch *f, size_t s, size_t keep)
{
	bsc_conn *c = f->conns[s];
	bsc_fetch_done picked[DELETES_MAX];
	bsc_line lines[DELETES_MAX], probe;
	bsc_request pre[DELETES_MAX];
	uint64_t gen;
	size_t n = pick_deletes(f, s, picked, lines, &gen);
	bool idle = bsc_conn_prefetch_out(c, NULL) + bsc_conn_prefetch_jobs(c) == 0;
	/* One job at a time on one server: the delete's answer comes with the
	 * next job's (one read for both), and is waited for, and timed. */
	bool alone = f->cfg.prefetch == 1 && f->n == 1;
	bool may_time = keep > 0 && (n == 1 ? !alone : n == 0 && idle);
	bool timed = may_time && bsc_now() - f->last_rtt_at >= RTT_PROBE_EVERY;
	bool wait_delete = n == 1 && (alone || timed), probing = false;

	for (size_t i = 0; i < n; i++) {
		pre[i] = line_request(&lines[i], 0, wait_delete ? BSC_FOR_CALLER : BSC_FOR_DELETE);
	}
	if (n > 0) {
		/* Found dead on sending, the connection is replaced: the jobs went
		 * back with the old one and these deletes must not go out. */
		bsc_conn_pin(c, gen);
	} else if (timed) {
		/* Idle: a command answered at once measures the round trip. */
		bsc_line_start(&probe, "list-tube-used");
		bsc_line_end(&probe);
		pre[0] = line_request(&probe, 0, BSC_FOR_CALLER);
		probing = true;
	}
	double sent_at = wait_delete || probing ? bsc_now() : 0;
	bsc_status st = bsc_pool_ask(f->pool, s, pre, n + probing, keep, reserve_slice(f));
	bsc_fetch_note_generation(f, s);
	if (st != BSC_OK) {
		for (size_t i = 0; i < n; i++) {
			lost_before_delete(f, picked[i].id, st == BSC_NOT_FOUND ? "while the handler ran" : "before its delete went out");
		}
		return;   /* NOT_FOUND: nothing went out; else the pool set it aside */
	}
	if (wait_delete || probing) {
		take_answer(f, s, wait_delete ? &picked[0] : NULL, sent_at);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!bsc_conn_delete_sent(c, picked[i].id)) {
			bsc_log_line(f->cfg.log, "job %" PRIu64 ": out of memory to follow its delete: the server gives the job back and it may run again", picked[i].id);
			f->fig.lost++;
			bsc_pool_lost(f->pool, s);
			return;
		}
	}
	if (!note_sent(&f->servers[s], picked, n)) {
		f->servers[s].slots_len = f->servers[s].slots_head = 0;   /* StatsD's deleted counts come up short */
	}
}

/* Whether the finished jobs' deletes go out now: before any wait (none
 * waits past one), once the oldest has waited DELETE_DEFER, or when a write
 * could take no more. Otherwise the next job is one reserved ahead, and
 * the deletes go with a later write: fewer writes, for the worker and for
 * the server. */
static bool deletes_due(const bsc_fetch *f)
{
	return f->done_len > 0 && (!bsc_pool_has_job(f->pool) || f->done_len >= DELETES_MAX || bsc_now() - f->done_since >= DELETE_DEFER);
}

/* Whether a server has puts of the handler's held for a write. */
static bool out_held(const bsc_fetch *f)
{
	for (size_t s = 0; s < f->n; s++) {
		if (bsc_conn_held_out(f->conns[s]) > 0) {
			return true;
		}
	}
	return false;
}

/* Writes what the servers still hold; a failure is the server lost. */
static void write_out(bsc_fetch *f)
{
	for (size_t s = 0; s < f->n; s++) {
		if (bsc_conn_held_out(f->conns[s]) > 0 && bsc_status_is_failure(bsc_conn_write_out(f->conns[s]))) {
			bsc_pool_lost(f->pool, s);
		}
	}
}

/* The finished jobs' deletes, each server's in one write with the reserves
 * that keep `keep` jobs out or kept there. */
static void send_deletes(bsc_fetch *f, size_t keep)
{
	for (size_t s = 0; s < f->n && f->done_len > 0; s++) {
		for (size_t i = 0; i < f->done_len; i++) {
			if (f->done[i].server == s) {
				ask(f, s, keep);
				break;
			}
		}
	}
}
/* }}} */

/* The slot of the oldest delete out on server s (for StatsD), taken. */
static size_t take_slot(bsc_fetch_per_server *sv, bool *known)
{
	*known = sv->slots_head < sv->slots_len;
	return *known ? sv->slots[sv->slots_head++] : 0;
}

/* Counts and logs what became of the deletes whose answers the
 * connections took in. */
static void sweep_deletes(bsc_fetch *f)
{
	bsc_delete_outcome out[16];

	for (size_t s = 0; s < f->n; s++) {
		bsc_fetch_per_server *sv = &f->servers[s];
		bsc_conn *c = f->conns[s];
		uint64_t refused = 0, unconfirmed = 0;
		size_t k;
		while ((k = bsc_conn_take_delete_outcomes(c, out, 16)) > 0) {
			for (size_t i = 0; i < k; i++) {
				bool known;
				size_t slot = take_slot(sv, &known);
				switch (out[i].kind) {
				case BSC_DELETE_DONE:
					f->fig.deleted++;
					if (known) {
						bsc_report_deleted(f->cfg.report, slot);
					}
					break;
				case BSC_DELETE_GONE:
					gone_before_delete(f, out[i].id);
					break;
				case BSC_DELETE_REFUSED:
					refused++;
					break;
				case BSC_DELETE_UNCONFIRMED:
					unconfirmed++;
					break;
				}
			}
		}
		if (refused > 0) {
			bsc_log_line(f->cfg.log, "%s refused %" PRIu64 " delete%s (INTERNAL_ERROR: its binlog): those jobs come back when their time-to-run runs out",
				bsc_conn_name(c), refused, refused == 1 ? "" : "s");
		}
		if (unconfirmed > 0) {
			f->fig.lost += unconfirmed;
			bsc_log_line(f->cfg.log, "%" PRIu64 " job%s done, but the connection to %s was lost before the server confirmed %s delete: the server gives %s back and %s may run again",
				unconfirmed, unconfirmed == 1 ? " was" : "s were", bsc_conn_name(c), unconfirmed == 1 ? "its" : "their",
				unconfirmed == 1 ? "it" : "them", unconfirmed == 1 ? "it" : "they");
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
	double deadline = f->cfg.deadline, from = bsc_now();

	if (deadline > 0 && from >= deadline) {
		return BSC_STOP_MAX_RUNTIME;
	}
	f->phase = BSC_FETCH_PHASE_WAIT;
	bsc_status st = bsc_pool_wait(f->pool, deadline);
	f->fig.wait_time += bsc_now() - from;
	f->phase = BSC_FETCH_PHASE_NONE;
	if (st == BSC_ERR_INTERRUPTED) {
		return bsc_fetch_arrived_reason(f);
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
	/* Puts the handler did not wait for, held (coalesce), leave now: in
	 * front of the finished job's delete, in its write when it has one. */
	bool held = out_held(f);
	if (held || deletes_due(f)) {
		send_deletes(f, f->cfg.prefetch);
	}
	if (held) {
		write_out(f);
	}
	sweep_deletes(f);
	if ((*got = take_job(f, durations, job))) {
		return BSC_STOP_NONE;
	}
	if ((reason = bsc_fetch_reconnect_due(f, &paused)) != BSC_STOP_NONE || paused) {
		return reason;   /* after a pause, the loop looks at its caps first */
	}
	for (size_t s = 0; s < f->n; s++) {
		if (!bsc_pool_is_away(f->pool, s)) {
			ask(f, s, f->cfg.prefetch);
		}
	}
	if ((*got = take_job(f, durations, job))) {
		return BSC_STOP_NONE;
	}
	/* The stop signals are blocked here: one that came since is seen now,
	 * one that comes later ends the wait. */
	if (bsc_stop_signals_arrived()) {
		return bsc_fetch_arrived_reason(f);
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
	free(f->done);
	f->done = NULL;
	f->done_len = f->done_cap = 0;
	free(f->job_body);
	f->job_body = NULL;
	for (size_t s = 0; f->servers && s < f->n; s++) {
		free(f->servers[s].slots);
	}
	free(f->servers);
	free(f->conns);
	f->servers = NULL;
	f->conns = NULL;
}

void bsc_fetch_end(bsc_fetch *f)
{
	/* Never leaves a finished job undeleted: it would run again. Their
	 * answers are read by the hand-back. */
	send_deletes(f, 0);
	hand_back(f);
	bsc_fetch_forget(f);
}
/* }}} */
