/*
 * Tests of the worker's status in Redis (src/redis, src/status): the
 * address forms, the request writer, a beat's requests and the reading of
 * its replies, the restart rule, the fields' types; and the client's
 * exchanges against the scripted fake peer: AUTH and SELECT in the same
 * write, a peer that never answers, one that answers garbage, a refused
 * AUTH that never shows the password, and a writer that never blocks its
 * thread while Redis is silent.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "helpers.h"
#include "peer.h"
#include "src/monitor/status.h"
#include "unit.h"
#include "src/worker/worker.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* {{{ addresses */
static void test_address_forms(void)
{
	static const struct {
		const char *in, *name, *host, *port, *path, *user, *password;
		int db;
	} cases[] = {
		{ "127.0.0.1:6390", "127.0.0.1:6390", "127.0.0.1", "6390", "", "", "", -1 },
		{ "localhost", "localhost:6379", "localhost", "6379", "", "", "", -1 },
		{ "[::1]:7000", "[::1]:7000", "::1", "7000", "", "", "", -1 },
		{ "[::1]", "[::1]:6379", "::1", "6379", "", "", "", -1 },
		{ "unix:///run/redis.sock", "unix:///run/redis.sock", "", "", "/run/redis.sock", "", "", -1 },
		{ "/run/redis.sock", "unix:///run/redis.sock", "", "", "/run/redis.sock", "", "", -1 },
		{ "redis://127.0.0.1:6390", "redis://127.0.0.1:6390", "127.0.0.1", "6390", "", "", "", -1 },
		{ "REDIS://h", "redis://h:6379", "h", "6379", "", "", "", -1 },
		{ "redis://h:1/", "redis://h:1", "h", "1", "", "", "", -1 },
		{ "redis://h:1/3", "redis://h:1/3", "h", "1", "", "", "", 3 },
		{ "redis://:s3cret@h:1/0", "redis://h:1/0", "h", "1", "", "", "s3cret", 0 },
		{ "redis://app:s3cret@h:1", "redis://app@h:1", "h", "1", "", "app", "s3cret", -1 },
		/* Percent-encoded, and an '@' in the password. */
		{ "redis://a%40b:p%3Aw@d@h", "redis://a@b@h:6379", "h", "6379", "", "a@b", "p:w@d", -1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bsc_redis_address a;
		char errbuf[BSC_ERRSTR_LEN] = "";
		if (!CHECK_MSG(bsc_redis_address_parse(&a, cases[i].in, strlen(cases[i].in), errbuf), "%s: %s", cases[i].in, errbuf)) {
			continue;
		}
		CHECK_STR(a.name, cases[i].name);
		CHECK_STR(a.ep.is_unix ? "" : a.ep.host, cases[i].host);
		CHECK_STR(a.ep.is_unix ? "" : a.ep.port, cases[i].port);
		CHECK_STR(a.ep.is_unix ? a.ep.path : "", cases[i].path);
		CHECK_STR(a.user, cases[i].user);
		CHECK_STR(a.password, cases[i].password);
		CHECK_MSG(a.db == cases[i].db, "%s: db %d", cases[i].in, a.db);
	}
}

static void test_address_errors(void)
{
	static const struct {
		const char *in, *why;
	} cases[] = {
		{ "", "empty" },
		{ "tcp://h:1", "unknown scheme" },
		{ "rediss://:s3cret@h:1", "TLS" },
		{ "redis://s3cret@h:1", "needs a password" },
		{ "redis://:@h:1", "password" },
		{ "redis://:s3cret@h:1/x", "database number" },
		{ "redis://:s3cret@h:1/1234567890", "too large" },
		{ "redis://:s3cret@h:1?db=2", "query string" },
		{ "redis://:s3cret%zz@h:1", "percent-encoded" },
		{ "redis://:s3cret@h:99999", "port" },
		{ "redis://:s3cret@", "host" },
		{ "h:s3cret", "port" },
		{ "h!:1", "a host name cannot have" },
		{ "h:1/x", "a path after host:port is not allowed" },
		{ "unix://s3cret", "absolute path" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bsc_redis_address a;
		char errbuf[BSC_ERRSTR_LEN] = "";
		if (!CHECK_MSG(!bsc_redis_address_parse(&a, cases[i].in, strlen(cases[i].in), errbuf), "%s was taken", cases[i].in)) {
			continue;
		}
		CHECK_MSG(strstr(errbuf, cases[i].why) != NULL, "%s: \"%s\" does not say \"%s\"", cases[i].in, errbuf, cases[i].why);
		CHECK_MSG(strstr(errbuf, "s3cret") == NULL, "%s: the message shows the password: %s", cases[i].in, errbuf);
	}
	bsc_redis_address a;
	char errbuf[BSC_ERRSTR_LEN];
	CHECK(!bsc_redis_address_parse(&a, "h\0:1", 4, errbuf) && strstr(errbuf, "NUL"));
}
/* }}} */

/* {{{ requests */
static void test_resp_writer(void)
{
	bsc_resp r;

	bsc_resp_init(&r);
	bsc_resp_command(&r, "SET", "k", "", (char *)NULL);
	bsc_resp_begin(&r, 2);
	bsc_resp_str(&r, "GET");
	bsc_resp_arg(&r, "a\0b", 3);
	bsc_resp_begin(&r, 1);
	bsc_resp_argf(&r, "%d-%s", 42, "x");
	static const char want[] = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n*2\r\n$3\r\nGET\r\n$3\r\na\0b\r\n*1\r\n$4\r\n42-x\r\n";
	CHECK_MEM(r.buf, r.len, want, sizeof(want) - 1);
	CHECK_U64(r.count, 3);
	CHECK(!r.failed);
	bsc_resp_reset(&r);
	CHECK_U64(r.len, 0);
	CHECK_U64(r.count, 0);
	bsc_resp_free(&r);
}

static const bsc_status_identity identity = {
	.prefix = "bs:", .id = "h1:42:1700000000123", .name = "mail-1", .host = "h1", .pid = 42,
	.server = "127.0.0.1:11300", .tubes = "mail,images", .started_at = 1700000000.123, .interval = 0.5,
};

/* The arguments of the request that starts at *at in r, advanced past it. */
static size_t next_request(const bsc_resp *r, size_t *at, char args[64][256])
{
	size_t argc = strtoul(r->buf + *at + 1, NULL, 10);
	const char *p = strstr(r->buf + *at, "\r\n") + 2;

	for (size_t i = 0; i < argc && i < 64; i++) {
		size_t len = strtoul(p + 1, NULL, 10);
		p = strstr(p, "\r\n") + 2;
		snprintf(args[i], 256, "%.*s", (int)len, p);
		p += len + 2;
	}
	*at = (size_t)(p - r->buf);
	return argc;
}

/* The value of a field in an HSET's arguments. */
static const char *hset_value(char args[64][256], size_t argc, const char *field)
{
	for (size_t i = 2; i + 1 < argc; i += 2) {
		if (strcmp(args[i], field) == 0) {
			return args[i + 1];
		}
	}
	return NULL;
}

static void test_beat_request(void)
{
	bsc_status_figures f = {
		.state = BSC_STATUS_WORKING, .job_id = 77, .job_tube = "mail", .job_since = 1700000001.5, .processed = 10,
		.failed = 2, .released = 1, .buried = 1, .deleted = 8, .jobs_per_sec = 3.25, .duration_p50 = 0.01,
		.duration_p99 = 0.5, .rtt = 0.0002, .memory = 400000, .rss = 16000000, .beat_at = 1700000002.25,
	};
	bsc_resp r;
	char args[64][256];
	size_t at = 0, argc;

	bsc_resp_init(&r);
	bsc_status_beat_request(&r, &identity, &f, false);
	CHECK_U64(r.count, 6);
	argc = next_request(&r, &at, args);
	CHECK_U64(argc, 50);
	CHECK_STR(args[0], "HSET");
	CHECK_STR(args[1], "bs:worker:h1:42:1700000000123");
	static const char *const want[][2] = {
		{ "id", "h1:42:1700000000123" }, { "name", "mail-1" }, { "host", "h1" }, { "pid", "42" },
		{ "server", "127.0.0.1:11300" }, { "tubes", "mail,images" }, { "started_at", "1700000000.123000" },
		{ "interval", "0.500" }, { "state", "working" }, { "job_id", "77" }, { "job_tube", "mail" },
		{ "job_since", "1700000001.500000" }, { "processed", "10" }, { "failed", "2" }, { "released", "1" },
		{ "buried", "1" }, { "deleted", "8" }, { "jobs_per_sec", "3.250" }, { "job_duration_p50", "0.010000" },
		{ "job_duration_p99", "0.500000" }, { "memory", "400000" }, { "rss", "16000000" }, { "rtt", "0.000200" },
		{ "beat_at", "1700000002.250000" },
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const char *v = hset_value(args, argc, want[i][0]);
		CHECK_MSG(v && strcmp(v, want[i][1]) == 0, "%s is %s, want %s", want[i][0], v ? v : "missing", want[i][1]);
		/* In the order fleet() shows them. */
		CHECK_STR(args[2 + 2 * i], bsc_status_field_name(i));
	}
	argc = next_request(&r, &at, args);
	CHECK(argc == 3 && strcmp(args[0], "PEXPIRE") == 0 && strcmp(args[2], "1500") == 0);
	argc = next_request(&r, &at, args);
	CHECK(argc == 4 && strcmp(args[0], "ZADD") == 0 && strcmp(args[1], "bs:workers") == 0 && strcmp(args[2], "1700000002.250000") == 0
		&& strcmp(args[3], identity.id) == 0);
	argc = next_request(&r, &at, args);
	CHECK(argc == 1 && strcmp(args[0], "TIME") == 0);
	argc = next_request(&r, &at, args);
	CHECK(argc == 2 && strcmp(args[0], "GET") == 0 && strcmp(args[1], "bs:restart") == 0);
	/* Its name's request: a field of one hash, never a key of its own,
	 * which another prefix's key could be. */
	argc = next_request(&r, &at, args);
	CHECK(argc == 3 && strcmp(args[0], "HGET") == 0 && strcmp(args[1], "bs:restart:names") == 0 && strcmp(args[2], "mail-1") == 0);
	CHECK_U64(at, r.len);

	/* Waiting: no job fields; without a name, the one restart key. */
	bsc_status_identity anonymous = identity;
	anonymous.name = "";
	f.state = BSC_STATUS_WAITING;
	bsc_resp_reset(&r);
	at = 0;
	bsc_status_beat_request(&r, &anonymous, &f, false);
	argc = next_request(&r, &at, args);
	CHECK_STR(hset_value(args, argc, "state"), "waiting");
	CHECK_STR(hset_value(args, argc, "job_id"), "");
	CHECK_STR(hset_value(args, argc, "job_tube"), "");
	CHECK_STR(hset_value(args, argc, "job_since"), "");
	next_request(&r, &at, args);
	next_request(&r, &at, args);
	next_request(&r, &at, args);
	argc = next_request(&r, &at, args);
	CHECK(argc == 2 && strcmp(args[0], "GET") == 0 && strcmp(args[1], "bs:restart") == 0);
	CHECK_U64(at, r.len);
	CHECK_U64(r.count, 5);

	/* The last beat: stopped, why, and out of the set. */
	f.state = BSC_STATUS_STOPPED;
	f.stop_reason = 10;
	bsc_resp_reset(&r);
	at = 0;
	bsc_status_beat_request(&r, &identity, &f, true);
	CHECK_U64(r.count, 3);
	argc = next_request(&r, &at, args);
	CHECK_U64(argc, 52);
	CHECK_STR(hset_value(args, argc, "state"), "stopped");
	CHECK_STR(hset_value(args, argc, "stop_reason"), "10");
	argc = next_request(&r, &at, args);
	CHECK(argc == 3 && strcmp(args[0], "PEXPIRE") == 0);
	argc = next_request(&r, &at, args);
	CHECK(argc == 3 && strcmp(args[0], "ZREM") == 0 && strcmp(args[1], "bs:workers") == 0 && strcmp(args[2], identity.id) == 0);
	bsc_resp_free(&r);
}
/* }}} */

/* {{{ replies */
static bsc_redis_reply reply_int(long long v)
{
	return (bsc_redis_reply){ .type = BSC_REDIS_INTEGER, .integer = v };
}

static bsc_redis_reply reply_str(const char *s)
{
	return (bsc_redis_reply){ .type = BSC_REDIS_STRING, .str = s, .len = strlen(s) };
}

static void test_beat_read(void)
{
	bsc_redis_reply hset = reply_int(24), pexpire = reply_int(1), zadd = reply_int(0), sec = reply_str("1700000010"), usec = reply_str("250000");
	bsc_redis_reply *time_el[] = { &sec, &usec };
	bsc_redis_reply time = { .type = BSC_REDIS_ARRAY, .element = time_el, .elements = 2 };
	bsc_redis_reply all = reply_str("1700000005.5"), nil = { .type = BSC_REDIS_NIL };
	bsc_redis_reply *replies[] = { &hset, &pexpire, &zadd, &time, &all, &nil };
	bsc_status_beat_answer a;
	char errbuf[BSC_ERRSTR_LEN] = "";

	CHECK_MSG(bsc_status_beat_read(replies, 6, true, &a, errbuf), "%s", errbuf);
	CHECK(a.redis_now == 1700000010.25);
	CHECK(a.restart_at == 1700000005.5);
	/* The name's request newer than the one for all. */
	bsc_redis_reply named = reply_str("1700000007");
	replies[5] = &named;
	CHECK(bsc_status_beat_read(replies, 6, true, &a, errbuf) && a.restart_at == 1700000007);
	/* Older: the one for all counts. */
	bsc_redis_reply older = reply_str("1700000001");
	replies[5] = &older;
	CHECK(bsc_status_beat_read(replies, 6, true, &a, errbuf) && a.restart_at == 1700000005.5);
	/* Without a name: five; nil is no request, and so is garbage. */
	replies[4] = &nil;
	CHECK(bsc_status_beat_read(replies, 5, false, &a, errbuf) && a.restart_at == 0);
	bsc_redis_reply junk = reply_str("soon");
	replies[4] = &junk;
	CHECK(bsc_status_beat_read(replies, 5, false, &a, errbuf) && a.restart_at == 0);

	/* An error reply, a wrong type, a missing reply. */
	bsc_redis_reply wrongtype = { .type = BSC_REDIS_ERROR, .str = "WRONGTYPE Operation against a key", .len = 33 };
	replies[0] = &wrongtype;
	CHECK(!bsc_status_beat_read(replies, 5, false, &a, errbuf) && strstr(errbuf, "refused HSET: WRONGTYPE"));
	replies[0] = &hset;
	replies[3] = &all;
	CHECK(!bsc_status_beat_read(replies, 5, false, &a, errbuf) && strstr(errbuf, "TIME"));
	replies[3] = &time;
	CHECK(!bsc_status_beat_read(replies, 4, false, &a, errbuf));
	CHECK(!bsc_status_beat_read(replies, 5, true, &a, errbuf) && strstr(errbuf, "5 replies to a beat of 6"));
	replies[5] = &wrongtype;
	CHECK(!bsc_status_beat_read(replies, 6, true, &a, errbuf) && strstr(errbuf, "refused HGET"));
	replies[5] = &time;
	CHECK(!bsc_status_beat_read(replies, 6, true, &a, errbuf) && strstr(errbuf, "answered HGET"));
}

static void test_restart_due(void)
{
	/* Redis says 1000 now; the worker has run for 100 s: it started at 900. */
	CHECK(!bsc_status_restart_due(0, 1000, 100));
	CHECK(!bsc_status_restart_due(850, 1000, 100));   /* asked before it started */
	CHECK(bsc_status_restart_due(950, 1000, 100));
	CHECK(!bsc_status_restart_due(950, 1000, 40));    /* the one started after it, at 960 */
	CHECK(bsc_status_restart_due(950, 1000, 51));     /* started at 949 */
}

static void test_fields(void)
{
	CHECK(bsc_status_field("pid", 3) == BSC_FIELD_INT);
	CHECK(bsc_status_field("beat_at", 7) == BSC_FIELD_FLOAT);
	CHECK(bsc_status_field("tubes", 5) == BSC_FIELD_LIST);
	CHECK(bsc_status_field("state", 5) == BSC_FIELD_STRING);
	CHECK(bsc_status_field("stop_reason", 11) == BSC_FIELD_INT);
	CHECK(bsc_status_field("pidx", 4) == BSC_FIELD_UNKNOWN);
	CHECK(bsc_status_field("pi", 2) == BSC_FIELD_UNKNOWN);
	CHECK_STR(bsc_status_field_name(0), "id");
	size_t n = 0;
	while (bsc_status_field_name(n)) {
		n++;
	}
	CHECK_U64(n, 25);
	CHECK(bsc_status_timeout(2) == 0.5 && bsc_status_timeout(0.4) == 0.1);
}
/* }}} */

/* {{{ the process title */
static void test_title_format(void)
{
	char t[256], small[24];

	bsc_worker_title_format(t, sizeof(t), "mail-1", BSC_WORKER_WORKING, 42, "mail", 3, "mail", 1204);
	CHECK_STR(t, "beanstalk-worker mail-1: working job 42 (mail, 3 s) 1204 done");
	bsc_worker_title_format(t, sizeof(t), "mail-1", BSC_WORKER_WAITING, 42, "mail", 3, "mail,images", 1204);
	CHECK_STR(t, "beanstalk-worker mail-1: waiting (mail,images) 1204 done");
	bsc_worker_title_format(t, sizeof(t), "", BSC_WORKER_WORKING, 18446744073709551615ULL, "", 0, "a", 0);
	CHECK_STR(t, "beanstalk-worker: working job 18446744073709551615 (0 s) 0 done");
	bsc_worker_title_format(t, sizeof(t), "", BSC_WORKER_IDLE, 0, "", 0, "default", 7);
	CHECK_STR(t, "beanstalk-worker: stopped (default) 7 done");
	/* Cut short, never past the buffer. */
	bsc_worker_title_format(small, sizeof(small), "mail-1", BSC_WORKER_WAITING, 0, "", 0, "mail", 1);
	CHECK_STR(small, "beanstalk-worker mail-1");
}
/* }}} */

/* {{{ the client against the fake peer */
static bool need_hiredis(void)
{
	if (!bsc_redis_available()) {
		unit_skip("built without libhiredis");
		return false;
	}
	return true;
}

/* A client of the peer's address with this userinfo and path. */
static bsc_redis *peer_client(const peer *p, const char *userinfo, const char *path)
{
	char url[300];
	bsc_redis_address a;
	char errbuf[BSC_ERRSTR_LEN];

	snprintf(url, sizeof(url), "redis://%s%s%s", userinfo, p->address, path);
	if (!CHECK_MSG(bsc_redis_address_parse(&a, url, strlen(url), errbuf), "%s", errbuf)) {
		return NULL;
	}
	return bsc_redis_new(&a, 1 << 16);
}

static void test_exchange_auth_select_in_one_write(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("*2\r\n$4\r\nAUTH\r\n$6\r\ns3cret\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*1\r\n$4\r\nPING\r\n"),
		P_SEND("+OK\r\n+OK\r\n+PONG\r\n"),
		/* The same connection: no AUTH again. */
		P_EXPECT_ONE("*1\r\n$4\r\nTIME\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
		P_DRIP("*2\r\n$10\r\n1700000000\r\n$6\r\n123456\r\n$-1\r\n", 5, 2),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_resp req;
	size_t n;

	if (!need_hiredis() || !CHECK_MSG(peer_start(&p, PEER_TCP4, script), "%s", p.error)) {
		return;
	}
	bsc_redis *r = peer_client(&p, ":s3cret@", "/2");
	bsc_resp_init(&req);
	if (r) {
		bsc_resp_command(&req, "PING", (char *)NULL);
		if (CHECK_MSG(bsc_redis_exchange(r, &req, TEST_TIMEOUT), "%s", bsc_redis_errstr(r))) {
			bsc_redis_reply *const *replies = bsc_redis_replies(r, &n);
			CHECK(n == 1 && replies[0]->type == BSC_REDIS_STATUS && strcmp(replies[0]->str, "PONG") == 0);
		}
		bsc_resp_reset(&req);
		bsc_resp_command(&req, "TIME", (char *)NULL);
		bsc_resp_command(&req, "GET", "k", (char *)NULL);
		if (CHECK_MSG(bsc_redis_exchange(r, &req, TEST_TIMEOUT), "%s", bsc_redis_errstr(r))) {
			bsc_redis_reply *const *replies = bsc_redis_replies(r, &n);
			CHECK(n == 2 && replies[0]->type == BSC_REDIS_ARRAY && replies[0]->elements == 2
				&& strcmp(replies[0]->element[1]->str, "123456") == 0 && replies[1]->type == BSC_REDIS_NIL);
			bsc_redis_reply *taken = bsc_redis_take_reply(r, 0);
			CHECK(taken != NULL && bsc_redis_take_reply(r, 0) == NULL);
			bsc_redis_reply_free(taken);
		}
	}
	bsc_resp_free(&req);
	bsc_redis_free(r);
	CHECK_PEER(&p);
}

static void test_exchange_silent_peer(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("*1\r\n$4\r\nPING\r\n"),
		/* Nothing is sent back: the client gives up and closes. */
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_resp req;

	if (!need_hiredis() || !CHECK_MSG(peer_start(&p, PEER_TCP4, script), "%s", p.error)) {
		return;
	}
	bsc_redis *r = peer_client(&p, "", "");
	bsc_resp_init(&req);
	bsc_resp_command(&req, "PING", (char *)NULL);
	if (r) {
		double start = now_ms();
		CHECK(!bsc_redis_exchange(r, &req, SHORT_TIMEOUT));
		double took = now_ms() - start;
		CHECK_MSG(took >= SHORT_TIMEOUT * 1000 - 5 && took < SHORT_TIMEOUT * 1000 + 150, "gave up after %.0f ms", took);
		CHECK_MSG(strstr(bsc_redis_errstr(r), "no answer from") != NULL, "%s", bsc_redis_errstr(r));
	}
	bsc_resp_free(&req);
	bsc_redis_free(r);
	CHECK_PEER(&p);
}

static void test_exchange_garbage_and_refusals(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT("*1\r\n$4\r\nPING\r\n"),
		P_SEND("HTTP/1.1 400 Bad Request\r\n\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT("*2\r\n$4\r\nAUTH\r\n$6\r\ns3cret\r\n*1\r\n$4\r\nPING\r\n"),
		P_SEND("-WRONGPASS invalid username-password pair or user is disabled.\r\n+PONG\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_resp req;

	if (!need_hiredis() || !CHECK_MSG(peer_start(&p, PEER_TCP4, script), "%s", p.error)) {
		return;
	}
	bsc_redis *r = peer_client(&p, "", "");
	bsc_redis *auth = peer_client(&p, ":s3cret@", "");
	bsc_resp_init(&req);
	bsc_resp_command(&req, "PING", (char *)NULL);
	if (r && auth) {
		CHECK(!bsc_redis_exchange(r, &req, TEST_TIMEOUT));
		CHECK_MSG(strstr(bsc_redis_errstr(r), "not Redis's protocol") != NULL, "%s", bsc_redis_errstr(r));
		CHECK(!bsc_redis_exchange(auth, &req, TEST_TIMEOUT));
		const char *why = bsc_redis_errstr(auth);
		CHECK_MSG(strstr(why, "refused AUTH: WRONGPASS") != NULL && !strstr(why, "s3cret"), "%s", why);
	}
	bsc_resp_free(&req);
	bsc_redis_free(r);
	bsc_redis_free(auth);
	CHECK_PEER(&p);
}

static void test_exchange_refused(void)
{
	char address[64], errbuf[BSC_ERRSTR_LEN];
	bsc_redis_address a;
	bsc_resp req;
	int port;
	int fd = peer_refusing_port(&port);

	if (!need_hiredis() || !CHECK(fd >= 0)) {
		return;
	}
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	CHECK(bsc_redis_address_parse(&a, address, strlen(address), errbuf));
	bsc_redis *r = bsc_redis_new(&a, 1024);
	bsc_resp_init(&req);
	/* Nothing asked: done, without a connect. */
	CHECK(r && bsc_redis_exchange(r, &req, TEST_TIMEOUT));
	bsc_resp_command(&req, "PING", (char *)NULL);
	CHECK(r && !bsc_redis_exchange(r, &req, TEST_TIMEOUT));
	CHECK_MSG(r && strstr(bsc_redis_errstr(r), "cannot connect to 127.0.0.1:"), "%s", r ? bsc_redis_errstr(r) : "");
	bsc_resp_free(&req);
	bsc_redis_free(r);
	close(fd);
}
/* }}} */

/* {{{ the writer */
typedef struct {
	int lines;
	char line[512];
	int restarts;
	uint64_t processed;
} writer_host;

static void wh_read(void *ctx, bsc_status_figures *f, char *tube, size_t size)
{
	writer_host *h = ctx;

	f->state = BSC_STATUS_WAITING;
	f->processed = h->processed;
	snprintf(tube, size, "%s", "");
}

static void wh_log(void *ctx, const char *line)
{
	writer_host *h = ctx;

	h->lines++;
	snprintf(h->line, sizeof(h->line), "%s", line);
}

static void wh_restart(void *ctx)
{
	((writer_host *)ctx)->restarts++;
}

/* Redis accepts and never answers: every pass returns at once, beats are
 * skipped on time, counted, and logged once. */
static void test_writer_never_blocks(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_PAUSE(1500),
		P_END,
	};
	peer p;
	writer_host h = { 0 };
	bsc_status_counts counts;
	char errbuf[BSC_ERRSTR_LEN];
	bsc_redis_address a;

	if (!need_hiredis() || !CHECK_MSG(peer_start(&p, PEER_TCP4, script), "%s", p.error)) {
		return;
	}
	CHECK(bsc_redis_address_parse(&a, p.address, strlen(p.address), errbuf));
	bsc_status_config cfg = {
		.address = &a, .who = identity, .read = wh_read, .log = wh_log, .restart = wh_restart, .ctx = &h, .started = bsc_now(),
	};
	cfg.who.interval = 0.2;
	bsc_status_writer *w = bsc_status_writer_new(&cfg);
	double start = bsc_now(), longest = 0;
	int passes = 0;
	while (w && bsc_now() - start < 1.0) {
		int fd;
		short events;
		double t0 = bsc_now();
		double next = bsc_status_writer_run(w, t0, &fd, &events);
		double took = bsc_now() - t0;
		longest = took > longest ? took : longest;
		passes++;
		struct pollfd pfd = { .fd = fd, .events = events };
		poll(&pfd, fd >= 0 ? 1 : 0, bsc_poll_ms(next));
	}
	if (w) {
		bsc_status_writer_counts(w, &counts);
		/* Beats at 0, 0.2, ... 0.8 s: each given up after 0.05 s. */
		CHECK_MSG(counts.errors >= 4 && counts.errors <= 6, "%llu beats skipped", (unsigned long long)counts.errors);
		CHECK_U64(counts.beats, 0);
		CHECK_MSG(strstr(counts.last_error, "no answer from 127.0.0.1:") != NULL, "%s", counts.last_error);
		CHECK_MSG(longest < 0.02, "a pass took %.3f s", longest);
		CHECK_MSG(passes < 200, "%d passes in a second", passes);
		CHECK(h.lines == 1 && strstr(h.line, "status: no heartbeat written (no answer from "));
		CHECK(h.restarts == 0);
	}
	bsc_status_writer_free(w);
	CHECK_PEER(&p);
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_address_forms),
	UNIT_TEST(test_address_errors),
	UNIT_TEST(test_resp_writer),
	UNIT_TEST(test_beat_request),
	UNIT_TEST(test_beat_read),
	UNIT_TEST(test_restart_due),
	UNIT_TEST(test_fields),
	UNIT_TEST(test_title_format),
	UNIT_TEST(test_exchange_auth_select_in_one_write),
	UNIT_TEST(test_exchange_silent_peer),
	UNIT_TEST(test_exchange_garbage_and_refusals),
	UNIT_TEST(test_exchange_refused),
	UNIT_TEST(test_writer_never_blocks),
};

const unit_suite status_suite = UNIT_SUITE("status", tests);
