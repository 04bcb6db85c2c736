/*
 * The replies a connection is owed. See expect.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/expect.h"

#include <stdlib.h>

bool bsc_expect_push(bsc_expect *e, bsc_expect_tag tag, size_t body_max)
{
	if (e->len == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 64;
		bsc_expected *ring = malloc(cap * sizeof(*ring));
		if (!ring) {
			return false;
		}
		for (size_t i = 0; i < e->len; i++) {
			ring[i] = e->ring[(e->head + i) % e->cap];
		}
		free(e->ring);
		e->ring = ring;
		e->cap = cap;
		e->head = 0;
	}
	e->ring[(e->head + e->len++) % e->cap] = (bsc_expected){ tag, body_max };
	return true;
}

const bsc_expected *bsc_expect_front(const bsc_expect *e)
{
	return &e->ring[e->head];
}

bsc_expect_tag bsc_expect_pop(bsc_expect *e)
{
	bsc_expect_tag tag = e->ring[e->head].tag;

	e->head = (e->head + 1) % e->cap;
	e->len--;
	return tag;
}

size_t bsc_expect_callers(const bsc_expect *e)
{
	size_t n = 0;

	for (size_t i = 0; i < e->len; i++) {
		if (e->ring[(e->head + i) % e->cap].tag == BSC_EXPECT_CALLER) {
			n++;
		}
	}
	return n;
}

void bsc_expect_free(bsc_expect *e)
{
	free(e->ring);
	e->ring = NULL;
	e->head = e->len = e->cap = 0;
}
