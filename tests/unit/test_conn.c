/*
 * Tests of src/conn: address parsing, connecting, the one-write rule,
 * pipelining, reading replies in pieces, and the lazy tube state, against
 * the scripted fake peer of peer.h.
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
#include <sys/un.h>
#include <unistd.h>

/* {{{ addresses */
static bsc_conn *parse(const char *address, size_t len, char *errbuf)
{
	bsc_conn_options opt = { .connect_timeout = 1.0, .timeout = 1.0, .job_size_max = 0 };

	errbuf[0] = '\0';
	return bsc_conn_new(address, len, &opt, errbuf);
}

static void test_address_forms(void)
{
	static const struct {
		const char *address;
		const char *name;
	} good[] = {
		{ "127.0.0.1:11300", "127.0.0.1:11300" },
		{ "tcp://127.0.0.1:8080", "127.0.0.1:8080" },
		{ "localhost", "localhost:11300" },
		{ "tcp://queue.example.org", "queue.example.org:11300" },
		{ "queue-1.internal:1", "queue-1.internal:1" },
		{ "h:65535", "h:65535" },
		{ "h:00080", "h:80" },
		{ "[::1]:11301", "[::1]:11301" },
		{ "[::1]", "[::1]:11300" },
		{ "tcp://[fe80::1%eth0]:5", "[fe80::1%eth0]:5" },
		{ "unix:///run/beanstalkd.sock", "unix:///run/beanstalkd.sock" },
		/* The DSNs of Symfony Messenger and Laravel, and URLs with the empty path. */
		{ "beanstalkd://127.0.0.1:11300", "127.0.0.1:11300" },
		{ "beanstalk://127.0.0.1:11301", "127.0.0.1:11301" },
		{ "beanstalkd://queue.internal", "queue.internal:11300" },
		{ "BEANSTALKD://q_1.internal:2", "q_1.internal:2" },
		{ "beanstalkd://127.0.0.1:11300/", "127.0.0.1:11300" },
		{ "tcp://localhost/", "localhost:11300" },
		{ "beanstalkd://[::1]:11302", "[::1]:11302" },
		{ "beanstalk://[::1]/", "[::1]:11300" },
		/* A bare absolute path is a unix socket, never a host name. */
		{ "/run/beanstalkd.sock", "unix:///run/beanstalkd.sock" },
		{ "/tmp/q:1.sock", "unix:///tmp/q:1.sock" },
	};
	char errbuf[BSC_ERRSTR_LEN];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		bsc_conn *c = parse(good[i].address, strlen(good[i].address), errbuf);
		if (CHECK_MSG(c != NULL, "\"%s\": %s", good[i].address, errbuf)) {
			CHECK_STR(bsc_conn_name(c), good[i].name);
			bsc_conn_free(c);
		}
	}

	/* A unix path as long as sun_path takes, with its NUL. */
	char address[256];
	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;
	memcpy(address, "unix:///", 8);
	memset(address + 8, 'p', max - 1);
	bsc_conn *c = parse(address, 7 + max, errbuf);
	if (CHECK_MSG(c != NULL, "%zu-byte unix path: %s", max, errbuf)) {
		bsc_conn_free(c);
	}

	/* Only the given length counts: the rest of the buffer is not read. */
	c = parse("127.0.0.1:11300garbage", 15, errbuf);
	if (CHECK_MSG(c != NULL, "%s", errbuf)) {
		CHECK_STR(bsc_conn_name(c), "127.0.0.1:11300");
		bsc_conn_free(c);
	}
	bsc_conn_free(NULL);
}

static void test_address_defaults(void)
{
	char errbuf[BSC_ERRSTR_LEN];
	bsc_conn *c = parse("127.0.0.1", 9, errbuf);
	size_t len;

	if (!CHECK(c != NULL)) {
		return;
	}
	/* Nothing happens until asked: no socket, no error. */
	CHECK(!bsc_conn_is_connected(c));
	CHECK(bsc_conn_fd(c) == -1);
	CHECK_STATUS(c, bsc_conn_err(c), BSC_OK);
	CHECK_STR(bsc_conn_errstr(c), "");
	CHECK_U64(bsc_conn_generation(c), 0);
	CHECK_U64(bsc_conn_pending(c), 0);
	CHECK(bsc_conn_timeout(c) == 1.0);
	/* The server's own defaults. */
	const char *used = bsc_tubes_used(bsc_conn_tubes(c), &len);
	CHECK_MEM(used, len, "default", 7);
	CHECK_U64(bsc_tubes_watch_count(bsc_conn_tubes(c)), 1);
	const char *watched = bsc_tubes_watched(bsc_conn_tubes(c), 0, &len);
	CHECK_MEM(watched, len, "default", 7);
	bsc_conn_free(c);
}

static void test_address_errors(void)
{
	static const struct {
		const char *address;
		size_t len;   /* 0: strlen */
		const char *error;
	} bad[] = {
		{ "", 0, "missing or too long host name" },
		{ ":11300", 0, "missing or too long host name" },
		{ "tcp://", 0, "missing or too long host name" },
		{ "tcp://:11300", 0, "missing or too long host name" },
		{ "[]:11300", 0, "missing or too long host name" },
		{ "[::1", 0, "missing ']'" },
		{ "[::1]11300", 0, "expected ':' after ']'" },
		{ "[::1]:", 0, "port must be" },
		{ "::1", 0, "in brackets" },
		{ "::1:11300", 0, "in brackets" },
		{ "h:1:2", 0, "in brackets" },
		{ "h:", 0, "port must be" },
		{ "h:0", 0, "port must be" },
		{ "h:00000", 0, "port must be" },
		{ "h:65536", 0, "port must be" },
		{ "h:99999", 0, "port must be" },
		{ "h:123456", 0, "port must be" },
		{ "h:-1", 0, "port must be" },
		{ "h:+80", 0, "port must be" },
		{ "h:8o", 0, "port must be" },
		{ "h: 80", 0, "port must be" },
		{ "h:80 ", 0, "port must be" },
		{ "h:0x50", 0, "port must be" },
		{ "unix://", 0, "absolute path" },
		{ "unix://run/b.sock", 0, "absolute path" },
		{ "127.0.0.1\0:11300", 16, "NUL byte" },
		{ "unix:///tmp/a\0b", 15, "NUL byte" },
		{ "\0", 1, "NUL byte" },
		/* Anything else says what is accepted. */
		{ "http://127.0.0.1:11300", 0, "unknown scheme; accepted: host[:port], [ipv6][:port], tcp|beanstalk|beanstalkd://host[:port], unix:///path or /path" },
		{ "redis://127.0.0.1", 0, "unknown scheme; accepted:" },
		{ "beanstalkd:/127.0.0.1", 0, "port must be" },
		{ "beanstalkd://", 0, "missing or too long host name" },
		{ "beanstalkd:///", 0, "missing or too long host name" },
		{ "beanstalkd://h:11300//", 0, "a path after host:port is not allowed" },
		{ "beanstalkd://h:11300/tube", 0, "a path after host:port is not allowed" },
		{ "beanstalkd://h/tube", 0, "a path after host:port is not allowed" },
		{ "127.0.0.1:11300/", 0, "a path after host:port is not allowed" },
		{ "h:11300/x", 0, "a path after host:port is not allowed" },
		{ "[::1]:11300/x", 0, "a path after host:port is not allowed" },
		{ "h:1x/y", 0, "port must be" },
		{ "localhost/", 0, "not a server address; accepted: host[:port]" },
		{ "tcp://user:secret@h:11300", 0, "user information (user:password@) is not supported" },
		{ "beanstalkd://u:p@host", 0, "user information (user:password@) is not supported" },
		{ "tcp://user@h:11300", 0, "user information (user:password@) is not supported" },
		{ "u:p@h", 0, "user information (user:password@) is not supported" },
		{ "h#1", 0, "not a server address; accepted:" },
		{ "h o s t:11300", 0, "not a server address; accepted:" },
		{ "relative/b.sock", 0, "not a server address; accepted:" },
		{ "[::1%eth0/x]:1", 0, "not a server address; accepted:" },
		{ "beanstalkd://h:11300?tube_name=mail", 0, "query string in the address is not read" },
		{ "h?x", 0, "query string in the address is not read" },
		{ "beanstalkd://h:11300/?timeout=2", 0, "query string in the address is not read" },
	};
	char errbuf[BSC_ERRSTR_LEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t len = bad[i].len ? bad[i].len : strlen(bad[i].address);
		bsc_conn *c = parse(bad[i].address, len, errbuf);
		char shown[100];
		CHECK_MSG(c == NULL, "\"%s\" is accepted", unit_escape(bad[i].address, len, shown, sizeof(shown)));
		CHECK_MSG(strstr(errbuf, bad[i].error) != NULL, "\"%s\": errbuf \"%s\", want \"%s\"",
			unit_escape(bad[i].address, len, shown, sizeof(shown)), errbuf, bad[i].error);
		bsc_conn_free(c);
	}

	/* A host name of 256 bytes, and a unix path one byte over sun_path. */
	char address[300];
	memset(address, 'h', 256);
	memcpy(address + 256, ":80", 3);
	CHECK(parse(address, 259, errbuf) == NULL);
	CHECK_MSG(strstr(errbuf, "too long host name") != NULL, "errbuf \"%s\"", errbuf);

	size_t max = sizeof(((struct sockaddr_un *)0)->sun_path);
	memcpy(address, "unix:///", 8);
	memset(address + 8, 'p', max - 1);
	CHECK(parse(address, 7 + max, errbuf) == NULL);
	CHECK_MSG(strstr(errbuf, "shorter than") != NULL, "errbuf \"%s\"", errbuf);
	/* The same path without "unix://". */
	CHECK(parse(address + 7, max, errbuf) == NULL);
	CHECK_MSG(strstr(errbuf, "shorter than") != NULL, "errbuf \"%s\"", errbuf);
	bsc_conn *c = parse(address + 7, max - 1, errbuf);
	if (CHECK_MSG(c != NULL, "%zu-byte bare path: %s", max - 1, errbuf)) {
		bsc_conn_free(c);
	}
}
/* }}} */

/* {{{ connecting */
static void test_connect_refused(void)
{
	char address[64];
	int port;
	int fd = peer_refusing_port(&port);

	if (!CHECK(fd >= 0)) {
		return;
	}
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	bsc_conn *c = test_conn(address, TEST_TIMEOUT);
	if (c) {
		char want[96];
		snprintf(want, sizeof(want), "cannot connect to %s: ", address);

		CHECK_STATUS(c, bsc_conn_connect(c), BSC_ERR_CONNECT);
		CHECK_STATUS(c, bsc_conn_err(c), BSC_ERR_CONNECT);
		CHECK_MSG(strncmp(bsc_conn_errstr(c), want, strlen(want)) == 0, "errstr \"%s\"", bsc_conn_errstr(c));
		CHECK_MSG(strstr(bsc_conn_errstr(c), "refused") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
		CHECK(!bsc_conn_is_connected(c));
		CHECK_U64(bsc_conn_generation(c), 0);

		/* A command tries to connect, and fails the same way. */
		CHECK_STATUS(c, send_line(c, "delete 1\r\n"), BSC_ERR_CONNECT);
		CHECK_U64(bsc_conn_pending(c), 0);
		bsc_reply r;
		CHECK_STATUS(c, bsc_conn_recv(c, &r, 1.0), BSC_ERR_CONNECT);
		bsc_conn_free(c);
	}
	close(fd);
}

static void test_connect_unix_missing(void)
{
	bsc_conn *c = test_conn("unix:///nonexistent-bsc-unit/beanstalkd.sock", TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_conn_connect(c), BSC_ERR_CONNECT);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "unix:///nonexistent-bsc-unit/beanstalkd.sock") != NULL,
		"errstr \"%s\"", bsc_conn_errstr(c));
	bsc_conn_free(c);
}

/* One command and its reply over a connection of the given family. */
static void exchange(peer_family family)
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

	if (!peer_start(&p, family, script)) {
		if (family == PEER_TCP6) {
			unit_skip("no IPv6 loopback: %s", p.error);
		} else {
			CHECK_MSG(false, "peer: %s", p.error);
		}
		return;
	}
	bsc_conn *c = test_conn(p.address, TEST_TIMEOUT);
	if (c) {
		CHECK_STATUS(c, bsc_conn_connect(c), BSC_OK);
		CHECK(bsc_conn_is_connected(c));
		CHECK(bsc_conn_fd(c) >= 0);
		CHECK_U64(bsc_conn_generation(c), 1);
		/* Connecting again while connected changes nothing. */
		CHECK_STATUS(c, bsc_conn_connect(c), BSC_OK);
		CHECK_U64(bsc_conn_generation(c), 1);
		if (CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_OK)) {
			CHECK(r.kind == BSC_REPLY_DELETED);
		}
		CHECK_U64(bsc_conn_pending(c), 0);
		bsc_conn_free(c);
	}
	CHECK_PEER(&p);
	CHECK_U64(p.accepts, 1);
}

static void test_exchange_tcp(void)
{
	exchange(PEER_TCP4);
}

static void test_exchange_tcp6(void)
{
	exchange(PEER_TCP6);
}

static void test_exchange_unix(void)
{
	exchange(PEER_UNIX);
}
/* }}} */

/* {{{ writing and reading */
static void test_line_and_body_in_one_write(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 1 2 3 5\r\na\r\n\0b\r\n"),
		P_SEND("INSERTED 1\r\n"),
		P_EXPECT_ONE("put 0 0 1 0\r\n\r\n"),
		P_SEND("INSERTED 2\r\n"),
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	/* A body holding CRLF and NUL goes out as it is, with its own CRLF. */
	bsc_request put = { "put 1 2 3 5\r\n", 13, "a\r\n\0b", 5, true, 0, BSC_FOR_CALLER };
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_conn_send(c, &put, 1), BSC_OK);
	CHECK_U64(client_writes() - writes, 1);
	if (CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
		CHECK(r.kind == BSC_REPLY_INSERTED);
		CHECK_U64(r.num, 1);
	}

	/* An empty body still gets its CRLF. */
	bsc_request empty = { "put 0 0 1 0\r\n", 13, "", 0, true, 0, BSC_FOR_CALLER };
	writes = client_writes();
	CHECK_STATUS(c, bsc_conn_send(c, &empty, 1), BSC_OK);
	CHECK_U64(client_writes() - writes, 1);
	if (CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
		CHECK_U64(r.num, 2);
	}
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_pipelined_requests(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		/* Three requests in one send: one write. */
		P_EXPECT_ONE("delete 1\r\ntouch 2\r\nput 0 0 1 2\r\nhi\r\n"),
		P_SEND("DELETED\r\nNOT_FOUND\r\nINSERTED 9\r\n"),
		/* Two sends, then the replies: and a tube change between them. */
		P_EXPECT("delete 3\r\n"),
		P_EXPECT("use other\r\ndelete 4\r\n"),
		P_SEND("DELETED\r\nUSING other\r\nNOT_FOUND\r\n"),
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_request reqs[] = {
		line_request("delete 1\r\n"),
		line_request("touch 2\r\n"),
		{ "put 0 0 1 2\r\n", 13, "hi", 2, true, 0, BSC_FOR_CALLER },
	};
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_conn_send(c, reqs, 3), BSC_OK);
	CHECK_U64(client_writes() - writes, 1);
	CHECK_U64(bsc_conn_pending(c), 3);
	static const bsc_reply_kind kinds[] = { BSC_REPLY_DELETED, BSC_REPLY_NOT_FOUND, BSC_REPLY_INSERTED };
	for (size_t i = 0; i < 3; i++) {
		if (CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
			CHECK_MSG(r.kind == kinds[i], "reply %zu is %s", i, bsc_reply_name(r.kind));
		}
		CHECK_U64(bsc_conn_pending(c), 2 - i);
	}

	CHECK_STATUS(c, send_line(c, "delete 3\r\n"), BSC_OK);
	bsc_tubes_use(bsc_conn_tubes(c), "other", 5);
	CHECK_STATUS(c, send_line(c, "delete 4\r\n"), BSC_OK);
	/* The use's reply sits between the two: the caller never sees it. */
	CHECK_U64(bsc_conn_pending(c), 2);
	if (CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
		CHECK(r.kind == BSC_REPLY_DELETED);
	}
	if (CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
		CHECK(r.kind == BSC_REPLY_NOT_FOUND);
	}
	CHECK_U64(bsc_conn_pending(c), 0);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* Many requests in one send: the ring of awaited replies and the iovec
 * array grow past their first sizes. */
static void test_many_pipelined_requests(void)
{
	/* Over IOV_BATCH iovecs, so the write goes out in several sendmsg(). */
	enum { N = 1000 };
	char lines[N][32];
	bsc_request reqs[N];
	const size_t cap = N * 32;
	char *expect = malloc(cap), *replies = malloc(cap);
	size_t elen = 0, rlen = 0;
	peer p;
	bsc_reply r;

	if (!CHECK(expect && replies)) {
		free(expect);
		free(replies);
		return;
	}
	for (size_t i = 0; i < N; i++) {
		/* Every other one is a put, so bodies and CRLFs are in the iovecs too. */
		if (i % 2) {
			snprintf(lines[i], sizeof(lines[i]), "put 0 0 1 1\r\n");
			reqs[i] = (bsc_request){ lines[i], strlen(lines[i]), "x", 1, true, 0, BSC_FOR_CALLER };
			elen += (size_t)snprintf(expect + elen, cap - elen, "%sx\r\n", lines[i]);
			rlen += (size_t)snprintf(replies + rlen, cap - rlen, "INSERTED %zu\r\n", i);
		} else {
			snprintf(lines[i], sizeof(lines[i]), "delete %zu\r\n", i);
			reqs[i] = line_request(lines[i]);
			elen += (size_t)snprintf(expect + elen, cap - elen, "%s", lines[i]);
			rlen += (size_t)snprintf(replies + rlen, cap - rlen, "DELETED\r\n");
		}
	}
	const peer_step script[] = {
		P_ACCEPT,
		{ PEER_EXPECT, expect, elen, 0, 0 },
		{ PEER_SEND, replies, rlen, 0, 0 },
		P_END,
	};
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	if (c) {
		CHECK_STATUS(c, bsc_conn_send(c, reqs, N), BSC_OK);
		CHECK_U64(bsc_conn_pending(c), N);
		for (size_t i = 0; i < N; i++) {
			if (!CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
				break;
			}
			CHECK_MSG(r.kind == (i % 2 ? BSC_REPLY_INSERTED : BSC_REPLY_DELETED), "reply %zu", i);
			if (i % 2) {
				CHECK_U64(r.num, i);
			}
		}
		bsc_conn_free(c);
		CHECK_PEER(&p);
	}
	free(expect);
	free(replies);
}

static void test_big_body_both_ways(void)
{
	const size_t size = (size_t)3 << 20;
	char *body = malloc(size), *expect = malloc(size + 64), *reply = malloc(size + 64);
	peer p;
	bsc_reply r;

	if (!CHECK(body && expect && reply)) {
		free(body);
		free(expect);
		free(reply);
		return;
	}
	for (size_t i = 0; i < size; i++) {
		body[i] = (char)(i * 7 + i / 251);
	}
	char line[64];
	int n = snprintf(line, sizeof(line), "put 0 0 60 %zu\r\n", size);
	memcpy(expect, line, (size_t)n);
	memcpy(expect + n, body, size);
	memcpy(expect + n + size, "\r\n", 2);
	int m = snprintf(reply, 64, "RESERVED 77 %zu\r\n", size);
	memcpy(reply + m, body, size);
	memcpy(reply + m + size, "\r\n", 2);
	const peer_step script[] = {
		P_ACCEPT,
		{ PEER_EXPECT, expect, (size_t)n + size + 2, 0, 0 },
		{ PEER_SEND, reply, (size_t)m + size + 2, 0, 0 },
		P_END,
	};
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	if (c) {
		bsc_request put = { line, (size_t)n, body, size, true, size, BSC_FOR_CALLER };
		CHECK_STATUS(c, bsc_conn_send(c, &put, 1), BSC_OK);
		if (CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
			CHECK(r.kind == BSC_REPLY_RESERVED);
			CHECK_U64(r.num, 77);
			CHECK(r.body_len == size && memcmp(r.body, body, size) == 0);
		}
		bsc_conn_free(c);
		CHECK_PEER(&p);
	}
	free(body);
	free(expect);
	free(reply);
}

/* A reply's body is capped by what was asked: a job by the job_size_max
 * option until the server's max-job-size is known, then by that. */
static void test_job_body_limit(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("peek 1\r\n"),
		P_SEND("FOUND 1 10\r\n0123456789\r\n"),
		P_EXPECT_ONE("peek 2\r\n"),
		P_SEND("FOUND 2 11\r\n01234567890\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("reserve-with-timeout 0\r\n"),
		P_SEND("RESERVED 3 8\r\n01234567\r\n"),
		P_EXPECT_ONE("reserve-with-timeout 0\r\n"),
		P_SEND("RESERVED 4 9\r\n012345678\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	bsc_conn_options opt = { .connect_timeout = TEST_TIMEOUT, .timeout = TEST_TIMEOUT, .job_size_max = 10 };
	char errbuf[BSC_ERRSTR_LEN];
	peer p;
	bsc_job job;

	if (!CHECK_MSG(peer_start(&p, PEER_TCP4, script), "peer: %s", p.error)) {
		return;
	}
	bsc_conn *c = bsc_conn_new(p.address, strlen(p.address), &opt, errbuf);
	if (CHECK(c != NULL)) {
		CHECK_U64(bsc_conn_job_body_max(c), 10);
		if (CHECK_STATUS(c, bsc_peek(c, 1, &job), BSC_OK)) {
			CHECK_MEM(job.body, job.body_len, "0123456789", 10);
		}
		CHECK_STATUS(c, bsc_peek(c, 2, &job), BSC_ERR_PROTOCOL);
		CHECK_MSG(strstr(bsc_conn_errstr(c), "body over the limit of 10 bytes") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
		/* The server's own limit wins once known: tighter here. */
		CHECK_STATUS(c, bsc_conn_connect(c), BSC_OK);
		bsc_conn_set_max_job_size(c, 8);
		CHECK_U64(bsc_conn_job_body_max(c), 8);
		CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK);
		CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_ERR_PROTOCOL);
		CHECK_MSG(strstr(bsc_conn_errstr(c), "body over the limit of 8 bytes") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
		/* Forgotten with the connection. */
		CHECK_U64(bsc_conn_job_body_max(c), 10);
		bsc_conn_free(c);
	}
	CHECK_PEER(&p);

	opt.job_size_max = 0;
	c = bsc_conn_new("127.0.0.1:1", 11, &opt, errbuf);
	if (CHECK(c != NULL)) {
		CHECK_U64(bsc_conn_job_body_max(c), BSC_JOB_BODY_MAX_DEFAULT);
		bsc_conn_free(c);
	}
}

/* Stats and lists have limits of their own, whatever the job limit: a
 * server answering stats with megabytes is cut off at the line. */
static void test_yaml_body_limits(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("stats\r\n"),
		P_SEND("OK 65537\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("list-tubes\r\n"),
		P_SEND("OK 16777217\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("delete 1\r\n"),
		P_SEND("OK 65537\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_yaml y;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_stats(c, &y), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "over the limit of 65536 bytes") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK_STATUS(c, bsc_list_tubes(c, &y), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "over the limit of 16777216 bytes") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	/* A reply with a body where none belongs is cut off the same way. */
	CHECK_STATUS(c, bsc_delete(c, 1), BSC_ERR_PROTOCOL);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* A reply dripping in, a byte or a few at a time, still parses. */
static void test_reply_in_small_pieces(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_DRIP("RESERVED 7 12\r\nhello\r\nworld\r\n", 1, 2),
		P_EXPECT_ONE("reserve\r\n"),
		P_DRIP("RESERVED 8 3\r\nabc\r\n", 4, 5),
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	if (CHECK_STATUS(c, round_trip(c, "reserve\r\n", &r), BSC_OK)) {
		CHECK(r.kind == BSC_REPLY_RESERVED);
		CHECK_U64(r.num, 7);
		CHECK_MEM(r.body, r.body_len, "hello\r\nworld", 12);
	}
	if (CHECK_STATUS(c, round_trip(c, "reserve\r\n", &r), BSC_OK)) {
		CHECK_U64(r.num, 8);
		CHECK_MEM(r.body, r.body_len, "abc", 3);
	}
	CHECK_PEER(&p);
	bsc_conn_free(c);
}
/* }}} */

/* {{{ tubes */
static void test_tubes_sent_lazily(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		/* Nothing changed yet: the command alone. */
		P_EXPECT_ONE("delete 1\r\n"),
		P_SEND("DELETED\r\n"),
		/* The changes go in the same write as the next command. */
		P_EXPECT_ONE("use tube-a\r\nwatch tube-b\r\nignore default\r\ndelete 2\r\n"),
		P_SEND("USING tube-a\r\nWATCHING 2\r\nWATCHING 1\r\nDELETED\r\n"),
		/* Setting what the server already has sends nothing. */
		P_EXPECT_ONE("delete 3\r\n"),
		P_SEND("NOT_FOUND\r\n"),
		P_EXPECT_ONE("use default\r\ndelete 4\r\n"),
		P_SEND("USING default\r\nDELETED\r\n"),
		P_END,
	};
	peer p;
	bsc_reply r;
	size_t len;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_OK);

	size_t writes = client_writes();
	bsc_tubes_use(bsc_conn_tubes(c), "tube-a", 6);
	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "tube-b", 6));
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
	/* Nothing is sent until a command goes. */
	CHECK_U64(client_writes() - writes, 0);
	CHECK_U64(bsc_conn_pending(c), 0);
	const char *used = bsc_tubes_used(bsc_conn_tubes(c), &len);
	CHECK_MEM(used, len, "tube-a", 6);
	CHECK_U64(bsc_tubes_watch_count(bsc_conn_tubes(c)), 1);
	const char *watched = bsc_tubes_watched(bsc_conn_tubes(c), 0, &len);
	CHECK_MEM(watched, len, "tube-b", 6);
	if (CHECK_STATUS(c, round_trip(c, "delete 2\r\n", &r), BSC_OK)) {
		/* The replies to use and watch are the connection's, not ours. */
		CHECK(r.kind == BSC_REPLY_DELETED);
	}
	CHECK_U64(client_writes() - writes, 1);

	bsc_tubes_use(bsc_conn_tubes(c), "tube-a", 6);
	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "tube-b", 6));
	CHECK_U64(bsc_tubes_watch_count(bsc_conn_tubes(c)), 1);
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "not-watched", 11));
	if (CHECK_STATUS(c, round_trip(c, "delete 3\r\n", &r), BSC_OK)) {
		CHECK(r.kind == BSC_REPLY_NOT_FOUND);
	}

	bsc_tubes_use(bsc_conn_tubes(c), "default", 7);
	CHECK_STATUS(c, round_trip(c, "delete 4\r\n", &r), BSC_OK);
	CHECK_U64(bsc_conn_generation(c), 1);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_tubes_watches_before_ignores(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("watch x\r\nwatch y\r\nignore default\r\ndelete 1\r\n"),
		P_SEND("WATCHING 2\r\nWATCHING 3\r\nWATCHING 2\r\nDELETED\r\n"),
		P_EXPECT_ONE("watch default\r\nignore x\r\nignore y\r\ndelete 2\r\n"),
		P_SEND("WATCHING 3\r\nWATCHING 2\r\nWATCHING 1\r\nDELETED\r\n"),
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	/* The only watched tube cannot be ignored; nothing changes. */
	CHECK(!bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
	CHECK_U64(bsc_tubes_watch_count(bsc_conn_tubes(c)), 1);

	/* Asked for in the order that would empty the list on the server. */
	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "x", 1));
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "y", 1));
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_OK);

	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "default", 7));
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "x", 1));
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "y", 1));
	CHECK(!bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
	CHECK_STATUS(c, round_trip(c, "delete 2\r\n", &r), BSC_OK);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_tubes_changed_back_send_nothing(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("delete 1\r\n"),
		P_SEND("DELETED\r\n"),
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	/* Changed and changed back before a command: the server never knows. */
	bsc_tubes_use(bsc_conn_tubes(c), "elsewhere", 9);
	bsc_tubes_use(bsc_conn_tubes(c), "default", 7);
	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "x", 1));
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "x", 1));
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_OK);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_tube_reply_mismatch(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("use a\r\ndelete 1\r\n"),
		P_SEND("WATCHING 1\r\nDELETED\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("use a\r\nwatch b\r\ndelete 2\r\n"),
		P_SEND("USING a\r\nUSING b\r\nDELETED\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "a", 1);
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "answered use with WATCHING") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK(!bsc_conn_is_connected(c));

	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "b", 1));
	CHECK_STATUS(c, round_trip(c, "delete 2\r\n", &r), BSC_ERR_PROTOCOL);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "answered watch/ignore with USING") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK(!bsc_conn_is_connected(c));
	CHECK_PEER(&p);
	bsc_conn_free(c);
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_address_forms),
	UNIT_TEST(test_address_defaults),
	UNIT_TEST(test_address_errors),
	UNIT_TEST(test_connect_refused),
	UNIT_TEST(test_connect_unix_missing),
	UNIT_TEST(test_exchange_tcp),
	UNIT_TEST(test_exchange_tcp6),
	UNIT_TEST(test_exchange_unix),
	UNIT_TEST(test_line_and_body_in_one_write),
	UNIT_TEST(test_pipelined_requests),
	UNIT_TEST(test_many_pipelined_requests),
	UNIT_TEST(test_big_body_both_ways),
	UNIT_TEST(test_tubes_sent_lazily),
	UNIT_TEST(test_tubes_watches_before_ignores),
	UNIT_TEST(test_tubes_changed_back_send_nothing),
	UNIT_TEST(test_tube_reply_mismatch),
	UNIT_TEST(test_job_body_limit),
	UNIT_TEST(test_yaml_body_limits),
	UNIT_TEST(test_reply_in_small_pieces),
};

const unit_suite conn_suite = UNIT_SUITE("conn", tests);
