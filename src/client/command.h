/*
 * The beanstalkd commands over one connection: each builds its request line,
 * sends it, and turns the reply into a bsc_status and typed results.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_COMMAND_H
#define BSC_COMMAND_H

#include "src/client/conn.h"
#include "src/proto/stats.h"

/* A reserved job. body points into the connection's buffer: copy it before
 * the next call on the connection. */
typedef struct {
	uint64_t id;
	const char *body;
	size_t body_len;
} bsc_job;

/* The job of a RESERVED or FOUND reply; a RESERVED one is now held by the
 * connection (bsc_conn_hold). */
void bsc_job_from_reply(bsc_conn *c, const bsc_reply *reply, bsc_job *job);

/* INSERTED: BSC_OK; BURIED: BSC_BURIED (the id is set in both cases). */
bsc_status bsc_put(bsc_conn *c, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len, uint64_t *id);
/* A put that does not wait for its reply (conn.h: bsc_conn_send_async_put):
 * BSC_OK once written. A body over a known max-job-size is refused here,
 * without being sent (BSC_SERVER_ERROR, JOB_TOO_BIG). */
bsc_status bsc_put_async(bsc_conn *c, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len);
/* timeout in seconds; < 0 blocks until a job comes. BSC_OK fills job;
 * BSC_TIMED_OUT, BSC_DEADLINE_SOON. */
bsc_status bsc_reserve(bsc_conn *c, int64_t timeout, bsc_job *job);
bsc_status bsc_delete(bsc_conn *c, uint64_t id);
/* BSC_OK, BSC_BURIED (the server had no memory to queue it), BSC_NOT_FOUND. */
bsc_status bsc_release(bsc_conn *c, uint64_t id, uint32_t pri, uint32_t delay);
bsc_status bsc_bury(bsc_conn *c, uint64_t id, uint32_t pri);
bsc_status bsc_touch(bsc_conn *c, uint64_t id);

/* BSC_OK fills job; BSC_NOT_FOUND when it is missing or reserved already. */
bsc_status bsc_reserve_job(bsc_conn *c, uint64_t id, bsc_job *job);
/* Kicks up to bound buried (or, with none buried, delayed) jobs of the used tube. */
bsc_status bsc_kick(bsc_conn *c, uint32_t bound, uint64_t *kicked);
bsc_status bsc_kick_job(bsc_conn *c, uint64_t id);

typedef enum {
	BSC_PEEK_READY,
	BSC_PEEK_DELAYED,
	BSC_PEEK_BURIED
} bsc_peek_which;

/* BSC_OK fills job (not reserved: only looked at); BSC_NOT_FOUND. */
bsc_status bsc_peek(bsc_conn *c, uint64_t id, bsc_job *job);
bsc_status bsc_peek_next(bsc_conn *c, bsc_peek_which which, bsc_job *job);

/* The YAML answer of stats commands: body points into the connection's buffer. */
typedef struct {
	const char *body;
	size_t len;
} bsc_yaml;

/* Also remembers the server's max-job-size (bsc_conn_max_job_size). */
bsc_status bsc_stats(bsc_conn *c, bsc_yaml *out);
bsc_status bsc_stats_job(bsc_conn *c, uint64_t id, bsc_yaml *out);
/* stats-job, parsed: BSC_OK fills out; BSC_NOT_FOUND; an answer that is not
 * a job's stats is a protocol error. */
bsc_status bsc_job_stats_get(bsc_conn *c, uint64_t id, bsc_job_stats *out);
bsc_status bsc_stats_tube(bsc_conn *c, const char *tube, size_t len, bsc_yaml *out);
bsc_status bsc_list_tubes(bsc_conn *c, bsc_yaml *out);
/* The server pauses for at least 1 s: it turns 0 into 1. */
bsc_status bsc_pause_tube(bsc_conn *c, const char *tube, size_t len, uint32_t seconds);

/* One job of a batch put and what became of it. */
typedef struct {
	const char *data;
	size_t len;
} bsc_body;

typedef struct {
	/* BSC_OK (inserted), BSC_BURIED (inserted, buried), BSC_SERVER_ERROR
	 * (refused: see refused), or the transport failure that cut the batch
	 * short before this job's answer came. */
	bsc_status status;
	bsc_reply_kind refused;
	/* With a transport failure: whether the job had (partly) left, so the
	 * server may have stored it; false: it was never sent. */
	bool sent;
	uint64_t id;
} bsc_put_result;

/* Puts every body with the same priority, delay and ttr: all requests in
 * one write, then all replies (in chunks of 1024, so neither side's socket
 * buffer can fill up and stall the other; each chunk is written and
 * answered within the connection's timeout). A body over a known
 * max-job-size is refused with JOB_TOO_BIG without being sent. Returns
 * BSC_OK when every reply was read (each result says what happened to its
 * job), or the transport failure that cut the batch short. Every result is
 * set, whatever happens. */
bsc_status bsc_put_many(bsc_conn *c, uint32_t pri, uint32_t delay, uint32_t ttr, const bsc_body *bodies, size_t n, bsc_put_result *results);

#endif
