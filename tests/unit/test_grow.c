/*
 * Tests of the growing array (src/grow.h) and of the arrays of src/client
 * that grow on it: the ring of replies owed, which must keep its order
 * when it grows while wrapped round, and the set of jobs held.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/expect.h"
#include "src/client/jobset.h"
#include "src/grow.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>

static void test_grow_doubles(void)
{
	int *a = NULL;
	size_t cap = 0;

	CHECK(bsc_grow(&a, &cap, 0, sizeof(*a), 4));
	CHECK(a == NULL && cap == 0);   /* no room asked: nothing allocated */
	CHECK(bsc_grow(&a, &cap, 1, sizeof(*a), 4));
	CHECK(a != NULL);
	CHECK_U64(cap, 4);
	int *before = a;
	CHECK(bsc_grow(&a, &cap, 4, sizeof(*a), 4));
	CHECK(a == before && cap == 4);  /* it has the room */
	for (int i = 0; i < 4; i++) {
		a[i] = i;
	}
	CHECK(bsc_grow(&a, &cap, 5, sizeof(*a), 4));
	CHECK_U64(cap, 8);
	CHECK(bsc_grow(&a, &cap, 100, sizeof(*a), 4));
	CHECK_U64(cap, 128);             /* doubled until it fits */
	CHECK(a[0] == 0 && a[3] == 3);   /* what was there stays */
	/* A size that would overflow is refused, the array as it was. */
	before = a;
	CHECK(!bsc_grow(&a, &cap, SIZE_MAX / 2, sizeof(*a), 4));
	CHECK(a == before && cap == 128);
	free(a);
}

/* Pushes and pops so that the ring is full while wrapped round, then grows
 * it: every reply owed comes out in the order it was pushed. */
static void test_expect_ring_grows_in_order(void)
{
	bsc_expect e = { 0 };
	size_t next_in = 0, next_out = 0;

	for (size_t i = 0; i < 40; i++) {
		CHECK(bsc_expect_push(&e, BSC_EXPECT_CALLER, next_in++));
	}
	for (size_t i = 0; i < 30; i++) {
		CHECK_U64(bsc_expect_front(&e)->body_max, next_out++);
		bsc_expect_pop(&e);
	}
	/* head is 30 of 64: the next 54 fill it, wrapped round; then it grows. */
	for (size_t i = 0; i < 54 + 100; i++) {
		CHECK(bsc_expect_push(&e, i % 2 ? BSC_EXPECT_ASYNC : BSC_EXPECT_CALLER, next_in++));
	}
	CHECK(e.cap > 64);
	CHECK_U64(bsc_expect_count(&e, BSC_EXPECT_CALLER), 10 + 77);
	bool in_order = true;
	while (e.len > 0) {
		in_order = in_order && bsc_expect_front(&e)->body_max == next_out;
		next_out++;
		bsc_expect_pop(&e);
	}
	CHECK(in_order);
	CHECK_U64(next_out, next_in);
	bsc_expect_free(&e);
}

static void test_jobset_grows(void)
{
	bsc_jobset s = { 0 };

	for (uint64_t id = 1; id <= 1000; id++) {
		CHECK(bsc_jobset_add(&s, id));
	}
	CHECK(bsc_jobset_has(&s, 1) && bsc_jobset_has(&s, 1000) && !bsc_jobset_has(&s, 1001));
	CHECK(bsc_jobset_remove(&s, 500));
	CHECK(!bsc_jobset_has(&s, 500));
	CHECK_U64(s.count, 999);
	bsc_jobset_free(&s);
}

static const unit_test tests[] = {
	UNIT_TEST(test_grow_doubles),
	UNIT_TEST(test_expect_ring_grows_in_order),
	UNIT_TEST(test_jobset_grows),
};

const unit_suite grow_suite = UNIT_SUITE("grow", tests);
