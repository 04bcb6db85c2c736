/*
 * Several beanstalkd servers as one queue: the one engine that both a
 * Queue over several servers and a Worker take jobs through. beanstalkd
 * stays the engine of each server: the pool spreads puts over the servers
 * that are up (round robin), waits for a job on all of them at once, and
 * leaves every per-job command to the server the job came from (the caller
 * picks that connection). A pool of one server is the same engine with
 * nothing to spread.
 *
 * Health: a server whose connection fails is set aside with one back-off,
 * 0.1 s doubling to 10 s (a connection lost within 10 s of coming back goes
 * on doubling, so one that is cut after every reply cannot spin), and tried
 * again after it: by the next put routed there, or by the Worker's
 * reconnect. One that answers is back at once. A put that failed before a
 * byte of it was written goes to the next server; one whose reply was lost
 * is reported, never sent again.
 *
 * Jobs: every reserve goes out as a reserve sent ahead (prefetch.h): the
 * connection takes the job it brings in on its own, and keeps it until the
 * next taker, so a reserve can be out while other commands use the
 * connection, and a job one caller's reserve brought is handed to whatever
 * reserves next on the pool, Queue or Worker. The first reserve of a write
 * on a server with nothing out may wait on the server for a job (at most
 * BSC_POOL_RESERVE_SLICE on several servers: a command for that server
 * waits behind it); those behind it are answered at once. One poll() waits
 * on every server with a reserve out.
 *
 * A job kept ahead has been reserved for a while when its turn comes: one
 * that may have waited half a second or more, counting the run it is
 * expected to have, is asked about (stats-job), dropped when it is no
 * longer ours, and released untouched, with its priority, when its
 * time-to-run would run out before it could end.
 *
 * The pool does not own its connections: the caller makes them (persistent
 * or not) and frees them after the pool.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_CLIENT_POOL_H
#define BSC_CLIENT_POOL_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/client/command.h"
#include "src/client/conn.h"

/* The longest server-side wait of a reserve on one of several servers (s):
 * it bounds how long a command for that server waits behind it. */
#define BSC_POOL_RESERVE_SLICE 1
/* The back-off of a server set aside (s). */
#define BSC_POOL_BACKOFF_FIRST 0.1
#define BSC_POOL_BACKOFF_MAX 10.0
/* A connection up this long starts the back-off afresh when it is lost. */
#define BSC_POOL_BACKOFF_STABLE 10.0
/* A job kept ahead less than this (s, with its expected run) is handed
 * out without a look at its time-to-run. */
#define BSC_POOL_FRESH 0.5
/* The most reserves one write sends. */
#define BSC_POOL_ASK_MAX 64

typedef struct bsc_pool bsc_pool;

/* A pool over conns[0..n), n >= 1. NULL when memory runs out. */
bsc_pool *bsc_pool_new(bsc_conn *const *conns, size_t n);
/* Frees the pool, not the connections (nor the jobs they keep). */
void bsc_pool_free(bsc_pool *p);
size_t bsc_pool_size(const bsc_pool *p);
bsc_conn *bsc_pool_conn(const bsc_pool *p, size_t i);

/* After a failure of a pool call: the message (naming every server when all
 * failed), and whether a request had left (as bsc_conn_err_sent). */
const char *bsc_pool_errstr(const bsc_pool *p);
bool bsc_pool_err_sent(const bsc_pool *p);

/* What the pool does on its own, for a caller that keeps count or a log
 * (the Worker). */
typedef enum {
	BSC_POOL_SERVER_LOST,       /* server: set aside; first: the outage begins now */
	BSC_POOL_JOB_GONE,          /* server, id: kept ahead, and its time-to-run ran out before its turn */
	BSC_POOL_JOB_RELEASED       /* server, id, stats: kept ahead and given back untouched (released: it went) */
} bsc_pool_event_kind;

typedef struct {
	bsc_pool_event_kind kind;
	size_t server;
	bool first;
	uint64_t id;
	const bsc_job_stats *stats;
	bool released;
} bsc_pool_event;

typedef void (*bsc_pool_event_fn)(void *ctx, const bsc_pool_event *event);
void bsc_pool_set_events(bsc_pool *p, bsc_pool_event_fn fn, void *ctx);

/* {{{ health */
/* Server i failed (its connection is closed): set aside with the back-off. */
void bsc_pool_lost(bsc_pool *p, size_t i);
/* A reply came from server i: it is back, if it was away. */
void bsc_pool_answered(bsc_pool *p, size_t i);
/* Set aside, its connection closed. */
bool bsc_pool_is_away(const bsc_pool *p, size_t i);
/* Away since (monotonic; 0: it is not), and when it may be tried again. */
double bsc_pool_away_since(const bsc_pool *p, size_t i);
double bsc_pool_retry_at(const bsc_pool *p, size_t i);
/* The pause before server i's next try, once it is away (s). */
double bsc_pool_backoff(const bsc_pool *p, size_t i);
/* Connects to server i now: BSC_OK, or the failure (it is set aside). */
bsc_status bsc_pool_reconnect(bsc_pool *p, size_t i);
/* }}} */

/* {{{ producing */
/* A put on the next healthy server, one with no reserve out that may wait
 * first. BSC_OK or BSC_BURIED with *id and *server set; BSC_SERVER_ERROR
 * (that server's word, see its connection); or a transport failure
 * (bsc_pool_errstr). */
bsc_status bsc_pool_put(bsc_pool *p, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len,
	uint64_t *id, size_t *server);

/* A put that does not wait (bsc_put_async) on the next healthy server
 * that takes the write; *server says which. Its outcome is that
 * connection's to report. */
bsc_status bsc_pool_put_async(bsc_pool *p, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len,
	size_t *server);

/* A batch spread over the healthy servers, one part each, each part
 * pipelined (bsc_put_many); servers[i] says where job i went (or was last
 * tried). A part whose server failed before a byte of it was written goes
 * to the next server. Every result is set. */
bsc_status bsc_pool_put_many(bsc_pool *p, uint32_t pri, uint32_t delay, uint32_t ttr, const bsc_body *bodies, size_t n,
	bsc_put_result *results, size_t *servers);
/* }}} */

/* {{{ consuming */
/* Sends on server i, in one write, the caller's requests pre[0..npre) (a
 * finished job's delete, say) and the reserves that keep `keep` jobs out
 * or kept there (at most BSC_POOL_ASK_MAX at a time); the first of them
 * waits on the server up to slice seconds when none is out or kept. A
 * failure to send sets the server aside (BSC_NOT_FOUND: a pinned request's
 * connection was lost, see bsc_conn_pin; nothing was sent). */
bsc_status bsc_pool_ask(bsc_pool *p, size_t i, const bsc_request *pre, size_t npre, size_t keep, uint32_t slice);
/* Reserves out on server i. */
size_t bsc_pool_out(const bsc_pool *p, size_t i);
/* Whether any server keeps a job. */
bool bsc_pool_has_job(const bsc_pool *p);

/* Waits by the deadline (0: none) for any server with reserves out to
 * bring a job, taking in what comes; returns once one has, once a reply is
 * overdue (that server is set aside), once a server set aside may be tried
 * again, or at the deadline: BSC_OK (see bsc_pool_take), or
 * BSC_ERR_INTERRUPTED when the interrupt function said so. Nothing is
 * closed on an interrupt: reserves still out are taken in later. */
bsc_status bsc_pool_wait(bsc_pool *p, double deadline);
/* Asked when a wait is interrupted by a signal (and, without a wait mask,
 * before each wait): true ends it. */
bsc_interrupt bsc_pool_set_interrupt(bsc_pool *p, bsc_interrupt_fn fn, void *ctx);
/* While set, the waits run in ppoll() with this signal mask (the caller's,
 * as bsc_conn_set_wait_mask); NULL: plain poll(). */
void bsc_pool_set_wait_mask(bsc_pool *p, const sigset_t *mask);

/* How a job kept ahead is judged when its turn comes. */
typedef struct {
	double expected_run;        /* s the taker expects it to run (0: not known) */
	double ttr_margin;          /* s of its time-to-run kept back (bsc_ttr_margin) */
} bsc_pool_fresh;

/* The kept job of the next server in turn that keeps one and is still in
 * time (the caller frees its body), or false. Those out of time are dropped
 * or released on the way (events). */
bool bsc_pool_take(bsc_pool *p, const bsc_pool_fresh *rule, bsc_prefetch_job *job, size_t *server);

/* A Queue's reserve: waits up to timeout seconds (< 0: for ever; 0: each
 * server asked once) for a job on any server. BSC_OK fills *job (held by
 * server *server's connection; its body stays valid until the next call
 * on the pool); BSC_TIMED_OUT; BSC_DEADLINE_SOON (from *server);
 * BSC_ERR_INTERRUPTED; or a transport failure when every server failed
 * (bsc_pool_errstr). */
bsc_status bsc_pool_reserve(bsc_pool *p, int64_t timeout, bsc_job *job, size_t *server);
/* }}} */

/* The margin kept back of a time-to-run of ttr seconds: min(option, ttr / 2). */
double bsc_ttr_margin(double option, int64_t ttr);

#endif
