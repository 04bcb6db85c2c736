/*
 * Tests of src/command: each command's request line, its success reply and
 * every other answer the server can give, against the scripted fake peer.
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

/* {{{ put */
static void test_put_inserted(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 1024 0 60 5\r\nhello\r\n"),
		P_SEND("INSERTED 42\r\n"),
		P_EXPECT_ONE("put 4294967295 4294967295 4294967295 0\r\n\r\n"),
		P_SEND("INSERTED 9223372036854775807\r\n"),
		P_EXPECT_ONE("put 0 0 0 4\r\n\r\n\0\r\r\n"),
		P_SEND("INSERTED 1\r\n"),
		P_END,
	};
	peer p;
	uint64_t id = 1;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_put(c, 1024, 0, 60, "hello", 5, &id), BSC_OK);
	CHECK_U64(client_writes() - writes, 1);
	CHECK_U64(id, 42);
	CHECK_STATUS(c, bsc_put(c, UINT32_MAX, UINT32_MAX, UINT32_MAX, "", 0, &id), BSC_OK);
	CHECK_U64(id, INT64_MAX);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 0, "\r\n\0\r", 4, &id), BSC_OK);
	CHECK_U64(id, 1);
	CHECK_U64(bsc_conn_generation(c), 1);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_put_buried(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 1 2 3 1\r\nx\r\n"),
		P_SEND("BURIED 7\r\n"),
		P_END,
	};
	peer p;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	/* The server had no memory to queue it, but the job exists. */
	CHECK_STATUS(c, bsc_put(c, 1, 2, 3, "x", 1, &id), BSC_BURIED);
	CHECK_U64(id, 7);
	CHECK(bsc_conn_is_connected(c));
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_put_refusals_that_keep_the_connection(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 3\r\nbig\r\n"),
		P_SEND("JOB_TOO_BIG\r\n"),
		P_EXPECT_ONE("put 0 0 1 3\r\nbig\r\n"),
		P_SEND("DRAINING\r\n"),
		P_EXPECT_ONE("put 0 0 1 3\r\nbig\r\n"),
		P_SEND("OUT_OF_MEMORY\r\n"),
		P_EXPECT_ONE("put 0 0 1 3\r\nbig\r\n"),
		P_SEND("INTERNAL_ERROR\r\n"),
		P_EXPECT_ONE("put 0 0 1 3\r\nbig\r\n"),
		P_SEND("UNKNOWN_COMMAND\r\n"),
		/* Still the same connection. */
		P_EXPECT_ONE("put 0 0 1 3\r\nbig\r\n"),
		P_SEND("INSERTED 5\r\n"),
		P_END,
	};
	static const bsc_reply_kind words[] = {
		BSC_REPLY_JOB_TOO_BIG, BSC_REPLY_DRAINING, BSC_REPLY_OUT_OF_MEMORY,
		BSC_REPLY_INTERNAL_ERROR, BSC_REPLY_UNKNOWN_COMMAND,
	};
	peer p;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "big", 3, &id), BSC_SERVER_ERROR);
		CHECK_MSG(bsc_conn_server_error(c) == words[i], "server error %s, want %s",
			bsc_reply_name(bsc_conn_server_error(c)), bsc_reply_name(words[i]));
		CHECK(bsc_conn_is_connected(c));
		/* The server refusing is not a transport failure. */
		CHECK_STATUS(c, bsc_conn_err(c), BSC_OK);
	}
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "big", 3, &id), BSC_OK);
	CHECK_U64(id, 5);
	CHECK_U64(bsc_conn_generation(c), 1);
	bsc_conn_free(c);
	CHECK_PEER(&p);
	CHECK_U64(p.accepts, 1);
}

static void test_put_refusals_that_close_the_connection(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 3\r\nabc\r\n"),
		P_SEND("BAD_FORMAT\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 3\r\nabc\r\n"),
		P_SEND("EXPECTED_CRLF\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 3\r\nabc\r\n"),
		P_SEND("INSERTED 3\r\n"),
		P_END,
	};
	peer p;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	/* The server may have read the body as commands: the stream is gone. */
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "abc", 3, &id), BSC_SERVER_ERROR);
	CHECK(bsc_conn_server_error(c) == BSC_REPLY_BAD_FORMAT);
	CHECK(!bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "abc", 3, &id), BSC_SERVER_ERROR);
	CHECK(bsc_conn_server_error(c) == BSC_REPLY_EXPECTED_CRLF);
	CHECK(!bsc_conn_is_connected(c));
	CHECK_U64(bsc_conn_generation(c), 2);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "abc", 3, &id), BSC_OK);
	CHECK_U64(id, 3);
	CHECK_U64(bsc_conn_generation(c), 3);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_put_answers_that_make_no_sense(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\nx\r\n"),
		P_SEND("DELETED\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\nx\r\n"),
		/* BURIED without an id answers release, not put. */
		P_SEND("BURIED\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\nx\r\n"),
		P_SEND("INSERTED\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	uint64_t id = 99;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "x", 1, &id), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "answered put with DELETED") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK(!bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "x", 1, &id), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "answered put with BURIED") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "x", 1, &id), BSC_ERR_PROTOCOL);
	CHECK_U64(id, 99);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}
/* }}} */

/* {{{ reserve */
static void test_reserve(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 5 3\r\nabc\r\n"),
		P_EXPECT_ONE("reserve-with-timeout 0\r\n"),
		P_SEND("TIMED_OUT\r\n"),
		P_EXPECT_ONE("reserve-with-timeout 7\r\n"),
		P_SEND("DEADLINE_SOON\r\n"),
		P_EXPECT_ONE("reserve-with-timeout 1\r\n"),
		P_SEND("RESERVED 9223372036854775807 6\r\n\r\n\0\0\r\n\r\n"),
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 6 0\r\n\r\n"),
		P_END,
	};
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	if (CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_OK)) {
		CHECK_U64(job.id, 5);
		CHECK_MEM(job.body, job.body_len, "abc", 3);
	}
	CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_TIMED_OUT);
	CHECK_STATUS(c, bsc_reserve(c, 7, &job), BSC_DEADLINE_SOON);
	if (CHECK_STATUS(c, bsc_reserve(c, 1, &job), BSC_OK)) {
		CHECK_U64(job.id, INT64_MAX);
		CHECK_MEM(job.body, job.body_len, "\r\n\0\0\r\n", 6);
	}
	if (CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_OK)) {
		CHECK_U64(job.id, 6);
		CHECK_U64(job.body_len, 0);
	}
	CHECK(bsc_conn_is_connected(c));
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* The server holds a reserve for its own timeout: the client waits that
 * long plus its reply timeout, and a blocking reserve for ever. */
static void test_reserve_waits_past_the_reply_timeout(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve-with-timeout 1\r\n"),
		P_PAUSE(600),
		P_SEND("TIMED_OUT\r\n"),
		P_EXPECT_ONE("reserve\r\n"),
		P_PAUSE(500),
		P_SEND("RESERVED 1 1\r\nz\r\n"),
		/* An ordinary command keeps the short timeout. */
		P_EXPECT_ONE("delete 1\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_reserve(c, 1, &job), BSC_TIMED_OUT);
	if (CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_OK)) {
		CHECK_MEM(job.body, job.body_len, "z", 1);
	}
	CHECK_STATUS(c, bsc_delete(c, 1), BSC_ERR_TIMEOUT);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_reserve_other_answers(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("UNKNOWN_COMMAND\r\n"),
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("INSERTED 1\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 1 3\r\nabcdef\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_SERVER_ERROR);
	CHECK(bsc_conn_server_error(c) == BSC_REPLY_UNKNOWN_COMMAND);
	CHECK(bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "answered reserve with INSERTED") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	/* A body longer than announced. */
	CHECK_STATUS(c, bsc_reserve(c, -1, &job), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "body not followed by CRLF") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK_PEER(&p);
	bsc_conn_free(c);
}
/* }}} */

/* {{{ delete, release, bury, touch, kick-job: one answer each */
/* The job commands as one shape: the request for job id 5, with the
 * priority 7 and delay 9 where the command takes them. */
typedef struct {
	const char *request;
	bsc_status (*run)(bsc_conn *c);
} job_command;

static bsc_status run_delete(bsc_conn *c) { return bsc_delete(c, 5); }
static bsc_status run_release(bsc_conn *c) { return bsc_release(c, 5, 7, 9); }
static bsc_status run_bury(bsc_conn *c) { return bsc_bury(c, 5, 7); }
static bsc_status run_touch(bsc_conn *c) { return bsc_touch(c, 5); }
static bsc_status run_kick_job(bsc_conn *c) { return bsc_kick_job(c, 5); }

static const job_command job_commands[] = {
	{ "delete 5\r\n", run_delete },
	{ "release 5 7 9\r\n", run_release },
	{ "bury 5 7\r\n", run_bury },
	{ "touch 5\r\n", run_touch },
	{ "kick-job 5\r\n", run_kick_job },
};

/* One answer to one command, and what must come of it. */
typedef struct {
	const char *request;      /* which command */
	const char *answer;
	bsc_status want;
	bsc_reply_kind word;      /* with BSC_SERVER_ERROR: the error word */
	bool stays;               /* the connection is still open afterwards */
	const char *errstr;       /* with a failure: part of the message */
} job_answer;

static const job_answer job_answers[] = {
	{ "delete", "DELETED\r\n", BSC_OK, 0, true, NULL },
	{ "delete", "NOT_FOUND\r\n", BSC_NOT_FOUND, 0, true, NULL },
	{ "delete", "INTERNAL_ERROR\r\n", BSC_SERVER_ERROR, BSC_REPLY_INTERNAL_ERROR, true, NULL },
	{ "delete", "RELEASED\r\n", BSC_ERR_PROTOCOL, 0, false, "answered delete with RELEASED" },
	{ "release", "RELEASED\r\n", BSC_OK, 0, true, NULL },
	{ "release", "BURIED\r\n", BSC_BURIED, 0, true, NULL },
	{ "release", "NOT_FOUND\r\n", BSC_NOT_FOUND, 0, true, NULL },
	{ "release", "OUT_OF_MEMORY\r\n", BSC_SERVER_ERROR, BSC_REPLY_OUT_OF_MEMORY, true, NULL },
	/* BURIED with an id answers put, not release. */
	{ "release", "BURIED 8\r\n", BSC_ERR_PROTOCOL, 0, false, "answered release with BURIED" },
	{ "bury", "BURIED\r\n", BSC_OK, 0, true, NULL },
	{ "bury", "NOT_FOUND\r\n", BSC_NOT_FOUND, 0, true, NULL },
	{ "bury", "BURIED 5\r\n", BSC_ERR_PROTOCOL, 0, false, "answered bury with BURIED" },
	{ "bury", "TOUCHED\r\n", BSC_ERR_PROTOCOL, 0, false, "answered bury with TOUCHED" },
	{ "touch", "TOUCHED\r\n", BSC_OK, 0, true, NULL },
	{ "touch", "NOT_FOUND\r\n", BSC_NOT_FOUND, 0, true, NULL },
	/* After BAD_FORMAT the server may have read anything: not kept. */
	{ "touch", "BAD_FORMAT\r\n", BSC_SERVER_ERROR, BSC_REPLY_BAD_FORMAT, false, NULL },
	{ "kick-job", "KICKED\r\n", BSC_OK, 0, true, NULL },
	{ "kick-job", "NOT_FOUND\r\n", BSC_NOT_FOUND, 0, true, NULL },
	{ "kick-job", "OUT_OF_MEMORY\r\n", BSC_SERVER_ERROR, BSC_REPLY_OUT_OF_MEMORY, true, NULL },
	/* kick's answer, with a count: the replies are out of step. */
	{ "kick-job", "KICKED 1\r\n", BSC_ERR_PROTOCOL, 0, false, "answered kick-job with KICKED" },
	{ "kick-job", "DELETED\r\n", BSC_ERR_PROTOCOL, 0, false, "answered kick-job with DELETED" },
};

static const job_command *job_command_named(const char *verb)
{
	size_t len = strlen(verb);

	for (size_t i = 0; i < sizeof(job_commands) / sizeof(job_commands[0]); i++) {
		if (strncmp(job_commands[i].request, verb, len) == 0 && job_commands[i].request[len] == ' ') {
			return &job_commands[i];
		}
	}
	return NULL;
}

static void test_job_command_answers(void)
{
	for (size_t i = 0; i < sizeof(job_answers) / sizeof(job_answers[0]); i++) {
		const job_answer *a = &job_answers[i];
		const job_command *cmd = job_command_named(a->request);
		if (!CHECK_MSG(cmd != NULL, "no command %s", a->request)) {
			continue;
		}
		const peer_step script[] = {
			P_ACCEPT,
			{ PEER_EXPECT_ONE, cmd->request, strlen(cmd->request), 0, 0 },
			{ PEER_SEND, a->answer, strlen(a->answer), 0, 0 },
			a->stays ? (peer_step)P_END : (peer_step)P_EXPECT_EOF,
			P_END,
		};
		char shown[64];
		peer p;
		bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
		if (!c) {
			return;
		}
		unit_escape(a->answer, strlen(a->answer), shown, sizeof(shown));
		bsc_status got = cmd->run(c);
		CHECK_MSG(got == a->want, "%s answered %s: status %d, want %d", a->request, shown, (int)got, (int)a->want);
		if (a->want == BSC_SERVER_ERROR) {
			CHECK_MSG(bsc_conn_server_error(c) == a->word, "%s answered %s: word %s", a->request, shown,
				bsc_reply_name(bsc_conn_server_error(c)));
		}
		CHECK_MSG(bsc_conn_is_connected(c) == a->stays, "%s answered %s: connected %d", a->request, shown, bsc_conn_is_connected(c));
		if (a->errstr) {
			CHECK_MSG(strstr(bsc_conn_errstr(c), a->errstr) != NULL, "%s answered %s: errstr \"%s\"", a->request, shown, bsc_conn_errstr(c));
		}
		bsc_conn_free(c);
		CHECK_PEER(&p);
	}
}

/* The numbers go out as given, the largest included. */
static void test_job_command_numbers(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("delete 18446744073709551615\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("release 5 4294967295 4294967295\r\n"),
		P_SEND("RELEASED\r\n"),
		P_EXPECT_ONE("bury 6 4294967295\r\n"),
		P_SEND("BURIED\r\n"),
		P_EXPECT_ONE("release 7 0 0\r\n"),
		P_SEND("RELEASED\r\n"),
		P_END,
	};
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_delete(c, UINT64_MAX), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_release(c, 5, UINT32_MAX, UINT32_MAX), BSC_OK);
	CHECK_STATUS(c, bsc_bury(c, 6, UINT32_MAX), BSC_OK);
	CHECK_STATUS(c, bsc_release(c, 7, 0, 0), BSC_OK);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}
/* }}} */

/* {{{ transport failures through commands */
static void test_commands_after_a_transport_failure(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("use q\r\nwatch q\r\nput 0 0 1 1\r\nx\r\n"),
		P_SEND("USING q\r\nWATCHING 2\r\nINSERTED 1\r\n"),
		P_EXPECT_ONE("reserve-with-timeout 0\r\n"),
		P_SEND("RESERVED 1 1\r\nx"),
		P_CLOSE,
		/* The reserved job went back to the server with the connection:
		 * the generation tells the caller so. */
		P_ACCEPT,
		P_EXPECT_ONE("use q\r\nwatch q\r\ndelete 1\r\n"),
		P_SEND("USING q\r\nWATCHING 2\r\nNOT_FOUND\r\n"),
		P_END,
	};
	peer p;
	uint64_t id = 0;
	bsc_job job;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "q", 1);
	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "q", 1));
	CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "x", 1, &id), BSC_OK);
	uint64_t generation = bsc_conn_generation(c);
	CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_ERR_EOF);
	CHECK_STATUS(c, bsc_conn_err(c), BSC_ERR_EOF);
	CHECK_STATUS(c, bsc_delete(c, 1), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_conn_err(c), BSC_OK);
	CHECK(bsc_conn_generation(c) != generation);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_command_cannot_connect(void)
{
	char address[64];
	int port;
	int fd = peer_refusing_port(&port);
	uint64_t id;
	bsc_job job;

	if (!CHECK(fd >= 0)) {
		return;
	}
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	bsc_conn *c = test_conn(address, TEST_TIMEOUT);
	if (c) {
		CHECK_STATUS(c, bsc_put(c, 0, 0, 1, "x", 1, &id), BSC_ERR_CONNECT);
		CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_ERR_CONNECT);
		CHECK_STATUS(c, bsc_delete(c, 1), BSC_ERR_CONNECT);
		CHECK_STATUS(c, bsc_release(c, 1, 0, 0), BSC_ERR_CONNECT);
		CHECK_STATUS(c, bsc_bury(c, 1, 0), BSC_ERR_CONNECT);
		CHECK_STATUS(c, bsc_touch(c, 1), BSC_ERR_CONNECT);
		CHECK_MSG(strstr(bsc_conn_errstr(c), "cannot connect to") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
		bsc_conn_free(c);
	}
	close(fd);
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_put_inserted),
	UNIT_TEST(test_put_buried),
	UNIT_TEST(test_put_refusals_that_keep_the_connection),
	UNIT_TEST(test_put_refusals_that_close_the_connection),
	UNIT_TEST(test_put_answers_that_make_no_sense),
	UNIT_TEST(test_reserve),
	UNIT_TEST(test_reserve_waits_past_the_reply_timeout),
	UNIT_TEST(test_reserve_other_answers),
	UNIT_TEST(test_job_command_answers),
	UNIT_TEST(test_job_command_numbers),
	UNIT_TEST(test_commands_after_a_transport_failure),
	UNIT_TEST(test_command_cannot_connect),
};

const unit_suite command_suite = UNIT_SUITE("command", tests);
