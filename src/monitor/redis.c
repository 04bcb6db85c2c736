/*
 * A small Redis client. See redis.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/monitor/redis.h"
#include "src/grow.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef BSC_HAVE_HIREDIS
# include <hiredis.h>
#endif

bool bsc_redis_available(void)
{
#ifdef BSC_HAVE_HIREDIS
	return true;
#else
	return false;
#endif
}

/* {{{ requests */
void bsc_resp_init(bsc_resp *r)
{
	memset(r, 0, sizeof(*r));
}

void bsc_resp_free(bsc_resp *r)
{
	free(r->buf);
	bsc_resp_init(r);
}

void bsc_resp_reset(bsc_resp *r)
{
	r->len = 0;
	r->count = 0;
	r->failed = false;
}

static void resp_append(bsc_resp *r, const char *s, size_t len)
{
	if (r->failed) {
		return;
	}
	if (!bsc_grow(&r->buf, &r->cap, r->len + len, 1, 512)) {
		r->failed = true;
		return;
	}
	memcpy(r->buf + r->len, s, len);
	r->len += len;
}

void bsc_resp_begin(bsc_resp *r, size_t argc)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "*%zu\r\n", argc);

	resp_append(r, head, (size_t)n);
	r->count++;
}

void bsc_resp_arg(bsc_resp *r, const char *s, size_t len)
{
	char head[32];
	int n = snprintf(head, sizeof(head), "$%zu\r\n", len);

	resp_append(r, head, (size_t)n);
	resp_append(r, s, len);
	resp_append(r, "\r\n", 2);
}

void bsc_resp_str(bsc_resp *r, const char *s)
{
	bsc_resp_arg(r, s, strlen(s));
}

void bsc_resp_argf(bsc_resp *r, const char *fmt, ...)
{
	char arg[512];
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(arg, sizeof(arg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(arg)) {
		r->failed = true;
		return;
	}
	bsc_resp_arg(r, arg, (size_t)n);
}

void bsc_resp_command(bsc_resp *r, const char *arg, ...)
{
	va_list ap;
	size_t argc = 0;

	va_start(ap, arg);
	for (const char *a = arg; a; a = va_arg(ap, const char *)) {
		argc++;
	}
	va_end(ap);
	bsc_resp_begin(r, argc);
	va_start(ap, arg);
	for (const char *a = arg; a; a = va_arg(ap, const char *)) {
		bsc_resp_str(r, a);
	}
	va_end(ap);
}
/* }}} */

/* {{{ replies */
const char *bsc_redis_reply_text(const bsc_redis_reply *r, char *buf, size_t size)
{
	size_t n = 0;

	if (!r || (r->type != BSC_REDIS_STRING && r->type != BSC_REDIS_STATUS && r->type != BSC_REDIS_ERROR)) {
		snprintf(buf, size, "%s", !r ? "nothing" : r->type == BSC_REDIS_ARRAY ? "an array" : r->type == BSC_REDIS_NIL ? "nil" : "an integer");
		return buf;
	}
	for (size_t i = 0; i < r->len && n + 1 < size; i++) {
		unsigned char c = (unsigned char)r->str[i];
		buf[n++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	buf[n] = '\0';
	return buf;
}

void bsc_redis_reply_free(bsc_redis_reply *r)
{
	if (!r) {
		return;
	}
	for (size_t i = 0; i < r->elements; i++) {
		bsc_redis_reply_free(r->element[i]);
	}
	free(r->element);
	free(r);
}
/* }}} */

#ifdef BSC_HAVE_HIREDIS
/* {{{ the connection */
typedef enum {
	CONN_CLOSED,
	CONN_CONNECTING,
	CONN_IDLE,
	CONN_BUSY
} conn_state;

struct bsc_redis {
	bsc_redis_address addr;
	size_t reply_max;
	int fd;
	conn_state state;
	redisReader *reader;
	bsc_resp out;                /* AUTH and SELECT on a new connection, then the requests */
	size_t sent;
	size_t hidden;               /* replies of our own in front (AUTH, SELECT) */
	size_t expect, taken;        /* replies in all, and read so far */
	size_t got;                  /* the caller's, in replies */
	size_t read_bytes;
	double deadline, limit;
	bsc_redis_reply **replies;   /* the caller's */
	size_t replies_cap;
	char errstr[BSC_ERRSTR_LEN];
};

bsc_redis *bsc_redis_new(const bsc_redis_address *a, size_t reply_max)
{
	bsc_redis *r = calloc(1, sizeof(*r));

	if (!r) {
		return NULL;
	}
	r->addr = *a;
	r->reply_max = reply_max;
	r->fd = -1;
	bsc_resp_init(&r->out);
	return r;
}

static void drop_replies(bsc_redis *r)
{
	for (size_t i = 0; i < r->got; i++) {
		bsc_redis_reply_free(r->replies[i]);
		r->replies[i] = NULL;
	}
	r->got = 0;
}

void bsc_redis_close(bsc_redis *r)
{
	if (r->fd >= 0) {
		close(r->fd);
		r->fd = -1;
	}
	if (r->reader) {
		redisReaderFree(r->reader);
		r->reader = NULL;
	}
	r->state = CONN_CLOSED;
}

void bsc_redis_free(bsc_redis *r)
{
	if (!r) {
		return;
	}
	bsc_redis_close(r);
	drop_replies(r);
	free(r->replies);
	bsc_resp_free(&r->out);
	/* The password goes with the memory. */
	explicit_bzero(&r->addr, sizeof(r->addr));
	free(r);
}

static bsc_redis_step fail(bsc_redis *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bsc_redis_step fail(bsc_redis *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->errstr, sizeof(r->errstr), fmt, ap);
	va_end(ap);
	bsc_redis_close(r);
	drop_replies(r);
	return BSC_REDIS_FAILED;
}

/* Starts a non-blocking connect: CONNECTING, or BUSY when it is done at
 * once (a unix socket). */
static bsc_redis_step start_connect(bsc_redis *r)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	int family;
	const bsc_endpoint *ep = &r->addr.ep;

	memset(&ss, 0, sizeof(ss));
	if (ep->is_unix) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, ep->path, strlen(ep->path) + 1);
		sslen = sizeof(*sun);
		family = AF_UNIX;
	} else {
		struct addrinfo hints, *res = NULL;
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
		int gai = getaddrinfo(ep->host, ep->port, &hints, &res);
		if (gai == EAI_NONAME) {
			hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
			gai = getaddrinfo(ep->host, ep->port, &hints, &res);
		}
		if (gai != 0 || !res) {
			return fail(r, "cannot resolve %.60s: %.60s", ep->name, gai ? gai_strerror(gai) : "no address");
		}
		memcpy(&ss, res->ai_addr, res->ai_addrlen);
		sslen = res->ai_addrlen;
		family = res->ai_family;
		freeaddrinfo(res);
	}
	r->fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (r->fd < 0) {
		return fail(r, "cannot connect to %s: %s", r->addr.name, strerror(errno));
	}
	if (family != AF_UNIX) {
		int on = 1;
		setsockopt(r->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	}
	r->reader = redisReaderCreate();
	if (!r->reader) {
		return fail(r, "out of memory");
	}
	if (connect(r->fd, (struct sockaddr *)&ss, sslen) == 0) {
		r->state = CONN_BUSY;
		return BSC_REDIS_BUSY;
	}
	if (errno != EINPROGRESS && errno != EAGAIN) {
		return fail(r, "cannot connect to %s: %s", r->addr.name, strerror(errno));
	}
	r->state = CONN_CONNECTING;
	return BSC_REDIS_BUSY;
}

/* An idle connection with bytes to read, or closed by the server: its
 * stream is not ours to trust any more. */
static bool idle_connection_usable(bsc_redis *r)
{
	char c;
	ssize_t n = recv(r->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bsc_redis_step bsc_redis_begin(bsc_redis *r, const bsc_resp *req, double deadline)
{
	drop_replies(r);
	if (req->failed) {
		return fail(r, "out of memory");
	}
	if (req->count == 0) {
		return BSC_REDIS_DONE;   /* nothing asked, nothing to wait for */
	}
	if (r->state == CONN_BUSY || r->state == CONN_CONNECTING || (r->state == CONN_IDLE && !idle_connection_usable(r))) {
		bsc_redis_close(r);
	}
	bsc_resp_reset(&r->out);
	if (r->state == CONN_CLOSED) {
		if (r->addr.password[0]) {
			if (r->addr.user[0]) {
				bsc_resp_command(&r->out, "AUTH", r->addr.user, r->addr.password, (char *)NULL);
			} else {
				bsc_resp_command(&r->out, "AUTH", r->addr.password, (char *)NULL);
			}
		}
		if (r->addr.db >= 0) {
			bsc_resp_begin(&r->out, 2);
			bsc_resp_str(&r->out, "SELECT");
			bsc_resp_argf(&r->out, "%d", r->addr.db);
		}
	}
	r->hidden = r->out.count;
	resp_append(&r->out, req->buf, req->len);
	r->expect = r->hidden + req->count;
	if (r->out.failed) {
		return fail(r, "out of memory");
	}
	if (!bsc_grow(&r->replies, &r->replies_cap, req->count, sizeof(*r->replies), 8)) {
		return fail(r, "out of memory");
	}
	r->sent = 0;
	r->taken = 0;
	r->read_bytes = 0;
	r->deadline = deadline;
	r->limit = deadline - bsc_now();
	if (r->state == CONN_CLOSED) {
		if (start_connect(r) == BSC_REDIS_FAILED) {
			return BSC_REDIS_FAILED;
		}
	} else {
		r->state = CONN_BUSY;
	}
	return bsc_redis_advance(r);
}

int bsc_redis_fd(const bsc_redis *r)
{
	return r->fd;
}

short bsc_redis_events(const bsc_redis *r)
{
	return (r->state == CONN_CONNECTING || r->sent < r->out.len) ? POLLOUT : POLLIN;
}

/* A copy of hiredis's reply in our own type. */
static bsc_redis_reply *reply_copy(const redisReply *src)
{
	size_t extra = (src->type == REDIS_REPLY_STRING || src->type == REDIS_REPLY_STATUS || src->type == REDIS_REPLY_ERROR) ? src->len + 1 : 0;
	bsc_redis_reply *r = calloc(1, sizeof(*r) + extra);

	if (!r) {
		return NULL;
	}
	r->type = src->type == REDIS_REPLY_STRING ? BSC_REDIS_STRING : src->type == REDIS_REPLY_ARRAY ? BSC_REDIS_ARRAY
		: src->type == REDIS_REPLY_INTEGER ? BSC_REDIS_INTEGER : src->type == REDIS_REPLY_STATUS ? BSC_REDIS_STATUS
		: src->type == REDIS_REPLY_ERROR ? BSC_REDIS_ERROR : BSC_REDIS_NIL;
	r->integer = src->integer;
	if (extra) {
		char *s = (char *)(r + 1);
		memcpy(s, src->str, src->len);
		s[src->len] = '\0';
		r->str = s;
		r->len = src->len;
	}
	if (src->type == REDIS_REPLY_ARRAY && src->elements > 0) {
		r->element = calloc(src->elements, sizeof(*r->element));
		if (!r->element) {
			free(r);
			return NULL;
		}
		r->elements = src->elements;
		for (size_t i = 0; i < src->elements; i++) {
			if (!(r->element[i] = reply_copy(src->element[i]))) {
				bsc_redis_reply_free(r);
				return NULL;
			}
		}
	}
	return r;
}

/* Checks a reply to our own AUTH or SELECT. */
static bsc_redis_step check_hidden(bsc_redis *r, const redisReply *reply, size_t i)
{
	char text[120];

	if (reply->type == REDIS_REPLY_STATUS) {
		return BSC_REDIS_BUSY;
	}
	snprintf(text, sizeof(text), "%.*s", reply->type == REDIS_REPLY_ERROR ? (int)(reply->len < 100 ? reply->len : 100) : 0,
		reply->type == REDIS_REPLY_ERROR ? reply->str : "");
	return fail(r, "%s refused %s: %s", r->addr.name, (i == 0 && r->addr.password[0]) ? "AUTH" : "SELECT",
		text[0] ? text : "not OK");
}

/* Takes the replies the reader has complete. */
static bsc_redis_step take_replies(bsc_redis *r)
{
	while (r->taken < r->expect) {
		void *obj = NULL;
		if (redisReaderGetReply(r->reader, &obj) != REDIS_OK) {
			return fail(r, "%s answered what is not Redis's protocol: %.100s", r->addr.name, r->reader->errstr);
		}
		if (!obj) {
			return BSC_REDIS_BUSY;
		}
		size_t i = r->taken++;
		bsc_redis_step step = BSC_REDIS_BUSY;
		if (i < r->hidden) {
			step = check_hidden(r, obj, i);
		} else if ((r->replies[r->got] = reply_copy(obj)) != NULL) {
			r->got++;
		} else {
			step = fail(r, "out of memory");
		}
		freeReplyObject(obj);
		if (step == BSC_REDIS_FAILED) {
			return step;
		}
	}
	r->state = CONN_IDLE;
	return BSC_REDIS_DONE;
}

static bsc_redis_step read_some(bsc_redis *r)
{
	char buf[16384];

	for (;;) {
		ssize_t n = recv(r->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0) {
			return fail(r, "%s closed the connection", r->addr.name);
		}
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				return BSC_REDIS_BUSY;
			}
			return fail(r, "cannot read from %s: %s", r->addr.name, strerror(errno));
		}
		r->read_bytes += (size_t)n;
		if (r->read_bytes > r->reply_max) {
			return fail(r, "%s answered more than %zu bytes", r->addr.name, r->reply_max);
		}
		if (redisReaderFeed(r->reader, buf, (size_t)n) != REDIS_OK) {
			return fail(r, "out of memory");
		}
		bsc_redis_step step = take_replies(r);
		if (step != BSC_REDIS_BUSY) {
			return step;
		}
	}
}

static bsc_redis_step write_some(bsc_redis *r)
{
	while (r->sent < r->out.len) {
		ssize_t n = send(r->fd, r->out.buf + r->sent, r->out.len - r->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				return BSC_REDIS_BUSY;
			}
			return fail(r, "cannot write to %s: %s", r->addr.name, strerror(errno));
		}
		r->sent += (size_t)n;
	}
	return BSC_REDIS_BUSY;
}

bsc_redis_step bsc_redis_advance(bsc_redis *r)
{
	if (r->state == CONN_CONNECTING) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLOUT };
		if (poll(&pfd, 1, 0) > 0) {
			int soerr = 0;
			socklen_t slen = sizeof(soerr);
			if (getsockopt(r->fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) < 0) {
				soerr = errno;
			}
			if (soerr) {
				return fail(r, "cannot connect to %s: %s", r->addr.name, strerror(soerr));
			}
			r->state = CONN_BUSY;
		} else if (bsc_now() >= r->deadline) {
			return fail(r, "cannot connect to %s: no answer within %.2f s", r->addr.name, r->limit);
		} else {
			return BSC_REDIS_BUSY;
		}
	}
	if (r->state != CONN_BUSY) {
		return fail(r, "no exchange under way");
	}
	if (write_some(r) == BSC_REDIS_FAILED) {
		return BSC_REDIS_FAILED;
	}
	bsc_redis_step step = read_some(r);
	if (step == BSC_REDIS_BUSY && bsc_now() >= r->deadline) {
		return fail(r, "no answer from %s within %.2f s", r->addr.name, r->limit);
	}
	if (step == BSC_REDIS_DONE && r->reader->len > r->reader->pos) {
		/* More than was asked for: the next exchange starts afresh. */
		bsc_redis_close(r);
	}
	return step;
}

bool bsc_redis_exchange(bsc_redis *r, const bsc_resp *req, double timeout)
{
	double deadline = bsc_now() + timeout;
	bsc_redis_step step = bsc_redis_begin(r, req, deadline);

	while (step == BSC_REDIS_BUSY) {
		struct pollfd pfd = { .fd = r->fd, .events = bsc_redis_events(r) };
		if (poll(&pfd, 1, bsc_poll_ms(deadline)) < 0 && errno != EINTR) {
			fail(r, "poll: %s", strerror(errno));
			return false;
		}
		step = bsc_redis_advance(r);
	}
	return step == BSC_REDIS_DONE;
}

bsc_redis_reply *const *bsc_redis_replies(const bsc_redis *r, size_t *count)
{
	*count = r->got;
	return r->replies;
}

bsc_redis_reply *bsc_redis_take_reply(bsc_redis *r, size_t i)
{
	bsc_redis_reply *reply = i < r->got ? r->replies[i] : NULL;

	if (reply) {
		r->replies[i] = NULL;
	}
	return reply;
}

const char *bsc_redis_errstr(const bsc_redis *r)
{
	return r->errstr;
}
/* }}} */
#else
/* {{{ without hiredis */
struct bsc_redis {
	char errstr[BSC_ERRSTR_LEN];
};

bsc_redis *bsc_redis_new(const bsc_redis_address *a, size_t reply_max)
{
	(void)a;
	(void)reply_max;
	return calloc(1, sizeof(bsc_redis));
}

void bsc_redis_free(bsc_redis *r)
{
	free(r);
}

void bsc_redis_close(bsc_redis *r)
{
	(void)r;
}

bsc_redis_step bsc_redis_begin(bsc_redis *r, const bsc_resp *req, double deadline)
{
	(void)req;
	(void)deadline;
	snprintf(r->errstr, sizeof(r->errstr), "%s", BSC_REDIS_MISSING);
	return BSC_REDIS_FAILED;
}

int bsc_redis_fd(const bsc_redis *r)
{
	(void)r;
	return -1;
}

short bsc_redis_events(const bsc_redis *r)
{
	(void)r;
	return 0;
}

bsc_redis_step bsc_redis_advance(bsc_redis *r)
{
	return bsc_redis_begin(r, NULL, 0);
}

bool bsc_redis_exchange(bsc_redis *r, const bsc_resp *req, double timeout)
{
	(void)timeout;
	return bsc_redis_begin(r, req, 0) == BSC_REDIS_DONE;
}

bsc_redis_reply *const *bsc_redis_replies(const bsc_redis *r, size_t *count)
{
	(void)r;
	*count = 0;
	return NULL;
}

bsc_redis_reply *bsc_redis_take_reply(bsc_redis *r, size_t i)
{
	(void)r;
	(void)i;
	return NULL;
}

const char *bsc_redis_errstr(const bsc_redis *r)
{
	return r->errstr;
}
/* }}} */
#endif
