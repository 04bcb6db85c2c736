/*
 * A connection to one beanstalkd server. See conn.h.
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
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "src/grow.h"

#define IOV_BATCH 1024
/* A connection idle for less than this (s) is not looked at before the
 * command that ends its idle spell (see idle_connection_is_unusable). */
#define IDLE_LOOK_AFTER 0.00025


static const char crlf[2] = { '\r', '\n' };

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
	return c->held.count == 0 && c->out_len == 0 && c->expect.len == bsc_async_pending(&c->async)
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

/* poll() on the socket, or ppoll() with the caller's wait mask: a caller
 * that blocks its signals outside waits gets them here, without the race of
 * a signal landing between its check of a flag and the wait. */
int bsc_conn_poll(bsc_conn *c, short events, double deadline)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };
	int ms = bsc_poll_ms(deadline);

	if (!c->wait_mask) {
		return poll(&pfd, 1, ms);
	}
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	return ppoll(&pfd, 1, ms < 0 ? NULL : &ts, c->wait_mask);
}

/* A reply wait was interrupted by a signal: whether to end it. Only when
 * closing the connection loses nothing (conn.h). */
bool bsc_conn_reply_wait_interrupted(bsc_conn *c)
{
	return c->interrupt && c->held.count == 0 && c->interrupt(c->interrupt_ctx);
}

size_t bsc_conn_pending(const bsc_conn *c)
{
	return bsc_expect_callers(&c->expect);
}
/* }}} */

/* {{{ writing */
/* Appends one tube command to the scratch of this write (tubes.h). */
static bool sync_add(void *ctx, const char *verb, const bsc_tube_name *t)
{
	bsc_conn *c = ctx;
	bsc_line line;

	if (c->sync_cap - c->sync_len < BSC_LINE_MAX) {
		size_t cap = c->sync_cap ? c->sync_cap * 2 : 1024;
		char *buf = realloc(c->sync, cap);
		if (!buf) {
			return false;
		}
		c->sync = buf;
		c->sync_cap = cap;
	}
	bsc_line_start(&line, verb);
	bsc_line_word(&line, t->name, t->len);
	bsc_line_end(&line);
	memcpy(c->sync + c->sync_len, line.buf, line.len);
	c->sync_len += line.len;
	return bsc_expect_push(&c->expect, strcmp(verb, "use") == 0 ? BSC_EXPECT_USING : BSC_EXPECT_WATCHING, 0);
}

static bool iov_reserve(bsc_conn *c, size_t n)
{
	if (c->iov_cap >= n) {
		return true;
	}
	struct iovec *iov = realloc(c->iov, n * sizeof(*iov));
	if (!iov) {
		return false;
	}
	c->iov = iov;
	c->iov_cap = n;
	return true;
}

/* The held puts went out (in part at least): they are sent, never again. */
static void out_sent(bsc_conn *c)
{
	bsc_async_sent(&c->async);
	c->out_len = c->out_tags_len = 0;
}

/* Writes all of iov; *written counts the bytes that left. A signal does not
 * end a write: a write cut short would leave half a command on the wire. */
static bsc_status write_all(bsc_conn *c, struct iovec *iov, size_t n, size_t *written)
{
	double deadline = bsc_deadline_after(c->opt.timeout);
	size_t prefix = c->out_in_write + c->sync_len;

	*written = 0;
	while (n > 0) {
		struct msghdr msg;
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = n > IOV_BATCH ? IOV_BATCH : n;
		ssize_t w = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				int p = bsc_conn_poll(c, POLLOUT, deadline);
				if (p == 0) {
					return bsc_conn_fail(c, BSC_ERR_TIMEOUT, "write to %s timed out after %.3f s", c->ep.name, c->opt.timeout);
				}
				if (p < 0 && errno != EINTR) {
					return bsc_conn_fail_errno(c, BSC_ERR_IO, "cannot write to", errno);
				}
				continue;
			}
			return bsc_conn_fail_errno(c, errno == EPIPE ? BSC_ERR_EOF : BSC_ERR_IO, "cannot write to", errno);
		}
		size_t left = (size_t)w;
		*written += left;
		if (c->out_in_write && c->out_len) {
			out_sent(c);
		}
		if (*written > prefix) {
			c->request_out = true;
		}
		while (n > 0 && left >= iov->iov_len) {
			left -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + left;
			iov->iov_len -= left;
		}
	}
	return BSC_OK;
}

/* Whether a connection with no reply pending is of no more use: beanstalkd
 * never speaks first, so anything to read now is EOF (the server closed it),
 * an error, or bytes nobody asked for (the stream is out of step). Found
 * now, before a byte of the command is sent, the connection can still be
 * replaced and the command go out on the new one.
 *
 * The look is a non-blocking peek, a system call, and it is not needed
 * everywhere. Bytes that come while no reply is owed are seen by whatever
 * reads next: at a read that takes them alone, by their receive time,
 * which is before the write that asked for the next reply (over TCP, each
 * read gives it: bsc_conn_read_before_asked); at a read that takes them
 * behind a reply owed, as bytes after the last reply. The only case the
 * look catches and a read does not is bytes that came in the idle spell
 * and are read together with the next answer, in front of it; for that,
 * the process must be held up between its write and its read until the
 * answer is in too. The look itself leaves the same kind of window, from
 * the look to the write. So a command that follows the last reply within
 * IDLE_LOOK_AFTER goes out without a look (a loop of puts: two system
 * calls each), and one after a longer idle spell is looked at: there a
 * server that closed the connection meanwhile (a persistent connection's
 * first command of a request) is replaced before the command goes out,
 * instead of the command failing with its request sent. UNIX sockets give
 * no receive times, and are always looked at; a Worker's connection never
 * (it is not replaced before a command anyway: a dead one fails it). */
static bool idle_connection_is_unusable(bsc_conn *c)
{
	char byte;

	if (c->expect.len > 0) {
		return false;  /* replies are owed: what comes is theirs */
	}
	if (bsc_parser_pending(&c->parser) > 0) {
		return true;
	}
	if (c->rx_stamps && (c->keep_dead || bsc_now() - c->idle_since < IDLE_LOOK_AFTER)) {
		return false;
	}
	ssize_t r = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	return r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

bool bsc_conn_read_before_asked(const bsc_conn *c, const struct timespec *arrived)
{
	struct timespec real;

	if (arrived->tv_sec > c->busy_real.tv_sec || (arrived->tv_sec == c->busy_real.tv_sec && arrived->tv_nsec >= c->busy_real.tv_nsec)) {
		return false;
	}
	/* Receive times are the wall clock's: a step of it since the write
	 * (the monotonic clock did not move alike) says nothing of the bytes. */
	clock_gettime(CLOCK_REALTIME, &real);
	double stepped = ((double)(real.tv_sec - c->busy_real.tv_sec) + (double)(real.tv_nsec - c->busy_real.tv_nsec) / 1e9)
		- (bsc_now() - c->busy_mono);
	return stepped > -0.001 && stepped < 0.001;
}

static bsc_status send_once(bsc_conn *c, const bsc_request *reqs, size_t n, bsc_expect_tag tag, size_t *written)
{
	size_t niov = 0, i;

	*written = 0;
	if (c->expect.len == 0 && c->rx_stamps) {
		/* The idle spell ends: no byte read from now on may be older. */
		clock_gettime(CLOCK_REALTIME, &c->busy_real);
		c->busy_mono = bsc_now();
	}
	c->sync_len = 0;
	c->out_in_write = 0;
	/* The held puts go first: their replies are owed before any other. */
	if (c->out_len) {
		for (i = 0; i < c->out_tags_len; i++) {
			if (!bsc_expect_push(&c->expect, (bsc_expect_tag)c->out_tags[i], 0)) {
				return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
			}
		}
		bsc_tubes_server_uses(&c->tubes, c->out_use.name, c->out_use.len);
		c->out_in_write = c->out_len;
	}
	if ((n > 0 && !bsc_tubes_sync(&c->tubes, sync_add, c)) || !iov_reserve(c, 2 + 3 * n)) {
		return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
	}
	if (c->out_in_write) {
		c->iov[niov++] = (struct iovec){ .iov_base = c->out, .iov_len = c->out_len };
	}
	if (c->sync_len) {
		c->iov[niov++] = (struct iovec){ .iov_base = c->sync, .iov_len = c->sync_len };
	}
	for (i = 0; i < n; i++) {
		c->iov[niov++] = (struct iovec){ .iov_base = (void *)reqs[i].line, .iov_len = reqs[i].line_len };
		if (reqs[i].has_body) {
			if (reqs[i].body_len) {
				c->iov[niov++] = (struct iovec){ .iov_base = (void *)reqs[i].body, .iov_len = reqs[i].body_len };
			}
			c->iov[niov++] = (struct iovec){ .iov_base = (void *)crlf, .iov_len = 2 };
		}
		size_t body_max = reqs[i].reply_body_max ? reqs[i].reply_body_max : BSC_SMALL_BODY_MAX;
		bsc_request_for reply_for = reqs[i].reply_for;
		bool reserve = reply_for == BSC_FOR_PREFETCH || reply_for == BSC_FOR_PREFETCH_WAITS;
		if (reserve && !bsc_prefetch_ask(&c->prefetch, bsc_now(), reply_for == BSC_FOR_PREFETCH_WAITS)) {
			return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
		}
		bsc_expect_tag t = reserve ? BSC_EXPECT_PREFETCH : reply_for == BSC_FOR_DELETE ? BSC_EXPECT_DELETE : tag;
		if (!bsc_expect_push(&c->expect, t, body_max)) {
			return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
		}
	}
	return write_all(c, c->iov, niov, written);
}

static bsc_status send_tagged(bsc_conn *c, const bsc_request *reqs, size_t n, bsc_expect_tag tag)
{
	uint64_t pinned = c->pinned;

	c->pinned = 0;
	bsc_conn_check_owner(c);
	if (n == 0 && c->out_len == 0) {
		return BSC_OK;  /* tube changes alone would leave replies nobody reads */
	}
	if (bsc_conn_inherited(c, pinned)) {
		return BSC_NOT_FOUND;  /* the job is the parent process's */
	}
	for (int attempt = 0;; attempt++) {
		bsc_status st;
		size_t written;

		if (c->fd >= 0 && idle_connection_is_unusable(c)) {
			if (c->keep_dead) {
				return bsc_conn_fail(c, BSC_ERR_EOF, "%s closed the connection, or sent what nobody asked for, while it was idle", c->ep.name);
			}
			bsc_conn_close(c);
		}
		if (c->fd < 0 && (st = bsc_conn_connect(c)) != BSC_OK) {
			return st;
		}
		if (pinned && pinned != c->generation) {
			return BSC_NOT_FOUND;  /* the job went back to the server with the old connection */
		}
		st = send_once(c, reqs, n, tag, &written);
		/* A connection that died unseen fails the first write; when not a
		 * byte went out, the requests are safe to send on a fresh one. */
		if (st == BSC_OK || written > 0 || attempt > 0 || c->keep_dead || (st != BSC_ERR_IO && st != BSC_ERR_EOF)) {
			return st;
		}
	}
}
bsc_status bsc_conn_send(bsc_conn *c, const bsc_request *reqs, size_t n)
{
	return send_tagged(c, reqs, n, BSC_EXPECT_CALLER);
}

void bsc_conn_set_coalesce(bsc_conn *c, size_t bytes)
{
	c->coalesce = bytes;
}

size_t bsc_conn_held_out(const bsc_conn *c)
{
	return c->out_len;
}

bsc_status bsc_conn_write_out(bsc_conn *c)
{
	return c->out_len ? send_tagged(c, NULL, 0, BSC_EXPECT_CALLER) : BSC_OK;
}

/* Appends to the held bytes, with the reply it will be owed. */
static void out_add(bsc_conn *c, const char *bytes, size_t len)
{
	memcpy(c->out + c->out_len, bytes, len);
	c->out_len += len;
}

/* A put that does not wait, held for a later write; written now when the
 * held bytes pass the size set. That write's failure is the held puts'
 * (their outcomes say it), not this put's: it is held. But held bytes past
 * the size that still cannot be written (the server is away) take no more:
 * the put fails, as one that cannot be written does. */
static bsc_status hold_async_put(bsc_conn *c, const bsc_request *req, const char *tube, size_t tube_len)
{
	if (c->out_len >= c->coalesce) {
		bsc_status st = bsc_conn_write_out(c);
		if (st != BSC_OK && c->out_len >= c->coalesce) {
			return st;
		}
	}
	bool use = c->out_len == 0 || c->out_use.len != tube_len || memcmp(c->out_use.name, tube, tube_len) != 0;
	size_t need = c->out_len + (use ? sizeof("use \r\n") - 1 + tube_len : 0) + req->line_len + req->body_len + 2;

	if (!bsc_grow(&c->out, &c->out_cap, need, 1, 4096) || !bsc_grow(&c->out_tags, &c->out_tags_cap, c->out_tags_len + 2, 1, 64)) {
		return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
	}
	if (use) {
		out_add(c, "use ", 4);
		out_add(c, tube, tube_len);
		out_add(c, "\r\n", 2);
		c->out_tags[c->out_tags_len++] = BSC_EXPECT_USING;
		memcpy(c->out_use.name, tube, tube_len);
		c->out_use.name[tube_len] = '\0';
		c->out_use.len = tube_len;
	}
	out_add(c, req->line, req->line_len);
	out_add(c, req->body, req->body_len);
	out_add(c, crlf, 2);
	c->out_tags[c->out_tags_len++] = BSC_EXPECT_ASYNC;
	bsc_async_hold(&c->async);
	if (c->out_len >= c->coalesce) {
		bsc_conn_write_out(c);
	}
	return BSC_OK;
}

bsc_status bsc_conn_send_async_put(bsc_conn *c, const bsc_request *req)
{
	size_t len;
	const char *tube = bsc_tubes_used(&c->tubes, &len);

	bsc_conn_check_owner(c);
	/* Room first: once sent, its reply must find its entry. */
	if (!bsc_async_prepare(&c->async, tube, len)) {
		return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
	}
	if (c->coalesce) {
		return hold_async_put(c, req, tube, len);
	}
	bsc_status st = send_tagged(c, req, 1, BSC_EXPECT_ASYNC);
	if (st == BSC_OK) {
		bsc_async_add(&c->async);
	}
	return st;
}

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


