/*
 * How the worker gets its next job, from one server or several.
 *
 * Every reserve goes out as a reserve sent ahead (src/client/prefetch.h): the connection
 * takes the job it brings in on its own, so a reserve can be out while the
 * handler runs and uses the connection itself. On the server of the job
 * just finished, the job's delete and the reserves that keep `prefetch` of
 * them out or brought go in one write. The first reserve on a connection
 * with nothing out may wait on the server for a job (a slice of
 * reserve_timeout, 1 s on several servers); those behind it are
 * reserve-with-timeout 0, answered at once, so no command of the handler
 * ever waits behind a job that has not come. On several servers, each has
 * its own reserves out and one ppoll() waits on all of them.
 *
 * A job reserved ahead has been reserved for a while when its turn comes:
 * one that may have waited half a second or more, counting the run it is
 * expected to have, is asked about (stats-job) and released untouched, with
 * its priority, when its time-to-run would run out before it could end.
 *
 * A stop signal ends a wait at once; a server that goes away is connected
 * to again with a back-off (0.1 s doubling to 10 s) while the others serve.
 * See worker.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/worker_private.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

/* Reconnects wait BSC_BACKOFF_FIRST at first, doubling up to this. */
#define BACKOFF_MAX 10.0
/* A connection that stayed up this long starts the back-off afresh when it
 * is lost; one lost sooner goes on backing off. */
#define BACKOFF_STABLE 10.0
/* An idle worker measures the round trip this often (s). */
#define RTT_PROBE_EVERY 10.0
/* The longest a reserve waits on one of several servers (s): a command of
 * the handler's for that server waits behind it. */
#define POOL_SLICE 1
/* The most reserves one write sends. */
#define ASK_MAX 64

static bsc_request line_request(const bsc_line *line, size_t reply_body_max, bsc_request_for reply_for)
{
	return (bsc_request){ line->buf, line->len, NULL, 0, false, reply_body_max, reply_for };
}

static bool is_away(const worker_server *sv)
{
	return sv->fail_since > 0 && !bsc_conn_is_connected(sv->conn);
}

/* {{{ a server away */
/* Server s was lost (its connection is closed): the back-off starts. */
static void server_lost(bsc_worker *w, size_t s)
{
	worker_server *sv = &w->servers[s];
	double now = bsc_now();

	if (sv->fail_since == 0) {
		sv->fail_since = now;
		/* A connection lost soon after it came back (a proxy that drops it
		 * after each reply) does not start the back-off afresh: the job it
		 * hands out would run again and again at full speed. */
		if (now - sv->up_since >= BACKOFF_STABLE) {
			sv->backoff_next = BSC_BACKOFF_FIRST;
		}
		bsc_worker_log(w, "lost %s (%s); reconnecting", bsc_conn_name(sv->conn), bsc_conn_errstr(sv->conn));
	}
	sv->retry_at = now + sv->backoff_next;
	w->f.reconnect_backoff = sv->backoff_next;
	sv->backoff_next = sv->backoff_next * 2 < BACKOFF_MAX ? sv->backoff_next * 2 : BACKOFF_MAX;
}

/* A reply came from server s: it is back, if it was away. */
static void server_answered(bsc_worker *w, size_t s)
{
	if (w->servers[s].fail_since > 0) {
		w->servers[s].fail_since = 0;
		w->f.reconnect_backoff = 0;
	}
}

/* Every server away for reconnect_timeout: the worker gives up. */
static bool give_up(bsc_worker *w, double now)
{
	for (size_t s = 0; s < w->n; s++) {
		const worker_server *sv = &w->servers[s];
		if (!is_away(sv) || now < sv->fail_since + w->opt.reconnect_timeout) {
			return false;
		}
	}
	for (size_t s = 0; s < w->n; s++) {
		const worker_server *sv = &w->servers[s];
		bsc_worker_log(w, "no server at %s for %.1f s (%s): giving up", bsc_conn_name(sv->conn), now - sv->fail_since,
			bsc_conn_errstr(sv->conn));
	}
	w->f.reconnect_backoff = 0;
	return true;
}

/* Connects to server s, whose back-off is over. The connect waits in plain
 * poll(): the stop signals are let in for it (one landing just before it
 * only waits for connect_timeout). */
static bsc_stop_reason reconnect(bsc_worker *w, size_t s)
{
	worker_server *sv = &w->servers[s];

	bsc_stop_signals_let_in(&w->signals);
	bsc_status st = bsc_conn_connect(sv->conn);
	bsc_stop_signals_keep_out(&w->signals);
	if (bsc_stop_signals_arrived()) {
		bsc_conn_close(sv->conn);
		return bsc_worker_arrived_reason(w);
	}
	if (st != BSC_OK) {
		server_lost(w, s);
		return BSC_STOP_NONE;
	}
	bsc_worker_note_generation(w, s);
	sv->up_since = bsc_now();
	w->f.reconnect_backoff = 0;
	bsc_worker_log(w, "reconnected to %s after %.1f s", bsc_conn_name(sv->conn), bsc_now() - sv->fail_since);
	return BSC_STOP_NONE;
}

/* The servers whose back-off is over are connected to; when none is up,
 * the worker first waits for the earliest (a stop signal ends the pause). */
static bsc_stop_reason reconnect_due(bsc_worker *w)
{
	double now = bsc_now(), earliest = 0;
	bool any_up = false;

	for (size_t s = 0; s < w->n; s++) {
		const worker_server *sv = &w->servers[s];
		if (!is_away(sv)) {
			any_up = true;
		} else if (earliest == 0 || sv->retry_at < earliest) {
			earliest = sv->retry_at;
		}
	}
	if (earliest == 0) {
		return BSC_STOP_NONE;
	}
	if (!any_up) {
		if (give_up(w, now)) {
			return BSC_STOP_CONNECTION;
		}
		w->phase = PHASE_RECONNECT;
		w->f.state = BSC_WORKER_WAITING;
		bsc_worker_title_waiting(w);
		double last_call = 0;
		for (size_t s = 0; s < w->n; s++) {
			double at = w->servers[s].fail_since + w->opt.reconnect_timeout;
			last_call = at > last_call ? at : last_call;
		}
		double pause = (earliest < last_call ? earliest : last_call) - now;
		if (pause > 0 && !bsc_stop_signals_pause(&w->signals, pause)) {
			return bsc_worker_arrived_reason(w);
		}
		if (!w->host->idle(w->ctx)) {
			return BSC_STOP_ABORT;
		}
		if (w->stop_requested) {
			return BSC_STOP_REQUESTED;
		}
		now = bsc_now();
		if (w->deadline > 0 && now >= w->deadline) {
			return BSC_STOP_MAX_RUNTIME;
		}
		if (give_up(w, now)) {
			return BSC_STOP_CONNECTION;
		}
	}
	for (size_t s = 0; s < w->n; s++) {
		if (is_away(&w->servers[s]) && now >= w->servers[s].retry_at) {
			bsc_stop_reason reason = reconnect(w, s);
			if (reason != BSC_STOP_NONE) {
				return reason;
			}
		}
	}
	w->phase = PHASE_NONE;
	return BSC_STOP_NONE;
}
/* }}} */

/* {{{ the finished job's delete, and the reserves */
void bsc_worker_lost_before_delete(bsc_worker *w, const char *when)
{
	w->f.lost++;
	bsc_worker_log(w, "job %" PRIu64 " was done, but the connection was lost %s: the server gives the job back and it may run again",
		w->done_id, when);
	w->done_id = 0;
}

void bsc_worker_gone_before_delete(bsc_worker *w, uint64_t id)
{
	w->f.lost++;
	bsc_worker_log(w, "job %" PRIu64 " was gone when the worker deleted it: its time-to-run ran out before the handler returned, so it may have run twice", id);
}

/* The answer to the finished job's delete. False when it makes no sense
 * (the connection is then closed). */
static bool delete_answered(bsc_worker *w, bsc_conn *c, const bsc_reply *reply)
{
	uint64_t id = w->done_id;

	w->done_id = 0;
	if (reply->kind == BSC_REPLY_DELETED && !reply->has_num) {
		w->f.deleted++;
		bsc_worker_report_deleted(w);
		bsc_conn_let_go(c, id);
		return true;
	}
	if (reply->kind == BSC_REPLY_NOT_FOUND) {
		bsc_conn_let_go(c, id);
		bsc_worker_gone_before_delete(w, id);
		return true;
	}
	if (bsc_reply_is_error(reply->kind)) {
		/* INTERNAL_ERROR: the binlog could not record it. The job stays
		 * reserved and comes back when its time-to-run runs out. */
		bsc_worker_log(w, "job %" PRIu64 ": %s refused its delete with %s", id, bsc_conn_name(c), bsc_reply_name(reply->kind));
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

/* How many reserves server s should send now, and whether the first may
 * wait for a job: enough to keep prefetch of them out or brought. */
static size_t reserves_wanted(bsc_worker *w, size_t s, bool *first_waits)
{
	bsc_conn *c = w->servers[s].conn;
	size_t out = bsc_conn_prefetch_out(c, NULL), have = bsc_conn_prefetch_jobs(c);
	size_t held = out + have;

	*first_waits = held == 0;
	if (held >= w->opt.prefetch) {
		return 0;
	}
	size_t want = w->opt.prefetch - held;
	return want < ASK_MAX ? want : ASK_MAX;
}

/* One write on server s: the finished job's delete when it is s's, a
 * round-trip probe when due and nothing else measures it, and the reserves
 * wanted; then the delete's (or the probe's) answer. A lost connection is
 * the server lost. */
static void ask(bsc_worker *w, size_t s)
{
	bsc_conn *c = w->servers[s].conn;
	bsc_line del, probe, wait_line, now_line;
	bsc_request reqs[2 + ASK_MAX];
	size_t n = 0;
	bool deleting = w->done_id != 0 && w->done_server == s, probing = false, first_waits;
	size_t want = reserves_wanted(w, s, &first_waits);
	bsc_reply reply;

	/* With more than one job at a time, no reply is waited for just to know
	 * the delete went through: the connection takes its answer in later. */
	bool delete_later = deleting && (w->opt.prefetch > 1 || w->n > 1);
	if (deleting) {
		bsc_line_start(&del, "delete");
		bsc_line_u64(&del, w->done_id);
		bsc_line_end(&del);
		reqs[n++] = line_request(&del, 0, delete_later ? BSC_FOR_DELETE : BSC_FOR_CALLER);
		/* Found dead on sending, the connection is replaced: the job went
		 * back with the old one and this delete must not go out. */
		bsc_conn_pin(c, w->done_gen);
	} else if (want > 0 && first_waits && bsc_now() - w->last_rtt_at >= RTT_PROBE_EVERY) {
		/* Idle: a command answered at once measures the round trip. */
		bsc_line_start(&probe, "list-tube-used");
		bsc_line_end(&probe);
		reqs[n++] = line_request(&probe, 0, BSC_FOR_CALLER);
		probing = true;
	}
	if (n == 0 && want == 0) {
		return;
	}
	size_t body_max = bsc_conn_job_body_max(c);
	bsc_line_start(&wait_line, "reserve-with-timeout");
	bsc_line_u64(&wait_line, w->n > 1 && w->opt.reserve_timeout > POOL_SLICE ? POOL_SLICE : w->opt.reserve_timeout);
	bsc_line_end(&wait_line);
	bsc_line_start(&now_line, "reserve-with-timeout");
	bsc_line_u64(&now_line, 0);
	bsc_line_end(&now_line);
	for (size_t i = 0; i < want; i++) {
		reqs[n++] = i == 0 && first_waits ? line_request(&wait_line, body_max, BSC_FOR_PREFETCH_WAITS)
			: line_request(&now_line, body_max, BSC_FOR_PREFETCH);
	}

	w->phase = PHASE_SETTLE;
	double sent_at = bsc_now();
	bsc_status st = bsc_conn_send(c, reqs, n);
	bsc_worker_note_generation(w, s);
	if (st == BSC_NOT_FOUND) {
		bsc_worker_lost_before_delete(w, "while the handler ran");
		return;
	}
	if (st != BSC_OK) {
		if (deleting) {
			bsc_worker_lost_before_delete(w, "before its delete went out");
		}
		server_lost(w, s);
		return;
	}
	if (delete_later) {
		uint64_t id = w->done_id;
		w->done_id = 0;
		if (!bsc_conn_delete_sent(c, id)) {
			bsc_worker_log(w, "job %" PRIu64 ": out of memory to follow its delete: the server gives the job back and it may run again", id);
			w->f.lost++;
			server_lost(w, s);
		}
		return;
	}
	if (deleting || probing) {
		st = bsc_conn_recv(c, &reply, bsc_conn_timeout(c));
		if (st != BSC_OK) {
			if (deleting) {
				bsc_worker_lost_before_delete(w, "before the server confirmed its delete");
			}
			server_lost(w, s);
			return;
		}
		bsc_worker_rtt_sample(w, bsc_now() - sent_at);
		bool fits = deleting ? delete_answered(w, c, &reply) : probe_answered(c, &reply);
		if (!fits || !bsc_conn_is_connected(c)) {
			server_lost(w, s);
		}
	}
}
/* }}} */

void bsc_worker_sweep_deletes(bsc_worker *w)
{
	uint64_t gone[16];

	for (size_t s = 0; s < w->n; s++) {
		worker_server *sv = &w->servers[s];
		uint64_t now[3];
		bsc_conn_delete_counts(sv->conn, &now[0], &now[1], &now[2]);
		w->f.deleted += now[0] - sv->deletes_seen[0];
		if (now[1] > sv->deletes_seen[1]) {
			bsc_worker_log(w, "%s refused %" PRIu64 " delete%s (INTERNAL_ERROR: its binlog): those jobs come back when their time-to-run runs out",
				bsc_conn_name(sv->conn), now[1] - sv->deletes_seen[1], now[1] - sv->deletes_seen[1] == 1 ? "" : "s");
		}
		if (now[2] > sv->deletes_seen[2]) {
			uint64_t lost = now[2] - sv->deletes_seen[2];
			w->f.lost += lost;
			bsc_worker_log(w, "%" PRIu64 " job%s done, but the connection to %s was lost before the server confirmed %s delete: the server gives %s back and %s may run again",
				lost, lost == 1 ? " was" : "s were", bsc_conn_name(sv->conn), lost == 1 ? "its" : "their", lost == 1 ? "it" : "them",
				lost == 1 ? "it" : "they");
		}
		memcpy(sv->deletes_seen, now, sizeof(now));
		size_t k;
		while ((k = bsc_conn_take_gone(sv->conn, gone, 16)) > 0) {
			for (size_t i = 0; i < k; i++) {
				bsc_worker_gone_before_delete(w, gone[i]);
			}
		}
	}
}

/* {{{ a job reserved ahead, when its turn comes */
/* How long a run takes (p95), seconds: worked out anew after the first 64
 * runs only once the runs since have added a sixteenth, so that a loop of
 * short jobs does not walk the histogram at every job. */
static double expected_run(bsc_worker *w)
{
	uint64_t n = w->durations.count;

	if (n != w->p95_count && (n <= 64 || n - w->p95_count >= n / 16)) {
		w->p95 = (double)bsc_hist_percentile(&w->durations, 0.95) / 1e6;
		w->p95_count = n;
	}
	return w->p95;
}

/* Whether the job may still run within its time-to-run. Asks the server
 * only about a job that may have been reserved for half a second or more
 * by the time it would end: the watchdog looks at a running job no sooner. */
static bool still_in_time(bsc_worker *w, bsc_conn *c, const bsc_prefetch_job *job)
{
	double expected = expected_run(w);
	double held = bsc_now() - job->asked_at;
	bsc_job_stats js;

	if (held + expected < BSC_TTR_FIRST_CHECK) {
		return true;
	}
	bsc_status st = bsc_job_stats_get(c, job->id, &js);
	if (st == BSC_NOT_FOUND || (st == BSC_OK && strcmp(js.state, "reserved") != 0)) {
		bsc_conn_let_go(c, job->id);
		w->f.lost++;
		bsc_worker_log(w, "job %" PRIu64 " was reserved ahead, and its time-to-run ran out before its turn: the server has it back", job->id);
		return false;
	}
	if (st != BSC_OK) {
		return true;   /* the connection is lost: the next step finds out */
	}
	/* Released only for the time it lost waiting: a job whose whole
	 * time-to-run is short of a run is the watchdog's, or it would be
	 * reserved and released for ever. */
	double margin = bsc_ttr_margin(w->opt.ttr_margin, js.ttr);
	if ((double)js.time_left >= expected + margin || js.ttr - js.time_left <= 1) {
		return true;
	}
	st = bsc_release(c, job->id, (uint32_t)js.pri, 0);
	w->f.prefetch_released++;
	bsc_worker_log(w, "job %" PRIu64 " (tube %s) was reserved ahead and has %" PRId64 " s left of its %" PRId64
		" s time-to-run, less than a run takes: %s untouched", job->id, js.tube, js.time_left, js.ttr,
		st == BSC_OK ? "released" : "it goes back when the connection closes,");
	return false;
}

/* A job brought by a reserve, from the next server that has one (round
 * robin); false when none has. */
static bool take_job(bsc_worker *w, bsc_job *job)
{
	for (size_t i = 0; i < w->n; i++) {
		size_t s = (w->next_pick + i) % w->n;
		bsc_conn *c = w->servers[s].conn;
		bsc_prefetch_job aj;
		while (bsc_conn_prefetch_take(c, &aj)) {
			server_answered(w, s);
			if (!still_in_time(w, c, &aj)) {
				free(aj.body);
				continue;
			}
			free(w->job_body);
			w->job_body = aj.body;
			job->id = aj.id;
			job->body = aj.body;
			job->body_len = aj.len;
			/* Reserved while another job ran: ahead of its turn. */
			if (aj.asked_at < w->last_job_start) {
				w->f.prefetched++;
			}
			w->cur = s;
			w->conn = c;
			w->next_pick = (s + 1) % w->n;
			return true;
		}
	}
	return false;
}
/* }}} */

/* {{{ waiting */
/* Whether a job has come from any server. */
static bool job_ready(const bsc_worker *w)
{
	for (size_t s = 0; s < w->n; s++) {
		if (bsc_conn_prefetch_jobs(w->servers[s].conn) > 0) {
			return true;
		}
	}
	return false;
}

/* How long a wait may last, and whether max_runtime cut it short: *timeout
 * 0 when the deadline has passed. */
static double wait_limit(bsc_worker *w, bool waits, bool *capped)
{
	double timeout = bsc_conn_timeout(w->conn);

	if (timeout > 0 && waits) {
		timeout += w->n > 1 && w->opt.reserve_timeout > POOL_SLICE ? POOL_SLICE : (double)w->opt.reserve_timeout;
	}
	*capped = false;
	if (w->deadline > 0) {
		double left = w->deadline - bsc_now();
		if (timeout == 0 || left < timeout) {
			*capped = true;
			timeout = left > 0 ? left : 0;
		}
	}
	return timeout;
}

/* Waits on the one server for a reply to its reserves. */
static bsc_stop_reason wait_one(bsc_worker *w)
{
	bsc_conn *c = w->servers[0].conn;
	bool waits, capped;

	w->conn = c;
	w->cur = 0;
	if (bsc_conn_prefetch_out(c, &waits) == 0) {
		return BSC_STOP_NONE;
	}
	double timeout = wait_limit(w, waits, &capped);
	if (capped && timeout <= 0) {
		bsc_conn_close(c);
		return BSC_STOP_MAX_RUNTIME;
	}
	size_t out = bsc_conn_prefetch_out(c, NULL);
	double from = bsc_now();
	bsc_status st = bsc_conn_wait_prefetch(c, timeout > 0 ? from + timeout : 0, timeout);
	w->f.wait_time += bsc_now() - from;
	if (st == BSC_ERR_INTERRUPTED) {
		return bsc_worker_arrived_reason(w);
	}
	if (st == BSC_ERR_TIMEOUT && capped) {
		return BSC_STOP_MAX_RUNTIME;   /* closed: a job handed out meanwhile goes back */
	}
	if (st != BSC_OK) {
		server_lost(w, 0);
		return BSC_STOP_NONE;
	}
	if (bsc_conn_prefetch_out(c, NULL) < out) {
		server_answered(w, 0);
	}
	return BSC_STOP_NONE;
}

/* The longest a reserve out on server s may go unanswered: its wait on
 * the server, if it may wait, and the reply timeout. 0: no limit. */
static double reply_due(bsc_worker *w, bsc_conn *c)
{
	bool waits;

	if (bsc_conn_prefetch_out(c, &waits) == 0 || bsc_conn_timeout(c) <= 0) {
		return 0;
	}
	double slice = w->opt.reserve_timeout > POOL_SLICE ? POOL_SLICE : (double)w->opt.reserve_timeout;
	return bsc_conn_prefetch_since(c) + (waits ? slice : 0) + bsc_conn_timeout(c);
}

/* Takes in what server s has sent; a failure, or a reply overdue, is the
 * server lost. */
static void collect(bsc_worker *w, size_t s)
{
	bsc_conn *c = w->servers[s].conn;
	size_t out = bsc_conn_prefetch_out(c, NULL);

	if (bsc_conn_collect(c) != BSC_OK) {
		server_lost(w, s);
		return;
	}
	if (bsc_conn_prefetch_out(c, NULL) < out) {
		server_answered(w, s);
	}
	double due = reply_due(w, c);
	if (due > 0 && bsc_now() >= due) {
		bsc_conn_fail(c, BSC_ERR_TIMEOUT, "no reply from %s within %.3f s", bsc_conn_name(c), due - bsc_conn_prefetch_since(c));
		server_lost(w, s);
	}
}

/* Waits on every server with reserves out, in one ppoll() that lets the
 * stop signals in, and takes in what comes. */
static bsc_stop_reason wait_all(bsc_worker *w)
{
	struct pollfd fds[w->n];
	size_t which[w->n], k = 0;
	double until = w->deadline;

	/* A reply read in with another (the delete's) is in no socket: poll()
	 * would not see it. */
	for (size_t s = 0; s < w->n; s++) {
		if (bsc_conn_buffered(w->servers[s].conn) > 0 && bsc_conn_prefetch_out(w->servers[s].conn, NULL) > 0) {
			collect(w, s);
		}
	}
	if (job_ready(w)) {
		return BSC_STOP_NONE;
	}
	for (size_t s = 0; s < w->n; s++) {
		worker_server *sv = &w->servers[s];
		if (is_away(sv)) {
			until = until > 0 && until < sv->retry_at ? until : sv->retry_at;   /* back in time to reconnect */
			continue;
		}
		if (bsc_conn_prefetch_out(sv->conn, NULL) == 0 || !bsc_conn_is_connected(sv->conn)) {
			continue;
		}
		double due = reply_due(w, sv->conn);
		until = due > 0 && (until == 0 || due < until) ? due : until;
		fds[k] = (struct pollfd){ .fd = bsc_conn_fd(sv->conn), .events = POLLIN };
		which[k++] = s;
	}
	if (w->deadline > 0 && bsc_now() >= w->deadline) {
		return BSC_STOP_MAX_RUNTIME;
	}
	int ms = bsc_poll_ms(until);
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	double from = bsc_now();
	int r = ppoll(fds, k, ms < 0 ? NULL : &ts, &w->signals.wait_mask);
	w->f.wait_time += bsc_now() - from;
	if (r < 0 && errno == EINTR && bsc_stop_signals_arrived()) {
		return bsc_worker_arrived_reason(w);
	}
	for (size_t i = 0; i < k; i++) {
		collect(w, which[i]);
	}
	if (w->deadline > 0 && bsc_now() >= w->deadline && !job_ready(w)) {
		return BSC_STOP_MAX_RUNTIME;
	}
	return BSC_STOP_NONE;
}
/* }}} */

bsc_stop_reason bsc_worker_next_job(bsc_worker *w, bsc_job *job, bool *got)
{
	bsc_stop_reason reason;

	*got = false;
	free(w->job_body);
	w->job_body = NULL;
	w->f.state = BSC_WORKER_WAITING;
	if (w->done_id) {
		ask(w, w->done_server);
	}
	bsc_worker_sweep_deletes(w);
	if (take_job(w, job)) {
		*got = true;
		return BSC_STOP_NONE;
	}
	if ((reason = reconnect_due(w)) != BSC_STOP_NONE) {
		return reason;
	}
	for (size_t s = 0; s < w->n; s++) {
		if (!is_away(&w->servers[s])) {
			ask(w, s);
		}
	}
	if (take_job(w, job)) {
		*got = true;
		return BSC_STOP_NONE;
	}
	/* The stop signals are blocked here: one that came since is seen now,
	 * one that comes later ends the wait. */
	w->phase = PHASE_WAIT;
	if (bsc_stop_signals_arrived()) {
		return bsc_worker_arrived_reason(w);
	}
	if (bsc_conn_buffered(w->conn) == 0) {
		bsc_worker_title_waiting(w);
	}
	reason = w->n == 1 ? wait_one(w) : wait_all(w);
	w->phase = PHASE_NONE;
	if (reason == BSC_STOP_NONE && take_job(w, job)) {
		*got = true;
	}
	return reason;
}
