/*
 * The managing and inspecting commands against the real beanstalkd (server.h, started
 * with -z 1000): the stats bodies it really sends through the stats parser,
 * peek, kick, kick-job, reserve-job, pause-tube, and a put batch of 2001
 * jobs. Skipped when the binary is missing.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "helpers.h"
#include "server.h"
#include "src/proto/stats.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A job id no test comes near. */
#define MISSING_ID 987654321

/* {{{ helpers */
typedef struct {
	char key[48];
	bsc_value_type type;
	int64_t i;
	char str[96];
} stat_copy;

typedef struct {
	stat_copy stats[64];
	size_t count;
} stat_list;

static bool collect(const bsc_stat *stat, void *ctx)
{
	stat_list *l = ctx;

	if (l->count < sizeof(l->stats) / sizeof(l->stats[0])) {
		stat_copy *s = &l->stats[l->count++];
		snprintf(s->key, sizeof(s->key), "%.*s", (int)stat->key_len, stat->key);
		s->type = stat->type;
		s->i = stat->i;
		snprintf(s->str, sizeof(s->str), "%.*s", stat->type == BSC_VALUE_STRING ? (int)stat->str_len : 0,
			stat->type == BSC_VALUE_STRING ? stat->str : "");
	}
	return true;
}

static bool parse_stats(const bsc_yaml *y, bsc_stats_kind kind, stat_list *l)
{
	char esc[400];

	memset(l, 0, sizeof(*l));
	return CHECK_MSG(bsc_stats_parse(y->body, y->len, kind, collect, l), "the stats parser refused \"%s\"",
		unit_escape(y->body, y->len, esc, sizeof(esc)));
}

static const stat_copy *find(const stat_list *l, const char *key)
{
	for (size_t i = 0; i < l->count; i++) {
		if (strcmp(l->stats[i].key, key) == 0) {
			return &l->stats[i];
		}
	}
	return NULL;
}

/* Every key is there with the type it should have: the strings and the
 * other non-integers listed, everything else an INT. */
static void check_types(const stat_list *l, const char *const *strings, const char *const *floats, const char *const *bools)
{
	for (size_t i = 0; i < l->count; i++) {
		const stat_copy *s = &l->stats[i];
		bsc_value_type want = BSC_VALUE_INT;
		for (const char *const *k = strings; *k; k++) {
			want = strcmp(*k, s->key) == 0 ? BSC_VALUE_STRING : want;
		}
		for (const char *const *k = floats; *k; k++) {
			want = strcmp(*k, s->key) == 0 ? BSC_VALUE_FLOAT : want;
		}
		for (const char *const *k = bools; *k; k++) {
			want = strcmp(*k, s->key) == 0 ? BSC_VALUE_BOOL : want;
		}
		CHECK_MSG(s->type == want, "\"%s\" (\"%s\") has type %d, want %d", s->key, s->str, (int)s->type, (int)want);
	}
}

static int64_t int_stat(const stat_list *l, const char *key)
{
	const stat_copy *s = find(l, key);

	if (!CHECK_MSG(s && s->type == BSC_VALUE_INT, "no INT \"%s\"", key)) {
		return -1;
	}
	return s->i;
}

static const char *string_stat(const stat_list *l, const char *key)
{
	const stat_copy *s = find(l, key);

	if (!CHECK_MSG(s && s->type == BSC_VALUE_STRING, "no STRING \"%s\"", key)) {
		return "";
	}
	return s->str;
}

/* stats-tube and stats-job, parsed; -1 after a failed check. */
static int64_t tube_stat(bsc_conn *c, const char *tube, const char *key)
{
	bsc_yaml y;
	stat_list l;

	if (!CHECK_STATUS(c, bsc_stats_tube(c, tube, strlen(tube), &y), BSC_OK) || !parse_stats(&y, BSC_STATS_TUBE, &l)) {
		return -1;
	}
	return int_stat(&l, key);
}

static bool job_state(bsc_conn *c, uint64_t id, const char *want)
{
	bsc_yaml y;
	stat_list l;

	if (!CHECK_STATUS(c, bsc_stats_job(c, id, &y), BSC_OK) || !parse_stats(&y, BSC_STATS_JOB, &l)) {
		return false;
	}
	const char *state = string_stat(&l, "state");
	return CHECK_MSG(strcmp(state, want) == 0, "job %llu is %s, want %s", (unsigned long long)id, state, want);
}

/* A server and a connection to it on tube (used and watched alone). */
static bsc_conn *start(server *s, const char *tube)
{
	if (!server_start(s, false)) {
		return NULL;
	}
	bsc_conn *c = test_conn(s->address, TEST_TIMEOUT);
	if (!c) {
		server_stop(s);
		return NULL;
	}
	bsc_tubes_use(bsc_conn_tubes(c), tube, strlen(tube));
	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), tube, strlen(tube)));
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
	return c;
}

static void stop(server *s, bsc_conn *c)
{
	bsc_conn_free(c);
	server_stop(s);
}

static bool list_has(const char *item, size_t len, void *ctx)
{
	char *want = ctx;

	if (strlen(want) == len && memcmp(item, want, len) == 0) {
		want[0] = '\0';  /* found: the caller sees an empty name */
	}
	return true;
}
/* }}} */

static void test_real_stats_bodies(void)
{
	static const char *const server_strings[] = { "version", "id", "hostname", "os", "platform", NULL };
	static const char *const server_floats[] = { "rusage-utime", "rusage-stime", NULL };
	static const char *const server_bools[] = { "draining", NULL };
	static const char *const tube_strings[] = { "name", NULL };
	static const char *const job_strings[] = { "tube", "state", NULL };
	static const char *const none[] = { NULL };
	server s;
	bsc_yaml y;
	stat_list l;
	uint64_t id = 0;
	bsc_conn *c = start(&s, "unit-stats");

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 7, 0, 60, "body", 4, &id), BSC_OK);

	CHECK_U64(bsc_conn_max_job_size(c), 0);
	if (CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK) && parse_stats(&y, BSC_STATS_SERVER, &l)) {
		CHECK_MSG(l.count >= 40, "only %zu stats", l.count);
		check_types(&l, server_strings, server_floats, server_bools);
		CHECK_U64(int_stat(&l, "max-job-size"), SERVER_MAX_JOB_SIZE);
		CHECK_U64(int_stat(&l, "pid"), (uint64_t)s.pid);
		CHECK_U64(int_stat(&l, "cmd-put"), 1);
		CHECK_U64(int_stat(&l, "current-jobs-ready"), 1);
		CHECK_U64(strlen(string_stat(&l, "id")), 16);
		CHECK(string_stat(&l, "version")[0] != '\0' && string_stat(&l, "version")[0] != '"');
		const stat_copy *draining = find(&l, "draining");
		CHECK(draining && draining->i == 0);
	}
	CHECK_U64(bsc_conn_max_job_size(c), SERVER_MAX_JOB_SIZE);

	if (CHECK_STATUS(c, bsc_stats_tube(c, "unit-stats", 10, &y), BSC_OK) && parse_stats(&y, BSC_STATS_TUBE, &l)) {
		CHECK_MSG(l.count >= 14, "only %zu stats", l.count);
		check_types(&l, tube_strings, none, none);
		CHECK_STR(string_stat(&l, "name"), "unit-stats");
		CHECK_U64(int_stat(&l, "current-jobs-ready"), 1);
		CHECK_U64(int_stat(&l, "current-using"), 1);
		CHECK_U64(int_stat(&l, "pause"), 0);
	}
	if (CHECK_STATUS(c, bsc_stats_job(c, id, &y), BSC_OK) && parse_stats(&y, BSC_STATS_JOB, &l)) {
		CHECK_MSG(l.count >= 14, "only %zu stats", l.count);
		check_types(&l, job_strings, none, none);
		CHECK_U64(int_stat(&l, "id"), id);
		CHECK_STR(string_stat(&l, "tube"), "unit-stats");
		CHECK_STR(string_stat(&l, "state"), "ready");
		CHECK_U64(int_stat(&l, "pri"), 7);
		CHECK_U64(int_stat(&l, "ttr"), 60);
	}
	if (CHECK_STATUS(c, bsc_list_tubes(c, &y), BSC_OK)) {
		char want_default[] = "default", want_tube[] = "unit-stats";
		CHECK(bsc_list_parse(y.body, y.len, list_has, want_default));
		CHECK(bsc_list_parse(y.body, y.len, list_has, want_tube));
		CHECK_MSG(want_default[0] == '\0' && want_tube[0] == '\0', "\"%.*s\" lacks a tube", (int)y.len, y.body);
	}
	CHECK_STATUS(c, bsc_stats_tube(c, "unit-missing", 12, &y), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_stats_job(c, MISSING_ID, &y), BSC_NOT_FOUND);
	CHECK(bsc_conn_is_connected(c));
	stop(&s, c);
}

static void test_real_peek(void)
{
	server s;
	uint64_t ready = 0, delayed = 0, buried = 0;
	bsc_job job;
	bsc_conn *c = start(&s, "unit-peek");

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 10, 0, 60, "ready", 5, &ready), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 10, 100, 60, "delayed", 7, &delayed), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 5, 0, 60, "buried", 6, &buried), BSC_OK);
	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, buried);
	}
	CHECK_STATUS(c, bsc_bury(c, buried, 0), BSC_OK);

	if (CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_READY, &job), BSC_OK)) {
		CHECK_U64(job.id, ready);
		CHECK_MEM(job.body, job.body_len, "ready", 5);
	}
	if (CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_DELAYED, &job), BSC_OK)) {
		CHECK_U64(job.id, delayed);
		CHECK_MEM(job.body, job.body_len, "delayed", 7);
	}
	if (CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_BURIED, &job), BSC_OK)) {
		CHECK_U64(job.id, buried);
		CHECK_MEM(job.body, job.body_len, "buried", 6);
	}
	if (CHECK_STATUS(c, bsc_peek(c, delayed, &job), BSC_OK)) {
		CHECK_U64(job.id, delayed);
		CHECK_MEM(job.body, job.body_len, "delayed", 7);
	}
	/* Looked at, not reserved: still ready. */
	job_state(c, ready, "ready");
	CHECK_STATUS(c, bsc_peek(c, MISSING_ID, &job), BSC_NOT_FOUND);

	/* The peeks look at the used tube only. */
	bsc_tubes_use(bsc_conn_tubes(c), "unit-empty", 10);
	CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_READY, &job), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_DELAYED, &job), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_peek_next(c, BSC_PEEK_BURIED, &job), BSC_NOT_FOUND);
	/* peek by id looks everywhere. */
	CHECK_STATUS(c, bsc_peek(c, buried, &job), BSC_OK);
	CHECK(bsc_conn_is_connected(c));
	stop(&s, c);
}

static void test_real_kick(void)
{
	server s;
	uint64_t d1 = 0, d2 = 0, b1 = 0, b2 = 0, r = 0, kicked = 99;
	bsc_job job;
	bsc_conn *c = start(&s, "unit-kick");

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 0, 100, 60, "d1", 2, &d1), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 0, 100, 60, "d2", 2, &d2), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "b1", 2, &b1), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "b2", 2, &b2), BSC_OK);
	for (int i = 0; i < 2; i++) {
		if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
			CHECK_STATUS(c, bsc_bury(c, job.id, 0), BSC_OK);
		}
	}
	/* Buried jobs first, as many as the bound lets... */
	CHECK_STATUS(c, bsc_kick(c, 1, &kicked), BSC_OK);
	CHECK_U64(kicked, 1);
	CHECK_STATUS(c, bsc_kick(c, 10, &kicked), BSC_OK);
	CHECK_U64(kicked, 1);
	job_state(c, b1, "ready");
	job_state(c, b2, "ready");
	job_state(c, d1, "delayed");
	/* ...then, with none buried, the delayed ones. */
	CHECK_STATUS(c, bsc_kick(c, 10, &kicked), BSC_OK);
	CHECK_U64(kicked, 2);
	job_state(c, d1, "ready");
	CHECK_STATUS(c, bsc_kick(c, 10, &kicked), BSC_OK);
	CHECK_U64(kicked, 0);

	/* kick-job: a delayed or buried job, by id, in any tube. */
	CHECK_STATUS(c, bsc_put(c, 0, 100, 60, "r", 1, &r), BSC_OK);
	bsc_tubes_use(bsc_conn_tubes(c), "default", 7);
	CHECK_STATUS(c, bsc_kick_job(c, r), BSC_OK);
	job_state(c, r, "ready");
	CHECK_STATUS(c, bsc_kick_job(c, r), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_kick_job(c, MISSING_ID), BSC_NOT_FOUND);
	if (CHECK_STATUS(c, bsc_reserve_job(c, b1, &job), BSC_OK)) {
		CHECK_STATUS(c, bsc_bury(c, b1, 0), BSC_OK);
		CHECK_STATUS(c, bsc_kick_job(c, b1), BSC_OK);
		job_state(c, b1, "ready");
	}
	CHECK(bsc_conn_is_connected(c));
	stop(&s, c);
}

static void test_real_reserve_job(void)
{
	server s;
	uint64_t ready = 0, delayed = 0, buried = 0;
	bsc_job job;
	bsc_conn *c = start(&s, "unit-rj");

	if (!c) {
		return;
	}
	bsc_conn *other = test_conn(s.address, TEST_TIMEOUT);
	if (!other) {
		stop(&s, c);
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "ready", 5, &ready), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 0, 100, 60, "delayed", 7, &delayed), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "buried", 6, &buried), BSC_OK);
	if (CHECK_STATUS(c, bsc_reserve_job(c, buried, &job), BSC_OK)) {
		CHECK_STATUS(c, bsc_bury(c, buried, 0), BSC_OK);
	}

	/* Any state but reserved, from any connection, whatever it watches. */
	if (CHECK_STATUS(other, bsc_reserve_job(other, ready, &job), BSC_OK)) {
		CHECK_U64(job.id, ready);
		CHECK_MEM(job.body, job.body_len, "ready", 5);
	}
	if (CHECK_STATUS(other, bsc_reserve_job(other, delayed, &job), BSC_OK)) {
		CHECK_U64(job.id, delayed);
		CHECK_MEM(job.body, job.body_len, "delayed", 7);
	}
	if (CHECK_STATUS(other, bsc_reserve_job(other, buried, &job), BSC_OK)) {
		CHECK_MEM(job.body, job.body_len, "buried", 6);
	}
	job_state(c, delayed, "reserved");
	/* Reserved by another connection, or by this one, or never there. */
	CHECK_STATUS(c, bsc_reserve_job(c, ready, &job), BSC_NOT_FOUND);
	CHECK_STATUS(other, bsc_reserve_job(other, ready, &job), BSC_NOT_FOUND);
	CHECK_STATUS(c, bsc_reserve_job(c, MISSING_ID, &job), BSC_NOT_FOUND);
	/* The reservation is the connection's: it can delete, c cannot. */
	CHECK_STATUS(c, bsc_touch(c, ready), BSC_NOT_FOUND);
	CHECK_STATUS(other, bsc_delete(other, ready), BSC_OK);
	CHECK(bsc_conn_is_connected(c));
	CHECK(bsc_conn_is_connected(other));
	bsc_conn_free(other);
	stop(&s, c);
}

static void test_real_pause_tube(void)
{
	server s;
	uint64_t id = 0;
	bsc_job job;
	bsc_conn *c = start(&s, "unit-pause");

	if (!c) {
		return;
	}
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "p", 1, &id), BSC_OK);
	CHECK_STATUS(c, bsc_pause_tube(c, "unit-pause", 10, 100), BSC_OK);
	CHECK_U64(tube_stat(c, "unit-pause", "pause"), 100);
	int64_t left = tube_stat(c, "unit-pause", "pause-time-left");
	CHECK_MSG(left > 90 && left <= 100, "pause-time-left %lld", (long long)left);
	CHECK_U64(tube_stat(c, "unit-pause", "cmd-pause-tube"), 1);
	/* Paused, its ready job is not handed out. */
	CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_TIMED_OUT);

	/* "Resume" is a pause of 0: 1.12 resumes at once (pause: 0), later
	 * servers pause for 1 second instead (notes §1.3). */
	CHECK_STATUS(c, bsc_pause_tube(c, "unit-pause", 10, 0), BSC_OK);
	int64_t pause = tube_stat(c, "unit-pause", "pause");
	CHECK_MSG(pause == 0 || pause == 1, "pause %lld after a pause of 0", (long long)pause);
	if (CHECK_STATUS(c, bsc_reserve(c, 3, &job), BSC_OK)) {
		CHECK_U64(job.id, id);
	}

	CHECK_STATUS(c, bsc_pause_tube(c, "unit-missing", 12, 10), BSC_NOT_FOUND);
	CHECK(bsc_conn_is_connected(c));
	stop(&s, c);
}

/* 2000 small jobs and, in the middle, one the server refuses as too big:
 * two chunks, every reply in its place, every other job in the tube. */
static void test_real_put_many(void)
{
	enum { N = 2001, BIG = 1000 };
	static char data[N][8];
	static char big[SERVER_MAX_JOB_SIZE + 1];
	bsc_body *bodies = malloc(N * sizeof(*bodies));
	bsc_put_result *results = malloc(N * sizeof(*results));
	server s;
	bsc_yaml y;
	stat_list l;
	bsc_conn *c = (bodies && results) ? start(&s, "unit-batch") : NULL;

	if (!c) {
		CHECK(bodies && results);
		free(bodies);
		free(results);
		return;
	}
	memset(big, 'B', sizeof(big));
	for (size_t i = 0; i < N; i++) {
		int len = snprintf(data[i], sizeof(data[i]), "%zu", i);
		bodies[i] = i == BIG ? (bsc_body){ big, sizeof(big) } : (bsc_body){ data[i], (size_t)len };
	}
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, bodies, N, results), BSC_OK);
	uint64_t last = 0;
	size_t wrong = 0;
	for (size_t i = 0; i < N && wrong < 5; i++) {
		bool ok;
		if (i == BIG) {
			ok = CHECK_MSG(results[i].status == BSC_SERVER_ERROR && results[i].refused == BSC_REPLY_JOB_TOO_BIG,
				"result %zu: %s", i, status_name(results[i].status));
		} else {
			ok = CHECK_MSG(results[i].status == BSC_OK && results[i].id > last, "result %zu: %s id %llu after %llu",
				i, status_name(results[i].status), (unsigned long long)results[i].id, (unsigned long long)last);
			last = results[i].id;
		}
		wrong += !ok;
	}
	CHECK(bsc_conn_is_connected(c));
	CHECK_U64(tube_stat(c, "unit-batch", "current-jobs-ready"), N - 1);
	CHECK_U64(tube_stat(c, "unit-batch", "total-jobs"), N - 1);

	/* Spot checks: a job of each chunk holds its own body. */
	static const size_t spots[] = { 0, BIG - 1, BIG + 1, N - 1 };
	for (size_t k = 0; k < sizeof(spots) / sizeof(spots[0]); k++) {
		bsc_job job;
		size_t i = spots[k];
		if (CHECK_STATUS(c, bsc_peek(c, results[i].id, &job), BSC_OK)) {
			CHECK_MEM(job.body, job.body_len, data[i], strlen(data[i]));
		}
	}

	/* Once stats has told the max-job-size, the big one is not sent: the
	 * server counts two puts, not three. */
	int64_t puts = -1;
	if (CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK) && parse_stats(&y, BSC_STATS_SERVER, &l)) {
		puts = int_stat(&l, "cmd-put");
	}
	bsc_body three[] = { { "a", 1 }, { big, sizeof(big) }, { "c", 1 } };
	CHECK_STATUS(c, bsc_put_many(c, 0, 0, 60, three, 3, results), BSC_OK);
	CHECK(results[0].status == BSC_OK && results[2].status == BSC_OK && results[2].id > results[0].id);
	CHECK(results[1].status == BSC_SERVER_ERROR && results[1].refused == BSC_REPLY_JOB_TOO_BIG);
	if (CHECK_STATUS(c, bsc_stats(c, &y), BSC_OK) && parse_stats(&y, BSC_STATS_SERVER, &l)) {
		CHECK_U64(int_stat(&l, "cmd-put"), (uint64_t)puts + 2);
	}
	CHECK_U64(tube_stat(c, "unit-batch", "current-jobs-ready"), N + 1);
	stop(&s, c);
	free(bodies);
	free(results);
}

static const unit_test tests[] = {
	UNIT_TEST(test_real_stats_bodies),
	UNIT_TEST(test_real_peek),
	UNIT_TEST(test_real_kick),
	UNIT_TEST(test_real_reserve_job),
	UNIT_TEST(test_real_pause_tube),
	UNIT_TEST(test_real_put_many),
};

const unit_suite server_inspect_suite = UNIT_SUITE("server_inspect", tests);
