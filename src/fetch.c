/*
 * How the worker gets its next job: the finished job's delete goes out with
 * the next reserve, in one write; then the wait for a job, which a stop
 * signal ends; and, when the server is away, reconnects with a back-off.
 * See worker.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "worker_private.h"

#include <inttypes.h>
#include <string.h>

/* Reconnects wait BSC_BACKOFF_FIRST at first, doubling up to this. */
#define BACKOFF_MAX 10.0
/* A connection that stayed up this long starts the back-off afresh when it
 * is lost; one lost sooner goes on backing off. */
#define BACKOFF_STABLE 10.0
/* An idle worker measures the round trip this often (s). */
#define RTT_PROBE_EVERY 10.0

static bsc_request line_request(const bsc_line *line, size_t reply_body_max)
{
	return (bsc_request){ line->buf, line->len, NULL, 0, false, reply_body_max, BSC_FOR_CALLER };
}

/* {{{ the server away */
/* Waits out the back-off, then connects; BSC_STOP_NONE once connected. */
static bsc_stop_reason reconnect_after_backoff(bsc_worker *w, double give_up)
{
	double now = bsc_now();
	double wait = w->backoff_next < give_up - now ? w->backoff_next : give_up - now;

	w->f.reconnect_backoff = w->backoff_next;
	w->backoff_next = w->backoff_next * 2 < BACKOFF_MAX ? w->backoff_next * 2 : BACKOFF_MAX;
	if (!bsc_stop_signals_pause(&w->signals, wait)) {
		return bsc_worker_arrived_reason(w);
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
		return bsc_worker_arrived_reason(w);
	}
	return st == BSC_OK ? BSC_STOP_NONE : BSC_STOP_CONNECTION;
}

bsc_stop_reason bsc_worker_reconnect(bsc_worker *w)
{
	bsc_conn *c = w->conn;

	w->phase = PHASE_RECONNECT;
	w->f.state = BSC_WORKER_WAITING;
	bsc_worker_title_waiting(w);
	if (w->fail_since == 0) {
		w->fail_since = bsc_now();
		/* A connection lost soon after it came back (a proxy that drops it
		 * after each reply) does not start the back-off afresh: the job it
		 * hands out would run again and again at full speed. */
		if (w->fail_since - w->up_since >= BACKOFF_STABLE) {
			w->backoff_next = BSC_BACKOFF_FIRST;
		}
		bsc_worker_log(w, "lost %s (%s); reconnecting", bsc_conn_name(c), bsc_conn_errstr(c));
	}
	for (;;) {
		double give_up = w->fail_since + w->opt.reconnect_timeout;
		if (bsc_now() >= give_up) {
			bsc_worker_log(w, "no server at %s for %.1f s (%s): giving up", bsc_conn_name(c), bsc_now() - w->fail_since, bsc_conn_errstr(c));
			w->f.reconnect_backoff = 0;
			return BSC_STOP_CONNECTION;
		}
		bsc_stop_reason reason = reconnect_after_backoff(w, give_up);
		if (reason == BSC_STOP_NONE) {
			bsc_worker_note_generation(w);
			w->up_since = bsc_now();
			w->f.reconnect_backoff = 0;
			w->phase = PHASE_NONE;
			bsc_worker_log(w, "reconnected to %s after %.1f s", bsc_conn_name(c), bsc_now() - w->fail_since);
			return BSC_STOP_NONE;
		}
		if (reason != BSC_STOP_CONNECTION) {
			return reason;
		}
	}
}
/* }}} */

/* {{{ waiting for a job */
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
static bool delete_answered(bsc_worker *w, const bsc_reply *reply)
{
	bsc_conn *c = w->conn;
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
	bsc_worker_note_generation(w);
	if (st == BSC_NOT_FOUND) {
		bsc_worker_lost_before_delete(w, "while the handler ran");
		return BSC_STOP_NONE;
	}
	if (st != BSC_OK) {
		if (deleting) {
			bsc_worker_lost_before_delete(w, "before its delete went out");
		}
		return bsc_worker_reconnect(w);
	}
	if (deleting || probing) {
		st = bsc_conn_recv(c, &reply, bsc_conn_timeout(c));
		if (st != BSC_OK) {
			if (deleting) {
				bsc_worker_lost_before_delete(w, "before the server confirmed its delete");
			}
			return bsc_worker_reconnect(w);
		}
		bsc_worker_rtt_sample(w, bsc_now() - sent_at);
		bool fits = deleting ? delete_answered(w, &reply) : probe_answered(w, &reply);
		if (!fits || !bsc_conn_is_connected(c)) {
			return bsc_worker_reconnect(w);
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
	if (bsc_conn_buffered(c) == 0) {
		bsc_worker_title_waiting(w);
	}
	if (bsc_stop_signals_arrived()) {
		bsc_conn_close(c);  /* a job the server hands out now goes back */
		return bsc_worker_arrived_reason(w);
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
		return bsc_worker_arrived_reason(w);
	}
	if (st == BSC_ERR_TIMEOUT && capped) {
		return BSC_STOP_MAX_RUNTIME;   /* closed: a job handed out meanwhile goes back */
	}
	if (st != BSC_OK) {
		return bsc_worker_reconnect(w);
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
		return bsc_worker_reconnect(w);
	}
}

bsc_stop_reason bsc_worker_next_job(bsc_worker *w, bsc_job *job, bool *got)
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
