/*
 * Tests against the real beanstalkd (server.h), started by each test and
 * stopped at its end. Skipped when the binary is missing.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "helpers.h"
#include "server.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* put, reserve, delete and friends, and the tube state across a reconnect. */
static void server_round_trip(bool on_unix)
{
	server s;
	uint64_t id1 = 0, id2 = 0, id3 = 0, id;
	bsc_job job;

	if (!server_start(&s, on_unix)) {
		return;
	}
	bsc_conn *c = test_conn(s.address, TEST_TIMEOUT);
	bsc_conn *other = test_conn(s.address, TEST_TIMEOUT);
	if (!c || !other) {
		bsc_conn_free(c);
		bsc_conn_free(other);
		server_stop(&s);
		return;
	}

	bsc_tubes_use(bsc_conn_tubes(c), "unit-a", 6);
	CHECK_STATUS(c, bsc_put(c, 10, 0, 60, "hello", 5, &id1), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 20, 0, 60, "", 0, &id2), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 30, 0, 60, "a\r\n\0b\r\n", 7, &id3), BSC_OK);
	CHECK(id1 > 0 && id2 > id1 && id3 > id2);

	/* The jobs went to unit-a: a connection on default sees none. */
	CHECK_STATUS(other, bsc_reserve(other, 0, &job), BSC_TIMED_OUT);

	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "unit-a", 6));
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id1);
		CHECK_MEM(job.body, job.body_len, "hello", 5);
	}
	CHECK_STATUS(c, bsc_touch(c, id1), BSC_OK);
	CHECK_STATUS(c, bsc_delete(c, id1), BSC_OK);
	CHECK_STATUS(c, bsc_delete(c, id1), BSC_NOT_FOUND);

	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id2);
		CHECK_U64(job.body_len, 0);
	}
	CHECK_STATUS(c, bsc_release(c, id2, 5, 0), BSC_OK);
	/* Released with a better priority, it comes first again. */
	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id2);
	}
	CHECK_STATUS(c, bsc_bury(c, id2, 1), BSC_OK);
	/* Buried, it is no longer ours to touch. */
	CHECK_STATUS(c, bsc_touch(c, id2), BSC_NOT_FOUND);

	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id3);
		CHECK_MEM(job.body, job.body_len, "a\r\n\0b\r\n", 7);
	}
	CHECK_STATUS(c, bsc_delete(c, id3), BSC_OK);
	CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_TIMED_OUT);

	/* Too big for the server: refused, and the stream stays in step. */
	char big[2000];
	memset(big, 'B', sizeof(big));
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, big, sizeof(big), &id), BSC_SERVER_ERROR);
	CHECK(bsc_conn_server_error(c) == BSC_REPLY_JOB_TOO_BIG);
	CHECK(bsc_conn_is_connected(c));

	/* A new connection gets the tube state replayed: the put lands in
	 * unit-a and the reserve watches unit-a only. */
	uint64_t generation = bsc_conn_generation(c);
	bsc_conn_close(c);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "again", 5, &id), BSC_OK);
	CHECK_U64(bsc_conn_generation(c), generation + 1);
	CHECK_STATUS(other, bsc_reserve(other, 0, &job), BSC_TIMED_OUT);
	bsc_conn_close(c);
	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id);
		CHECK_MEM(job.body, job.body_len, "again", 5);
	}
	CHECK_STATUS(c, bsc_delete(c, id), BSC_OK);

	bsc_conn_free(c);
	bsc_conn_free(other);
	server_stop(&s);
}

static void test_real_server_tcp(void)
{
	server_round_trip(false);
}

static void test_real_server_unix(void)
{
	server_round_trip(true);
}

static void test_real_server_pipelined(void)
{
	enum { N = 50 };
	server s;
	bsc_request reqs[N];
	char lines[N][32];
	bsc_reply r;

	if (!server_start(&s, false)) {
		return;
	}
	bsc_conn *c = test_conn(s.address, TEST_TIMEOUT);
	if (!c) {
		server_stop(&s);
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "unit-pipe", 9);
	for (size_t i = 0; i < N; i++) {
		size_t len = (size_t)snprintf(lines[i], sizeof(lines[i]), "put %zu 0 60 2\r\n", i);
		reqs[i] = (bsc_request){ lines[i], len, "pp", 2, true, 0, BSC_FOR_CALLER };
	}
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_conn_send(c, reqs, N), BSC_OK);
	CHECK_U64(client_writes() - writes, 1);
	uint64_t last = 0;
	for (size_t i = 0; i < N; i++) {
		if (!CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
			break;
		}
		CHECK_MSG(r.kind == BSC_REPLY_INSERTED && r.num > last, "reply %zu: %s %llu", i,
			bsc_reply_name(r.kind), (unsigned long long)r.num);
		last = r.num;
	}
	CHECK_U64(bsc_conn_pending(c), 0);
	bsc_conn_free(c);
	server_stop(&s);
}

static const unit_test tests[] = {
	UNIT_TEST(test_real_server_tcp),
	UNIT_TEST(test_real_server_unix),
	UNIT_TEST(test_real_server_pipelined),
};

const unit_suite server_suite = UNIT_SUITE("server", tests);
