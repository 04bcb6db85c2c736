/*
 * The puts a connection sent without waiting for their replies (putAsync),
 * in the order they went out, and what became of each once its reply was
 * read. The connection reads those replies itself, ahead of the reply to
 * whatever command comes next, so they never stand in another command's
 * way; the caller takes the outcomes when it flushes.
 *
 * An entry is small (a put's tube is a shared name, one per run of puts
 * into the same tube), so a caller that flushes rarely costs little.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_ASYNCPUT_H
#define BSC_ASYNCPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/proto/proto.h"

typedef enum {
	BSC_ASYNC_PENDING,          /* sent, its reply not read yet */
	BSC_ASYNC_INSERTED,
	BSC_ASYNC_BURIED,           /* inserted, and buried: the server was out of memory */
	BSC_ASYNC_REFUSED,          /* the server's error word: see refused */
	BSC_ASYNC_UNCONFIRMED,      /* the connection was lost before its reply: it may be stored */
	BSC_ASYNC_UNSENT,           /* held for a write that could not be made: not stored, never sent */
	BSC_ASYNC_STATES
} bsc_async_state;

typedef struct bsc_async_tube bsc_async_tube;

typedef struct {
	uint64_t id;
	bsc_async_state state;
	bsc_reply_kind refused;
	bsc_async_tube *tube;       /* see bsc_async_take() */
} bsc_async_put;

typedef struct {
	bsc_async_put *puts;
	size_t len, cap;
	size_t resolved;            /* puts[0..resolved) have their outcome */
	size_t unsent;              /* the newest of them are held for a write, not sent yet */
	bsc_async_tube *tube;       /* the tube of the next put, once prepared */
	/* Since the connection was made: puts sent (PENDING), and how many came
	 * to each outcome. */
	uint64_t counts[BSC_ASYNC_STATES];
} bsc_async_ledger;

/* Makes room for a put into tube, before it is sent. False when memory
 * runs out. */
bool bsc_async_prepare(bsc_async_ledger *l, const char *tube, size_t tube_len);
/* The prepared put was sent. */
void bsc_async_add(bsc_async_ledger *l);
/* The prepared put is held for a later write (it is not sent yet), and
 * those held went out (bsc_async_sent). */
void bsc_async_hold(bsc_async_ledger *l);
void bsc_async_sent(bsc_async_ledger *l);
/* The reply to the oldest pending put. False when it is no answer to a put
 * (the stream is out of step). */
bool bsc_async_resolve(bsc_async_ledger *l, const bsc_reply *reply);
/* The connection was lost: every pending put that was sent is unconfirmed
 * (those held for a write go out with the next one). */
void bsc_async_lose_pending(bsc_async_ledger *l);
/* The puts held for a write are given up (the server cannot be reached and
 * the caller takes every outcome now): not sent, and never to be. Only once
 * every sent put has its outcome (the connection is closed). */
void bsc_async_drop_unsent(bsc_async_ledger *l);
size_t bsc_async_pending(const bsc_async_ledger *l);

typedef void (*bsc_async_visit_fn)(void *ctx, const bsc_async_put *put, const char *tube);
/* Hands the oldest n outcomes (all resolved), in order, to fn, and forgets
 * them. The tube name is valid only during the call. */
void bsc_async_take(bsc_async_ledger *l, size_t n, bsc_async_visit_fn fn, void *ctx);
void bsc_async_free(bsc_async_ledger *l);
/* The puts are another process's (this one is a forked child): all of
 * them, and the counts, are forgotten. */
void bsc_async_forget(bsc_async_ledger *l);

#endif
