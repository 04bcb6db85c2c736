/*
 * Tests of bsc_put_many (src/command): a pipelined batch of puts, written
 * in chunks, every reply read, a result per job, against the scripted fake
 * peer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "helpers.h"
#include "peer.h"
#include "unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The batch size of src/client/command.c (PUT_MANY_CHUNK): requests are written and
 * answered a chunk at a time. */
#define CHUNK 1024

/* {{{ helpers */
/* A growing string, for requests and replies too long for a literal. */
typedef struct {
	char *buf;
	size_t len, cap;
	bool failed;
} text;

static void text_add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(text *t, const char *fmt, ...)
{
	va_list ap;
	char line[128];

	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		t->failed = true;
		return;
	}
	if (t->cap - t->len < (size_t)n + 1) {
		size_t cap = t->cap ? t->cap * 2 : 4096;
		while (cap - t->len < (size_t)n + 1) {
			cap *= 2;
		}
		char *buf = realloc(t->buf, cap);
		if (!buf) {
			t->failed = true;
			return;
		}
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, line, (size_t)n + 1);
	t->len += (size_t)n;
}

static void text_free(text *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

/* A script step of runtime bytes. */
static peer_step step(peer_op op, const text *t)
{
	return (peer_step){ op, t->buf, t->len, 0, 0 };
}

static const char *kind_name(bsc_reply_kind k)
{
	return k < BSC_REPLY_KIND_COUNT ? bsc_reply_name(k) : "(none)";
}

/* One job's result against what it should be. */
static bool check_result(const bsc_put_result *r, size_t i, bsc_status status, uint64_t id, bsc_reply_kind refused,
	const char *file, int line)
{
	bool ok = r->status == status && (status == BSC_SERVER_ERROR ? r->refused == refused : r->id == id);

	return unit_check(ok, file, line, "result %zu: %s id %llu refused %s, want %s id %llu refused %s", i,
		status_name(r->status), (unsigned long long)r->id, kind_name(r->refused),
		status_name(status), (unsigned long long)id, kind_name(refused));
}

#define CHECK_RESULT(results, i, status, id, refused) \
	check_result(&(results)[i], (i), (status), (id), (refused), __FILE__, __LINE__)
#define CHECK_INSERTED(results, i, id) CHECK_RESULT(results, i, BSC_OK, id, BSC_REPLY_KIND_COUNT)
#define CHECK_REFUSED(results, i, word) CHECK_RESULT(results, i, BSC_SERVER_ERROR, 0, word)
#define CHECK_LOST(results, i, status) CHECK_RESULT(results, i, status, 0, BSC_REPLY_KIND_COUNT)

#define BODY(s) { (s), sizeof(s) - 1 }
/* }}} */

static void test_put_many_one_write(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		/* The tube change goes in the same write as the batch. */
		P_EXPECT_ONE("use q\r\nput 1 2 3 1\r\na\r\nput 1 2 3 2\r\n\r\n\r\nput 1 2 3 0\r\n\r\n"),
		P_SEND("USING q\r\nINSERTED 10\r\nBURIED 11\r\nINSERTED 12\r\n"),
		P_EXPECT_ONE("delete 10\r\n"),
		P_SEND("DELETED\r\n"),
		P_END,
	};
	static const bsc_body bodies[] = { BODY("a"), BODY("\r\n"), BODY("") };
	bsc_put_result results[3];
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "q", 1);
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_put_many(c, 1, 2, 3, bodies, 3, results), BSC_OK);
	CHECK_U64(client_writes() - writes, 1);
	CHECK_INSERTED(results, 0, 10);
	/* Buried for want of memory: inserted all the same, with an id. */
	CHECK_RESULT(results, 1, BSC_BURIED, 11, BSC_REPLY_KIND_COUNT);
	CHECK_INSERTED(results, 2, 12);
	CHECK_U64(bsc_conn_pending(c), 0);
	CHECK_STATUS(c, bsc_delete(c, 10), BSC_OK);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_put_many_refusals_keep_the_others(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 1\r\n1\r\nput 0 0 60 1\r\n2\r\nput 0 0 60 1\r\n3\r\n"
			"put 0 0 60 1\r\n4\r\nput 0 0 60 1\r\n5\r\nput 0 0 60 1\r\n6\r\n"),
		P_SEND("INSERTED 21\r\nJOB_TOO_BIG\r\nINSERTED 23\r\nDRAINING\r\nOUT_OF_MEMORY\r\nINSERTED 26\r\n"),
		/* The same connection goes on. */
		P_EXPECT_ONE("put 0 0 60 1\r\n7\r\n"),
		P_SEND("INSERTED 27\r\n"),
		P_END,
	};
	static const bsc_body bodies[] = { BODY("1"), BODY("2"), BODY("3"), BODY("4"), BODY("5"), BODY("6") };
	bsc_put_result results[6];
	peer p;
	uint64_t id = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	/* Refused jobs are answers, not a failure of the batch. */
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, 6, results), BSC_OK);
	CHECK_INSERTED(results, 0, 21);
	CHECK_REFUSED(results, 1, BSC_REPLY_JOB_TOO_BIG);
	CHECK_INSERTED(results, 2, 23);
	CHECK_REFUSED(results, 3, BSC_REPLY_DRAINING);
	CHECK_REFUSED(results, 4, BSC_REPLY_OUT_OF_MEMORY);
	CHECK_INSERTED(results, 5, 26);
	CHECK(bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_conn_err(c), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "7", 1, &id), BSC_OK);
	CHECK_U64(id, 27);
	bsc_conn_free(c);
	CHECK_PEER(&p);
	CHECK_U64(p.accepts, 1);
}

/* Once stats told the max-job-size, a body over it is refused here: the
 * server would read and throw away every byte of it first. */
static void test_put_many_skips_what_is_known_too_big(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 20\r\n---\nmax-job-size: 4\n\r\n"),
		/* The 5-byte body is not in the write. */
		P_EXPECT_ONE("put 0 0 60 4\r\nabcd\r\nput 0 0 60 1\r\nx\r\n"),
		P_QUIET(50),
		P_SEND("INSERTED 1\r\nINSERTED 2\r\n"),
		P_EXPECT_ONE("put 0 0 60 0\r\n\r\n"),
		P_SEND("INSERTED 3\r\n"),
		P_END,
	};
	static const bsc_body bodies[] = { BODY("abcd"), BODY("abcde"), BODY("x") };
	static const bsc_body too_big[] = { BODY("abcde"), BODY("abcdefghij") };
	static const bsc_body mixed[] = { BODY("12345"), BODY(""), BODY("123456") };
	bsc_put_result results[3];
	bsc_yaml yaml;
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_stats(c, &yaml), BSC_OK);
	CHECK_U64(bsc_conn_max_job_size(c), 4);
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, 3, results), BSC_OK);
	CHECK_INSERTED(results, 0, 1);
	CHECK_REFUSED(results, 1, BSC_REPLY_JOB_TOO_BIG);
	CHECK_U64(results[1].id, 0);
	CHECK_INSERTED(results, 2, 2);

	/* Nothing left to send: nothing is written. */
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, too_big, 2, results), BSC_OK);
	CHECK_U64(client_writes() - writes, 0);
	CHECK_REFUSED(results, 0, BSC_REPLY_JOB_TOO_BIG);
	CHECK_REFUSED(results, 1, BSC_REPLY_JOB_TOO_BIG);
	CHECK(bsc_conn_is_connected(c));

	/* The one that fits between two that do not. */
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, mixed, 3, results), BSC_OK);
	CHECK_REFUSED(results, 0, BSC_REPLY_JOB_TOO_BIG);
	CHECK_INSERTED(results, 1, 3);
	CHECK_REFUSED(results, 2, BSC_REPLY_JOB_TOO_BIG);
	CHECK_U64(bsc_conn_pending(c), 0);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_put_many_closed_midway(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 1\r\na\r\nput 0 0 60 1\r\nb\r\nput 0 0 60 1\r\nc\r\n"
			"put 0 0 60 1\r\nd\r\nput 0 0 60 1\r\ne\r\n"),
		P_SEND("INSERTED 1\r\nINSERTED 2\r\n"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 1\r\nc\r\n"),
		P_SEND("INSERTED 3\r\n"),
		P_END,
	};
	static const bsc_body bodies[] = { BODY("a"), BODY("b"), BODY("c"), BODY("d"), BODY("e") };
	bsc_put_result results[5];
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, 5, results), BSC_ERR_EOF);
	CHECK_INSERTED(results, 0, 1);
	CHECK_INSERTED(results, 1, 2);
	/* Sent, never confirmed: the caller cannot know whether they are in. */
	CHECK_LOST(results, 2, BSC_ERR_EOF);
	CHECK_LOST(results, 3, BSC_ERR_EOF);
	CHECK_LOST(results, 4, BSC_ERR_EOF);
	CHECK(!bsc_conn_is_connected(c));
	CHECK_STATUS(c, bsc_conn_err(c), BSC_ERR_EOF);
	CHECK_U64(bsc_conn_pending(c), 0);

	/* The next batch reconnects. */
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies + 2, 1, results), BSC_OK);
	CHECK_INSERTED(results, 0, 3);
	CHECK_U64(bsc_conn_generation(c), 2);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_put_many_silence_is_a_timeout(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 1\r\na\r\nput 0 0 60 1\r\nb\r\nput 0 0 60 1\r\nc\r\n"),
		P_SEND("INSERTED 1\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	static const bsc_body bodies[] = { BODY("a"), BODY("b"), BODY("c") };
	bsc_put_result results[3];
	peer p;
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, 3, results), BSC_ERR_TIMEOUT);
	CHECK_INSERTED(results, 0, 1);
	CHECK_LOST(results, 1, BSC_ERR_TIMEOUT);
	CHECK_LOST(results, 2, BSC_ERR_TIMEOUT);
	CHECK(!bsc_conn_is_connected(c));
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

/* BAD_FORMAT and EXPECTED_CRLF mean the server may have read a body as
 * commands: what it answers after that cannot be matched to our jobs. */
static void test_put_many_stream_lost(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 1\r\na\r\nput 0 0 60 1\r\nb\r\nput 0 0 60 1\r\nc\r\n"),
		P_SEND("INSERTED 1\r\nEXPECTED_CRLF\r\nINSERTED 3\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 1\r\na\r\nput 0 0 60 1\r\nb\r\nput 0 0 60 1\r\nc\r\n"),
		/* An answer that is no answer to put. */
		P_SEND("INSERTED 1\r\nNOT_FOUND\r\nINSERTED 3\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 60 1\r\na\r\nput 0 0 60 1\r\nb\r\nput 0 0 60 1\r\nc\r\n"),
		P_SEND("BAD_FORMAT\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	static const bsc_body bodies[] = { BODY("a"), BODY("b"), BODY("c") };
	bsc_put_result results[3];
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, 3, results), BSC_ERR_PROTOCOL);
	CHECK_INSERTED(results, 0, 1);
	CHECK_REFUSED(results, 1, BSC_REPLY_EXPECTED_CRLF);
	CHECK_LOST(results, 2, BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "EXPECTED_CRLF") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK(!bsc_conn_is_connected(c));

	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, 3, results), BSC_ERR_PROTOCOL);
	CHECK_INSERTED(results, 0, 1);
	CHECK_LOST(results, 1, BSC_ERR_PROTOCOL);
	CHECK_LOST(results, 2, BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "answered put with NOT_FOUND") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK(!bsc_conn_is_connected(c));

	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, 3, results), BSC_ERR_PROTOCOL);
	CHECK_REFUSED(results, 0, BSC_REPLY_BAD_FORMAT);
	CHECK_LOST(results, 1, BSC_ERR_PROTOCOL);
	CHECK_LOST(results, 2, BSC_ERR_PROTOCOL);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_put_many_nothing_to_do(void)
{
	static const peer_step script[] = {
		P_END,
	};
	peer p;
	bsc_put_result result = { BSC_ERR_NOMEM, BSC_REPLY_OK, true, 77 };
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, NULL, 0, &result), BSC_OK);
	CHECK_U64(client_writes() - writes, 0);
	/* Not even a connect. */
	CHECK(!bsc_conn_is_connected(c));
	CHECK_U64(bsc_conn_generation(c), 0);
	CHECK_U64(result.id, 77);
	bsc_conn_free(c);
	CHECK_PEER(&p);
	CHECK_U64(p.accepts, 0);
}

static void test_put_many_cannot_connect(void)
{
	static const bsc_body bodies[] = { BODY("a"), BODY("b") };
	bsc_put_result results[2];
	char address[64];
	int port;
	int fd = peer_refusing_port(&port);

	if (!CHECK(fd >= 0)) {
		return;
	}
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	bsc_conn *c = test_conn(address, TEST_TIMEOUT);
	if (c) {
		CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, 2, results), BSC_ERR_CONNECT);
		CHECK_LOST(results, 0, BSC_ERR_CONNECT);
		CHECK_LOST(results, 1, BSC_ERR_CONNECT);
		bsc_conn_free(c);
	}
	close(fd);
}

/* 2500 jobs: three chunks, each written whole and then answered whole
 * before the next goes out (the peer checks the client waits), every id in
 * its place. A refusal in the second chunk changes nothing for the rest. */
static void test_put_many_chunks(void)
{
	enum { N = 2500, REFUSED = 1500 };
	static char data[N][8];
	bsc_body *bodies = malloc(N * sizeof(*bodies));
	bsc_put_result *results = malloc(N * sizeof(*results));
	text requests[3] = { { 0 } }, replies[3] = { { 0 } };
	peer p;

	if (!CHECK(bodies && results)) {
		free(bodies);
		free(results);
		return;
	}
	for (size_t i = 0; i < N; i++) {
		size_t chunk = i / CHUNK;
		int len = snprintf(data[i], sizeof(data[i]), "j%zu", i);
		bodies[i] = (bsc_body){ data[i], (size_t)len };
		text_add(&requests[chunk], "put 5 0 60 %d\r\n%s\r\n", len, data[i]);
		if (i == REFUSED) {
			text_add(&replies[chunk], "JOB_TOO_BIG\r\n");
		} else {
			text_add(&replies[chunk], "INSERTED %zu\r\n", 100000 + i);
		}
	}
	bool built = true;
	for (size_t k = 0; k < 3; k++) {
		built = built && !requests[k].failed && !replies[k].failed;
	}
	peer_step script[] = {
		P_ACCEPT,
		step(PEER_EXPECT, &requests[0]),
		P_QUIET(100),
		step(PEER_SEND, &replies[0]),
		step(PEER_EXPECT, &requests[1]),
		P_QUIET(100),
		step(PEER_SEND, &replies[1]),
		step(PEER_EXPECT, &requests[2]),
		P_QUIET(100),
		step(PEER_SEND, &replies[2]),
		P_END,
	};
	bsc_conn *c = CHECK(built) ? start_peer(&p, script, TEST_TIMEOUT) : NULL;
	if (c) {
		CHECK_STATUS(c, bsc_put_many(c, 5, 0, 60, bodies, N, results), BSC_OK);
		size_t wrong = 0;
		for (size_t i = 0; i < N && wrong < 5; i++) {
			bool ok = i == REFUSED ? CHECK_REFUSED(results, i, BSC_REPLY_JOB_TOO_BIG)
				: CHECK_INSERTED(results, i, 100000 + i);
			wrong += !ok;
		}
		CHECK_U64(bsc_conn_pending(c), 0);
		bsc_conn_free(c);
		CHECK_PEER(&p);
		CHECK_U64(p.accepts, 1);
	}
	for (size_t k = 0; k < 3; k++) {
		text_free(&requests[k]);
		text_free(&replies[k]);
	}
	free(bodies);
	free(results);
}

/* Cut short in its second chunk: the first chunk's results stand, the rest
 * of the second and all of the third carry the failure. */
static void test_put_many_chunks_closed_midway(void)
{
	enum { N = 2100, CUT = 1100 };
	static char data[N][8];
	bsc_body *bodies = malloc(N * sizeof(*bodies));
	bsc_put_result *results = malloc(N * sizeof(*results));
	text requests[2] = { { 0 } }, replies[2] = { { 0 } };
	peer p;

	if (!CHECK(bodies && results)) {
		free(bodies);
		free(results);
		return;
	}
	for (size_t i = 0; i < 2 * CHUNK; i++) {
		size_t chunk = i / CHUNK;
		int len = snprintf(data[i], sizeof(data[i]), "%zu", i);
		text_add(&requests[chunk], "put 0 0 60 %d\r\n%s\r\n", len, data[i]);
		if (i < CUT) {
			text_add(&replies[chunk], "INSERTED %zu\r\n", i + 1);
		}
	}
	for (size_t i = 0; i < N; i++) {
		bodies[i] = (bsc_body){ data[i], strlen(data[i]) };
	}
	peer_step script[] = {
		P_ACCEPT,
		step(PEER_EXPECT, &requests[0]),
		step(PEER_SEND, &replies[0]),
		step(PEER_EXPECT, &requests[1]),
		step(PEER_SEND, &replies[1]),
		P_CLOSE,
		P_END,
	};
	bool built = !requests[0].failed && !requests[1].failed && !replies[0].failed && !replies[1].failed;
	bsc_conn *c = CHECK(built) ? start_peer(&p, script, TEST_TIMEOUT) : NULL;
	if (c) {
		CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, N, results), BSC_ERR_EOF);
		size_t wrong = 0;
		for (size_t i = 0; i < N && wrong < 5; i++) {
			bool ok = i < CUT ? CHECK_INSERTED(results, i, i + 1) : CHECK_LOST(results, i, BSC_ERR_EOF);
			wrong += !ok;
		}
		bsc_conn_free(c);
		CHECK_PEER(&p);
	}
	for (size_t k = 0; k < 2; k++) {
		text_free(&requests[k]);
		text_free(&replies[k]);
	}
	free(bodies);
	free(results);
}

static const unit_test tests[] = {
	UNIT_TEST(test_put_many_one_write),
	UNIT_TEST(test_put_many_refusals_keep_the_others),
	UNIT_TEST(test_put_many_skips_what_is_known_too_big),
	UNIT_TEST(test_put_many_closed_midway),
	UNIT_TEST(test_put_many_silence_is_a_timeout),
	UNIT_TEST(test_put_many_stream_lost),
	UNIT_TEST(test_put_many_nothing_to_do),
	UNIT_TEST(test_put_many_cannot_connect),
	UNIT_TEST(test_put_many_chunks),
	UNIT_TEST(test_put_many_chunks_closed_midway),
};

const unit_suite batch_suite = UNIT_SUITE("batch", tests);
