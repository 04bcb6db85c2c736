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

typedef struct {
	bsc_conn *conn;
	double fail_since;          /* away since (monotonic); 0: it is not */
	double up_since;            /* its connection has been up since */
	double backoff_next;        /* the pause before the next try, once away */
	double pause;               /* away: the pause under way */
	double retry_at;            /* away: may be tried again from then */
	uint32_t slice;             /* the server-side wait of its reserve out that may wait */
	uint64_t deadline_soon;     /* its DEADLINE_SOON answers, as last seen */
} pool_member;

struct bsc_pool {
	pool_member *m;
	size_t n;
	size_t next_put;            /* round robin of puts */
	size_t next_take;           /* round robin of the jobs taken */
	char errstr[BSC_ERRSTR_LEN * 2];
	bool err_sent;
	bsc_interrupt_fn interrupt;
	void *interrupt_ctx;
	const sigset_t *wait_mask;  /* the caller's; NULL: poll() */
	bsc_pool_event_fn event;
	void *event_ctx;
	char *handed;               /* the body of the job bsc_pool_reserve() handed out last */
};

double bsc_ttr_margin(double option, int64_t ttr)
{
	double half = (double)ttr / 2;

	return option < half ? option : half;
}

/* {{{ life cycle */
bsc_pool *bsc_pool_new(bsc_conn *const *conns, size_t n)
{
	bsc_pool *p = calloc(1, sizeof(*p));
	double now = bsc_now();

	if (!p || !(p->m = calloc(n, sizeof(*p->m)))) {
		free(p);
		return NULL;
	}
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		p->m[i].conn = conns[i];
		p->m[i].backoff_next = BSC_POOL_BACKOFF_FIRST;
		p->m[i].up_since = now;
		p->m[i].deadline_soon = bsc_conn_prefetch_deadline_soon(conns[i]);
	}
	return p;
}

void bsc_pool_free(bsc_pool *p)
{
	if (!p) {
		return;
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

bsc_interrupt bsc_pool_set_interrupt(bsc_pool *p, bsc_interrupt_fn fn, void *ctx)
{
	bsc_interrupt old = { p->interrupt, p->interrupt_ctx };

	p->interrupt = fn;
	p->interrupt_ctx = ctx;
	return old;
}

void bsc_pool_set_wait_mask(bsc_pool *p, const sigset_t *mask)
{
	p->wait_mask = mask;
}

void bsc_pool_set_events(bsc_pool *p, bsc_pool_event_fn fn, void *ctx)
{
	p->event = fn;
	p->event_ctx = ctx;
}

static void tell(bsc_pool *p, const bsc_pool_event *e)
{
	if (p->event) {
		p->event(p->event_ctx, e);
	}
}
/* }}} */

/* {{{ health */
void bsc_pool_lost(bsc_pool *p, size_t i)
{
	pool_member *m = &p->m[i];
	double now = bsc_now();
	bool first = m->fail_since == 0;

	if (first) {
		m->fail_since = now;
		/* A connection lost soon after it came back (a proxy that drops it
		 * after each reply) does not start the back-off afresh: the job it
		 * hands out would run again and again at full speed. */
		if (now - m->up_since >= BSC_POOL_BACKOFF_STABLE) {
			m->backoff_next = BSC_POOL_BACKOFF_FIRST;
		}
	}
	m->pause = m->backoff_next;
	m->retry_at = now + m->pause;
	m->backoff_next = m->backoff_next * 2 < BSC_POOL_BACKOFF_MAX ? m->backoff_next * 2 : BSC_POOL_BACKOFF_MAX;
	snprintf(p->errstr, sizeof(p->errstr), "%s", bsc_conn_errstr(m->conn));
	p->err_sent = bsc_conn_err_sent(m->conn);
	tell(p, &(bsc_pool_event){ .kind = BSC_POOL_SERVER_LOST, .server = i, .first = first });
}

void bsc_pool_answered(bsc_pool *p, size_t i)
{
	p->m[i].fail_since = 0;
}

bool bsc_pool_is_away(const bsc_pool *p, size_t i)
{
	return p->m[i].fail_since > 0 && !bsc_conn_is_connected(p->m[i].conn);
}

double bsc_pool_away_since(const bsc_pool *p, size_t i)
{
	return p->m[i].fail_since;
}

double bsc_pool_retry_at(const bsc_pool *p, size_t i)
{
	return p->m[i].retry_at;
}

double bsc_pool_backoff(const bsc_pool *p, size_t i)
{
	return p->m[i].pause;
}

bsc_status bsc_pool_reconnect(bsc_pool *p, size_t i)
{
	bsc_status st = bsc_conn_connect(p->m[i].conn);

	if (st != BSC_OK) {
		bsc_pool_lost(p, i);
		return st;
	}
	p->m[i].up_since = bsc_now();
	return BSC_OK;
}

/* May take a command now: up, or set aside and due for another try. */
static bool may_try(const bsc_pool *p, size_t i, double now)
{
	return !bsc_pool_is_away(p, i) || now >= p->m[i].retry_at;
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

/* Whether a command for server i would wait behind a reserve of ours
 * there that may wait on the server for a job. */
static bool waits_behind_reserve(const bsc_pool *p, size_t i)
{
	bool waiting;

	return bsc_conn_prefetch_out(p->m[i].conn, &waiting) > 0 && waiting;
}

/* The order in which a put tries the servers: those that may take it, from
 * the next in turn, the ones with no reserve out that may wait first; then,
 * when none may, the one set aside that comes back first. Returns how many
 * are in order[]. */
static size_t try_order(bsc_pool *p, size_t *order)
{
	double now = bsc_now();
	size_t k = 0, start = p->next_put++ % p->n, soonest = start;

	for (int behind = 0; behind < 2; behind++) {
		for (size_t j = 0; j < p->n; j++) {
			size_t i = (start + j) % p->n;
			if (may_try(p, i, now) && waits_behind_reserve(p, i) == (behind == 1)) {
				order[k++] = i;
			}
		}
	}
	for (size_t i = 0; i < p->n; i++) {
		if (!may_try(p, i, now) && (may_try(p, soonest, now) || p->m[i].retry_at < p->m[soonest].retry_at)) {
			soonest = i;
		}
	}
	if (k == 0) {
		order[k++] = soonest;
	}
	return k;
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
		bsc_conn *c = p->m[order[j]].conn;
		*server = order[j];
		st = id ? bsc_put(c, pri, delay, ttr, data, len, id) : bsc_put_async(c, pri, delay, ttr, data, len);
		if (!bsc_status_is_failure(st)) {
			bsc_pool_answered(p, order[j]);
			return st;
		}
		bsc_pool_lost(p, order[j]);
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
	bsc_status st = BSC_OK;

	if (!part || !got) {
		free(part);
		free(got);
		return bsc_conn_fail(p->m[s].conn, BSC_ERR_NOMEM, "out of memory");
	}
	for (size_t j = 0; j < count; j++) {
		part[j] = bodies[idx[j]];
		got[j] = (bsc_put_result){ BSC_ERR_CONNECT, BSC_REPLY_KIND_COUNT, false, 0 };
	}
	st = bsc_put_many(p->m[s].conn, pri, delay, ttr, part, count, got);
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
			bsc_pool_lost(p, order[j]);
			last = st;
		} else {
			bsc_pool_answered(p, order[j]);
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

/* {{{ asking for jobs */
size_t bsc_pool_out(const bsc_pool *p, size_t i)
{
	return bsc_conn_prefetch_out(p->m[i].conn, NULL);
}

bool bsc_pool_has_job(const bsc_pool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (bsc_conn_prefetch_jobs(p->m[i].conn) > 0) {
			return true;
		}
	}
	return false;
}

static bsc_request line_request(const bsc_line *line, size_t reply_body_max, bsc_request_for reply_for)
{
	return (bsc_request){ line->buf, line->len, NULL, 0, false, reply_body_max, reply_for };
}

bsc_status bsc_pool_ask(bsc_pool *p, size_t i, const bsc_request *pre, size_t npre, size_t keep, uint32_t slice)
{
	pool_member *m = &p->m[i];
	bsc_conn *c = m->conn;
	size_t held = bsc_conn_prefetch_out(c, NULL) + bsc_conn_prefetch_jobs(c);
	size_t want = held >= keep ? 0 : keep - held < BSC_POOL_ASK_MAX ? keep - held : BSC_POOL_ASK_MAX;

	if (npre + want == 0) {
		return BSC_OK;
	}
	static const char now_line[] = "reserve-with-timeout 0\r\n";
	bsc_request reqs[npre + want];
	bsc_line wait_line;
	size_t n = 0, body_max = bsc_conn_job_body_max(c);

	for (; n < npre; n++) {
		reqs[n] = pre[n];
	}
	for (size_t k = 0; k < want; k++) {
		if (k == 0 && held == 0) {
			bsc_line_start(&wait_line, "reserve-with-timeout");
			bsc_line_u64(&wait_line, slice);
			bsc_line_end(&wait_line);
			reqs[n++] = line_request(&wait_line, body_max, BSC_FOR_PREFETCH_WAITS);
		} else {
			reqs[n++] = (bsc_request){ now_line, sizeof(now_line) - 1, NULL, 0, false, body_max, BSC_FOR_PREFETCH };
		}
	}
	bsc_status st = bsc_conn_send(c, reqs, n);
	if (st == BSC_OK && want > 0 && held == 0) {
		m->slice = slice;
	}
	if (bsc_status_is_failure(st)) {
		bsc_pool_lost(p, i);
	}
	return st;
}
/* }}} */

/* {{{ waiting */
/* The longest a reserve out on server i may go unanswered: its wait on the
 * server, if it may wait, and the reply timeout. 0: no limit. */
static double reply_due(const bsc_pool *p, size_t i)
{
	bsc_conn *c = p->m[i].conn;
	bool waits;

	if (bsc_conn_prefetch_out(c, &waits) == 0 || bsc_conn_timeout(c) <= 0) {
		return 0;
	}
	return bsc_conn_prefetch_since(c) + (waits ? (double)p->m[i].slice : 0) + bsc_conn_timeout(c);
}

/* Takes in what server i has sent; a failure, or a reply overdue, sets it
 * aside. */
static void collect(bsc_pool *p, size_t i)
{
	bsc_conn *c = p->m[i].conn;
	size_t out = bsc_conn_prefetch_out(c, NULL);

	if (bsc_conn_collect(c) != BSC_OK) {
		bsc_pool_lost(p, i);
		return;
	}
	if (bsc_conn_prefetch_out(c, NULL) < out) {
		bsc_pool_answered(p, i);
		return;   /* an answer came: none is overdue */
	}
	double due = reply_due(p, i);
	if (due > 0 && bsc_now() >= due) {
		bsc_conn_fail(c, BSC_ERR_TIMEOUT, "no reply from %s within %.3f s", bsc_conn_name(c), due - bsc_conn_prefetch_since(c));
		bsc_pool_lost(p, i);
	}
}

static double earlier(double a, double b)
{
	return a > 0 && (b <= 0 || a < b) ? a : b;
}

bsc_status bsc_pool_wait(bsc_pool *p, double deadline)
{
	struct pollfd fds[p->n];
	size_t which[p->n], k = 0;
	double until = deadline;

	for (size_t i = 0; i < p->n; i++) {
		bsc_conn *c = p->m[i].conn;
		bool out = bsc_pool_out(p, i) > 0;
		/* A reply read in with another (a delete's) is in no socket: poll()
		 * would not see it. */
		if (out && bsc_conn_buffered(c) > 0) {
			collect(p, i);
			out = bsc_pool_out(p, i) > 0;
		}
		if (bsc_conn_prefetch_jobs(c) > 0) {
			return BSC_OK;
		}
		if (bsc_pool_is_away(p, i)) {
			until = earlier(until, p->m[i].retry_at);   /* back in time to try it again */
		} else if (out && bsc_conn_is_connected(c)) {
			until = earlier(until, reply_due(p, i));
			fds[k] = (struct pollfd){ .fd = bsc_conn_fd(c), .events = POLLIN };
			which[k++] = i;
		}
	}
	if (k == 0 && until <= 0) {
		return BSC_OK;   /* nothing to wait for */
	}
	/* Without a mask, a signal that came before this wait interrupted no
	 * system call: its flag is looked at first, free of races (net.h). */
	int r = bsc_net_wait(fds, k, until, p->wait_mask, p->interrupt, p->interrupt_ctx);
	if (r < 0 && errno == EINTR && p->interrupt && p->interrupt(p->interrupt_ctx)) {
		return BSC_ERR_INTERRUPTED;
	}
	for (size_t j = 0; j < k; j++) {
		collect(p, which[j]);
	}
	return BSC_OK;
}
/* }}} */

/* {{{ taking a job */
/* Whether a job kept ahead may still run within its time-to-run. Asks the
 * server only about one that may have been reserved for half a second or
 * more by the time it would end: the watchdog looks at a running job no
 * sooner. */
static bool still_in_time(bsc_pool *p, size_t i, const bsc_pool_fresh *rule, const bsc_prefetch_job *job)
{
	bsc_conn *c = p->m[i].conn;
	bsc_job_stats js;

	if (bsc_now() - job->asked_at + rule->expected_run < BSC_POOL_FRESH) {
		return true;
	}
	bsc_status st = bsc_job_stats_get(c, job->id, &js);
	if (bsc_status_is_failure(st)) {
		bsc_pool_lost(p, i);   /* the job went back with the connection */
		return false;
	}
	if (st != BSC_OK && st != BSC_NOT_FOUND) {
		return true;           /* the server would not say: its run will tell */
	}
	if (st == BSC_NOT_FOUND || strcmp(js.state, "reserved") != 0) {
		bsc_conn_let_go(c, job->id);
		tell(p, &(bsc_pool_event){ .kind = BSC_POOL_JOB_GONE, .server = i, .id = job->id });
		return false;
	}
	/* Released only for the time it lost waiting: a job whose whole
	 * time-to-run is short of a run is the watchdog's, or it would be
	 * reserved and released for ever. */
	double margin = bsc_ttr_margin(rule->ttr_margin, js.ttr);
	if ((double)js.time_left >= rule->expected_run + margin || js.ttr - js.time_left <= 1) {
		return true;
	}
	uint32_t pri = js.pri >= 0 && js.pri <= UINT32_MAX ? (uint32_t)js.pri : BSC_DEFAULT_PRIORITY;
	st = bsc_release(c, job->id, pri, 0);
	tell(p, &(bsc_pool_event){ .kind = BSC_POOL_JOB_RELEASED, .server = i, .id = job->id, .stats = &js, .released = st == BSC_OK });
	if (bsc_status_is_failure(st)) {
		bsc_pool_lost(p, i);
	}
	return false;
}

bool bsc_pool_take(bsc_pool *p, const bsc_pool_fresh *rule, bsc_prefetch_job *job, size_t *server)
{
	for (size_t j = 0; j < p->n; j++) {
		size_t i = (p->next_take + j) % p->n;
		bsc_conn *c = p->m[i].conn;
		while (bsc_conn_prefetch_take(c, job)) {
			bsc_pool_answered(p, i);
			if (!still_in_time(p, i, rule, job)) {
				free(job->body);
				continue;
			}
			*server = i;
			p->next_take = (i + 1) % p->n;
			return true;
		}
	}
	return false;
}

/* The whole seconds that cover left, at most a slice. */
static uint32_t seconds_up_to_slice(double left)
{
	int64_t whole = (int64_t)left;

	if ((double)whole < left) {
		whole++;
	}
	return whole < BSC_POOL_RESERVE_SLICE ? (uint32_t)whole : BSC_POOL_RESERVE_SLICE;
}

/* A DEADLINE_SOON answer since the last look, and its server. */
static bool deadline_soon(bsc_pool *p, size_t *server)
{
	bool seen = false;

	for (size_t i = 0; i < p->n; i++) {
		uint64_t now = bsc_conn_prefetch_deadline_soon(p->m[i].conn);
		if (now != p->m[i].deadline_soon && !seen) {
			*server = i;
			seen = true;
		}
		p->m[i].deadline_soon = now;
	}
	return seen;
}

static bool any_out(const bsc_pool *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (bsc_pool_out(p, i) > 0) {
			return true;
		}
	}
	return false;
}

/* Asks every server that may take it for a job (slice: the server-side
 * wait); whether any has a reserve out now. */
static bool ask_all(bsc_pool *p, uint32_t slice)
{
	double now = bsc_now();

	for (size_t i = 0; i < p->n; i++) {
		if (may_try(p, i, now)) {
			bsc_pool_ask(p, i, NULL, 0, 1, slice);
		}
	}
	return any_out(p);
}

bsc_status bsc_pool_reserve(bsc_pool *p, int64_t timeout, bsc_job *job, size_t *server)
{
	static const bsc_pool_fresh rule = { 0, 1.0 };
	double deadline = timeout > 0 ? bsc_now() + (double)timeout : 0;
	bool asked = false;
	bsc_prefetch_job kept;

	deadline_soon(p, server);   /* answers to earlier calls are not this one's */
	for (;;) {
		if (bsc_pool_take(p, &rule, &kept, server)) {
			free(p->handed);
			p->handed = kept.body;
			*job = (bsc_job){ kept.id, kept.body, kept.len };
			return BSC_OK;
		}
		if (deadline_soon(p, server)) {
			return BSC_DEADLINE_SOON;
		}
		double now = bsc_now();
		if (deadline > 0 && now >= deadline) {
			return BSC_TIMED_OUT;  /* reserves still out are taken in later */
		}
		/* A poll (timeout 0) asks each server once; a wait asks again as
		 * each slice ends. */
		bool out;
		if (timeout == 0 && asked) {
			out = any_out(p);
		} else {
			out = ask_all(p, timeout == 0 ? 0 : timeout < 0 ? BSC_POOL_RESERVE_SLICE : seconds_up_to_slice(deadline - now));
		}
		if (!out) {
			if (asked && timeout == 0) {
				return BSC_TIMED_OUT;
			}
			all_failed(p);
			return BSC_ERR_CONNECT;
		}
		asked = true;
		if (bsc_pool_wait(p, deadline) == BSC_ERR_INTERRUPTED) {
			snprintf(p->errstr, sizeof(p->errstr), "the wait for a job was interrupted");
			p->err_sent = true;
			return BSC_ERR_INTERRUPTED;
		}
	}
}
/* }}} */
