/*
 * Several beanstalkd servers as one queue. beanstalkd stays the engine: the
 * pool spreads puts over the servers that are healthy (round robin), waits
 * for a job on all of them at once, and leaves every per-job command to the
 * server the job came from (the caller picks that connection).
 *
 * A server that fails to connect or to answer is set aside with a back-off
 * of 0.5 s doubling to 30 s, and tried again after it; one that answers
 * comes back at once. A put that failed before a byte of it was written
 * goes to the next server; one whose reply was lost is reported, never sent
 * again.
 *
 * Waiting on all servers: a reserve-with-timeout of at most one second goes
 * to each server, and one poll() covers them all. A reply that comes after
 * the pool returned a job from another server is read before that server's
 * next command (bsc_pool_settle): a job it hands out is kept, and handed out
 * by the next reserve, after a look at its time-to-run when it has been
 * kept long enough for that to matter.
 *
 * The pool does not own its connections: the caller makes them (persistent
 * or not) and frees them after the pool.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_POOL_H
#define BSC_POOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/client/command.h"
#include "src/client/conn.h"

/* The longest server-side wait of a reserve on a pool (s): it bounds how
 * long a command for a server waits behind the pool's reserve there. */
#define BSC_POOL_RESERVE_SLICE 1
#define BSC_POOL_BACKOFF_FIRST 0.5
#define BSC_POOL_BACKOFF_MAX 30.0

typedef struct bsc_pool bsc_pool;

/* A pool over conns[0..n), n >= 1. NULL when memory runs out. */
bsc_pool *bsc_pool_new(bsc_conn *const *conns, size_t n);
/* Frees the pool and its kept jobs, not the connections. */
void bsc_pool_free(bsc_pool *p);
size_t bsc_pool_size(const bsc_pool *p);
bsc_conn *bsc_pool_conn(const bsc_pool *p, size_t i);

/* After a failure of a pool call: the message (naming every server when all
 * failed), and whether a request had left (as bsc_conn_err_sent). */
const char *bsc_pool_errstr(const bsc_pool *p);
bool bsc_pool_err_sent(const bsc_pool *p);

/* Makes server i ready for a command of the caller's: a reserve of the
 * pool's still out there is answered first (a job it hands out is kept).
 * A failure closes that connection, as any command's would. */
bsc_status bsc_pool_settle(bsc_pool *p, size_t i);

/* A put on the next healthy server. BSC_OK or BSC_BURIED with *id and
 * *server set; BSC_SERVER_ERROR (that server's word, see its connection);
 * or a transport failure (bsc_pool_errstr). */
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

/* Waits up to timeout seconds (< 0: for ever) for a job on any server.
 * BSC_OK fills *job (held by server *server's connection; its body stays
 * valid until the next call on the pool or that connection);
 * BSC_TIMED_OUT; BSC_DEADLINE_SOON (from *server); BSC_ERR_INTERRUPTED
 * (the interrupt function said so, while no server held a job); or a
 * transport failure when every server failed (bsc_pool_errstr). */
bsc_status bsc_pool_reserve(bsc_pool *p, int64_t timeout, bsc_job *job, size_t *server);
/* Asked when the wait of a reserve is interrupted by a signal. */
void bsc_pool_set_interrupt(bsc_pool *p, bsc_interrupt_fn fn, void *ctx);

#endif
