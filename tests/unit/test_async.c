/*
 * Tests of the puts that do not wait (src/asyncput.c through src/conn.c):
 * written at once, their replies taken in ahead of a later command's or by
 * a flush, their outcomes in order, and what a lost connection or an
 * untrustworthy answer makes of them; against the scripted fake peer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "helpers.h"
#include "peer.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The outcomes taken, and the tube of each (tubes[i]: 16 at most). */
static char tubes[4][16];

typedef struct {
	bsc_async_put *out;
	size_t n;
} taken;

static void take_one(void *ctx, const bsc_async_put *put, const char *tube)
{
	taken *t = ctx;

	snprintf(tubes[t->n], sizeof(tubes[0]), "%s", tube);
	t->out[t->n++] = *put;
}

static void take_all(bsc_conn *c, bsc_async_put *out, size_t *n)
{
	taken t = { out, 0 };

	bsc_conn_async_take(c, bsc_conn_async_outcomes(c), take_one, &t);
	*n = t.n;
}

/* Written without a wait; a later command reads their replies first. */
static void test_replies_taken_before_the_next_command(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("use t\r\nput 0 0 60 1\r\na\r\n"),
		P_EXPECT("put 0 0 60 1\r\nb\r\n"),
		P_EXPECT("delete 9\r\n"),
		P_SEND("USING t\r\nINSERTED 1\r\nINSERTED 2\r\nDELETED\r\n"),
		P_END,
	};
	bsc_async_put out[4];
	size_t n;
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "t", 1);
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "a", 1), BSC_OK);
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "b", 1), BSC_OK);
	CHECK_U64(client_writes() - writes, 2);
	CHECK_U64(bsc_conn_async_pending(c), 2);
	CHECK_STATUS(c, bsc_delete(c, 9), BSC_OK);
	CHECK_U64(bsc_conn_async_pending(c), 0);
	take_all(c, out, &n);
	if (CHECK_U64(n, 2)) {
		CHECK(out[0].state == BSC_ASYNC_INSERTED && out[0].id == 1 && strcmp(tubes[0], "t") == 0);
		CHECK(out[1].state == BSC_ASYNC_INSERTED && out[1].id == 2);
	}
	CHECK(bsc_conn_is_idle(c));
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* A flush reads what is owed and no more; refusals are outcomes. */
static void test_flush(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("put 0 0 60 1\r\na\r\nput 0 0 60 1\r\nb\r\nput 0 0 60 1\r\nc\r\n"),
		P_SEND("INSERTED 5\r\nJOB_TOO_BIG\r\nBURIED 7\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	bsc_async_put out[4];
	size_t n;
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	for (int i = 0; i < 3; i++) {
		char body = (char)('a' + i);
		CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, &body, 1), BSC_OK);
	}
	CHECK_STATUS(c, bsc_conn_flush_async(c, TEST_TIMEOUT), BSC_OK);
	CHECK(bsc_conn_owes_only_async(c));
	take_all(c, out, &n);
	if (CHECK_U64(n, 3)) {
		CHECK(out[0].state == BSC_ASYNC_INSERTED && out[0].id == 5);
		CHECK(out[1].state == BSC_ASYNC_REFUSED && out[1].refused == BSC_REPLY_JOB_TOO_BIG);
		CHECK(out[2].state == BSC_ASYNC_BURIED && out[2].id == 7);
	}
	CHECK(bsc_conn_is_connected(c));
	/* Nothing owed: a flush is a no-op. */
	CHECK_STATUS(c, bsc_conn_flush_async(c, TEST_TIMEOUT), BSC_OK);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* The connection lost with replies unread: those puts are unconfirmed,
 * never sent again. */
static void test_lost_replies_are_unconfirmed(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("put 0 0 60 1\r\na\r\nput 0 0 60 1\r\nb\r\n"),
		P_SEND("INSERTED 1\r\n"),
		P_CLOSE,
		P_END,
	};
	bsc_async_put out[4];
	size_t n;
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "a", 1), BSC_OK);
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "b", 1), BSC_OK);
	CHECK_STATUS(c, bsc_conn_flush_async(c, TEST_TIMEOUT), BSC_ERR_EOF);
	take_all(c, out, &n);
	if (CHECK_U64(n, 2)) {
		CHECK(out[0].state == BSC_ASYNC_INSERTED && out[0].id == 1);
		CHECK(out[1].state == BSC_ASYNC_UNCONFIRMED);
	}
	CHECK_U64(p.accepts, 1);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* An answer no put gives, or BAD_FORMAT: the stream cannot be trusted. */
static void test_answers_that_close(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("put 0 0 60 1\r\na\r\nput 0 0 60 1\r\nb\r\n"),
		P_SEND("DELETED\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT("put 0 0 60 1\r\nc\r\nput 0 0 60 1\r\nd\r\n"),
		P_SEND("BAD_FORMAT\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	bsc_async_put out[4];
	size_t n;
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "a", 1), BSC_OK);
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "b", 1), BSC_OK);
	CHECK_STATUS(c, bsc_conn_flush_async(c, TEST_TIMEOUT), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "DELETED") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	take_all(c, out, &n);
	CHECK(n == 2 && out[0].state == BSC_ASYNC_UNCONFIRMED && out[1].state == BSC_ASYNC_UNCONFIRMED);

	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "c", 1), BSC_OK);
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "d", 1), BSC_OK);
	CHECK_STATUS(c, bsc_conn_flush_async(c, TEST_TIMEOUT), BSC_ERR_PROTOCOL);
	take_all(c, out, &n);
	CHECK(n == 2 && out[0].state == BSC_ASYNC_REFUSED && out[0].refused == BSC_REPLY_BAD_FORMAT
		&& out[1].state == BSC_ASYNC_UNCONFIRMED);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* Nothing listening: the put is not sent, and not in the ledger. */
static void test_not_sent(void)
{
	int port;
	int fd = peer_refusing_port(&port);
	char address[32];

	if (!CHECK(fd >= 0)) {
		return;
	}
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	bsc_conn *c = test_conn(address, TEST_TIMEOUT);
	if (c) {
		CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "a", 1), BSC_ERR_CONNECT);
		CHECK(!bsc_conn_err_sent(c));
		CHECK_U64(bsc_conn_async_pending(c), 0);
		CHECK_U64(bsc_conn_async_outcomes(c), 0);
		bsc_conn_free(c);
	}
	close(fd);
}

/* Held puts (coalesce) that cannot be written, nothing listening: the flush
 * gives each the outcome not sent, in order, and holds none for later. */
static void test_held_unsent_at_flush(void)
{
	int port;
	int fd = peer_refusing_port(&port);
	char address[32];
	bsc_async_put out[4];
	size_t n;

	if (!CHECK(fd >= 0)) {
		return;
	}
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	bsc_conn *c = test_conn(address, TEST_TIMEOUT);
	if (c) {
		bsc_conn_set_coalesce(c, 1000);
		CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "a", 1), BSC_OK);
		CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "b", 1), BSC_OK);
		CHECK_STATUS(c, bsc_conn_flush_async(c, TEST_TIMEOUT), BSC_ERR_CONNECT);
		CHECK_U64(bsc_conn_held_out(c), 0);
		CHECK_U64(bsc_conn_async_pending(c), 0);
		take_all(c, out, &n);
		CHECK(n == 2 && out[0].state == BSC_ASYNC_UNSENT && out[1].state == BSC_ASYNC_UNSENT);
		CHECK_U64(bsc_conn_async_counts(c)[BSC_ASYNC_UNSENT], 2);
		bsc_conn_free(c);
	}
	close(fd);
}

/* A collect takes what has arrived, leaves half a reply for later, and
 * never waits; each put keeps the tube it went to; the counts add up. */
static void test_collect_never_waits(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("use t\r\nput 0 0 60 1\r\na\r\nuse u\r\nput 0 0 60 1\r\nb\r\n"),
		P_SEND("USING t\r\nINSERTED 1\r\nUSING u\r\nINSERT"),
		P_EXPECT("delete 9\r\n"),
		P_SEND("ED 2\r\nDELETED\r\n"),
		P_END,
	};
	bsc_async_put out[4];
	size_t n;
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "t", 1);
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "a", 1), BSC_OK);
	bsc_tubes_use(bsc_conn_tubes(c), "u", 1);
	CHECK_STATUS(c, bsc_put_async(c, 0, 0, 60, "b", 1), BSC_OK);
	double until = bsc_now() + TEST_TIMEOUT;
	while (bsc_conn_async_outcomes(c) == 0 && bsc_now() < until) {
		CHECK_STATUS(c, bsc_conn_collect(c), BSC_OK);
		usleep(1000);
	}
	CHECK_STATUS(c, bsc_conn_collect(c), BSC_OK);
	CHECK_U64(bsc_conn_async_outcomes(c), 1);
	CHECK_U64(bsc_conn_async_pending(c), 1);
	CHECK(bsc_conn_owes_only_async(c));
	CHECK_STATUS(c, bsc_delete(c, 9), BSC_OK);
	take_all(c, out, &n);
	if (CHECK_U64(n, 2)) {
		CHECK(out[0].id == 1 && strcmp(tubes[0], "t") == 0);
		CHECK(out[1].id == 2 && strcmp(tubes[1], "u") == 0);
	}
	const uint64_t *counts = bsc_conn_async_counts(c);
	CHECK_U64(counts[BSC_ASYNC_PENDING], 2);
	CHECK_U64(counts[BSC_ASYNC_INSERTED], 2);
	CHECK_U64(counts[BSC_ASYNC_UNCONFIRMED], 0);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static const unit_test tests[] = {
	UNIT_TEST(test_replies_taken_before_the_next_command),
	UNIT_TEST(test_flush),
	UNIT_TEST(test_lost_replies_are_unconfirmed),
	UNIT_TEST(test_answers_that_close),
	UNIT_TEST(test_not_sent),
	UNIT_TEST(test_held_unsent_at_flush),
	UNIT_TEST(test_collect_never_waits),
};

const unit_suite async_suite = UNIT_SUITE("async", tests);
