/*
 * The puts a connection sent without waiting for their replies (putAsync),
 * in the order they went out, and what became of each once its reply was
 * read. The connection reads those replies itself, ahead of the reply to
 * whatever command comes next, so they never stand in another command's
 * way; the caller takes the outcomes when it flushes.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_ASYNCPUT_H
#define BSC_ASYNCPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "proto.h"

typedef enum {
	BSC_ASYNC_PENDING,          /* sent, its reply not read yet */
	BSC_ASYNC_INSERTED,
	BSC_ASYNC_BURIED,           /* inserted, and buried: the server was out of memory */
	BSC_ASYNC_REFUSED,          /* the server's error word: see refused */
	BSC_ASYNC_UNCONFIRMED       /* the connection was lost before its reply: it may be stored */
} bsc_async_state;

typedef struct {
	bsc_async_state state;
	uint64_t id;
	bsc_reply_kind refused;
	char tube[BSC_TUBE_MAX + 1];  /* the tube it was put into, for messages */
} bsc_async_put;

typedef struct {
	bsc_async_put *puts;
	size_t len, cap;
	size_t resolved;            /* puts[0..resolved) have their outcome */
} bsc_async_ledger;

/* A put about to be sent into tube. False when memory runs out. */
bool bsc_async_add(bsc_async_ledger *l, const char *tube, size_t tube_len);
/* Takes back the newest put: it was never sent. */
void bsc_async_unadd(bsc_async_ledger *l);
/* The reply to the oldest pending put. False when it is no answer to a put
 * (the stream is out of step). */
bool bsc_async_resolve(bsc_async_ledger *l, const bsc_reply *reply);
/* The connection was lost: every pending put is unconfirmed. */
void bsc_async_lose_pending(bsc_async_ledger *l);
size_t bsc_async_pending(const bsc_async_ledger *l);
/* Moves the first n outcomes (all resolved) out to the caller's array. */
void bsc_async_take(bsc_async_ledger *l, bsc_async_put *out, size_t n);
void bsc_async_free(bsc_async_ledger *l);

#endif
