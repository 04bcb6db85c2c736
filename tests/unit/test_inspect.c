/*
 * Tests of the managing and inspecting commands of src/command against the
 * scripted fake peer:
 * reserve-job, kick, kick-job, peek, stats, stats-job, stats-tube,
 * list-tubes, pause-tube, and the max-job-size that stats teaches put.
 * Each command's request line, its success reply, NOT_FOUND, an error word
 * and an answer that belongs to another command.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "helpers.h"
#include "peer.h"
#include "src/proto/stats.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

#define CHECK_ERRSTR(c, part) \
	CHECK_MSG(strstr(bsc_conn_errstr(c), (part)) != NULL, "errstr \"%s\", want it to say \"%s\"", bsc_conn_errstr(c), (part))
#define CHECK_SERVER_ERROR(c, word) \
	CHECK_MSG(bsc_conn_server_error(c) == (word), "server error %s, want %s", \
		bsc_reply_name(bsc_conn_server_error(c)), bsc_reply_name(word))

/* {{{ reserve-job */
static void test_reserve_job(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve-job 5\r\n"),
		P_SEND("RESERVED 5 3\r\nabc\r\n"),
		P_EXPECT_ONE("reserve-job 18446744073709551615\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		/* A server older than 1.12. */
		P_EXPECT_ONE("reserve-job 6\r\n"),
		P_SEND("UNKNOWN_COMMAND\r\n"),
		P_EXPECT_ONE("reserve-job 9223372036854775807\r\n"),
		P_SEND("RESERVED 9223372036854775807 0\r\n\r\n"),
		/* peek's answer, not reserve-job's. */
		P_EXPECT_ONE("reserve-job 7\r\n"),
		P_SEND("FOUND 7 1\r\nx\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		/* reserve-job never waits, so never hears DEADLINE_SOON. */
		P_EXPECT_ONE("reserve-job 8\r\n"),
		P_SEND("DEADLINE_SOON\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	if (CHECK_STATUS(c, bsc_reserve_job(c, 5, &job), BSC_OK)) {
		CHECK_U64(job.id, 5);
		CHECK_MEM(job.body, job.body_len, "abc", 3);
	}
	CHECK_STATUS(c, bsc_reserve_job(c, UINT64_MAX, &job), BSC_NOT_FOUND);
	CHECK(bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_reserve_job(c, 6, &job), BSC_SERVER_ERROR);
	CHECK_SERVER_ERROR(c, BSC_REPLY_UNKNOWN_COMMAND);
	CHECK(bsc_conn_is_connected(c));
	if (CHECK_STATUS(c, bsc_reserve_job(c, INT64_MAX, &job), BSC_OK)) {
		CHECK_U64(job.id, INT64_MAX);
		CHECK_U64(job.body_len, 0);
	}
	CHECK_STATUS(c, bsc_reserve_job(c, 7, &job), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered reserve-job with FOUND");
	CHECK(!bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_reserve_job(c, 8, &job), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered reserve-job with DEADLINE_SOON");
	CHECK_PEER(&p);
	bsc_conn_free(c);
}
/* }}} */

/* {{{ kick and kick-job */
static void test_kick(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("kick 10\r\n"),
		P_SEND("KICKED 3\r\n"),
		P_EXPECT_ONE("kick 0\r\n"),
		P_SEND("KICKED 0\r\n"),
		P_EXPECT_ONE("kick 4294967295\r\n"),
		P_SEND("KICKED 9223372036854775807\r\n"),
		P_EXPECT_ONE("kick 1\r\n"),
		P_SEND("INTERNAL_ERROR\r\n"),
		/* kick-job's answer: no count. */
		P_EXPECT_ONE("kick 2\r\n"),
		P_SEND("KICKED\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		/* kick works on the used tube, which always exists. */
		P_EXPECT_ONE("kick 3\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	uint64_t kicked = 99;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_kick(c, 10, &kicked), BSC_OK);
	CHECK_U64(kicked, 3);
	CHECK_STATUS(c, bsc_kick(c, 0, &kicked), BSC_OK);
	CHECK_U64(kicked, 0);
	CHECK_STATUS(c, bsc_kick(c, UINT32_MAX, &kicked), BSC_OK);
	CHECK_U64(kicked, INT64_MAX);
	kicked = 99;
	CHECK_STATUS(c, bsc_kick(c, 1, &kicked), BSC_SERVER_ERROR);
	CHECK_SERVER_ERROR(c, BSC_REPLY_INTERNAL_ERROR);
	CHECK(bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_kick(c, 2, &kicked), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered kick with KICKED");
	CHECK(!bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_kick(c, 3, &kicked), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered kick with NOT_FOUND");
	CHECK_U64(kicked, 99);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

/* }}} */

/* {{{ peek */
static void test_peek(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("peek 5\r\n"),
		P_SEND("FOUND 5 4\r\na\r\nb\r\n"),
		P_EXPECT_ONE("peek 6\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("peek 7\r\n"),
		P_SEND("BAD_FORMAT\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		/* reserve's answer: peek must not take it for a job it looked at. */
		P_EXPECT_ONE("peek 8\r\n"),
		P_SEND("RESERVED 8 1\r\nx\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	if (CHECK_STATUS(c, bsc_peek(c, 5, &job), BSC_OK)) {
		CHECK_U64(job.id, 5);
		CHECK_MEM(job.body, job.body_len, "a\r\nb", 4);
	}
	CHECK_STATUS(c, bsc_peek(c, 6, &job), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_peek(c, 7, &job), BSC_SERVER_ERROR);
	CHECK_SERVER_ERROR(c, BSC_REPLY_BAD_FORMAT);
	CHECK(!bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_peek(c, 8, &job), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered peek with RESERVED");
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_peek_next(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("use q\r\npeek-ready\r\n"),
		P_SEND("USING q\r\nFOUND 1 1\r\nr\r\n"),
		P_EXPECT_ONE("peek-delayed\r\n"),
		P_SEND("FOUND 2 1\r\nd\r\n"),
		P_EXPECT_ONE("peek-buried\r\n"),
		P_SEND("FOUND 3 0\r\n\r\n"),
		P_EXPECT_ONE("peek-ready\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("peek-delayed\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("peek-buried\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("peek-buried\r\n"),
		P_SEND("UNKNOWN_COMMAND\r\n"),
		P_EXPECT_ONE("peek-delayed\r\n"),
		P_SEND("RESERVED 2 1\r\nd\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	/* They look at the used tube: the use goes out with the first. */
	bsc_tubes_use(bsc_conn_tubes(c), "q", 1);
	if (CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_READY, &job), BSC_OK)) {
		CHECK_U64(job.id, 1);
		CHECK_MEM(job.body, job.body_len, "r", 1);
	}
	if (CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_DELAYED, &job), BSC_OK)) {
		CHECK_U64(job.id, 2);
		CHECK_MEM(job.body, job.body_len, "d", 1);
	}
	if (CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_BURIED, &job), BSC_OK)) {
		CHECK_U64(job.id, 3);
		CHECK_U64(job.body_len, 0);
	}
	CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_READY, &job), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_DELAYED, &job), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_BURIED, &job), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_BURIED, &job), BSC_SERVER_ERROR);
	CHECK_SERVER_ERROR(c, BSC_REPLY_UNKNOWN_COMMAND);
	CHECK(bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_DELAYED, &job), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered peek-delayed with RESERVED");
	CHECK_PEER(&p);
	bsc_conn_free(c);
}
/* }}} */

/* {{{ stats, stats-job, stats-tube, list-tubes */
static void test_stats_commands(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 32\r\n---\nmax-job-size: 100\nuptime: 5\n\r\n"),
		P_EXPECT_ONE("stats-job 18446744073709551615\r\n"),
		P_SEND("OK 24\r\n---\nid: 3\nstate: buried\n\r\n"),
		P_EXPECT_ONE("stats-job 4\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("stats-tube q.1\r\n"),
		P_SEND("OK 14\r\n---\nname: q.1\n\r\n"),
		P_EXPECT_ONE("stats-tube nope\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("list-tubes\r\n"),
		P_SEND("OK 20\r\n---\n- default\n- q.1\n\r\n"),
		P_EXPECT_ONE("stats-tube q\r\n"),
		P_SEND("INTERNAL_ERROR\r\n"),
		P_EXPECT_ONE("list-tubes\r\n"),
		P_SEND("OK 4\r\n---\n\r\n"),
		P_END,
	};
	peer p;
	bsc_yaml y;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_U64(bsc_conn_max_job_size(c), 0);
	if (CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK)) {
		CHECK_MEM(y.body, y.len, "---\nmax-job-size: 100\nuptime: 5\n", 32);
	}
	CHECK_U64(bsc_conn_max_job_size(c), 100);
	if (CHECK_STATUS(c, bsc_stats_job(c, UINT64_MAX, &y), BSC_OK)) {
		CHECK_MEM(y.body, y.len, "---\nid: 3\nstate: buried\n", 24);
	}
	CHECK_STATUS(c, bsc_stats_job(c, 4, &y), BSC_NOT_FOUND);
	if (CHECK_STATUS(c, bsc_stats_tube(c, "q.1", 3, &y), BSC_OK)) {
		CHECK_MEM(y.body, y.len, "---\nname: q.1\n", 14);
	}
	/* Only the given length of the name counts. */
	CHECK_STATUS(c, bsc_stats_tube(c, "nope-not-this", 4, &y), BSC_NOT_FOUND);
	if (CHECK_STATUS(c, bsc_list_tubes(c, &y), BSC_OK)) {
		CHECK_MEM(y.body, y.len, "---\n- default\n- q.1\n", 20);
	}
	CHECK_STATUS(c, bsc_stats_tube(c, "q", 1, &y), BSC_SERVER_ERROR);
	CHECK_SERVER_ERROR(c, BSC_REPLY_INTERNAL_ERROR);
	if (CHECK_STATUS(c, bsc_list_tubes(c, &y), BSC_OK)) {
		CHECK_MEM(y.body, y.len, "---\n", 4);
	}
	CHECK(bsc_conn_is_connected(c));
	CHECK_U64(bsc_conn_generation(c), 1);
	/* None of them but stats touches the max-job-size. */
	CHECK_U64(bsc_conn_max_job_size(c), 100);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* stats and list-tubes name nothing that could be missing. */
static void test_stats_commands_other_answers(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("list-tubes\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("stats-job 1\r\n"),
		P_SEND("FOUND 1 1\r\nx\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("stats-tube default\r\n"),
		P_SEND("USING default\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		/* An OK body shorter than announced: the reply waits, then times out. */
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 10\r\n---\n\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_yaml y;
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_stats(c, &y), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered stats with NOT_FOUND");
	CHECK_STATUS(c, bsc_list_tubes(c, &y), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered list-tubes with NOT_FOUND");
	CHECK_STATUS(c, bsc_stats_job(c, 1, &y), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered stats-job with FOUND");
	CHECK_STATUS(c, bsc_stats_tube(c, "default", 7, &y), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered stats-tube with USING");
	CHECK_STATUS(c, bsc_stats(c, &y), BSC_ERR_TIMEOUT);
	CHECK_U64(bsc_conn_max_job_size(c), 0);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

/* What stats says that is no max-job-size to go by. */
static void test_stats_without_a_usable_max_job_size(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 18\r\n---\nuptime: 5\nbad\n\r\n"),
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 24\r\n---\nmax-job-size: 1.5e3\n\r\n"),
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 20\r\n---\nmax-job-size: 0\n\r\n"),
		/* Not YAML at all: the command still answers with the body. */
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 3\r\nabc\r\n"),
		P_EXPECT_ONE("put 0 0 60 5\r\nhello\r\n"),
		P_SEND("INSERTED 1\r\n"),
		P_END,
	};
	peer p;
	bsc_yaml y;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK);
	CHECK_U64(bsc_conn_max_job_size(c), 0);
	CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK);
	CHECK_U64(bsc_conn_max_job_size(c), 0);
	CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK);
	CHECK_U64(bsc_conn_max_job_size(c), 0);
	if (CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK)) {
		CHECK_MEM(y.body, y.len, "abc", 3);
	}
	/* 0 is "unknown", not "nothing fits". */
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "hello", 5, &id), BSC_OK);
	CHECK_U64(id, 1);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}
/* }}} */

/* {{{ pause-tube */
static void test_pause_tube(void)
{
	static char long_name[BSC_TUBE_MAX + 1];
	static char long_line[BSC_LINE_MAX];
	memset(long_name, 'n', BSC_TUBE_MAX);
	int long_len = snprintf(long_line, sizeof(long_line), "pause-tube %s 4294967295\r\n", long_name);
	peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("pause-tube q 0\r\n"),
		P_SEND("PAUSED\r\n"),
		/* The longest line of the protocol: 224 bytes. */
		{ PEER_EXPECT_ONE, long_line, (size_t)long_len, 0, 0 },
		P_SEND("PAUSED\r\n"),
		P_EXPECT_ONE("pause-tube gone 60\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("pause-tube q 1\r\n"),
		P_SEND("BAD_FORMAT\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		/* A tube change goes out first; WATCHING answers no pause-tube. */
		P_EXPECT_ONE("use u\r\npause-tube q 5\r\n"),
		P_SEND("USING u\r\nWATCHING 1\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_U64(long_len, 224);
	CHECK_STATUS(c, bsc_pause_tube(c, "q", 1, 0), BSC_OK);
	CHECK_STATUS(c, bsc_pause_tube(c, long_name, BSC_TUBE_MAX, UINT32_MAX), BSC_OK);
	CHECK_STATUS(c, bsc_pause_tube(c, "gone", 4, 60), BSC_NOT_FOUND);
	CHECK(bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_pause_tube(c, "q", 1, 1), BSC_SERVER_ERROR);
	CHECK_SERVER_ERROR(c, BSC_REPLY_BAD_FORMAT);
	CHECK(!bsc_conn_is_connected(c));
	bsc_tubes_use(bsc_conn_tubes(c), "u", 1);
	CHECK_STATUS(c, bsc_pause_tube(c, "q", 1, 5), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered pause-tube with WATCHING");
	size_t len;
	const char *used = bsc_tubes_used(bsc_conn_tubes(c), &len);
	CHECK_MEM(used, len, "u", 1);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}
/* }}} */

/* {{{ NOT_FOUND where nothing was named */
static void test_not_found_to_put_and_reserve(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 1\r\nx\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("reserve-with-timeout 0\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	uint64_t id = 5;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "x", 1, &id), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered put with NOT_FOUND");
	CHECK_U64(id, 5);
	CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_ERR_PROTOCOL);
	CHECK_ERRSTR(c, "answered reserve with NOT_FOUND");
	CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_ERR_PROTOCOL);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}
/* }}} */

/* {{{ max-job-size */
/* Once stats has told it, a put over the max-job-size is refused here,
 * without a byte sent: the server would read all of it only to refuse. */
static void test_put_over_the_known_max_job_size(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 53\r\n---\ncurrent-jobs-ready: 0\nmax-job-size: 10\nuptime: 1\n\r\n"),
		/* Exactly the max fits (the server refuses only what is bigger). */
		P_EXPECT_ONE("put 0 0 60 10\r\n0123456789\r\n"),
		P_SEND("INSERTED 1\r\n"),
		/* Nothing of the refused put comes before the close. A new connection may reach another server, or this one
		 * restarted with another -z: what stats said is forgotten. */
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("delete 1\r\n"),
		P_SEND("DELETED\r\n"),
		P_EXPECT_ONE("put 0 0 60 11\r\n0123456789a\r\n"),
		P_SEND("INSERTED 2\r\n"),
		P_END,
	};
	peer p;
	bsc_yaml y;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK);
	CHECK_U64(bsc_conn_max_job_size(c), 10);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "0123456789", 10, &id), BSC_OK);
	CHECK_U64(id, 1);

	size_t writes = client_writes();
	id = 77;
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "0123456789a", 11, &id), BSC_SERVER_ERROR);
	CHECK_U64(client_writes() - writes, 0);
	CHECK_SERVER_ERROR(c, BSC_REPLY_JOB_TOO_BIG);
	CHECK_U64(id, 77);
	/* A refusal like the server's: no failure, the connection stays. */
	CHECK(bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_conn_err(c), BSC_OK);
	CHECK_U64(bsc_conn_pending(c), 0);

	uint64_t generation = bsc_conn_generation(c);
	bsc_conn_close(c);
	CHECK_STATUS(c, bsc_delete(c, 1), BSC_OK);
	CHECK_U64(bsc_conn_generation(c), generation + 1);
	CHECK_U64(bsc_conn_max_job_size(c), 0);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "0123456789a", 11, &id), BSC_OK);
	CHECK_U64(id, 2);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* The put right after a close is the one that reconnects: it must not be
 * refused by what the closed connection's server said. */
static void test_max_job_size_is_forgotten_on_close(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 20\r\n---\nmax-job-size: 2\n\r\n"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 3\r\nabc\r\n"),
		P_SEND("INSERTED 1\r\n"),
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 20\r\n---\nmax-job-size: 2\n\r\n"),
		P_EXPECT_ONE("delete 9\r\n"),
		/* The server goes away while the client waits for a reply. */
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 3\r\nabc\r\n"),
		P_SEND("INSERTED 2\r\n"),
		P_END,
	};
	peer p;
	bsc_yaml y;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK);
	CHECK_U64(bsc_conn_max_job_size(c), 2);
	bsc_conn_close(c);
	CHECK_U64(bsc_conn_max_job_size(c), 0);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "abc", 3, &id), BSC_OK);
	CHECK_U64(id, 1);

	CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK);
	CHECK_U64(bsc_conn_max_job_size(c), 2);
	CHECK_STATUS(c, bsc_delete(c, 9), BSC_ERR_EOF);
	CHECK_U64(bsc_conn_max_job_size(c), 0);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "abc", 3, &id), BSC_OK);
	CHECK_U64(id, 2);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_reserve_job),
	UNIT_TEST(test_kick),
	UNIT_TEST(test_peek),
	UNIT_TEST(test_peek_next),
	UNIT_TEST(test_stats_commands),
	UNIT_TEST(test_stats_commands_other_answers),
	UNIT_TEST(test_stats_without_a_usable_max_job_size),
	UNIT_TEST(test_pause_tube),
	UNIT_TEST(test_not_found_to_put_and_reserve),
	UNIT_TEST(test_put_over_the_known_max_job_size),
	UNIT_TEST(test_max_job_size_is_forgotten_on_close),
};

const unit_suite inspect_suite = UNIT_SUITE("inspect", tests);
