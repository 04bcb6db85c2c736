/*
 * A connection to one beanstalkd server: sockets, timeouts, the used and
 * watched tubes, reconnects. It moves bytes and keeps order; it does not
 * know what a command means (command.h does).
 *
 * Errors are values: every call returns a bsc_status. A transport failure
 * closes the socket and leaves err/errstr set until the next command
 * reconnects. A timeout is its own status, never an I/O error in disguise.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_CONN_H
#define BSC_CONN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "net.h"
#include "proto.h"


typedef enum {
	BSC_OK = 0,
	/* The server answered; the connection is fine. */
	BSC_NOT_FOUND,
	BSC_TIMED_OUT,           /* reserve: no job within the timeout */
	BSC_DEADLINE_SOON,       /* reserve: a job we hold is about to time out */
	BSC_BURIED,              /* put/release: the server buried the job */
	BSC_NOT_IGNORED,         /* ignore of the last watched tube */
	BSC_SERVER_ERROR,        /* an error word: bsc_conn_server_error() tells which */
	/* Transport failures: the socket has been closed. */
	BSC_ERR_CONNECT,
	BSC_ERR_IO,
	BSC_ERR_EOF,
	BSC_ERR_TIMEOUT,
	BSC_ERR_PROTOCOL,
	BSC_ERR_NOMEM,
	BSC_ERR_INTERRUPTED
} bsc_status;

static inline bool bsc_status_is_failure(bsc_status s)
{
	return s >= BSC_ERR_CONNECT;
}

typedef struct {
	double connect_timeout;  /* seconds; <= 0 waits as long as the OS does */
	double timeout;          /* seconds to wait for the reply to an ordinary command; <= 0: no limit */
	size_t body_max;         /* largest reply body accepted; 0: BSC_BODY_MAX_DEFAULT */
} bsc_conn_options;

typedef struct bsc_conn bsc_conn;

/* The interrupt function (net.h) is asked when a wait is interrupted by a
 * signal: true ends the wait with BSC_ERR_INTERRUPTED and closes the
 * connection, false waits on. */

/* Parses the address ("host:port", "tcp://host:port", "[::1]:port",
 * "unix:///path"); does not connect. NULL with a message in errbuf when the
 * address is malformed or memory runs out. */
bsc_conn *bsc_conn_new(const char *address, size_t len, const bsc_conn_options *opt, char errbuf[BSC_ERRSTR_LEN]);
void bsc_conn_free(bsc_conn *c);

/* Closes the socket; the next command reconnects and replays the tubes. */
void bsc_conn_close(bsc_conn *c);
/* Connects now if not connected. */
bsc_status bsc_conn_connect(bsc_conn *c);

bool bsc_conn_is_connected(const bsc_conn *c);
bsc_status bsc_conn_err(const bsc_conn *c);
const char *bsc_conn_errstr(const bsc_conn *c);
bsc_reply_kind bsc_conn_server_error(const bsc_conn *c);
/* "host:port" or "unix:///path", for messages. */
const char *bsc_conn_name(const bsc_conn *c);
/* Counts successful connects: a job reserved under one generation is gone
 * once the generation changes (the server released it on disconnect). */
uint64_t bsc_conn_generation(const bsc_conn *c);
/* The server's max-job-size, learnt from its stats; 0 while unknown.
 * Forgotten when the connection closes. */
size_t bsc_conn_max_job_size(const bsc_conn *c);
void bsc_conn_set_max_job_size(bsc_conn *c, size_t size);
int bsc_conn_fd(const bsc_conn *c);
/* Jobs reserved over this connection and not deleted, released or buried
 * yet (a job whose TTR ran out server-side still counts: a conservative
 * count). Emptied when the connection closes. */
void bsc_conn_hold(bsc_conn *c, uint64_t id);
void bsc_conn_let_go(bsc_conn *c, uint64_t id);
size_t bsc_conn_held(const bsc_conn *c);
/* Whether job id is among them: false once it was deleted, released or
 * buried over this connection, or the connection was closed. */
bool bsc_conn_holds(const bsc_conn *c, uint64_t id);
/* The next send goes out only under this generation (0: any): a command
 * about a job reserved over a connection since lost gets BSC_NOT_FOUND
 * without being sent, even when the loss is only found on sending. */
void bsc_conn_pin(bsc_conn *c, uint64_t generation);
void bsc_conn_set_timeouts(bsc_conn *c, double connect_timeout, double timeout);
double bsc_conn_timeout(const bsc_conn *c);
void bsc_conn_set_interrupt(bsc_conn *c, bsc_interrupt_fn fn, void *ctx);
/* While set, the waits for the socket (write, reply) run in ppoll() with
 * this signal mask: a caller that blocks some signals between waits (the
 * worker) gets them only inside a wait, so a signal cannot slip in between
 * its check of a flag and the wait. NULL: plain poll(). */
void bsc_conn_set_wait_mask(bsc_conn *c, const sigset_t *mask);

/* Tube state, kept on the client and sent only when it changed, in the same
 * write as the next command. The caller has checked the names. */
bool bsc_conn_use(bsc_conn *c, const char *tube, size_t len);
const char *bsc_conn_used(const bsc_conn *c, size_t *len);
bool bsc_conn_watch(bsc_conn *c, const char *tube, size_t len);
/* BSC_NOT_IGNORED when it is the only watched tube (nothing changes). */
bsc_status bsc_conn_ignore(bsc_conn *c, const char *tube, size_t len);
/* Back to "default" used and watched, for a new owner; the server's state
 * is brought there lazily, like any other change. */
bool bsc_conn_reset_tubes(bsc_conn *c);
size_t bsc_conn_watch_count(const bsc_conn *c);
const char *bsc_conn_watched(const bsc_conn *c, size_t i, size_t *len);

/* One request: a complete command line (with CRLF) and, for put, a body
 * that gets its CRLF added. */
typedef struct {
	const char *line;
	size_t line_len;
	const char *body;
	size_t body_len;
	bool has_body;
} bsc_request;

/* Connects if needed, then writes the tube changes and the requests in one
 * writev. A request goes out again on a fresh connection only when not a
 * byte of it had been written. */
bsc_status bsc_conn_send(bsc_conn *c, const bsc_request *reqs, size_t n);
/* Replies the caller still has to receive. */
size_t bsc_conn_pending(const bsc_conn *c);
/* The next reply to one of the caller's requests; timeout in seconds,
 * <= 0 waits for ever. The reply points into the connection's buffer and
 * stays valid until the next call on the connection. */
bsc_status bsc_conn_recv(bsc_conn *c, bsc_reply *reply, double timeout);
/* Records the server's error word and returns BSC_SERVER_ERROR; after
 * BAD_FORMAT or EXPECTED_CRLF the connection is closed as well. */
bsc_status bsc_conn_refused(bsc_conn *c, bsc_reply_kind kind);
/* Marks a transport failure: closes the socket, sets err/errstr. */
bsc_status bsc_conn_fail(bsc_conn *c, bsc_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
