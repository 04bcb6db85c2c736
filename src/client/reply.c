/*
 * Reading the replies of a connection: one recv() per reply where a
 * deadline allows it, every reply matched to the request it answers, the
 * tube commands' and the waitless puts' replies taken in on the way, and
 * the limits on a reply that stops half-way or says more than it was asked.
 * See conn.h.
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
#include <time.h>

#define READ_CHUNK 16384
/* The fewest bytes a reply takes ("BURIED\r\n", "PAUSED\r\n"). */
#define REPLY_MIN 8
/* From this many replies owed, a read that waits waits for the bytes
 * they take at the least (SO_RCVLOWAT): a long run of replies (a coalesced
 * write's, putMany's) comes in a few reads, not in as many as beanstalkd
 * makes writes. The wait still ends at the deadline, with what came. */
#define LOWAT_FROM 16

/* Whether bytes that arrived then (by the socket's receive time) came
 * before the write that ended the last idle spell: nobody asked for them. */
static bool read_before_asked(const bsc_conn *c, const struct timespec *arrived)
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

/* One recv(); where the socket gives receive times (conn.c), *early says
 * whether the bytes came before they were asked for. */
static ssize_t conn_read(bsc_conn *c, char *space, size_t avail, int flags, bool *early)
{
	*early = false;
	if (!c->rx_stamps) {
		return recv(c->fd, space, avail, flags);
	}
	union {
		char buf[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} control;
	struct iovec iov = { .iov_base = space, .iov_len = avail };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
	ssize_t r = recvmsg(c->fd, &m, flags);
	for (struct cmsghdr *cm = r > 0 ? CMSG_FIRSTHDR(&m) : NULL; cm; cm = CMSG_NXTHDR(&m, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec arrived;
			memcpy(&arrived, CMSG_DATA(cm), sizeof(arrived));
			*early = read_before_asked(c, &arrived);
		}
	}
	return r;
}

/* What recv() returned, as a status; EAGAIN/EINTR: BSC_OK, wait again. */
static bsc_status absorb_recv(bsc_conn *c, ssize_t r, bool early)
{
	if (r > 0 && early) {
		return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s sent %zd bytes before they were asked for (while the connection was idle): the stream is out of step",
			c->ep.name, r);
	}
	if (r > 0) {
		bsc_parser_commit(&c->parser, (size_t)r);
		c->first_read_due = false;
		return BSC_OK;
	}
	if (r == 0) {
		return bsc_conn_fail(c, BSC_ERR_EOF, "%s closed the connection", c->ep.name);
	}
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		return BSC_OK;
	}
	return bsc_conn_fail_errno(c, errno == ECONNRESET ? BSC_ERR_EOF : BSC_ERR_IO, "cannot read from", errno);
}

/* Sets the socket's SO_RCVLOWAT to lowat bytes, when it is not so. */
static bsc_status set_lowat(bsc_conn *c, int lowat)
{
	if (lowat != c->rcvlowat) {
		if (setsockopt(c->fd, SOL_SOCKET, SO_RCVLOWAT, &lowat, sizeof(lowat)) < 0) {
			return bsc_conn_fail_errno(c, BSC_ERR_IO, "cannot set the receive low-water mark for", errno);
		}
		c->rcvlowat = lowat;
	}
	return BSC_OK;
}

/* The bytes a read that waits may wait for: with the first reply owed
 * begun at most (the parser holds no whole one), the rest of it, one byte
 * at the least, and REPLY_MIN for each behind it; 1 below LOWAT_FROM, and
 * for the first read after an idle spell, whose receive time must be that
 * of what came first (bytes nobody asked for would come first). */
static int lowat_for(const bsc_conn *c)
{
	if (c->expect.len < LOWAT_FROM || c->first_read_due) {
		return 1;
	}
	size_t least = (c->expect.len - 1) * REPLY_MIN + 1;
	return least < READ_CHUNK ? (int)least : READ_CHUNK;
}

/* One recv() that blocks until bytes come or the deadline passes: the
 * socket's SO_RCVTIMEO is the deadline (set only when it changes), so an
 * ordinary reply costs one system call. Only for a wait no signal ends: a
 * signal during it (EINTR) is a wait to go on with. BSC_ERR_TIMEOUT is
 * returned with the connection still open: the caller says why. */
static bsc_status read_blocking(bsc_conn *c, double deadline, char *space, size_t avail, bool *got)
{
	int ms = bsc_poll_ms(deadline);

	*got = false;
	if (ms == 0) {
		return BSC_ERR_TIMEOUT;
	}
	if (ms != c->rcvtimeo_ms) {
		struct timeval tv = { .tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000 };
		if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0) {
			return bsc_conn_fail_errno(c, BSC_ERR_IO, "cannot set the reply timeout for", errno);
		}
		c->rcvtimeo_ms = ms;
	}
	bsc_status st = set_lowat(c, lowat_for(c));
	if (st != BSC_OK) {
		return st;
	}
	bool early;
	ssize_t r = conn_read(c, space, avail, 0, &early);
	*got = r > 0;
	return absorb_recv(c, r, early);
}

/* Reads what comes by the deadline into the parser. BSC_ERR_TIMEOUT leaves
 * the connection open for the caller to fail with its own message. */
static bsc_status read_some(bsc_conn *c, double deadline)
{
	for (;;) {
		size_t avail;
		char *space = bsc_parser_space(&c->parser, READ_CHUNK, &avail);
		if (!space) {
			return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory reading from %s", c->ep.name);
		}
		/* No deadline, signals to be let in only while waiting (the
		 * worker), or a wait a signal may end: poll(), which a signal
		 * always interrupts. A signal that came before the wait (between
		 * two reads of a reply, or before the first) interrupted no system
		 * call: the interrupt function is looked at first, with the
		 * signals held back until the wait lets them in. */
		bool may_end = !c->wait_mask && bsc_conn_reply_wait_may_end(c);
		if (deadline > 0 && !c->wait_mask && !may_end) {
			bool got;
			bsc_status st = read_blocking(c, deadline, space, avail, &got);
			if (st != BSC_OK || got) {
				return st;
			}
			continue;
		}
		/* poll() too says readable only from the low-water mark. */
		bsc_status st = set_lowat(c, 1);
		if (st != BSC_OK) {
			return st;
		}
		int p = bsc_conn_poll(c, POLLIN, deadline, may_end);
		if (p == 0) {
			return BSC_ERR_TIMEOUT;
		}
		if (p < 0) {
			if (errno != EINTR) {
				return bsc_conn_fail_errno(c, BSC_ERR_IO, "cannot wait for", errno);
			}
			if (bsc_conn_reply_wait_interrupted(c)) {
				return bsc_conn_fail(c, BSC_ERR_INTERRUPTED, "wait for %s interrupted", c->ep.name);
			}
			continue;
		}
		bool early;
		ssize_t r = conn_read(c, space, avail, MSG_DONTWAIT, &early);
		st = absorb_recv(c, r, early);
		if (st != BSC_OK || r > 0) {
			return st;
		}
	}
}

/* A reply was taken for a request the connection answers itself: a tube
 * command sent before the caller's requests, a put that did not wait, a
 * reserve sent ahead. It must be what that request answers. */
static bool own_reply_fits(bsc_conn *c, bsc_expect_tag tag, const bsc_reply *reply)
{
	if (tag == BSC_EXPECT_DELETE) {
		uint64_t id;
		bool let_go;
		if (!bsc_prefetch_delete_answer(&c->prefetch, reply, &id, &let_go)) {
			bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered delete with %s", c->ep.name, bsc_reply_name(reply->kind));
			return false;
		}
		if (let_go) {
			bsc_conn_let_go(c, id);
		}
		return true;
	}
	if (tag == BSC_EXPECT_PREFETCH) {
		bool brought;
		if (!bsc_prefetch_answer(&c->prefetch, reply, &brought)) {
			bsc_conn_fail(c, bsc_reply_is_error(reply->kind) || reply->kind != BSC_REPLY_RESERVED ? BSC_ERR_PROTOCOL : BSC_ERR_NOMEM,
				"%s answered a reserve with %s", c->ep.name, bsc_reply_name(reply->kind));
			return false;
		}
		if (brought) {
			bsc_conn_hold(c, reply->num);
		}
		return bsc_conn_is_connected(c);
	}
	if (tag == BSC_EXPECT_ASYNC) {
		if (!bsc_async_resolve(&c->async, reply)) {
			bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered a put with %s", c->ep.name, bsc_reply_name(reply->kind));
			return false;
		}
		/* After these the server may have read the body as commands. */
		if (reply->kind == BSC_REPLY_BAD_FORMAT || reply->kind == BSC_REPLY_EXPECTED_CRLF) {
			bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered a put with %s: the stream cannot be trusted", c->ep.name,
				bsc_reply_name(reply->kind));
			return false;
		}
		return true;
	}
	bsc_reply_kind want = tag == BSC_EXPECT_USING ? BSC_REPLY_USING : BSC_REPLY_WATCHING;

	if (reply->kind == want) {
		return true;
	}
	bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered %s with %s", c->ep.name,
		tag == BSC_EXPECT_USING ? "use" : "watch/ignore", bsc_reply_name(reply->kind));
	return false;
}

/* Every reply owed has been taken. Bytes after the last one mean the server
 * said more than it was asked: the stream is out of step, and the
 * connection is not to be used again. But the replies taken were valid
 * answers to what was sent (a put's id is that of a job the server
 * stored): they stand. The bytes stay in the buffer, where they keep the
 * connection from being idle (a persistent one is not handed on) and make
 * the next command replace it before a byte of its own goes out; closing
 * it now would free the buffer the caller's reply points into. */
static bsc_status caller_reply_taken(bsc_conn *c)
{
	if (c->expect.len == 0) {
		c->request_out = false;
		c->idle_since = bsc_now();
	}
	return BSC_OK;
}

static double earlier(double a, double b)
{
	if (a <= 0) {
		return b;
	}
	return b > 0 && b < a ? b : a;
}

/* The wait for a reply ran out: says which limit, and how far it got. */
static bsc_status reply_timed_out(bsc_conn *c, double deadline, double limit, double reply_deadline)
{
	size_t got = bsc_parser_pending(&c->parser);

	if (got == 0) {
		return bsc_conn_fail(c, BSC_ERR_TIMEOUT, "no reply from %s within %.3f s", c->ep.name, limit);
	}
	bool rest_limit = reply_deadline > 0 && (deadline <= 0 || reply_deadline <= deadline);
	return bsc_conn_fail(c, BSC_ERR_TIMEOUT, "the reply from %s stopped after %zu byte%s: the rest did not come within %.3f s",
		c->ep.name, got, got == 1 ? "" : "s", rest_limit ? c->opt.timeout : limit);
}

typedef enum {
	TAKE_CALLERS,    /* up to and with the caller's next reply */
	TAKE_OWN,        /* the connection's own, until a caller's is next or none is owed */
	TAKE_ARRIVED,    /* as TAKE_OWN, but only what has arrived: never waits */
	TAKE_PREFETCH,      /* as TAKE_OWN, until a reserve sent ahead has brought a job */
	TAKE_DELETES     /* as TAKE_OWN, until no delete sent without a wait is out */
} take_mode;

/* One recv() of what has arrived, never waiting; *got: bytes came. */
static bsc_status read_arrived(bsc_conn *c, bool *got)
{
	size_t avail;
	char *space = bsc_parser_space(&c->parser, READ_CHUNK, &avail);

	*got = false;
	if (!space) {
		return bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory reading from %s", c->ep.name);
	}
	bool early;
	ssize_t r = conn_read(c, space, avail, MSG_DONTWAIT, &early);
	*got = r > 0;
	return absorb_recv(c, r, early);
}

/* Reads replies as mode says, taking in on the way those the connection
 * answers itself. */
static bsc_status take_replies(bsc_conn *c, bsc_reply *reply, double deadline, double limit, take_mode mode)
{
	bool own_only = mode != TAKE_CALLERS;
	double reply_deadline = 0;   /* once the reply began: the rest by then */

	bsc_conn_check_owner(c);
	if (c->fd < 0) {
		return own_only ? BSC_OK : c->err ? c->err : bsc_conn_fail(c, BSC_ERR_IO, "not connected to %s", c->ep.name);
	}
	for (;;) {
		if (own_only && (c->expect.len == 0 || bsc_expect_front(&c->expect)->tag == BSC_EXPECT_CALLER)) {
			return c->expect.len == 0 ? caller_reply_taken(c) : BSC_OK;
		}
		if ((mode == TAKE_PREFETCH && c->prefetch.len > 0) || (mode == TAKE_DELETES && c->prefetch.deleting_len == 0)) {
			return BSC_OK;
		}
		if (c->expect.len == 0) {
			return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "no reply is pending from %s", c->ep.name);
		}
		bsc_status st;
		bsc_parser_set_body_max(&c->parser, bsc_expect_front(&c->expect)->body_max);
		switch (bsc_parser_next(&c->parser, reply)) {
		case BSC_PARSE_REPLY: {
			bsc_expect_tag tag = bsc_expect_pop(&c->expect);
			if (tag == BSC_EXPECT_CALLER) {
				return caller_reply_taken(c);
			}
			if (!own_reply_fits(c, tag, reply)) {
				return BSC_ERR_PROTOCOL;
			}
			reply_deadline = 0;
			continue;
		}
		case BSC_PARSE_ERROR:
			return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "bad reply from %s: %s", c->ep.name, c->parser.errstr);
		case BSC_PARSE_MORE:
			if (reply_deadline == 0 && c->opt.timeout > 0 && bsc_parser_pending(&c->parser) > 0) {
				reply_deadline = bsc_now() + c->opt.timeout;
			}
			if (mode == TAKE_ARRIVED) {
				bool got;
				st = read_arrived(c, &got);
				if (st != BSC_OK || !got) {
					return st;
				}
				continue;
			}
			st = read_some(c, earlier(deadline, reply_deadline));
			if (st == BSC_ERR_TIMEOUT) {
				return reply_timed_out(c, deadline, limit, reply_deadline);
			}
			if (st != BSC_OK) {
				return st;
			}
			continue;
		}
	}
}

bsc_status bsc_conn_recv_by(bsc_conn *c, bsc_reply *reply, double deadline, double limit)
{
	return take_replies(c, reply, deadline, limit, TAKE_CALLERS);
}

bsc_status bsc_conn_flush_async(bsc_conn *c, double timeout)
{
	bsc_reply reply;
	bsc_status st = bsc_conn_settle_held(c);

	if (st != BSC_OK) {
		return st;
	}
	return take_replies(c, &reply, bsc_deadline_after(timeout), timeout, TAKE_OWN);
}

bsc_status bsc_conn_collect(bsc_conn *c)
{
	bsc_reply reply;

	return take_replies(c, &reply, 0, 0, TAKE_ARRIVED);
}

bsc_status bsc_conn_settle_deletes(bsc_conn *c, double timeout)
{
	bsc_reply reply;

	return take_replies(c, &reply, bsc_deadline_after(timeout), timeout, TAKE_DELETES);
}

bsc_status bsc_conn_wait_prefetch(bsc_conn *c, double deadline, double limit)
{
	bsc_reply reply;

	return take_replies(c, &reply, deadline, limit, TAKE_PREFETCH);
}

bsc_status bsc_conn_recv(bsc_conn *c, bsc_reply *reply, double timeout)
{
	return bsc_conn_recv_by(c, reply, bsc_deadline_after(timeout), timeout);
}
