/*
 * Tests of the reserves a connection sends ahead (src/client/prefetch.c through
 * src/client/conn.c): one write with the caller's own requests, the jobs taken in
 * on the way to a later reply, a wait until one comes, and what a close or
 * an answer that is no answer to a reserve makes of them; against the
 * scripted fake peer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "helpers.h"
#include "peer.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static bsc_request prefetch_request(const char *line, bsc_request_for reply_for)
{
	bsc_request r = line_request(line);

	r.reply_for = reply_for;
	r.reply_body_max = 1024;
	return r;
}

static bool take_job(bsc_conn *c, uint64_t id, const char *body)
{
	bsc_prefetch_job job;

	if (!CHECK(bsc_conn_prefetch_take(c, &job))) {
		return false;
	}
	bool ok = CHECK_U64(job.id, id) && CHECK(job.len == strlen(body) && memcmp(job.body, body, job.len) == 0);
	free(job.body);
	return ok;
}

/* A delete and three reserves in one write; the delete's reply is the
 * caller's, the jobs are the connection's until taken, in order. */
static void test_one_write_and_the_jobs_in_order(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("delete 9\r\nreserve-with-timeout 5\r\nreserve-with-timeout 0\r\nreserve-with-timeout 0\r\n"),
		P_SEND("DELETED\r\nRESERVED 1 1\r\na\r\nRESERVED 2 2\r\nbb\r\nTIMED_OUT\r\n"),
		P_END,
	};
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	bool waiting;

	if (!c) {
		return;
	}
	bsc_request reqs[] = {
		line_request("delete 9\r\n"),
		prefetch_request("reserve-with-timeout 5\r\n", BSC_FOR_PREFETCH_WAITS),
		prefetch_request("reserve-with-timeout 0\r\n", BSC_FOR_PREFETCH),
		prefetch_request("reserve-with-timeout 0\r\n", BSC_FOR_PREFETCH),
	};
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_conn_send(c, reqs, 4), BSC_OK);
	CHECK_U64(client_writes() - writes, 1);
	CHECK_U64(bsc_conn_prefetch_out(c, &waiting), 3);
	CHECK(waiting);
	bsc_reply reply;
	CHECK_STATUS(c, bsc_conn_recv(c, &reply, TEST_TIMEOUT), BSC_OK);
	CHECK(reply.kind == BSC_REPLY_DELETED);
	CHECK_STATUS(c, bsc_conn_wait_prefetch(c, bsc_deadline_after(TEST_TIMEOUT), TEST_TIMEOUT), BSC_OK);
	CHECK(bsc_conn_prefetch_jobs(c) >= 1);
	CHECK(bsc_conn_holds(c, 1));
	take_job(c, 1, "a");
	/* The rest has come with it: taken in without a wait. */
	CHECK_STATUS(c, bsc_conn_collect(c), BSC_OK);
	CHECK_U64(bsc_conn_prefetch_out(c, &waiting), 0);
	CHECK(!waiting);
	take_job(c, 2, "bb");
	CHECK(!bsc_conn_prefetch_take(c, &(bsc_prefetch_job){ 0 }));
	CHECK_U64(bsc_conn_prefetch_brought(c), 2);
	CHECK(bsc_conn_is_connected(c));
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* A command sent after reserves ahead gets its own reply; the jobs the
 * reserves brought are taken in on the way, and a wait with none out
 * returns at once. */
static void test_a_command_after_them(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("reserve-with-timeout 0\r\n"),
		P_EXPECT("stats-job 1\r\n"),
		P_SEND("RESERVED 1 1\r\na\r\nOK 11\r\nid: 1\r\nx: 2\r\n"),
		P_END,
	};
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_request r = prefetch_request("reserve-with-timeout 0\r\n", BSC_FOR_PREFETCH);
	CHECK_STATUS(c, bsc_conn_send(c, &r, 1), BSC_OK);
	bsc_reply reply;
	CHECK_STATUS(c, round_trip(c, "stats-job 1\r\n", &reply), BSC_OK);
	CHECK(reply.kind == BSC_REPLY_OK);
	CHECK_U64(bsc_conn_prefetch_jobs(c), 1);
	double t0 = now_ms();
	CHECK_STATUS(c, bsc_conn_wait_prefetch(c, bsc_deadline_after(TEST_TIMEOUT), TEST_TIMEOUT), BSC_OK);
	take_job(c, 1, "a");
	CHECK_STATUS(c, bsc_conn_wait_prefetch(c, bsc_deadline_after(TEST_TIMEOUT), TEST_TIMEOUT), BSC_OK);
	CHECK(now_ms() - t0 < 500);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* A close drops the reserves out and the jobs brought: the server has
 * them back. An answer that is no answer to a reserve closes. */
static void test_close_and_nonsense(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("reserve-with-timeout 0\r\nreserve-with-timeout 0\r\n"),
		P_SEND("RESERVED 1 1\r\na\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT("reserve-with-timeout 0\r\n"),
		P_SEND("DELETED\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_request reqs[] = {
		prefetch_request("reserve-with-timeout 0\r\n", BSC_FOR_PREFETCH),
		prefetch_request("reserve-with-timeout 0\r\n", BSC_FOR_PREFETCH),
	};
	CHECK_STATUS(c, bsc_conn_send(c, reqs, 2), BSC_OK);
	CHECK_STATUS(c, bsc_conn_wait_prefetch(c, bsc_deadline_after(TEST_TIMEOUT), TEST_TIMEOUT), BSC_OK);
	CHECK_U64(bsc_conn_prefetch_jobs(c), 1);
	bsc_conn_close(c);
	CHECK_U64(bsc_conn_prefetch_jobs(c), 0);
	CHECK_U64(bsc_conn_prefetch_out(c, NULL), 0);
	CHECK(!bsc_conn_holds(c, 1));

	CHECK_STATUS(c, bsc_conn_send(c, reqs, 1), BSC_OK);
	CHECK_STATUS(c, bsc_conn_wait_prefetch(c, bsc_deadline_after(TEST_TIMEOUT), TEST_TIMEOUT), BSC_ERR_PROTOCOL);
	CHECK(strstr(bsc_conn_errstr(c), "answered a reserve with DELETED") != NULL);
	CHECK(!bsc_conn_is_connected(c));
	CHECK_U64(bsc_conn_prefetch_out(c, NULL), 0);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* Deletes whose answers the connection takes: done, gone, refused, and
 * out when the connection closes. */
static void test_deletes_answered_later(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("delete 5\r\ndelete 6\r\ndelete 7\r\n"),
		P_SEND("DELETED\r\nNOT_FOUND\r\nINTERNAL_ERROR\r\n"),
		P_EXPECT("delete 8\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	uint64_t deleted, refused, unconfirmed;
	bsc_delete_outcome out[4];

	if (!c) {
		return;
	}
	for (uint64_t id = 5; id <= 8; id++) {
		bsc_conn_hold(c, id);
	}
	bsc_request reqs[] = {
		prefetch_request("delete 5\r\n", BSC_FOR_DELETE),
		prefetch_request("delete 6\r\n", BSC_FOR_DELETE),
		prefetch_request("delete 7\r\n", BSC_FOR_DELETE),
	};
	CHECK_STATUS(c, bsc_conn_send(c, reqs, 3), BSC_OK);
	for (uint64_t id = 5; id <= 7; id++) {
		CHECK(bsc_conn_delete_sent(c, id));
	}
	CHECK_STATUS(c, bsc_conn_settle_deletes(c, TEST_TIMEOUT), BSC_OK);
	bsc_conn_delete_counts(c, &deleted, &refused, &unconfirmed);
	CHECK(deleted == 1 && refused == 1 && unconfirmed == 0);
	/* Each answer in order, with its job. */
	CHECK(bsc_conn_take_delete_outcomes(c, out, 4) == 3);
	CHECK(out[0].id == 5 && out[0].kind == BSC_DELETE_DONE);
	CHECK(out[1].id == 6 && out[1].kind == BSC_DELETE_GONE);
	CHECK(out[2].id == 7 && out[2].kind == BSC_DELETE_REFUSED);
	CHECK(!bsc_conn_holds(c, 5) && !bsc_conn_holds(c, 6) && bsc_conn_holds(c, 7));

	bsc_request last = prefetch_request("delete 8\r\n", BSC_FOR_DELETE);
	CHECK_STATUS(c, bsc_conn_send(c, &last, 1), BSC_OK);
	CHECK(bsc_conn_delete_sent(c, 8));
	bsc_conn_close(c);
	bsc_conn_delete_counts(c, &deleted, &refused, &unconfirmed);
	CHECK_U64(unconfirmed, 1);
	CHECK(bsc_conn_take_delete_outcomes(c, out, 4) == 1 && out[0].id == 8 && out[0].kind == BSC_DELETE_UNCONFIRMED);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static const unit_test tests[] = {
	UNIT_TEST(test_one_write_and_the_jobs_in_order),
	UNIT_TEST(test_a_command_after_them),
	UNIT_TEST(test_close_and_nonsense),
	UNIT_TEST(test_deletes_answered_later),
};

const unit_suite prefetch_suite = UNIT_SUITE("prefetch", tests);
