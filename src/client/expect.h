/*
 * The replies a connection is owed, oldest first: for each request sent,
 * who gets its reply (the caller, or the connection itself for the tube
 * commands it sends on its own) and how large a body that reply may carry.
 * A ring that grows as requests are pipelined.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_EXPECT_H
#define BSC_EXPECT_H

#include <stddef.h>
#include <stdbool.h>

typedef enum {
	BSC_EXPECT_CALLER = 0,      /* a caller's request */
	BSC_EXPECT_USING,           /* the connection's use */
	BSC_EXPECT_WATCHING,        /* the connection's watch or ignore */
	BSC_EXPECT_ASYNC,           /* a put that did not wait: the connection takes its reply */
	BSC_EXPECT_PREFETCH,           /* a reserve sent ahead: the connection keeps the job it brings */
	BSC_EXPECT_DELETE           /* a delete sent without a wait: the connection takes its answer */
} bsc_expect_tag;

typedef struct {
	bsc_expect_tag tag;
	size_t body_max;
} bsc_expected;

typedef struct {
	bsc_expected *ring;
	size_t head, len, cap;
} bsc_expect;

/* False when memory runs out (nothing changed). */
bool bsc_expect_push(bsc_expect *e, bsc_expect_tag tag, size_t body_max);
/* The oldest; the caller has checked that one is owed. */
const bsc_expected *bsc_expect_front(const bsc_expect *e);
bsc_expect_tag bsc_expect_pop(bsc_expect *e);
/* How many of those owed have this tag. */
size_t bsc_expect_count(const bsc_expect *e, bsc_expect_tag tag);
void bsc_expect_free(bsc_expect *e);

#endif
