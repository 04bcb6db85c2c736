/*
 * A small Redis client for the worker's status: the address forms, a
 * request writer (RESP arrays of bulk strings), and a connection whose
 * exchanges (a pipeline of requests, then all their replies) run either
 * without blocking, driven by the caller's poll() and bounded by a
 * deadline (the monitor thread, which must never wait on Redis), or to the
 * end in one call (Worker::fleet()).
 *
 * Replies are read by libhiredis's push parser (its redisReader, which does
 * no I/O) and handed out as bsc_redis_reply trees, so nothing outside this
 * file needs a hiredis header. The I/O is ours: hiredis's blocking calls
 * know a timeout per read(), not a deadline for a whole pipeline.
 *
 * Built without hiredis (BSC_HAVE_HIREDIS undefined), the address parser
 * and the writer remain, and a connection fails with a message that says
 * how to get Redis support.
 *
 * A password never leaves redis.c and redis_address.c (the address
 * forms): not in the address's name, not in an error message.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_REDIS_H
#define BSC_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/net.h"

#define BSC_REDIS_DEFAULT_PORT 6379
/* What a build without hiredis says when asked for Redis. */
#define BSC_REDIS_MISSING "Redis status support is not built in: install libhiredis-dev (Debian, Ubuntu) or hiredis-devel and rebuild the extension (configure finds it with pkg-config; --with-beanstalk-redis insists on it)"

/* Whether this build can talk to Redis. */
bool bsc_redis_available(void);

/* {{{ addresses */
typedef struct {
	bsc_endpoint ep;            /* host and port, or the socket's path */
	char user[128];             /* "" for none */
	char password[256];         /* "" for none: no AUTH */
	int db;                     /* -1: no SELECT */
	char name[420];             /* for messages and logs: never the password */
} bsc_redis_address;

/* "host:port", "host" (port 6379), "[v6]:port", "unix:///path", "/path",
 * "redis://[[user]:password@]host[:port][/db]" (user and password
 * percent-decoded). False with a message in errbuf that never repeats the
 * input (it may hold a password). */
bool bsc_redis_address_parse(bsc_redis_address *a, const char *s, size_t len, char errbuf[BSC_ERRSTR_LEN]);
/* }}} */

/* {{{ requests */
/* A growing buffer of requests. */
typedef struct {
	char *buf;
	size_t len, cap;
	size_t count;               /* requests in it: the replies to expect */
	bool failed;                /* memory ran out: the buffer is unusable */
} bsc_resp;

void bsc_resp_init(bsc_resp *r);
void bsc_resp_free(bsc_resp *r);
void bsc_resp_reset(bsc_resp *r);
/* A request of argc arguments: begin, then exactly argc args. */
void bsc_resp_begin(bsc_resp *r, size_t argc);
void bsc_resp_arg(bsc_resp *r, const char *s, size_t len);
void bsc_resp_str(bsc_resp *r, const char *s);
void bsc_resp_argf(bsc_resp *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A request of NULL-terminated string arguments. */
void bsc_resp_command(bsc_resp *r, const char *arg, ...) __attribute__((sentinel));
/* }}} */

/* {{{ replies */
typedef enum {
	BSC_REDIS_STRING = 1,
	BSC_REDIS_ARRAY,
	BSC_REDIS_INTEGER,
	BSC_REDIS_NIL,
	BSC_REDIS_STATUS,
	BSC_REDIS_ERROR
} bsc_redis_type;

typedef struct bsc_redis_reply {
	bsc_redis_type type;
	long long integer;
	const char *str;            /* STRING, STATUS, ERROR: NUL-terminated too */
	size_t len;
	struct bsc_redis_reply **element;
	size_t elements;
} bsc_redis_reply;

void bsc_redis_reply_free(bsc_redis_reply *r);
/* The reply as a C string for messages: printable bytes only, cut short. */
const char *bsc_redis_reply_text(const bsc_redis_reply *r, char *buf, size_t size);
/* }}} */

/* {{{ the connection */
typedef struct bsc_redis bsc_redis;

typedef enum {
	BSC_REDIS_BUSY,             /* wait for the socket, then bsc_redis_advance() */
	BSC_REDIS_DONE,             /* the replies are in */
	BSC_REDIS_FAILED            /* errstr says why; the connection is closed */
} bsc_redis_step;

/* A client of address a; connects on its first exchange. reply_max bounds
 * the bytes one exchange may read. NULL when memory runs out. */
bsc_redis *bsc_redis_new(const bsc_redis_address *a, size_t reply_max);
void bsc_redis_free(bsc_redis *r);
void bsc_redis_close(bsc_redis *r);

/* Starts an exchange: the requests go out (after a connect, with AUTH and
 * SELECT in front, when there is no connection) and their replies are
 * read, all by deadline (monotonic s). Never blocks but for the name
 * lookup of a host given by name. */
bsc_redis_step bsc_redis_begin(bsc_redis *r, const bsc_resp *req, double deadline);
/* The socket to wait on while BUSY, and for what (POLLIN/POLLOUT). */
int bsc_redis_fd(const bsc_redis *r);
short bsc_redis_events(const bsc_redis *r);
/* Goes on with the exchange once the socket is ready or the deadline has
 * passed. */
bsc_redis_step bsc_redis_advance(bsc_redis *r);
/* A whole exchange, waiting in poll() until it is done. */
bool bsc_redis_exchange(bsc_redis *r, const bsc_resp *req, double timeout);

/* The replies of the exchange that is DONE, one per request, in order:
 * valid until the next exchange. A Redis error reply is a reply here. */
bsc_redis_reply *const *bsc_redis_replies(const bsc_redis *r, size_t *count);
/* Takes reply i out of the client: the caller frees it. */
bsc_redis_reply *bsc_redis_take_reply(bsc_redis *r, size_t i);
const char *bsc_redis_errstr(const bsc_redis *r);
/* }}} */

#endif
