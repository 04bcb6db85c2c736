/*
 * A connection to one beanstalkd server: sockets, timeouts, the used and
 * watched tubes, reconnects. It moves bytes and keeps order; it does not
 * know what a command means (command.h does).
 *
 * Errors are values: every call returns a bsc_status. A transport failure
 * closes the socket and leaves err/errstr set until the next command
 * reconnects. A timeout is its own status, never an I/O error in disguise.
 *
 * The stream is kept in step: every reply is matched to a request sent.
 * Bytes that come while no reply is expected (a reply nobody asked for, a
 * second answer to one request) mean the stream can no longer be trusted,
 * and the connection is closed: bytes that arrived before the request
 * they would answer (the socket's receive time says so) fail it with
 * BSC_ERR_PROTOCOL; bytes behind the last reply owed leave that reply its
 * result; found by the look at a connection idle for a while before a
 * command goes out, the connection is replaced before a byte of it is sent
 * (send.c says when the look is made).
 *
 * Signals: a wait is ended by a signal (the interrupt function says so) only
 * where ending it loses nothing: while connecting, and while waiting for a
 * reply on a connection that holds no reserved job (closing it then gives
 * nothing back to the server). Writes, and waits on a connection that holds
 * jobs, go on after a signal: they are bounded by the timeout.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_CONN_H
#define BSC_CONN_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/client/prefetch.h"
#include "src/client/asyncput.h"
#include "src/net.h"
#include "src/proto/proto.h"
#include "src/client/tubes.h"

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

/* Limits on a reply's body, by what was asked: a server (or whatever
 * answers in its place) cannot make the client hold more than this. */
#define BSC_SMALL_BODY_MAX ((size_t)64 << 10)       /* stats, and replies that should have no body */
#define BSC_LIST_BODY_MAX ((size_t)16 << 20)        /* list-tubes, list-tubes-watched */
#define BSC_JOB_BODY_MAX_DEFAULT ((size_t)64 << 20) /* a job, while the server's max-job-size is unknown */

typedef struct {
	double connect_timeout;  /* seconds; <= 0 waits as long as the OS does */
	double timeout;          /* seconds to wait for the reply to an ordinary command; <= 0: no limit */
	size_t job_size_max;     /* largest job body accepted while the server's
	                          * max-job-size is unknown; 0: BSC_JOB_BODY_MAX_DEFAULT */
} bsc_conn_options;

typedef struct bsc_conn bsc_conn;

/* Parses the address ("host:port", "tcp://host:port", "[::1]:port",
 * "unix:///path"); does not connect. NULL with a message in errbuf when the
 * address is malformed or memory runs out. */
bsc_conn *bsc_conn_new(const char *address, size_t len, const bsc_conn_options *opt, char errbuf[BSC_ERRSTR_LEN]);
void bsc_conn_free(bsc_conn *c);

/* A connection belongs to the process that made it. In a forked child, the
 * parent's connection is never read or written: this forgets what the
 * parent had on it (replies owed, puts not waited for, jobs held or kept
 * ahead, and their counts), and closes the child's copy of its socket,
 * which leaves the parent's connection as it was. The next command makes
 * a connection of the child's own, with the tubes replayed. Every call
 * that reads or writes the socket, or takes what was read, does this
 * first; a caller that looks at the state first (how many replies are
 * owed) calls it itself. True when it forgot anything. */
bool bsc_conn_own(bsc_conn *c);
/* Whether a job reserved under generation was reserved by the process this
 * one was forked from (it is that process's to finish). */
bool bsc_conn_inherited(const bsc_conn *c, uint64_t generation);

/* Closes the socket; the next command reconnects and replays the tubes. */
void bsc_conn_close(bsc_conn *c);
/* Connects now if not connected. */
bsc_status bsc_conn_connect(bsc_conn *c);

bool bsc_conn_is_connected(const bsc_conn *c);
bsc_status bsc_conn_err(const bsc_conn *c);
const char *bsc_conn_errstr(const bsc_conn *c);
/* Whether the last failure came after (part of) the caller's request had
 * been written: the server may have carried it out (a put may be stored).
 * False: not a byte of it left, so sending it again is safe. */
bool bsc_conn_err_sent(const bsc_conn *c);
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
/* The largest job body a reply may carry: the server's max-job-size once
 * known, else the job_size_max option. */
size_t bsc_conn_job_body_max(const bsc_conn *c);
int bsc_conn_fd(const bsc_conn *c);

/* Jobs reserved over this connection and not deleted, released or buried
 * yet (a job whose TTR ran out server-side still counts: a conservative
 * count). Emptied when the connection closes. */
void bsc_conn_hold(bsc_conn *c, uint64_t id);
/* The job was deleted, released or buried, or the server no longer has it
 * reserved by us: it is not held any more. */
void bsc_conn_let_go(bsc_conn *c, uint64_t id);
/* The job was touched over this connection. */
void bsc_conn_touched(bsc_conn *c, uint64_t id);
size_t bsc_conn_held(const bsc_conn *c);
/* Whether job id is among them: false once it was deleted, released or
 * buried over this connection, or the connection was closed. */
bool bsc_conn_holds(const bsc_conn *c, uint64_t id);
/* No reply pending, nothing buffered, no job held: the connection can be
 * handed to another owner as it is. */
bool bsc_conn_is_idle(const bsc_conn *c);
/* Only replies to puts that did not wait (and to the tube changes sent
 * with them) are owed, and no job is held: the connection can be handed on
 * with them, to be read at its next use. */
bool bsc_conn_owes_only_async(const bsc_conn *c);
/* Bytes read from the server and not yet taken as replies: a reply may be
 * there already, without a wait (nor a system call to find out). */
size_t bsc_conn_buffered(const bsc_conn *c);

/* What happens to the jobs and the socket of a connection, for a caller
 * that keeps an eye on them (the worker's watchdog): job events come after
 * the server's answer, BSC_EVENT_CLOSING before the socket is closed. */
typedef enum {
	BSC_EVENT_JOB_LET_GO,    /* id: deleted, released, buried, or no longer ours */
	BSC_EVENT_JOB_TOUCHED,   /* id */
	BSC_EVENT_CLOSING        /* the socket goes; its number may soon be another file's */
} bsc_conn_event;
typedef void (*bsc_conn_event_fn)(void *ctx, bsc_conn_event event, uint64_t id);
/* One hook per connection; NULL removes it. */
void bsc_conn_set_event_hook(bsc_conn *c, bsc_conn_event_fn fn, void *ctx);

/* The next send goes out only under this generation (0: any): a command
 * about a job reserved over a connection since lost gets BSC_NOT_FOUND
 * without being sent, even when the loss is only found on sending. */
void bsc_conn_pin(bsc_conn *c, uint64_t generation);
void bsc_conn_set_timeouts(bsc_conn *c, double connect_timeout, double timeout);
double bsc_conn_timeout(const bsc_conn *c);
/* The interrupt function (net.h) is asked when a wait that may be ended is
 * interrupted by a signal (see the top of this file): true ends the wait
 * with BSC_ERR_INTERRUPTED and closes the connection, false waits on. */
bsc_interrupt bsc_conn_set_interrupt(bsc_conn *c, bsc_interrupt_fn fn, void *ctx);
/* While set, the waits for the socket (write, reply) run in ppoll() with
 * this signal mask (the caller's: it must outlive the setting): a caller that blocks some signals between waits (the
 * worker) gets them only inside a wait, so a signal cannot slip in between
 * its check of a flag and the wait. NULL: plain poll(). */
void bsc_conn_set_wait_mask(bsc_conn *c, const sigset_t *mask);

/* Whether a connection found dead before a command goes out (the server
 * closed it while it was idle) is replaced at once, the command going out
 * on the new one (the default), or the command fails with BSC_ERR_EOF and
 * nothing sent, for a caller that paces its reconnects (the worker backs
 * off, so a connection cut after every reply cannot spin it). */
void bsc_conn_set_auto_replace(bsc_conn *c, bool on);

/* The tube state (tubes.h): changes are sent with the next command. */
bsc_tubes *bsc_conn_tubes(bsc_conn *c);

/* Whose reply a request's is. */
typedef enum {
	BSC_FOR_CALLER = 0,         /* the caller's, to receive */
	BSC_FOR_PREFETCH,              /* a reserve sent ahead (prefetch.h) that answers at once */
	BSC_FOR_PREFETCH_WAITS,        /* one that may wait on the server for a job */
	BSC_FOR_DELETE              /* a delete whose answer the connection takes (bsc_conn_delete_sent) */
} bsc_request_for;

/* One request: a complete command line (with CRLF) and, for put, a body
 * that gets its CRLF added. */
typedef struct {
	const char *line;
	size_t line_len;
	const char *body;
	size_t body_len;
	bool has_body;
	size_t reply_body_max;   /* the largest body its reply may have; 0: BSC_SMALL_BODY_MAX */
	bsc_request_for reply_for;
} bsc_request;

/* Connects if needed, then writes the tube changes and the requests in one
 * writev. A request goes out again on a fresh connection only when not a
 * byte of it had been written. */
bsc_status bsc_conn_send(bsc_conn *c, const bsc_request *reqs, size_t n);
/* Replies the caller still has to receive. */
size_t bsc_conn_pending(const bsc_conn *c);

/* A put that does not wait (asyncput.h): written now, its reply taken in
 * by the connection before the reply to any later request, or by
 * bsc_conn_flush_async(). A failure to send is returned as by
 * bsc_conn_send, and that put is not in the ledger: it failed, as a put
 * would have (the earlier ones still waiting are unconfirmed).
 *
 * With coalescing on (bsc_conn_set_coalesce), the put is only added to the
 * bytes held for a write, which go out with the next write of any kind
 * (a command's, bsc_conn_flush_async's, bsc_conn_write_out's), or at once
 * when they pass the size set. Held bytes never go out twice: a write that
 * sent none of them leaves them held (for a new connection if need be),
 * one that sent any makes them all sent (unconfirmed, should the
 * connection be lost before their replies). */
bsc_status bsc_conn_send_async_put(bsc_conn *c, const bsc_request *req);
/* Holds the puts that do not wait until their bytes pass bytes (0: no
 * holding; each is a write of its own). */
void bsc_conn_set_coalesce(bsc_conn *c, size_t bytes);
/* Bytes held for a write. */
size_t bsc_conn_held_out(const bsc_conn *c);
/* Writes the held bytes now (BSC_OK when there are none). */
bsc_status bsc_conn_write_out(bsc_conn *c);
/* The same for a caller about to take every outcome (a flush, the end of
 * the puts' owner): held puts that cannot be written, even on a new
 * connection, are given up with the outcome not sent (BSC_ASYNC_UNSENT),
 * the connection closed, so that each put has its outcome in this flush
 * and none goes out after it. */
bsc_status bsc_conn_settle_held(bsc_conn *c);
/* Reads the replies to the puts that did not wait (within timeout s; <= 0:
 * no limit). Their outcomes are then ready to take. */
bsc_status bsc_conn_flush_async(bsc_conn *c, double timeout);
/* Takes in the replies of its own (to puts that did not wait, to reserves
 * sent ahead) that have arrived, never waiting; a failure found is returned
 * (and closes) as usual. */
bsc_status bsc_conn_collect(bsc_conn *c);
/* Puts that did not wait whose replies have not been read. */
size_t bsc_conn_async_pending(const bsc_conn *c);
/* Of those that did not wait, how many have their outcome, from the oldest. */
size_t bsc_conn_async_outcomes(const bsc_conn *c);
/* Hands the oldest n outcomes (n <= bsc_conn_async_outcomes()) to fn and
 * forgets them (asyncput.h: bsc_async_take). */
void bsc_conn_async_take(bsc_conn *c, size_t n, bsc_async_visit_fn fn, void *ctx);
/* Since this connection was made: puts that did not wait, sent
 * ([BSC_ASYNC_PENDING]) and come to each outcome. */
const uint64_t *bsc_conn_async_counts(const bsc_conn *c);
/* Reserves sent ahead (requests for BSC_FOR_PREFETCH*), and their jobs. Waits
 * (up to the deadline; limit: its length, for the message) until one of
 * them has brought a job or none is out; a job it brings first is taken
 * in at once. The caller's own replies must all have been received. */
bsc_status bsc_conn_wait_prefetch(bsc_conn *c, double deadline, double limit);
/* Jobs brought and not yet taken. */
size_t bsc_conn_prefetch_jobs(const bsc_conn *c);
/* Reserves out, and whether the oldest of them may wait for a job. */
size_t bsc_conn_prefetch_out(const bsc_conn *c, bool *waiting);
/* When the oldest reserve out was sent (monotonic); 0 when none is. */
double bsc_conn_prefetch_since(const bsc_conn *c);
/* The oldest job brought (the caller frees its body); false when none. */
bool bsc_conn_prefetch_take(bsc_conn *c, bsc_prefetch_job *job);
/* Jobs reserves sent ahead have brought since this connection was made. */
uint64_t bsc_conn_prefetch_brought(const bsc_conn *c);
/* Of their answers, DEADLINE_SOON ones since this connection was made. */
uint64_t bsc_conn_prefetch_deadline_soon(const bsc_conn *c);
/* The delete of job id just sent for BSC_FOR_DELETE: the connection takes
 * its answer, lets the job go, and counts the outcome (false, after
 * closing, when memory runs out). */
bool bsc_conn_delete_sent(bsc_conn *c, uint64_t id);
/* Reads, within timeout s, until the answers of every such delete are in. */
bsc_status bsc_conn_settle_deletes(bsc_conn *c, double timeout);
/* Such deletes since this connection was made: done, refused by the
 * server, and out when the connection was lost (the job may run again). */
void bsc_conn_delete_counts(const bsc_conn *c, uint64_t *deleted, uint64_t *refused, uint64_t *unconfirmed);
/* What became of each such delete, in order (up to max), taken. */
size_t bsc_conn_take_delete_outcomes(bsc_conn *c, bsc_delete_outcome *out, size_t max);

/* The next reply to one of the caller's requests; timeout in seconds,
 * <= 0 waits for ever. Once a reply has begun to arrive, the rest of it
 * must come within the connection's timeout, whatever the wait allowed.
 * The reply points into the connection's buffer and stays valid until the
 * next call on the connection. */
bsc_status bsc_conn_recv(bsc_conn *c, bsc_reply *reply, double timeout);
/* The same by a deadline (bsc_deadline_after(); 0: none), for a caller
 * that gives several replies one deadline of limit seconds (which a
 * timeout's message names). */
bsc_status bsc_conn_recv_by(bsc_conn *c, bsc_reply *reply, double deadline, double limit);
/* Records the server's error word and returns BSC_SERVER_ERROR; after
 * BAD_FORMAT or EXPECTED_CRLF the connection is closed as well. */
bsc_status bsc_conn_refused(bsc_conn *c, bsc_reply_kind kind);
/* Marks a transport failure: closes the socket, sets err/errstr. */
bsc_status bsc_conn_fail(bsc_conn *c, bsc_status status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
