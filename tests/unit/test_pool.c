/*
 * Tests of src/pool: puts spread and failing over, a batch split over the
 * servers, a reserve that waits on all of them at once, a job kept from a
 * server that answered late; against real beanstalkd servers (server.h),
 * and a refusing port standing in for a server that is down.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "helpers.h"
#include "peer.h"
#include "src/client/pool.h"
#include "server.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SERVERS 3

typedef struct {
	server s[SERVERS];
	bsc_conn *c[SERVERS];
	bsc_pool *pool;
	int started;
} fixture;

static bool fixture_start(fixture *f, const char *tube)
{
	memset(f, 0, sizeof(*f));
	for (int i = 0; i < SERVERS; i++) {
		if (!server_start(&f->s[i], false)) {
			return false;
		}
		f->started++;
		f->c[i] = test_conn(f->s[i].address, TEST_TIMEOUT);
		if (!f->c[i]) {
			return false;
		}
		bsc_tubes_use(bsc_conn_tubes(f->c[i]), tube, strlen(tube));
		CHECK(bsc_tubes_watch(bsc_conn_tubes(f->c[i]), tube, strlen(tube)));
	}
	f->pool = bsc_pool_new(f->c, SERVERS);
	return CHECK(f->pool != NULL);
}

static void fixture_stop(fixture *f)
{
	bsc_pool_free(f->pool);
	for (int i = 0; i < SERVERS; i++) {
		bsc_conn_free(f->c[i]);
	}
	for (int i = 0; i < f->started; i++) {
		server_stop(&f->s[i]);
	}
}

/* Round robin: puts spread evenly over healthy servers. */
static void test_puts_spread(void)
{
	fixture f;
	size_t count[SERVERS] = { 0 };

	if (fixture_start(&f, "spread")) {
		for (int i = 0; i < 300; i++) {
			uint64_t id;
			size_t s = SIZE_MAX;
			if (!CHECK(bsc_pool_put(f.pool, 0, 0, 60, "x", 1, &id, &s) == BSC_OK) || !CHECK(s < SERVERS)) {
				break;
			}
			count[s]++;
		}
		for (int i = 0; i < SERVERS; i++) {
			CHECK_MSG(count[i] == 100, "server %d got %zu puts", i, count[i]);
		}
	}
	fixture_stop(&f);
}

/* A server that is down: puts go to the others at once, and it is set
 * aside rather than tried before every put. */
static void test_put_fails_over(void)
{
	fixture f;
	size_t count[SERVERS] = { 0 };

	if (fixture_start(&f, "failover")) {
		server_stop(&f.s[1]);
		bsc_conn_close(f.c[1]);
		f.s[1].pid = 0;
		for (int i = 0; i < 60; i++) {
			uint64_t id;
			size_t s = SIZE_MAX;
			if (!CHECK_MSG(bsc_pool_put(f.pool, 0, 0, 60, "x", 1, &id, &s) == BSC_OK, "put %d: %s", i, bsc_pool_errstr(f.pool))) {
				break;
			}
			count[s]++;
		}
		CHECK_MSG(count[1] == 0 && count[0] + count[2] == 60, "%zu %zu %zu", count[0], count[1], count[2]);
		/* Tried once, then set aside: one failed connect, not sixty. */
		CHECK_U64(bsc_conn_generation(f.c[1]), 0);
	}
	fixture_stop(&f);
}

static void test_put_all_down(void)
{
	int ports[2], fds[2];
	bsc_conn *c[2] = { NULL, NULL };
	char address[32];

	for (int i = 0; i < 2; i++) {
		fds[i] = peer_refusing_port(&ports[i]);
		snprintf(address, sizeof(address), "127.0.0.1:%d", ports[i]);
		c[i] = test_conn(address, TEST_TIMEOUT);
	}
	bsc_pool *p = bsc_pool_new(c, 2);
	if (CHECK(p != NULL && c[0] && c[1])) {
		uint64_t id;
		size_t s;
		CHECK(bsc_pool_put(p, 0, 0, 60, "x", 1, &id, &s) == BSC_ERR_CONNECT);
		CHECK(!bsc_pool_err_sent(p));
		const char *err = bsc_pool_errstr(p);
		CHECK_MSG(strstr(err, "every server failed") && strstr(err, bsc_conn_name(c[0])) && strstr(err, bsc_conn_name(c[1])),
			"errstr \"%s\"", err);
	}
	bsc_pool_free(p);
	for (int i = 0; i < 2; i++) {
		bsc_conn_free(c[i]);
		close(fds[i]);
	}
}

/* A batch is split over the servers; each job says where it went. */
static void test_put_many_split(void)
{
	fixture f;
	enum { N = 3000 };
	static bsc_body bodies[N];
	static bsc_put_result results[N];
	static size_t servers[N];
	size_t count[SERVERS] = { 0 };

	if (fixture_start(&f, "batch")) {
		for (int i = 0; i < N; i++) {
			bodies[i] = (bsc_body){ "job", 3 };
		}
		CHECK(bsc_pool_put_many(f.pool, 0, 0, 60, bodies, N, results, servers) == BSC_OK);
		for (int i = 0; i < N; i++) {
			CHECK(results[i].status == BSC_OK && servers[i] < SERVERS);
			count[servers[i] < SERVERS ? servers[i] : 0]++;
		}
		for (int i = 0; i < SERVERS; i++) {
			CHECK_MSG(count[i] == N / SERVERS, "server %d got %zu jobs", i, count[i]);
		}
	}
	fixture_stop(&f);
}

/* The wait covers every server: a job put on any of them comes, with its
 * server, and a reserve with nothing anywhere times out on time. */
static void test_reserve_from_any(void)
{
	fixture f;
	bsc_job job;
	size_t s;

	if (fixture_start(&f, "any")) {
		bsc_conn *producer = test_conn(f.s[2].address, TEST_TIMEOUT);
		uint64_t id;
		if (producer) {
			bsc_tubes_use(bsc_conn_tubes(producer), "any", 3);
			CHECK(bsc_put(producer, 0, 0, 60, "on two", 6, &id) == BSC_OK);
		}
		if (CHECK(bsc_pool_reserve(f.pool, 2, &job, &s) == BSC_OK)) {
			CHECK_U64(s, 2);
			CHECK_U64(job.id, id);
			CHECK_MEM(job.body, job.body_len, "on two", 6);
			CHECK(bsc_delete(f.c[s], job.id) == BSC_OK);
		}
		double t0 = now_ms();
		CHECK(bsc_pool_reserve(f.pool, 1, &job, &s) == BSC_TIMED_OUT);
		double took = now_ms() - t0;
		CHECK_MSG(took >= 990 && took < 2500, "reserve(1) took %.0f ms", took);
		t0 = now_ms();
		CHECK(bsc_pool_reserve(f.pool, 0, &job, &s) == BSC_TIMED_OUT);
		CHECK_MSG(now_ms() - t0 < 1500, "reserve(0) took %.0f ms", now_ms() - t0);
		bsc_conn_free(producer);
	}
	fixture_stop(&f);
}

static bool interrupt_pending(void *ctx)
{
	(void)ctx;
	return true;
}

/* An interrupt already pending when the wait begins (its signal came while
 * no system call ran) ends the wait at once, as one that comes during it. */
static void test_interrupt_pending_before_the_wait(void)
{
	fixture f;
	bsc_job job;
	size_t s;

	if (fixture_start(&f, "interrupted")) {
		bsc_pool_set_interrupt(f.pool, interrupt_pending, NULL);
		double t0 = now_ms();
		CHECK(bsc_pool_reserve(f.pool, 5, &job, &s) == BSC_ERR_INTERRUPTED);
		CHECK_MSG(now_ms() - t0 < 1500, "the wait went on for %.0f ms", now_ms() - t0);
		bsc_pool_set_interrupt(f.pool, NULL, NULL);
	}
	fixture_stop(&f);
}

/* Jobs on two servers: the reserve that gets the first leaves a reserve
 * out there on the other; its answer is kept and handed out next, and a
 * command for that server first takes the answer in. */
static void test_second_job_kept(void)
{
	fixture f;
	bsc_job job;
	size_t s1, s2;
	uint64_t id;

	if (fixture_start(&f, "kept")) {
		CHECK(bsc_put(f.c[0], 0, 0, 60, "zero", 4, &id) == BSC_OK);
		CHECK(bsc_put(f.c[1], 0, 0, 60, "one", 3, &id) == BSC_OK);
		if (CHECK(bsc_pool_reserve(f.pool, 2, &job, &s1) == BSC_OK)) {
			/* A command for the other server takes its reserve's answer
			 * in first, and the job is kept. */
			size_t other = s1 == 0 ? 1 : 0;
			bsc_reply r;
			usleep(100000);
			CHECK(round_trip(f.c[other], "list-tube-used\r\n", &r) == BSC_OK && r.kind == BSC_REPLY_USING);
			CHECK(bsc_conn_held(f.c[other]) == 1);
			CHECK(bsc_delete(f.c[s1], job.id) == BSC_OK);
			if (CHECK(bsc_pool_reserve(f.pool, 0, &job, &s2) == BSC_OK)) {
				CHECK_U64(s2, other);
				CHECK_MEM(job.body, job.body_len, other == 0 ? "zero" : "one", other == 0 ? 4 : 3);
				CHECK(bsc_delete(f.c[s2], job.id) == BSC_OK);
			}
		}
	}
	fixture_stop(&f);
}

/* A server that goes away under a consumer: the others keep serving. */
static void test_reserve_with_a_server_down(void)
{
	fixture f;
	bsc_job job;
	size_t s;
	uint64_t id;

	if (fixture_start(&f, "down")) {
		server_stop(&f.s[0]);
		f.s[0].pid = 0;
		CHECK(bsc_put(f.c[2], 0, 0, 60, "still", 5, &id) == BSC_OK);
		if (CHECK_MSG(bsc_pool_reserve(f.pool, 2, &job, &s) == BSC_OK, "%s", bsc_pool_errstr(f.pool))) {
			CHECK_U64(s, 2);
			CHECK(bsc_delete(f.c[2], job.id) == BSC_OK);
		}
	}
	fixture_stop(&f);
}

/* A job kept ahead past its fresh half second is asked about; one whose
 * time-to-run would run out first is released untouched, with its own
 * priority, or the default one when the server does not say (one rule for
 * the Queue's reserve and the Worker). */
static void test_kept_job_released_with_its_priority(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve-with-timeout 1\r\nreserve-with-timeout 0\r\n"),
		P_SEND("RESERVED 5 1\r\na\r\nRESERVED 6 1\r\nb\r\n"),
		P_EXPECT_ONE("stats-job 5\r\n"),
		P_SEND("OK 66\r\n---\nid: 5\nstate: reserved\npri: 7\nttr: 60\ntime-left: 0\nreserves: 1\n\r\n"),
		P_EXPECT_ONE("release 5 7 0\r\n"),
		P_SEND("RELEASED\r\n"),
		/* No pri in the answer: the default priority, never 4294967295. */
		P_EXPECT_ONE("stats-job 6\r\n"),
		P_SEND("OK 59\r\n---\nid: 6\nstate: reserved\nttr: 60\ntime-left: 0\nreserves: 1\n\r\n"),
		P_EXPECT_ONE("release 6 1024 0\r\n"),
		P_SEND("RELEASED\r\n"),
		P_END,
	};
	peer p;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	bsc_pool *pool = c ? bsc_pool_new(&c, 1) : NULL;
	bsc_pool_fresh rule = { 0, 1.0 };
	bsc_prefetch_job job;
	size_t s;

	if (c && CHECK(pool != NULL)) {
		CHECK(bsc_pool_ask(pool, 0, NULL, 0, 2, 1) == BSC_OK);
		while (bsc_conn_prefetch_jobs(c) < 2 && bsc_pool_out(pool, 0) > 0) {
			CHECK(bsc_pool_wait(pool, bsc_deadline_after(TEST_TIMEOUT)) == BSC_OK);
		}
		sleep_ms(600);
		CHECK(!bsc_pool_take(pool, &rule, &job, &s));
		CHECK(bsc_conn_held(c) == 0);
	}
	bsc_pool_free(pool);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* A job the pool keeps from one caller's reserve is the next taker's, and
 * a reserve over servers of which the first is empty hands each job out as
 * it comes, without waiting for the empty one's slice. */
static void test_kept_job_and_empty_first_server(void)
{
	fixture f;
	bsc_job job;
	size_t s;
	uint64_t id;

	if (fixture_start(&f, "first_empty")) {
		for (int i = 0; i < 10; i++) {
			CHECK(bsc_put(f.c[1], 0, 0, 60, "one", 3, &id) == BSC_OK);
		}
		double t0 = now_ms();
		int got = 0;
		for (int i = 0; i < 10; i++) {
			if (!CHECK_MSG(bsc_pool_reserve(f.pool, 5, &job, &s) == BSC_OK, "%s", bsc_pool_errstr(f.pool))) {
				break;
			}
			CHECK_U64(s, 1);
			got++;
			CHECK(bsc_delete(f.c[s], job.id) == BSC_OK);
		}
		CHECK(got == 10);
		CHECK_MSG(now_ms() - t0 < 800, "10 jobs took %.0f ms", now_ms() - t0);
	}
	fixture_stop(&f);
}

static const unit_test tests[] = {
	UNIT_TEST(test_puts_spread),
	UNIT_TEST(test_put_fails_over),
	UNIT_TEST(test_put_all_down),
	UNIT_TEST(test_put_many_split),
	UNIT_TEST(test_reserve_from_any),
	UNIT_TEST(test_interrupt_pending_before_the_wait),
	UNIT_TEST(test_second_job_kept),
	UNIT_TEST(test_reserve_with_a_server_down),
	UNIT_TEST(test_kept_job_released_with_its_priority),
	UNIT_TEST(test_kept_job_and_empty_first_server),
};

const unit_suite pool_suite = UNIT_SUITE("pool", tests);
