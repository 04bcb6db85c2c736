/*
 * A connection to one beanstalkd server: its life cycle and its state. The
 * writing is send.c's, the reading reply.c's. See conn.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/client/conn_private.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* {{{ errors */
static bsc_status conn_failv(bsc_conn *c, bsc_status status, const char *fmt, va_list ap)
{
	/* Message first: an argument may be state that closing clears (the
	 * parser's errstr). */
	vsnprintf(c->errstr, sizeof(c->errstr), fmt, ap);
	c->err_sent = c->request_out;
	bsc_conn_close(c);
	c->err = status;
	return status;
}

bsc_status bsc_conn_fail(bsc_conn *c, bsc_status status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conn_failv(c, status, fmt, ap);
	va_end(ap);
	return status;
}

bsc_status bsc_conn_fail_errno(bsc_conn *c, bsc_status status, const char *what, int errnum)
{
	return bsc_conn_fail(c, status, "%s %s: %s", what, c->ep.name, strerror(errnum));
}
/* }}} */

/* {{{ lifecycle */
bsc_conn *bsc_conn_new(const char *address, size_t len, const bsc_conn_options *opt, char errbuf[BSC_ERRSTR_LEN])
{
	bsc_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
		return NULL;
	}
	c->fd = -1;
	bsc_fork_watch();
	c->epoch = bsc_fork_epoch();
	if (!bsc_endpoint_parse(&c->ep, address, len, errbuf)) {
		free(c);
		return NULL;
	}
	c->opt = *opt;
	bsc_parser_init(&c->parser, 0);
	if (!bsc_tubes_init(&c->tubes)) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
		bsc_conn_free(c);
		return NULL;
	}
	return c;
}

void bsc_conn_free(bsc_conn *c)
{
	if (!c) {
		return;
	}
	bsc_conn_close(c);
	bsc_parser_free(&c->parser);
	bsc_tubes_free(&c->tubes);
	bsc_expect_free(&c->expect);
	bsc_async_free(&c->async);
	bsc_prefetch_free(&c->prefetch);
	bsc_jobset_free(&c->held);
	free(c->out);
	free(c->out_tags);
	free(c->sync);
	free(c->iov);
	free(c);
}

bool bsc_conn_own(bsc_conn *c)
{
	uint64_t now = bsc_fork_epoch();

	if (c->epoch == now) {
		return false;
	}
	c->epoch = now;
	if (c->fd >= 0) {
		close(c->fd);       /* no event: the watcher was the parent's */
		c->fd = -1;
	}
	c->event = NULL;
	bsc_parser_reset(&c->parser);
	c->expect.head = c->expect.len = 0;
	bsc_async_forget(&c->async);
	bsc_prefetch_forget(&c->prefetch);
	c->out_len = c->out_tags_len = 0;   /* the parent's puts, held: its to write */
	c->request_out = false;
	c->held.count = 0;
	c->max_job_size = 0;
	c->err = BSC_OK;
	c->err_sent = false;
	c->errstr[0] = '\0';
	bsc_tubes_server_reset(&c->tubes);
	c->inherited_below = c->generation + 1;
	return true;
}

bool bsc_conn_inherited(const bsc_conn *c, uint64_t generation)
{
	return generation != 0 && generation < c->inherited_below;
}

void bsc_conn_close(bsc_conn *c)
{
	bsc_conn_check_owner(c);
	if (c->fd >= 0) {
		if (c->event) {
			c->event(c->event_ctx, BSC_EVENT_CLOSING, 0);
		}
		close(c->fd);
		c->fd = -1;
	}
	bsc_parser_reset(&c->parser);
	c->expect.head = c->expect.len = 0;
	bsc_async_lose_pending(&c->async);  /* their replies are gone with the socket */
	bsc_prefetch_drop(&c->prefetch);          /* the server puts those jobs back */
	c->request_out = false;
	c->held.count = 0;        /* the server gives them all back on close */
	/* The next command reconnects, maybe to another server or to this one
	 * restarted with another -z: a put must not be refused before that on
	 * what the old one said. */
	c->max_job_size = 0;
	/* A new connection starts from the server's defaults. */
	bsc_tubes_server_reset(&c->tubes);
}

bsc_status bsc_conn_connect(bsc_conn *c)
{
	char why[BSC_ERRSTR_LEN] = "";
	int fd = -1;

	if (c->fd >= 0) {
		return BSC_OK;
	}
	c->err = BSC_OK;
	c->err_sent = false;
	c->errstr[0] = '\0';
	int rc = bsc_net_connect(&c->ep, bsc_deadline_after(c->opt.connect_timeout), c->interrupt, c->interrupt_ctx, &fd, why);
	if (rc == ETIMEDOUT) {
		return bsc_conn_fail(c, BSC_ERR_TIMEOUT, "connect to %s timed out after %.3f s", c->ep.name, c->opt.connect_timeout);
	}
	if (rc == EINTR) {
		return bsc_conn_fail(c, BSC_ERR_INTERRUPTED, "connect to %s interrupted", c->ep.name);
	}
	if (rc && why[0]) {
		return bsc_conn_fail(c, BSC_ERR_CONNECT, "%s", why);
	}
	if (rc) {
		return bsc_conn_fail_errno(c, BSC_ERR_CONNECT, "cannot connect to", rc);
	}
	/* Blocking from now on: a reply with a deadline is then one recv()
	 * under SO_RCVTIMEO, not a poll() and a recv(); writes and the other
	 * waits pass MSG_DONTWAIT and poll themselves. */
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return bsc_conn_fail_errno(c, BSC_ERR_CONNECT, "cannot set up the socket to", e);
	}
	c->fd = fd;
	c->epoch = bsc_fork_epoch();
	c->rcvtimeo_ms = -1;
	c->rcvlowat = 1;
	int on = 1;
	/* UNIX stream sockets give no receive times: those are looked at
	 * before every command that ends an idle spell. */
	c->rx_stamps = !c->ep.is_unix && setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on)) == 0;
	c->idle_since = bsc_now();
	c->generation++;
	c->max_job_size = 0;      /* this may be another server, or the same one restarted */
	return BSC_OK;
}
/* }}} */

/* {{{ accessors */
bool bsc_conn_is_connected(const bsc_conn *c)
{
	return c->fd >= 0;
}

bsc_status bsc_conn_err(const bsc_conn *c)
{
	return c->err;
}

const char *bsc_conn_errstr(const bsc_conn *c)
{
	return c->errstr;
}

bool bsc_conn_err_sent(const bsc_conn *c)
{
	return c->err_sent;
}

bsc_reply_kind bsc_conn_server_error(const bsc_conn *c)
{
	return c->server_error;
}

const char *bsc_conn_name(const bsc_conn *c)
{
	return c->ep.name;
}

uint64_t bsc_conn_generation(const bsc_conn *c)
{
	return c->generation;
}

size_t bsc_conn_max_job_size(const bsc_conn *c)
{
	return c->max_job_size;
}

void bsc_conn_set_max_job_size(bsc_conn *c, size_t size)
{
	c->max_job_size = size;
}

size_t bsc_conn_job_body_max(const bsc_conn *c)
{
	if (c->max_job_size > 0) {
		return c->max_job_size;
	}
	return c->opt.job_size_max > 0 ? c->opt.job_size_max : BSC_JOB_BODY_MAX_DEFAULT;
}

int bsc_conn_fd(const bsc_conn *c)
{
	return c->fd;
}

bsc_status bsc_conn_refused(bsc_conn *c, bsc_reply_kind kind)
{
	c->server_error = kind;
	/* After these the server may have read our body as commands: the stream
	 * can no longer be trusted. */
	if (kind == BSC_REPLY_BAD_FORMAT || kind == BSC_REPLY_EXPECTED_CRLF) {
		bsc_conn_close(c);
	}
	return BSC_SERVER_ERROR;
}

double bsc_conn_timeout(const bsc_conn *c)
{
	return c->opt.timeout;
}

void bsc_conn_hold(bsc_conn *c, uint64_t id)
{
	if (!bsc_jobset_add(&c->held, id)) {
		/* Cannot remember it: forget the connection instead, the server
		 * gives the job back. */
		bsc_conn_close(c);
	}
}

void bsc_conn_let_go(bsc_conn *c, uint64_t id)
{
	bsc_jobset_remove(&c->held, id);
	if (c->event) {
		c->event(c->event_ctx, BSC_EVENT_JOB_LET_GO, id);
	}
}

void bsc_conn_touched(bsc_conn *c, uint64_t id)
{
	if (c->event) {
		c->event(c->event_ctx, BSC_EVENT_JOB_TOUCHED, id);
	}
}

size_t bsc_conn_held(const bsc_conn *c)
{
	return c->held.count;
}

bool bsc_conn_holds(const bsc_conn *c, uint64_t id)
{
	return bsc_jobset_has(&c->held, id);
}

bool bsc_conn_is_idle(const bsc_conn *c)
{
	return c->expect.len == 0 && bsc_parser_pending(&c->parser) == 0 && c->held.count == 0 && c->out_len == 0;
}

bool bsc_conn_owes_only_async(const bsc_conn *c)
{
	/* The tube changes in front of those puts (a coalesced run begins with
	 * its use) are answered with them, and taken in as they are. */
	size_t tubes = c->expect.len > bsc_async_pending(&c->async)
		? bsc_expect_count(&c->expect, BSC_EXPECT_USING) + bsc_expect_count(&c->expect, BSC_EXPECT_WATCHING) : 0;

	return c->held.count == 0 && c->out_len == 0 && c->expect.len == bsc_async_pending(&c->async) + tubes
		&& (c->expect.len > 0 || bsc_parser_pending(&c->parser) == 0);
}

size_t bsc_conn_buffered(const bsc_conn *c)
{
	return bsc_parser_pending(&c->parser);
}

void bsc_conn_set_event_hook(bsc_conn *c, bsc_conn_event_fn fn, void *ctx)
{
	c->event = fn;
	c->event_ctx = ctx;
}

void bsc_conn_set_timeouts(bsc_conn *c, double connect_timeout, double timeout)
{
	c->opt.connect_timeout = connect_timeout;
	c->opt.timeout = timeout;
}

void bsc_conn_pin(bsc_conn *c, uint64_t generation)
{
	c->pinned = generation;
}

bsc_interrupt bsc_conn_set_interrupt(bsc_conn *c, bsc_interrupt_fn fn, void *ctx)
{
	bsc_interrupt old = { c->interrupt, c->interrupt_ctx };

	c->interrupt = fn;
	c->interrupt_ctx = ctx;
	return old;
}

void bsc_conn_set_wait_mask(bsc_conn *c, const sigset_t *mask)
{
	c->wait_mask = mask;
}

void bsc_conn_set_auto_replace(bsc_conn *c, bool on)
{
	c->keep_dead = !on;
}

bsc_tubes *bsc_conn_tubes(bsc_conn *c)
{
	return &c->tubes;
}

/* A wait on the socket (bsc_net_wait): with the caller's wait mask, or, for
 * a reply wait that a signal may end, with the interrupt function looked at
 * free of the race of a signal landing between the look and the wait. */
int bsc_conn_poll(bsc_conn *c, short events, double deadline, bool may_end)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };

	return bsc_net_wait(&pfd, 1, deadline, c->wait_mask, may_end ? c->interrupt : NULL, c->interrupt_ctx);
}

/* Whether a signal may end a reply wait: only when closing the connection
 * loses nothing (conn.h). */
bool bsc_conn_reply_wait_may_end(const bsc_conn *c)
{
	return c->interrupt && c->held.count == 0;
}

/* A reply wait was interrupted by a signal: whether to end it. */
bool bsc_conn_reply_wait_interrupted(bsc_conn *c)
{
	return bsc_conn_reply_wait_may_end(c) && c->interrupt(c->interrupt_ctx);
}

size_t bsc_conn_pending(const bsc_conn *c)
{
	return bsc_expect_count(&c->expect, BSC_EXPECT_CALLER);
}
/* }}} */

size_t bsc_conn_async_pending(const bsc_conn *c)
{
	return bsc_async_pending(&c->async);
}

size_t bsc_conn_async_outcomes(const bsc_conn *c)
{
	return c->async.resolved;
}

void bsc_conn_async_take(bsc_conn *c, size_t n, bsc_async_visit_fn fn, void *ctx)
{
	bsc_async_take(&c->async, n, fn, ctx);
}

const uint64_t *bsc_conn_async_counts(const bsc_conn *c)
{
	return c->async.counts;
}

size_t bsc_conn_prefetch_jobs(const bsc_conn *c)
{
	return c->prefetch.len;
}

size_t bsc_conn_prefetch_out(const bsc_conn *c, bool *waiting)
{
	if (waiting) {
		*waiting = c->prefetch.waiting;
	}
	return c->prefetch.asked_len;
}

double bsc_conn_prefetch_since(const bsc_conn *c)
{
	return c->prefetch.asked_len ? c->prefetch.asked[0] : 0;
}

bool bsc_conn_prefetch_take(bsc_conn *c, bsc_prefetch_job *job)
{
	bsc_conn_check_owner(c);
	return bsc_prefetch_take(&c->prefetch, job);
}

uint64_t bsc_conn_prefetch_brought(const bsc_conn *c)
{
	return c->prefetch.brought;
}

uint64_t bsc_conn_prefetch_deadline_soon(const bsc_conn *c)
{
	return c->prefetch.deadline_soon;
}

bool bsc_conn_delete_sent(bsc_conn *c, uint64_t id)
{
	if (!bsc_prefetch_delete_sent(&c->prefetch, id)) {
		bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
		return false;
	}
	return true;
}

void bsc_conn_delete_counts(const bsc_conn *c, uint64_t *deleted, uint64_t *refused, uint64_t *unconfirmed)
{
	*deleted = c->prefetch.deleted;
	*refused = c->prefetch.refused;
	*unconfirmed = c->prefetch.unconfirmed;
}

size_t bsc_conn_take_delete_outcomes(bsc_conn *c, bsc_delete_outcome *out, size_t max)
{
	return bsc_prefetch_take_outcomes(&c->prefetch, out, max);
}
/* }}} */


