/*
 * The beanstalkd commands over one connection: each builds its request line,
 * sends it, and turns the reply into a bsc_status and typed results.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_COMMAND_H
#define BSC_COMMAND_H

#include "conn.h"

/* A reserved job. body points into the connection's buffer: copy it before
 * the next call on the connection. */
typedef struct {
	uint64_t id;
	const char *body;
	size_t body_len;
} bsc_job;

/* INSERTED: BSC_OK; BURIED: BSC_BURIED (the id is set in both cases). */
bsc_status bsc_put(bsc_conn *c, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len, uint64_t *id);
/* timeout in seconds; < 0 blocks until a job comes. BSC_OK fills job;
 * BSC_TIMED_OUT, BSC_DEADLINE_SOON. */
bsc_status bsc_reserve(bsc_conn *c, int64_t timeout, bsc_job *job);
bsc_status bsc_delete(bsc_conn *c, uint64_t id);
/* BSC_OK, BSC_BURIED (the server had no memory to queue it), BSC_NOT_FOUND. */
bsc_status bsc_release(bsc_conn *c, uint64_t id, uint32_t pri, uint32_t delay);
bsc_status bsc_bury(bsc_conn *c, uint64_t id, uint32_t pri);
bsc_status bsc_touch(bsc_conn *c, uint64_t id);

#endif
