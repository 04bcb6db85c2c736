/*
 * The replies a connection is owed. See expect.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/expect.h"
#include "src/grow.h"

#include <stdlib.h>
#include <string.h>

bool bsc_expect_push(bsc_expect *e, bsc_expect_tag tag, size_t body_max)
{
	if (e->len == e->cap) {
		size_t old = e->cap;
		if (!bsc_grow(&e->ring, &e->cap, e->len + 1, sizeof(*e->ring), 64)) {
			return false;
		}
		/* Full, the ring ran from head to the old end and on from the
		 * front: that front part, head long, goes on after the old end. */
		memcpy(e->ring + old, e->ring, e->head * sizeof(*e->ring));
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

size_t bsc_expect_count(const bsc_expect *e, bsc_expect_tag tag)
{
	size_t n = 0;

	for (size_t i = 0; i < e->len; i++) {
		if (e->ring[(e->head + i) % e->cap].tag == tag) {
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
