/*
 * Writing to a connection: the tube changes and the requests in one
 * writev, the puts held for one write (coalesce) in front of them, the
 * look at an idle connection before a command, and the one retry on a new
 * connection of a request of which not a byte left. See conn.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/client/conn_private.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>

#include "src/grow.h"

#define IOV_BATCH 1024
/* A connection idle for less than this (s) is not looked at before the
 * command that ends its idle spell (see idle_connection_is_unusable). */
#define IDLE_LOOK_AFTER 0.00025

static const char crlf[2] = { '\r', '\n' };

/* Appends one tube command to the scratch of this write (tubes.h). */
static bool sync_add(void *ctx, const char *verb, const bsc_tube_name *t)
{
	bsc_conn *c = ctx;
	bsc_line line;

	if (!bsc_grow(&c->sync, &c->sync_cap, c->sync_len + BSC_LINE_MAX, 1, 1024)) {
		return false;
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
	return bsc_grow(&c->iov, &c->iov_cap, n, sizeof(*c->iov), 8);
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
				int p = bsc_conn_poll(c, POLLOUT, deadline, false);
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
 * read gives it: read_before_asked in reply.c); at a read that takes them
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
 * (it is not replaced before a command anyway: a dead one fails it).
 * *now: the clock, when it was read for the rule (else left). */
static bool idle_connection_is_unusable(bsc_conn *c, double *now)
{
	char byte;

	if (c->expect.len > 0) {
		return false;  /* replies are owed: what comes is theirs */
	}
	if (bsc_parser_pending(&c->parser) > 0) {
		return true;
	}
	if (c->rx_stamps && (c->keep_dead || (*now = bsc_now()) - c->idle_since < IDLE_LOOK_AFTER)) {
		return false;
	}
	*now = 0;   /* the look takes a while */
	ssize_t r = recv(c->fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
	return r >= 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/* now: the monotonic clock read just before, or 0 (then it is read once,
 * when needed). */
static bsc_status send_once(bsc_conn *c, const bsc_request *reqs, size_t n, bsc_expect_tag tag, double now, size_t *written)
{
	size_t niov = 0, i;

	*written = 0;
	if (c->expect.len == 0 && c->rx_stamps) {
		/* The idle spell ends: no byte read from now on may be older. */
		clock_gettime(CLOCK_REALTIME, &c->busy_real);
		c->first_read_due = true;
		c->busy_mono = now = now > 0 ? now : bsc_now();
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
		if (reserve && now == 0) {
			now = bsc_now();
		}
		if (reserve && !bsc_prefetch_ask(&c->prefetch, now, reply_for == BSC_FOR_PREFETCH_WAITS)) {
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
		double now = 0;

		if (c->fd >= 0 && idle_connection_is_unusable(c, &now)) {
			if (c->keep_dead) {
				return bsc_conn_fail(c, BSC_ERR_EOF, "%s closed the connection, or sent what nobody asked for, while it was idle", c->ep.name);
			}
			bsc_conn_close(c);
		}
		if (c->fd < 0) {
			now = 0;   /* a connect takes a while */
			if ((st = bsc_conn_connect(c)) != BSC_OK) {
				return st;
			}
		}
		if (pinned && pinned != c->generation) {
			return BSC_NOT_FOUND;  /* the job went back to the server with the old connection */
		}
		st = send_once(c, reqs, n, tag, now, &written);
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

bsc_status bsc_conn_settle_held(bsc_conn *c)
{
	bsc_status st = bsc_conn_write_out(c);

	if (c->out_len > 0) {
		bsc_conn_close(c);   /* every sent put has its outcome: unconfirmed */
		bsc_async_drop_unsent(&c->async);
		c->out_len = c->out_tags_len = 0;
	}
	return st;
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

