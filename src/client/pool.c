/*
 * Several beanstalkd servers as one queue. See pool.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/client/pool.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A job kept longer than this is asked about before it is handed out: its
 * time-to-run may be running out (the shortest is one second). */
#define KEPT_FRESH 0.5

typedef struct {
	bsc_conn *conn;
	double down_until;          /* set aside until then; 0: healthy */
	double backoff;             /* the next set-aside */
	bool reserving;             /* a reserve of the pool's is out there */
	double reply_due;           /* by when its answer must have come */
	double reserve_sent;
	/* A job that reserve handed out and the caller has not had yet. */
	bool has_kept;
	uint64_t kept_id;
	char *kept_body;
	size_t kept_len;
	double kept_since;          /* when the reserve that got it went out */
} pool_member;

struct bsc_pool {
	pool_member *m;
	size_t n;
	size_t next;                /* round robin */
	char errstr[BSC_ERRSTR_LEN * 2];
	bool err_sent;
	bsc_interrupt_fn interrupt;
	void *interrupt_ctx;
	char *handed;               /* the body of a kept job handed out */
};

/* {{{ life cycle */
bsc_pool *bsc_pool_new(bsc_conn *const *conns, size_t n)
{
	bsc_pool *p = calloc(1, sizeof(*p));

	if (!p || !(p->m = calloc(n, sizeof(*p->m)))) {
		free(p);
		return NULL;
	}
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		p->m[i].conn = conns[i];
		p->m[i].backoff = BSC_POOL_BACKOFF_FIRST;
	}
	return p;
}

void bsc_pool_free(bsc_pool *p)
{
	if (!p) {
		return;
	}
	for (size_t i = 0; i < p->n; i++) {
		free(p->m[i].kept_body);
	}
	free(p->handed);
	free(p->m);
	free(p);
}

size_t bsc_pool_size(const bsc_pool *p)
{
	return p->n;
}

bsc_conn *bsc_pool_conn(const bsc_pool *p, size_t i)
{
	return p->m[i].conn;
}

const char *bsc_pool_errstr(const bsc_pool *p)
{
	return p->errstr;
}

bool bsc_pool_err_sent(const bsc_pool *p)
{
	return p->err_sent;
}

void bsc_pool_set_interrupt(bsc_pool *p, bsc_interrupt_fn fn, void *ctx)
{
	p->interrupt = fn;
	p->interrupt_ctx = ctx;
}
/* }}} */

/* {{{ health */
static void member_ok(pool_member *m)
{
	m->down_until = 0;
	m->backoff = BSC_POOL_BACKOFF_FIRST;
}

/* Sets the server aside; its connection's failure is the pool's message. */
static void member_failed(bsc_pool *p, pool_member *m)
{
	m->reserving = false;
	m->down_until = bsc_now() + m->backoff;
	m->backoff = m->backoff * 2 < BSC_POOL_BACKOFF_MAX ? m->backoff * 2 : BSC_POOL_BACKOFF_MAX;
	snprintf(p->errstr, sizeof(p->errstr), "%s", bsc_conn_errstr(m->conn));
	p->err_sent = bsc_conn_err_sent(m->conn);
}

/* Whether the pool's reserve is still out there: the caller may have closed
 * the connection meanwhile, and the reserve went with it. */
static bool still_reserving(pool_member *m)
{
	if (m->reserving && bsc_conn_pending(m->conn) == 0) {
		m->reserving = false;
	}
	return m->reserving;
}

static bool member_healthy(const pool_member *m, double now)
{
	return m->down_until <= now;
}

/* The message when every server failed: each with its error. */
static void all_failed(bsc_pool *p)
{
	size_t len = (size_t)snprintf(p->errstr, sizeof(p->errstr), "every server failed:");

	for (size_t i = 0; i < p->n && len < sizeof(p->errstr); i++) {
		const char *err = bsc_conn_errstr(p->m[i].conn);
		len += (size_t)snprintf(p->errstr + len, sizeof(p->errstr) - len, "%s %s (%s)", i ? ";" : "",
			bsc_conn_name(p->m[i].conn), err[0] ? err : "set aside");
	}
	p->err_sent = false;
}

/* The order in which a call tries the servers: the healthy ones from the
 * next in turn, then, when none is healthy, the one set aside that comes
 * back first. Returns how many are in order[]. */
static size_t try_order(bsc_pool *p, size_t *order)
{
	double now = bsc_now();
	size_t k = 0, start = p->next++ % p->n, soonest = start;

	for (size_t j = 0; j < p->n; j++) {
		size_t i = (start + j) % p->n;
		if (member_healthy(&p->m[i], now)) {
			order[k++] = i;
		} else if (p->m[i].down_until < p->m[soonest].down_until) {
			soonest = i;
		}
	}
	if (k == 0) {
		order[k++] = soonest;
	}
	return k;
}
/* }}} */

/* {{{ settling a server */
static bool keep_job(pool_member *m, const bsc_job *job)
{
	char *body = malloc(job->body_len ? job->body_len : 1);

	if (!body) {
		return false;
	}
	memcpy(body, job->body, job->body_len);
	free(m->kept_body);
	m->kept_body = body;
	m->kept_len = job->body_len;
	m->kept_id = job->id;
	m->kept_since = m->reserve_sent;
	m->has_kept = true;
	return true;
}

/* The answer to the pool's reserve on m: a job is kept. */
static bsc_status take_reserve_answer(bsc_pool *p, pool_member *m, bsc_job *job, bool *got)
{
	bsc_reply reply;
	bsc_status st = bsc_conn_recv_by(m->conn, &reply, m->reply_due, BSC_POOL_RESERVE_SLICE + bsc_conn_timeout(m->conn));

	*got = false;
	m->reserving = false;
	if (st != BSC_OK) {
		member_failed(p, m);
		return st;
	}
	switch (reply.kind) {
	case BSC_REPLY_RESERVED:
		bsc_job_from_reply(m->conn, &reply, job);
		*got = true;
		/* fall through */
	case BSC_REPLY_TIMED_OUT:
	case BSC_REPLY_DEADLINE_SOON:
		member_ok(m);
		return reply.kind == BSC_REPLY_DEADLINE_SOON ? BSC_DEADLINE_SOON : BSC_OK;
	default:
		st = bsc_conn_fail(m->conn, BSC_ERR_PROTOCOL, "%s answered reserve-with-timeout with %s", bsc_conn_name(m->conn),
			bsc_reply_name(reply.kind));
		member_failed(p, m);
		return st;
	}
}

bsc_status bsc_pool_settle(bsc_pool *p, size_t i)
{
	pool_member *m = &p->m[i];
	bsc_job job;
	bool got;

	if (!still_reserving(m)) {
		return BSC_OK;
	}
	bsc_status st = take_reserve_answer(p, m, &job, &got);
	if (got && !keep_job(m, &job)) {
		return bsc_conn_fail(m->conn, BSC_ERR_NOMEM, "out of memory");
	}
	return st == BSC_DEADLINE_SOON ? BSC_OK : st;
}
/* }}} */

/* {{{ producing */
/* A put, waiting for its reply (id) or not (id NULL), on the next healthy
 * server that takes it. */
static bsc_status put_one(bsc_pool *p, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len,
	uint64_t *id, size_t *server)
{
	size_t order[p->n];
	size_t k = try_order(p, order);
	bsc_status st = BSC_ERR_CONNECT;

	for (size_t j = 0; j < k; j++) {
		pool_member *m = &p->m[order[j]];
		*server = order[j];
		st = bsc_pool_settle(p, order[j]);
		if (st == BSC_OK) {
			st = id ? bsc_put(m->conn, pri, delay, ttr, data, len, id) : bsc_put_async(m->conn, pri, delay, ttr, data, len);
		}
		if (!bsc_status_is_failure(st)) {
			member_ok(m);
			return st;
		}
		member_failed(p, m);
		if (p->err_sent) {
			return st;  /* it may be stored: never sent again */
		}
	}
	if (k > 1 || p->n > 1) {
		all_failed(p);
	}
	return st;
}

bsc_status bsc_pool_put(bsc_pool *p, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len,
	uint64_t *id, size_t *server)
{
	return put_one(p, pri, delay, ttr, data, len, id, server);
}

bsc_status bsc_pool_put_async(bsc_pool *p, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len,
	size_t *server)
{
	return put_one(p, pri, delay, ttr, data, len, NULL, server);
}

/* Puts the jobs idx[0..count) on server s; they keep their results. */
static bsc_status put_part(bsc_pool *p, size_t s, uint32_t pri, uint32_t delay, uint32_t ttr, const bsc_body *bodies,
	const size_t *idx, size_t count, bsc_put_result *results, size_t *servers)
{
	bsc_body *part = malloc(count * sizeof(*part));
	bsc_put_result *got = malloc(count * sizeof(*got));
	bsc_status st = bsc_pool_settle(p, s);

	if (!part || !got) {
		free(part);
		free(got);
		return bsc_conn_fail(p->m[s].conn, BSC_ERR_NOMEM, "out of memory");
	}
	for (size_t j = 0; j < count; j++) {
		part[j] = bodies[idx[j]];
		got[j] = (bsc_put_result){ st, BSC_REPLY_KIND_COUNT, false, 0 };
	}
	if (st == BSC_OK) {
		st = bsc_put_many(p->m[s].conn, pri, delay, ttr, part, count, got);
	}
	for (size_t j = 0; j < count; j++) {
		results[idx[j]] = got[j];
		servers[idx[j]] = s;
	}
	free(part);
	free(got);
	return st;
}

bsc_status bsc_pool_put_many(bsc_pool *p, uint32_t pri, uint32_t delay, uint32_t ttr, const bsc_body *bodies, size_t n,
	bsc_put_result *results, size_t *servers)
{
	size_t order[p->n];
	size_t k = try_order(p, order);
	size_t *todo = malloc((n ? n : 1) * sizeof(*todo));
	size_t left = n;
	bsc_status last = BSC_OK;

	for (size_t i = 0; i < n; i++) {
		results[i] = (bsc_put_result){ BSC_ERR_CONNECT, BSC_REPLY_KIND_COUNT, false, 0 };
		servers[i] = order[0];
	}
	if (!todo) {
		snprintf(p->errstr, sizeof(p->errstr), "out of memory");
		return BSC_ERR_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		todo[i] = i;
	}
	/* One part for each server still to try; what one did not send goes
	 * on to the next. */
	for (size_t j = 0; j < k && left > 0; j++) {
		size_t count = (left + (k - j) - 1) / (k - j);
		bsc_status st = put_part(p, order[j], pri, delay, ttr, bodies, todo, count, results, servers);
		if (bsc_status_is_failure(st)) {
			member_failed(p, &p->m[order[j]]);
			last = st;
		} else {
			member_ok(&p->m[order[j]]);
		}
		/* The unsent of this part go first in what is left. */
		size_t kept = 0;
		for (size_t t = 0; t < left; t++) {
			size_t i = todo[t];
			bool sent_here = t < count && (results[i].sent || !bsc_status_is_failure(results[i].status));
			if (!sent_here && (t >= count || results[i].status != BSC_SERVER_ERROR)) {
				todo[kept++] = i;
			}
		}
		left = kept;
	}
	free(todo);
	if (left > 0 && bsc_status_is_failure(last)) {
		all_failed(p);
	}
	return bsc_status_is_failure(last) ? last : BSC_OK;
}
/* }}} */

/* {{{ consuming */
/* A kept job, if one is still the caller's to have: asked about once it
 * has been kept a while, released with its priority when its time-to-run
 * is nearly out, dropped when it is no longer ours. */
static bool hand_out_kept(bsc_pool *p, bsc_job *job, size_t *server)
{
	for (size_t i = 0; i < p->n; i++) {
		pool_member *m = &p->m[i];
		bsc_job_stats js;
		if (!m->has_kept) {
			continue;
		}
		m->has_kept = false;
		if (bsc_now() - m->kept_since > KEPT_FRESH) {
			bsc_status st = bsc_job_stats_get(m->conn, m->kept_id, &js);
			if (st != BSC_OK || strcmp(js.state, "reserved") != 0) {
				bsc_conn_let_go(m->conn, m->kept_id);
				continue;
			}
			if (js.time_left < 1) {
				bsc_release(m->conn, m->kept_id, js.pri >= 0 ? (uint32_t)js.pri : BSC_DEFAULT_PRIORITY, 0);
				continue;
			}
		}
		free(p->handed);
		p->handed = m->kept_body;
		m->kept_body = NULL;
		*job = (bsc_job){ m->kept_id, p->handed, m->kept_len };
		*server = i;
		return true;
	}
	return false;
}

/* Sends a reserve to every healthy server that has none out there nor a
 * kept job; slice: its server-side wait. How many are out there now. */
static size_t send_reserves(bsc_pool *p, int64_t slice)
{
	double now = bsc_now();
	size_t out = 0;
	bsc_line line;

	bsc_line_start(&line, "reserve-with-timeout");
	bsc_line_u64(&line, (uint64_t)slice);
	bsc_line_end(&line);
	for (size_t i = 0; i < p->n; i++) {
		pool_member *m = &p->m[i];
		if (!still_reserving(m) && !m->has_kept && member_healthy(m, now)) {
			bsc_request req = { line.buf, line.len, NULL, 0, false, bsc_conn_job_body_max(m->conn), BSC_FOR_CALLER };
			if (bsc_conn_send(m->conn, &req, 1) != BSC_OK) {
				member_failed(p, m);
				continue;
			}
			m->reserving = true;
			m->reserve_sent = now;
			m->reply_due = now + (double)slice + (bsc_conn_timeout(m->conn) > 0 ? bsc_conn_timeout(m->conn) : 60);
		}
		out += m->reserving;
	}
	return out;
}

static size_t held_jobs(const bsc_pool *p)
{
	size_t held = 0;

	for (size_t i = 0; i < p->n; i++) {
		held += bsc_conn_held(p->m[i].conn);
	}
	return held;
}

/* One poll() over the servers with a reserve out there, until the first
 * answer or the deadline (0: none). The index of one with an answer to
 * read, or SIZE_MAX: none yet. *interrupted: a signal ended the wait. */
static size_t wait_any(bsc_pool *p, double deadline, bool *interrupted)
{
	struct pollfd pfd[p->n];
	size_t who[p->n], k = 0;
	double until = deadline;

	/* A signal that came before this wait interrupted no system call: its
	 * flag is looked at before blocking. */
	*interrupted = p->interrupt && held_jobs(p) == 0 && p->interrupt(p->interrupt_ctx);
	if (*interrupted) {
		return SIZE_MAX;
	}
	for (size_t i = 0; i < p->n; i++) {
		pool_member *m = &p->m[i];
		if (m->reserving) {
			pfd[k] = (struct pollfd){ .fd = bsc_conn_fd(m->conn), .events = POLLIN };
			who[k++] = i;
			until = until > 0 && until < m->reply_due ? until : m->reply_due;
		} else if (m->down_until > 0) {
			until = until > 0 && until < m->down_until ? until : m->down_until;
		}
	}
	int r = poll(pfd, k, bsc_poll_ms(until));
	if (r < 0 && errno == EINTR) {
		*interrupted = p->interrupt && held_jobs(p) == 0 && p->interrupt(p->interrupt_ctx);
		return SIZE_MAX;
	}
	for (size_t j = 0; j < k && r > 0; j++) {
		if (pfd[j].revents) {
			return who[j];
		}
	}
	/* None readable by the deadline: a server past its answer's due time
	 * is read now, and fails for it. */
	double now = bsc_now();
	for (size_t j = 0; j < k; j++) {
		if (p->m[who[j]].reply_due <= now) {
			return who[j];
		}
	}
	return SIZE_MAX;
}

/* The whole seconds that cover left, at most a slice. */
static int64_t seconds_up_to_slice(double left)
{
	int64_t whole = (int64_t)left;

	if ((double)whole < left) {
		whole++;
	}
	return whole < BSC_POOL_RESERVE_SLICE ? whole : BSC_POOL_RESERVE_SLICE;
}

static bool any_reserving(bsc_pool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (still_reserving(&p->m[i])) {
			return true;
		}
	}
	return false;
}

bsc_status bsc_pool_reserve(bsc_pool *p, int64_t timeout, bsc_job *job, size_t *server)
{
	double deadline = timeout > 0 ? bsc_now() + (double)timeout : 0;
	bool polled = false, answered = false;

	if (hand_out_kept(p, job, server)) {
		return BSC_OK;
	}
	for (;;) {
		double now = bsc_now();
		if (deadline > 0 && now >= deadline) {
			return BSC_TIMED_OUT;  /* reserves still out there are settled later */
		}
		/* A poll (timeout 0) asks each server once; a wait asks again as
		 * each slice ends. */
		if (timeout != 0 || !polled) {
			int64_t slice = timeout == 0 ? 0 : timeout < 0 ? BSC_POOL_RESERVE_SLICE : seconds_up_to_slice(deadline - now);
			send_reserves(p, slice);
			polled = true;
		}
		if (!any_reserving(p)) {
			if (timeout == 0 && answered) {
				return BSC_TIMED_OUT;
			}
			all_failed(p);
			return BSC_ERR_CONNECT;
		}
		bool interrupted;
		size_t i = wait_any(p, deadline, &interrupted);
		if (interrupted) {
			snprintf(p->errstr, sizeof(p->errstr), "the wait for a job was interrupted");
			p->err_sent = true;
			return BSC_ERR_INTERRUPTED;
		}
		if (i == SIZE_MAX) {
			continue;
		}
		bool got;
		bsc_status st = take_reserve_answer(p, &p->m[i], job, &got);
		if (got || st == BSC_DEADLINE_SOON) {
			*server = i;
			return st;
		}
		answered = answered || !bsc_status_is_failure(st);
	}
}
/* }}} */
