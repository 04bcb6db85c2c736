/*
 * What becomes of a job once its handler returned: still held, it is done
 * (deleted with a next write, fetch.h); thrown, it is released with the
 * back-off and its priority, or buried after max_attempts (policy.h);
 * gone with its connection, it is counted lost, and the log says which.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_SETTLE_H
#define BSC_WORKER_SETTLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/worker/fetch.h"
#include "src/worker/log.h"
#include "src/worker/policy.h"
#include "src/worker/worker.h"

typedef struct {
	const bsc_retry_policy *retry;
	const bsc_log *log;
	bsc_fetch *fetch;           /* takes the round trip of a job's stats */
	bsc_worker_figures *f;      /* failed, released, buried, lost are counted here */
} bsc_settle;

/* The job id, reserved under connection generation gen over c, whose
 * handler gave result (why: its message when it threw): what became of it,
 * for the job's log line; *done: it is still held, to be deleted. The
 * job's tube, when the server told it, goes into tube if that is still "". */
const char *bsc_settle_job(const bsc_settle *s, bsc_conn *c, bsc_job_result result, uint64_t id, uint64_t gen,
	const char *why, char *tube, size_t tube_size, bool *done);

#endif
