/*
 * Tests of src/conn keeping the stream in step and bounded: replies nobody
 * asked for, replies that stop half-way, batches whose answers trickle,
 * what a failure says of whether the request had left, and the events a
 * watcher of the connection hears; against the scripted fake peer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "src/client/conn.h"
#include "helpers.h"
#include "peer.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {{{ replies nobody asked for */
/* Two answers to one put, in one write: the put takes the first, a valid
 * answer to what it sent (the job is stored: its id must not be lost), and
 * the connection is out of step. It is not idle, and the next put must not
 * take the second answer as its own: it goes on a new connection. */
static void test_second_reply_in_the_same_read(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\na\r\n"),
		P_SEND("INSERTED 5\r\nINSERTED 6\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\nb\r\n"),
		P_SEND("INSERTED 7\r\n"),
		P_END,
	};
	peer p;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "a", 1, &id), BSC_OK);
	CHECK_U64(id, 5);
	CHECK(!bsc_conn_is_idle(c));
	CHECK(!bsc_conn_owes_only_async(c));
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "b", 1, &id), BSC_OK);
	CHECK_U64(id, 7);
	CHECK_U64(bsc_conn_generation(c), 2);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* The second answer comes after the first was taken: it is found before
 * the next command goes out, and that command goes on a new connection. */
static void test_late_reply_nobody_asked_for(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\na\r\n"),
		P_SEND("INSERTED 5\r\n"),
		P_PAUSE(30),
		P_SEND("INSERTED 6\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\nb\r\n"),
		P_SEND("INSERTED 7\r\n"),
		P_EXPECT_ONE("put 0 0 1 1\r\nc\r\n"),
		P_SEND("INSERTED 8\r\n"),
		P_END,
	};
	peer p;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "a", 1, &id), BSC_OK);
	CHECK_U64(id, 5);
	sleep_ms(150);
	/* Back to back: each one checked, none takes another's answer. */
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "b", 1, &id), BSC_OK);
	CHECK_U64(id, 7);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "c", 1, &id), BSC_OK);
	CHECK_U64(id, 8);
	CHECK_U64(bsc_conn_generation(c), 2);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* A job reserved, and bytes after it: the job is the caller's (its body
 * whole), and the connection goes before the next command, taking the job
 * back to the server: a command for it, pinned to the connection it came
 * over, sends nothing and finds it gone. */
static void test_reserved_then_junk(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 3 5\r\nhello\r\nJUNK\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_END,
	};
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_OK);
	CHECK_U64(job.id, 3);
	CHECK_MEM(job.body, job.body_len, "hello", 5);
	CHECK(bsc_conn_holds(c, 3));
	CHECK(!bsc_conn_is_idle(c));
	uint64_t gen = bsc_conn_generation(c);
	bsc_conn_pin(c, gen);
	CHECK_STATUS(c, bsc_delete(c, 3), BSC_NOT_FOUND);
	CHECK_U64(bsc_conn_generation(c), gen + 1);
	CHECK(!bsc_conn_holds(c, 3));
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* A batch answered in full, then one answer more: every id stands. A
 * connection that must not be replaced unseen (the worker's) fails the
 * next command before a byte of it goes out; the one after reconnects. */
static void test_put_many_then_junk(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\na\r\nput 0 0 1 1\r\nb\r\n"),
		P_SEND("INSERTED 1\r\nINSERTED 2\r\nINSERTED 9\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\nc\r\n"),
		P_SEND("INSERTED 3\r\n"),
		P_END,
	};
	static const bsc_body bodies[] = { { "a", 1 }, { "b", 1 } };
	bsc_put_result results[2];
	uint64_t id = 0;
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 1, bodies, 2, results), BSC_OK);
	CHECK(results[0].status == BSC_OK && results[1].status == BSC_OK);
	CHECK_U64(results[0].id, 1);
	CHECK_U64(results[1].id, 2);
	bsc_conn_set_auto_replace(c, false);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "c", 1, &id), BSC_ERR_EOF);
	CHECK(!bsc_conn_err_sent(c));
	CHECK_MSG(strstr(bsc_conn_errstr(c), "sent what nobody asked for") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "c", 1, &id), BSC_OK);
	CHECK_U64(id, 3);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* A connection with bytes left over is not idle: not to be handed on. */
static void test_leftover_bytes_are_not_idle(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("delete 1\r\n"),
		P_SEND("DELETED\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK(bsc_conn_is_idle(c));
	CHECK_STATUS(c, send_line(c, "delete 1\r\n"), BSC_OK);
	CHECK(!bsc_conn_is_idle(c));
	CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK);
	CHECK(bsc_conn_is_idle(c));
	bsc_conn_hold(c, 3);
	CHECK(!bsc_conn_is_idle(c));
	bsc_conn_let_go(c, 3);
	CHECK(bsc_conn_is_idle(c));
	bsc_conn_free(c);
	CHECK_PEER(&p);
}
/* }}} */

/* {{{ replies that stop half-way */
/* A blocking reserve waits for ever for a job; once its reply has begun,
 * the rest is due within the connection's timeout. */
static void reply_stops(const char *what, const peer_step *script)
{
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);

	if (!c) {
		return;
	}
	double t0 = now_ms();
	CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_ERR_TIMEOUT);
	double waited = now_ms() - t0;
	CHECK_MSG(waited >= SHORT_TIMEOUT * 1000 - 5 && waited < 2000, "%s: waited %.0f ms", what, waited);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "stopped after") != NULL && strstr(bsc_conn_errstr(c), "within 0.200 s") != NULL,
		"%s: errstr \"%s\"", what, bsc_conn_errstr(c));
	CHECK(!bsc_conn_is_connected(c));
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_reply_stops_after_its_first_bytes(void)
{
	static const peer_step line[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESE"),
		P_EXPECT_EOF,
		P_END,
	};
	static const peer_step body[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 1 10\r\nhalf"),
		P_EXPECT_EOF,
		P_END,
	};

	reply_stops("half a line", line);
	reply_stops("half a body", body);
}

/* A reply that keeps coming, slowly, is still held to the one limit. */
static void test_trickling_reply(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_DRIP_TO_EOF("RESERVED 1 40\r\n0123456789012345678901234567890123456789\r\n", 1, 20),
		P_END,
	};

	reply_stops("trickle", script);
}

/* A put batch has one deadline per chunk, not one per answer. */
static void test_put_many_answers_trickle(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\na\r\nput 0 0 1 1\r\nb\r\nput 0 0 1 1\r\nc\r\nput 0 0 1 1\r\nd\r\n"),
		P_DRIP_TO_EOF("INSERTED 1\r\nINSERTED 2\r\nINSERTED 3\r\nINSERTED 4\r\n", 12, 120),
		P_END,
	};
	static const bsc_body bodies[] = { { "a", 1 }, { "b", 1 }, { "c", 1 }, { "d", 1 } };
	bsc_put_result results[4];
	peer p;
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);

	if (!c) {
		return;
	}
	double t0 = now_ms();
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 1, bodies, 4, results), BSC_ERR_TIMEOUT);
	double waited = now_ms() - t0;
	CHECK_MSG(waited >= SHORT_TIMEOUT * 1000 - 5 && waited < 330, "waited %.0f ms", waited);
	CHECK_STATUS(c, results[0].status, BSC_OK);
	CHECK_U64(results[0].id, 1);
	for (size_t i = 2; i < 4; i++) {
		CHECK_MSG(results[i].status == BSC_ERR_TIMEOUT && results[i].sent, "result %zu: status %d, sent %d",
			i, (int)results[i].status, results[i].sent);
	}
	bsc_conn_free(c);
	CHECK_PEER(&p);
}
/* }}} */

/* {{{ whether a failed request had left */
static void test_nothing_sent_when_nobody_listens(void)
{
	int port;
	int fd = peer_refusing_port(&port);
	char address[32], errbuf[BSC_ERRSTR_LEN];
	bsc_conn_options opt = { .connect_timeout = TEST_TIMEOUT, .timeout = TEST_TIMEOUT, .job_size_max = 0 };
	static const bsc_body bodies[] = { { "a", 1 }, { "b", 1 } };
	bsc_put_result results[2];
	uint64_t id;

	if (!CHECK(fd >= 0)) {
		return;
	}
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	bsc_conn *c = bsc_conn_new(address, strlen(address), &opt, errbuf);
	if (CHECK(c != NULL)) {
		CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "a", 1, &id), BSC_ERR_CONNECT);
		CHECK(!bsc_conn_err_sent(c));
		CHECK_STATUS(c, bsc_put_many(c, 0, 0, 1, bodies, 2, results), BSC_ERR_CONNECT);
		for (size_t i = 0; i < 2; i++) {
			CHECK_MSG(results[i].status == BSC_ERR_CONNECT && !results[i].sent, "result %zu: status %d, sent %d",
				i, (int)results[i].status, results[i].sent);
		}
		bsc_conn_free(c);
	}
	close(fd);
}

static void test_sent_when_the_reply_is_lost(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\na\r\n"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("use t\r\nput 0 0 1 1\r\nb\r\n"),
		P_SEND("USING t\r\n"),
		P_CLOSE,
		P_END,
	};
	peer p;
	uint64_t id;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "a", 1, &id), BSC_ERR_EOF);
	CHECK(bsc_conn_err_sent(c));
	/* Lost after the tube change was answered: the put itself had left. */
	bsc_tubes_use(bsc_conn_tubes(c), "t", 1);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "b", 1, &id), BSC_ERR_EOF);
	CHECK(bsc_conn_err_sent(c));
	bsc_conn_free(c);
	CHECK_PEER(&p);
}
/* }}} */

/* {{{ events */
typedef struct {
	int let_go, touched, closing;
	uint64_t last_id;
	int fd_at_closing;
	bsc_conn *conn;
} event_log;

static void log_event(void *ctx, bsc_conn_event event, uint64_t id)
{
	event_log *log = ctx;

	switch (event) {
	case BSC_EVENT_JOB_LET_GO:
		log->let_go++;
		break;
	case BSC_EVENT_JOB_TOUCHED:
		log->touched++;
		break;
	case BSC_EVENT_CLOSING:
		log->closing++;
		log->fd_at_closing = bsc_conn_fd(log->conn);
		break;
	}
	log->last_id = id;
}

static void test_job_events(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 4 1\r\nx\r\n"),
		P_EXPECT_ONE("touch 4\r\n"),
		P_SEND("TOUCHED\r\n"),
		P_EXPECT_ONE("touch 4\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("delete 4\r\n"),
		P_SEND("DELETED\r\n"),
		P_EXPECT_ONE("release 5 1 0\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	event_log log = { 0 };
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	log.conn = c;
	bsc_conn_set_event_hook(c, log_event, &log);
	CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_OK);
	CHECK_STATUS(c, bsc_touch(c, 4), BSC_OK);
	CHECK(log.touched == 1 && log.last_id == 4);
	CHECK_STATUS(c, bsc_touch(c, 4), BSC_NOT_FOUND);
	CHECK(log.touched == 1);
	CHECK_STATUS(c, bsc_delete(c, 4), BSC_OK);
	CHECK(log.let_go == 1 && log.last_id == 4);
	/* Not ours any more either: the watcher hears of it. */
	CHECK_STATUS(c, bsc_release(c, 5, 1, 0), BSC_NOT_FOUND);
	CHECK(log.let_go == 2 && log.last_id == 5);
	int fd = bsc_conn_fd(c);
	bsc_conn_close(c);
	/* Told while the socket was still open. */
	CHECK(log.closing == 1 && log.fd_at_closing == fd);
	bsc_conn_close(c);
	CHECK(log.closing == 1);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_second_reply_in_the_same_read),
	UNIT_TEST(test_late_reply_nobody_asked_for),
	UNIT_TEST(test_reserved_then_junk),
	UNIT_TEST(test_put_many_then_junk),
	UNIT_TEST(test_leftover_bytes_are_not_idle),
	UNIT_TEST(test_reply_stops_after_its_first_bytes),
	UNIT_TEST(test_trickling_reply),
	UNIT_TEST(test_put_many_answers_trickle),
	UNIT_TEST(test_nothing_sent_when_nobody_listens),
	UNIT_TEST(test_sent_when_the_reply_is_lost),
	UNIT_TEST(test_job_events),
};

const unit_suite stream_suite = UNIT_SUITE("stream", tests);
