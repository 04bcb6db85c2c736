/*
 * Reserves a connection sent ahead (a worker's prefetch), and the jobs they
 * brought, oldest first, until the caller takes them; and deletes sent
 * without a wait for their answers, with what became of them. The connection reads
 * their replies itself, like those of the puts that did not wait, so a
 * command sent after them gets its own reply; a job one of them brings is
 * copied here and held by the connection (bsc_conn_hold). When the
 * connection closes, the server puts those jobs back in the ready queue,
 * and they are dropped here.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_CLIENT_PREFETCH_H
#define BSC_CLIENT_PREFETCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/proto/proto.h"

typedef struct {
	uint64_t id;
	char *body;                 /* malloc'ed; the taker frees it */
	size_t len;
	double asked_at;            /* when its reserve was sent (monotonic): its TTR ran from no earlier */
} bsc_prefetch_job;

/* What became of a delete whose answer the connection took. */
typedef enum {
	BSC_DELETE_DONE,            /* DELETED */
	BSC_DELETE_GONE,            /* NOT_FOUND: its time-to-run had run out */
	BSC_DELETE_REFUSED,         /* an error word (INTERNAL_ERROR: the binlog) */
	BSC_DELETE_UNCONFIRMED      /* the connection was lost before the answer */
} bsc_delete_outcome_kind;

typedef struct {
	uint64_t id;
	bsc_delete_outcome_kind kind;
} bsc_delete_outcome;

typedef struct {
	double *asked;              /* the send time of each reserve out, oldest first */
	size_t asked_len, asked_cap;
	bool waiting;               /* the oldest reserve out may wait on the server for a job */
	bsc_prefetch_job *jobs;
	size_t len, cap;
	uint64_t brought;           /* jobs brought since the connection was made */
	uint64_t deadline_soon;     /* DEADLINE_SOON answers since the connection was made */

	uint64_t *deleting;         /* the ids of the deletes out, oldest first */
	size_t deleting_len, deleting_cap;
	bsc_delete_outcome *outcomes;  /* what became of each, in order, until taken */
	size_t outcomes_len, outcomes_cap;
	uint64_t deleted, refused, unconfirmed;  /* outcomes of those deletes, counted */
} bsc_prefetch;

/* A reserve about to be sent (waits: one that may wait on the server). False
 * when memory runs out. */
bool bsc_prefetch_ask(bsc_prefetch *a, double now, bool waits);
/* The reply to the oldest reserve out: a job is copied in (false when
 * memory runs out, or when the reply answers no reserve). */
bool bsc_prefetch_answer(bsc_prefetch *a, const bsc_reply *reply, bool *brought);
/* A delete of job id was sent, its answer to be taken in. False when
 * memory runs out. */
bool bsc_prefetch_delete_sent(bsc_prefetch *a, uint64_t id);
/* The answer to the oldest delete out: *id is its job, *let_go whether the
 * connection holds it no more. False when it answers no delete. */
bool bsc_prefetch_delete_answer(bsc_prefetch *a, const bsc_reply *reply, uint64_t *id, bool *let_go);
/* What became of the deletes answered (up to max, in order), taken. */
size_t bsc_prefetch_take_outcomes(bsc_prefetch *a, bsc_delete_outcome *out, size_t max);
/* The oldest job, moved out; false when there is none. */
bool bsc_prefetch_take(bsc_prefetch *a, bsc_prefetch_job *out);
/* The connection is gone: its reserves out and its jobs with it, and the
 * deletes out unconfirmed. Returns how many jobs were dropped. */
size_t bsc_prefetch_drop(bsc_prefetch *a);
void bsc_prefetch_free(bsc_prefetch *a);
/* The reserves, jobs and deletes are another process's (this one is a
 * forked child): all of them, and the counts, are forgotten. */
void bsc_prefetch_forget(bsc_prefetch *a);

#endif
