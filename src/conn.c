/*
 * A connection to one beanstalkd server. See conn.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "conn.h"

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
#include <unistd.h>

#define DEFAULT_TUBE "default"
#define READ_CHUNK 16384
#define IOV_BATCH 1024
/* Seconds of quiet after which a connection is checked before use. */
#define IDLE_CHECK_AFTER 0.001

typedef struct {
	size_t len;
	char name[BSC_TUBE_MAX + 1];
} tube_name;

typedef struct {
	tube_name *items;
	size_t count, cap;
} tube_list;

/* What each reply we are waiting for answers. */
typedef enum {
	EXPECT_CALLER = 0,
	EXPECT_USING,
	EXPECT_WATCHING
} expect_tag;

struct bsc_conn {
	int fd;
	bsc_status err;
	bsc_reply_kind server_error;
	char errstr[BSC_ERRSTR_LEN];

	bsc_endpoint ep;

	bsc_conn_options opt;
	bsc_parser parser;
	uint64_t generation;
	size_t max_job_size;      /* the server's -z, once known; 0 until then */
	uint64_t pinned;          /* the next send must go out under this generation (0: any) */

	/* Jobs reserved over this connection and not yet given up: a connection
	 * holding one must not be handed to someone else. */
	uint64_t *held;
	size_t held_count, held_cap;
	bsc_interrupt_fn interrupt;
	void *interrupt_ctx;
	double last_read;         /* bsc_now() of the last bytes received */
	int rcvtimeo_ms;          /* SO_RCVTIMEO now set on the socket; -1: none */
	bool has_wait_mask;       /* waits run in ppoll() with wait_mask */
	sigset_t wait_mask;

	/* What the caller wants, and what the server has now. */
	tube_name used, srv_used;
	tube_list watched, srv_watched;

	/* Replies awaited, oldest first (a ring). */
	uint8_t *expect;
	size_t expect_head, expect_len, expect_cap;

	/* Scratch for one write: the tube commands, and the iovecs. */
	char *sync;
	size_t sync_len, sync_cap;
	struct iovec *iov;
	size_t iov_cap;
};

static const char crlf[2] = { '\r', '\n' };

/* {{{ small helpers */
static void tube_set(tube_name *t, const char *name, size_t len)
{
	memcpy(t->name, name, len);
	t->name[len] = '\0';
	t->len = len;
}

static bool tube_eq(const tube_name *t, const char *name, size_t len)
{
	return t->len == len && memcmp(t->name, name, len) == 0;
}

static ssize_t tube_list_find(const tube_list *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->count; i++) {
		if (tube_eq(&l->items[i], name, len)) {
			return (ssize_t)i;
		}
	}
	return -1;
}

static bool tube_list_add(tube_list *l, const char *name, size_t len)
{
	if (tube_list_find(l, name, len) >= 0) {
		return true;
	}
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4;
		tube_name *items = realloc(l->items, cap * sizeof(*items));
		if (!items) {
			return false;
		}
		l->items = items;
		l->cap = cap;
	}
	tube_set(&l->items[l->count++], name, len);
	return true;
}

static void tube_list_remove(tube_list *l, size_t i)
{
	memmove(&l->items[i], &l->items[i + 1], (l->count - i - 1) * sizeof(l->items[0]));
	l->count--;
}

static bool tube_list_reset(tube_list *l)
{
	l->count = 0;
	return tube_list_add(l, DEFAULT_TUBE, strlen(DEFAULT_TUBE));
}
/* }}} */

/* {{{ errors */
static bsc_status conn_failv(bsc_conn *c, bsc_status status, const char *fmt, va_list ap)
{
	/* Message first: an argument may be state that closing clears (the
	 * parser's errstr). */
	vsnprintf(c->errstr, sizeof(c->errstr), fmt, ap);
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

static bsc_status conn_fail_errno(bsc_conn *c, bsc_status status, const char *what, int errnum)
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
	if (!bsc_endpoint_parse(&c->ep, address, len, errbuf)) {
		free(c);
		return NULL;
	}
	c->opt = *opt;
	bsc_parser_init(&c->parser, opt->body_max);
	tube_set(&c->used, DEFAULT_TUBE, strlen(DEFAULT_TUBE));
	tube_set(&c->srv_used, DEFAULT_TUBE, strlen(DEFAULT_TUBE));
	if (!tube_list_reset(&c->watched) || !tube_list_reset(&c->srv_watched)) {
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
	free(c->watched.items);
	free(c->srv_watched.items);
	free(c->expect);
	free(c->held);
	free(c->sync);
	free(c->iov);
	free(c);
}

void bsc_conn_close(bsc_conn *c)
{
	if (c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
	}
	bsc_parser_reset(&c->parser);
	c->expect_head = c->expect_len = 0;
	c->held_count = 0;        /* the server gives them all back on close */
	/* The next command reconnects, maybe to another server or to this one
	 * restarted with another -z: a put must not be refused before that on
	 * what the old one said. */
	c->max_job_size = 0;
	/* A new connection starts from the server's defaults. */
	tube_set(&c->srv_used, DEFAULT_TUBE, strlen(DEFAULT_TUBE));
	c->srv_watched.count = 0;
	tube_list_add(&c->srv_watched, DEFAULT_TUBE, strlen(DEFAULT_TUBE));
}

bsc_status bsc_conn_connect(bsc_conn *c)
{
	char why[BSC_ERRSTR_LEN] = "";
	int fd = -1;

	if (c->fd >= 0) {
		return BSC_OK;
	}
	c->err = BSC_OK;
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
		return conn_fail_errno(c, BSC_ERR_CONNECT, "cannot connect to", rc);
	}
	/* Blocking from now on: a reply with a deadline is then one recv()
	 * under SO_RCVTIMEO, not a poll() and a recv(); writes and the other
	 * waits pass MSG_DONTWAIT and poll themselves. */
	int flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0) {
		int e = errno;
		close(fd);
		return conn_fail_errno(c, BSC_ERR_CONNECT, "cannot set up the socket to", e);
	}
	c->fd = fd;
	c->last_read = bsc_now();
	c->rcvtimeo_ms = -1;
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

int bsc_conn_fd(const bsc_conn *c)
{
	return c->fd;
}

bsc_status bsc_conn_refused(bsc_conn *c, bsc_reply_kind kind)
{
	c->server_error = kind;
	/* After these the server may have read our body as commands: the stream
	 * can no longer be trusted (notes: the put BAD_FORMAT trap). */
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
	if (c->held_count == c->held_cap) {
		size_t cap = c->held_cap ? c->held_cap * 2 : 8;
		uint64_t *held = realloc(c->held, cap * sizeof(*held));
		if (!held) {
			/* Cannot remember it: forget the connection instead, the
			 * server gives the job back. */
			bsc_conn_close(c);
			return;
		}
		c->held = held;
		c->held_cap = cap;
	}
	c->held[c->held_count++] = id;
}

void bsc_conn_let_go(bsc_conn *c, uint64_t id)
{
	for (size_t i = 0; i < c->held_count; i++) {
		if (c->held[i] == id) {
			c->held[i] = c->held[--c->held_count];
			return;
		}
	}
}

size_t bsc_conn_held(const bsc_conn *c)
{
	return c->held_count;
}

bool bsc_conn_holds(const bsc_conn *c, uint64_t id)
{
	for (size_t i = 0; i < c->held_count; i++) {
		if (c->held[i] == id) {
			return true;
		}
	}
	return false;
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

void bsc_conn_set_interrupt(bsc_conn *c, bsc_interrupt_fn fn, void *ctx)
{
	c->interrupt = fn;
	c->interrupt_ctx = ctx;
}

void bsc_conn_set_wait_mask(bsc_conn *c, const sigset_t *mask)
{
	c->has_wait_mask = mask != NULL;
	if (mask) {
		c->wait_mask = *mask;
	}
}

/* poll() on the socket, or ppoll() with the caller's wait mask: a caller
 * that blocks its signals outside waits gets them here, without the race of
 * a signal landing between its check of a flag and the wait. */
static int conn_poll(bsc_conn *c, short events, double deadline)
{
	struct pollfd pfd = { .fd = c->fd, .events = events };
	int ms = bsc_poll_ms(deadline);

	if (!c->has_wait_mask) {
		return poll(&pfd, 1, ms);
	}
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	return ppoll(&pfd, 1, ms < 0 ? NULL : &ts, &c->wait_mask);
}

size_t bsc_conn_pending(const bsc_conn *c)
{
	size_t n = 0;

	for (size_t i = 0; i < c->expect_len; i++) {
		if (c->expect[(c->expect_head + i) % c->expect_cap] == EXPECT_CALLER) {
			n++;
		}
	}
	return n;
}
/* }}} */

/* {{{ tube state */
bool bsc_conn_use(bsc_conn *c, const char *tube, size_t len)
{
	tube_set(&c->used, tube, len);
	return true;
}

const char *bsc_conn_used(const bsc_conn *c, size_t *len)
{
	*len = c->used.len;
	return c->used.name;
}

bool bsc_conn_watch(bsc_conn *c, const char *tube, size_t len)
{
	return tube_list_add(&c->watched, tube, len);
}

bsc_status bsc_conn_ignore(bsc_conn *c, const char *tube, size_t len)
{
	ssize_t i = tube_list_find(&c->watched, tube, len);

	if (i < 0) {
		return BSC_OK;
	}
	if (c->watched.count == 1) {
		return BSC_NOT_IGNORED;
	}
	tube_list_remove(&c->watched, (size_t)i);
	return BSC_OK;
}

bool bsc_conn_reset_tubes(bsc_conn *c)
{
	tube_set(&c->used, DEFAULT_TUBE, strlen(DEFAULT_TUBE));
	return tube_list_reset(&c->watched);
}

size_t bsc_conn_watch_count(const bsc_conn *c)
{
	return c->watched.count;
}

const char *bsc_conn_watched(const bsc_conn *c, size_t i, size_t *len)
{
	*len = c->watched.items[i].len;
	return c->watched.items[i].name;
}
/* }}} */

/* {{{ writing */
static bool expect_push(bsc_conn *c, expect_tag tag)
{
	if (c->expect_len == c->expect_cap) {
		size_t cap = c->expect_cap ? c->expect_cap * 2 : 64;
		uint8_t *ring = malloc(cap);
		if (!ring) {
			return false;
		}
		for (size_t i = 0; i < c->expect_len; i++) {
			ring[i] = c->expect[(c->expect_head + i) % c->expect_cap];
		}
		free(c->expect);
		c->expect = ring;
		c->expect_cap = cap;
		c->expect_head = 0;
	}
	c->expect[(c->expect_head + c->expect_len++) % c->expect_cap] = (uint8_t)tag;
	return true;
}

static expect_tag expect_pop(bsc_conn *c)
{
	expect_tag tag = (expect_tag)c->expect[c->expect_head];

	c->expect_head = (c->expect_head + 1) % c->expect_cap;
	c->expect_len--;
	return tag;
}

static bool sync_add(bsc_conn *c, const char *verb, const tube_name *t, expect_tag tag)
{
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
	return expect_push(c, tag);
}

/* The use/watch/ignore commands that bring the server to the caller's tube
 * state. Watches go before ignores so the watch list is never empty. */
static bool sync_tubes(bsc_conn *c)
{
	c->sync_len = 0;
	if (!tube_eq(&c->srv_used, c->used.name, c->used.len)) {
		if (!sync_add(c, "use", &c->used, EXPECT_USING)) {
			return false;
		}
		c->srv_used = c->used;
	}
	for (size_t i = 0; i < c->watched.count; i++) {
		const tube_name *t = &c->watched.items[i];
		if (tube_list_find(&c->srv_watched, t->name, t->len) < 0) {
			if (!sync_add(c, "watch", t, EXPECT_WATCHING) || !tube_list_add(&c->srv_watched, t->name, t->len)) {
				return false;
			}
		}
	}
	for (size_t i = 0; i < c->srv_watched.count;) {
		const tube_name *t = &c->srv_watched.items[i];
		if (tube_list_find(&c->watched, t->name, t->len) < 0) {
			if (!sync_add(c, "ignore", t, EXPECT_WATCHING)) {
				return false;
			}
			tube_list_remove(&c->srv_watched, i);
		} else {
			i++;
		}
	}
	return true;
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

/* Writes all of iov; *written counts the bytes that left. */
static bsc_status write_all(bsc_conn *c, struct iovec *iov, size_t n, size_t *written)
{
	double deadline = bsc_deadline_after(c->opt.timeout);

	*written = 0;
	while (n > 0) {
		struct msghdr msg;
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = n > IOV_BATCH ? IOV_BATCH : n;
		ssize_t w = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
				if (errno == EINTR && c->interrupt && c->interrupt(c->interrupt_ctx)) {
					return bsc_conn_fail(c, BSC_ERR_INTERRUPTED, "write to %s interrupted", c->ep.name);
				}
				int p = conn_poll(c, POLLOUT, deadline);
				if (p == 0) {
					return bsc_conn_fail(c, BSC_ERR_TIMEOUT, "write to %s timed out after %.3f s", c->ep.name, c->opt.timeout);
				}
				if (p < 0 && errno != EINTR) {
					return conn_fail_errno(c, BSC_ERR_IO, "cannot write to", errno);
				}
				continue;
			}
			return conn_fail_errno(c, errno == EPIPE ? BSC_ERR_EOF : BSC_ERR_IO, "cannot write to", errno);
		}
		size_t left = (size_t)w;
		*written += left;
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

/* An idle connection has nothing to read: beanstalkd never speaks first. If
 * it has, the server closed it (EOF) or it is broken; either way it is of no
 * use, and since nothing of the next command was sent, it can be replaced. */
static bool idle_connection_is_dead(bsc_conn *c)
{
	char byte;

	if (c->expect_len > 0 || bsc_parser_pending(&c->parser) > 0) {
		return false;
	}
	/* A reply came less than IDLE_CHECK_AFTER ago: a server cannot have
	 * been restarted since, and a close in that instant shows up as the
	 * command's own failure, reported like any other. This keeps the check
	 * off the path of back-to-back commands. */
	if (bsc_now() - c->last_read < IDLE_CHECK_AFTER) {
		return false;
	}
	ssize_t r = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	return r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

static bsc_status send_once(bsc_conn *c, const bsc_request *reqs, size_t n, size_t *written)
{
	size_t niov = 0, i;

	*written = 0;
	if (!sync_tubes(c) || !iov_reserve(c, 1 + 3 * n)) {
		return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
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
		if (!expect_push(c, EXPECT_CALLER)) {
			return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
		}
	}
	return write_all(c, c->iov, niov, written);
}

bsc_status bsc_conn_send(bsc_conn *c, const bsc_request *reqs, size_t n)
{
	uint64_t pinned = c->pinned;

	c->pinned = 0;
	if (n == 0) {
		return BSC_OK;  /* tube changes alone would leave replies nobody reads */
	}
	for (int attempt = 0;; attempt++) {
		bsc_status st;
		size_t written;

		if (c->fd >= 0 && idle_connection_is_dead(c)) {
			bsc_conn_close(c);
		}
		if (c->fd < 0 && (st = bsc_conn_connect(c)) != BSC_OK) {
			return st;
		}
		if (pinned && pinned != c->generation) {
			return BSC_NOT_FOUND;  /* the job went back to the server with the old connection */
		}
		st = send_once(c, reqs, n, &written);
		/* A connection that died unseen fails the first write; when not a
		 * byte went out, the requests are safe to send on a fresh one. */
		if (st == BSC_OK || written > 0 || attempt > 0 || (st != BSC_ERR_IO && st != BSC_ERR_EOF)) {
			return st;
		}
	}
}
/* }}} */

/* {{{ reading */
/* What recv() returned, as a status; EAGAIN/EINTR: BSC_OK, wait again. */
static bsc_status took(bsc_conn *c, ssize_t r)
{
	if (r > 0) {
		bsc_parser_commit(&c->parser, (size_t)r);
		c->last_read = bsc_now();
		return BSC_OK;
	}
	if (r == 0) {
		return bsc_conn_fail(c, BSC_ERR_EOF, "%s closed the connection", c->ep.name);
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return BSC_OK;
	}
	return conn_fail_errno(c, errno == ECONNRESET ? BSC_ERR_EOF : BSC_ERR_IO, "cannot read from", errno);
}

/* One recv() that blocks until bytes come or the deadline passes: the
 * socket's SO_RCVTIMEO is the deadline (set only when it changes), so an
 * ordinary reply costs one system call. Such a recv() is never restarted
 * after a signal handler (signal(7)), so interrupts are seen. */
static bsc_status read_blocking(bsc_conn *c, double deadline, char *space, size_t avail, bool *got)
{
	int ms = bsc_poll_ms(deadline);

	*got = false;
	if (ms == 0) {
		return bsc_conn_fail(c, BSC_ERR_TIMEOUT, "no reply from %s within the timeout", c->ep.name);
	}
	if (ms != c->rcvtimeo_ms) {
		struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
		if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
			return conn_fail_errno(c, BSC_ERR_IO, "cannot set the reply timeout for", errno);
		}
		c->rcvtimeo_ms = ms;
	}
	ssize_t r = recv(c->fd, space, avail, 0);
	int e = errno;
	bsc_status st = took(c, r);
	*got = r > 0;
	if (st == BSC_OK && r < 0 && e == EINTR && c->interrupt && c->interrupt(c->interrupt_ctx)) {
		return bsc_conn_fail(c, BSC_ERR_INTERRUPTED, "wait for %s interrupted", c->ep.name);
	}
	return st;
}

static bsc_status read_some(bsc_conn *c, double deadline)
{
	for (;;) {
		size_t avail;
		char *space = bsc_parser_space(&c->parser, READ_CHUNK, &avail);
		if (!space) {
			return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory reading from %s", c->ep.name);
		}
		/* No deadline, or signals to be let in only while waiting (the
		 * worker): poll(), which a signal always interrupts. */
		if (deadline > 0 && !c->has_wait_mask) {
			bool got;
			bsc_status st = read_blocking(c, deadline, space, avail, &got);
			if (st != BSC_OK || got) {
				return st;
			}
			continue;
		}
		int p = conn_poll(c, POLLIN, deadline);
		if (p == 0) {
			return bsc_conn_fail(c, BSC_ERR_TIMEOUT, "no reply from %s within the timeout", c->ep.name);
		}
		if (p < 0) {
			if (errno != EINTR) {
				return conn_fail_errno(c, BSC_ERR_IO, "cannot wait for", errno);
			}
			if (c->interrupt && c->interrupt(c->interrupt_ctx)) {
				return bsc_conn_fail(c, BSC_ERR_INTERRUPTED, "wait for %s interrupted", c->ep.name);
			}
			continue;
		}
		ssize_t r = recv(c->fd, space, avail, MSG_DONTWAIT);
		bsc_status st = took(c, r);
		if (st != BSC_OK || r > 0) {
			return st;
		}
	}
}

bsc_status bsc_conn_recv(bsc_conn *c, bsc_reply *reply, double timeout)
{
	double deadline = bsc_deadline_after(timeout);

	if (c->fd < 0) {
		return c->err ? c->err : bsc_conn_fail(c, BSC_ERR_IO, "not connected to %s", c->ep.name);
	}
	if (c->expect_len == 0) {
		return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "no reply is pending from %s", c->ep.name);
	}
	for (;;) {
		bsc_status st;
		switch (bsc_parser_next(&c->parser, reply)) {
		case BSC_PARSE_REPLY:
			switch (expect_pop(c)) {
			case EXPECT_CALLER:
				return BSC_OK;
			case EXPECT_USING:
				if (reply->kind != BSC_REPLY_USING) {
					return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered use with %s", c->ep.name, bsc_reply_name(reply->kind));
				}
				break;
			case EXPECT_WATCHING:
				if (reply->kind != BSC_REPLY_WATCHING) {
					return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered watch/ignore with %s", c->ep.name, bsc_reply_name(reply->kind));
				}
				break;
			}
			continue;
		case BSC_PARSE_ERROR:
			return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "bad reply from %s: %s", c->ep.name, c->parser.errstr);
		case BSC_PARSE_MORE:
			if ((st = read_some(c, deadline)) != BSC_OK) {
				return st;
			}
			continue;
		}
	}
}
/* }}} */
