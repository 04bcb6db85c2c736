/*
 * Tests of the worker (src/worker, src/watchdog, src/histogram): the pure
 * parts (histogram, back-off, jitter, caps, the TTR arithmetic, stats-job
 * parsing) and the loop itself against the scripted fake peer: one write
 * per job, the release of a failed job, signals while waiting and while the
 * handler runs.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "helpers.h"
#include "src/worker/histogram.h"
#include "peer.h"
#include "unit.h"
#include "src/worker/worker.h"

#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* {{{ histogram */
static void test_histogram_buckets(void)
{
	/* Every value lies in its bucket, and a bucket is at most 1/16 of
	 * its values wide. */
	for (uint64_t v = 0; v < 200000; v += (v < 1000 ? 1 : 7)) {
		unsigned i = bsc_hist_index(v);
		uint64_t low = bsc_hist_bucket_low(i), width = bsc_hist_bucket_width(i);
		if (!CHECK_MSG(low <= v && v < low + width, "%llu in bucket %u [%llu, %llu)", (unsigned long long)v, i,
				(unsigned long long)low, (unsigned long long)(low + width))) {
			return;
		}
		if (v >= BSC_HIST_SUB && !CHECK_MSG(width * BSC_HIST_SUB <= low, "bucket %u too wide", i)) {
			return;
		}
	}
	/* Buckets follow each other without gaps. */
	for (unsigned i = 1; i < BSC_HIST_BUCKETS; i++) {
		if (!CHECK(bsc_hist_bucket_low(i) == bsc_hist_bucket_low(i - 1) + bsc_hist_bucket_width(i - 1))) {
			return;
		}
	}
	CHECK_U64(bsc_hist_index(UINT64_MAX), BSC_HIST_BUCKETS - 1);
	CHECK_U64(bsc_hist_index((uint64_t)1 << 40), BSC_HIST_BUCKETS - 1);
	CHECK_U64(bsc_hist_index(((uint64_t)1 << 40) - 1), BSC_HIST_BUCKETS - 1);
}

static void test_histogram_percentiles(void)
{
	static bsc_histogram h;

	bsc_hist_reset(&h);
	CHECK_U64(bsc_hist_percentile(&h, 0.5), 0);
	bsc_hist_add(&h, 123);
	CHECK_U64(bsc_hist_percentile(&h, 0.5), 123);   /* clamped to the one sample */
	CHECK_U64(bsc_hist_percentile(&h, 0.99), 123);

	bsc_hist_reset(&h);
	for (uint64_t v = 1; v <= 100000; v++) {
		bsc_hist_add(&h, v);
	}
	CHECK_U64(h.count, 100000);
	CHECK_U64(h.min, 1);
	CHECK_U64(h.max, 100000);
	const double ps[] = { 0.5, 0.95, 0.99 };
	for (size_t i = 0; i < 3; i++) {
		double want = ps[i] * 100000, got = (double)bsc_hist_percentile(&h, ps[i]);
		CHECK_MSG(fabs(got - want) <= want / 16, "p%.0f = %.0f, want %.0f within 1/16", ps[i] * 100, got, want);
	}
	CHECK_U64(bsc_hist_percentile(&h, 1), 100000);
	CHECK_U64(bsc_hist_percentile(&h, 0), 1);

	/* Skewed: 99 fast samples and one slow one. */
	bsc_hist_reset(&h);
	for (int i = 0; i < 99; i++) {
		bsc_hist_add(&h, 10);
	}
	bsc_hist_add(&h, 5000000);
	CHECK_U64(bsc_hist_percentile(&h, 0.5), 10);
	CHECK_U64(bsc_hist_percentile(&h, 0.99), 10);
	CHECK(bsc_hist_percentile(&h, 0.995) > 4000000);
	/* The table is all there is: memory does not grow with samples. */
	CHECK(sizeof(bsc_histogram) < 8 * 1024);
}
/* }}} */

/* {{{ back-off, jitter, RSS, caps */
static void test_backoff_per_attempt(void)
{
	static const uint32_t list[] = { 1, 5, 30 };
	static const uint32_t one[] = { 7 };

	CHECK_U64(bsc_backoff_delay(list, 3, 1), 1);
	CHECK_U64(bsc_backoff_delay(list, 3, 2), 5);
	CHECK_U64(bsc_backoff_delay(list, 3, 3), 30);
	CHECK_U64(bsc_backoff_delay(list, 3, 4), 30);   /* the last one repeats */
	CHECK_U64(bsc_backoff_delay(list, 3, 1000), 30);
	CHECK_U64(bsc_backoff_delay(list, 3, 0), 1);
	CHECK_U64(bsc_backoff_delay(one, 1, 1), 7);
	CHECK_U64(bsc_backoff_delay(one, 1, 9), 7);
}

static void test_jitter_spread(void)
{
	double min = 1e9, max = -1, sum = 0, prev = -1;
	int repeats = 0;

	CHECK(bsc_jitter(0) == 0);
	CHECK(bsc_jitter(-3) == 0);
	for (int i = 0; i < 4000; i++) {
		double j = bsc_jitter(10);
		if (!CHECK_MSG(j >= 0 && j <= 10, "jitter %f outside [0, 10]", j)) {
			return;
		}
		min = j < min ? j : min;
		max = j > max ? j : max;
		sum += j;
		repeats += j == prev;
		prev = j;
	}
	/* Uniform: the mean near 5 (its standard error is 0.05), both ends
	 * reached, no two draws in a row alike. */
	CHECK_MSG(fabs(sum / 4000 - 5) < 0.3, "mean %f", sum / 4000);
	CHECK_MSG(min < 0.1 && max > 9.9, "range [%f, %f]", min, max);
	CHECK(repeats == 0);
}

static void test_rss(void)
{
	size_t rss = bsc_rss_bytes();

	CHECK_MSG(rss > 1024 * 1024 && rss < (size_t)64 << 30, "rss %zu", rss);
}

static void test_decide_caps(void)
{
	bsc_caps o = { .max_jobs = 10, .memory_limit = 1000, .rss_limit = 5000 };
	bsc_worker_gauges g = { .processed = 9, .now = 5, .deadline = 10, .heap = 999, .rss = 4999 };

	CHECK(bsc_worker_decide(&o, &g) == BSC_STOP_NONE);
	g.processed = 10;
	CHECK(bsc_worker_decide(&o, &g) == BSC_STOP_MAX_JOBS);
	g.processed = 0;
	g.now = 10;
	CHECK(bsc_worker_decide(&o, &g) == BSC_STOP_MAX_RUNTIME);
	g.deadline = 0;   /* none */
	CHECK(bsc_worker_decide(&o, &g) == BSC_STOP_NONE);
	g.heap = 1000;
	CHECK(bsc_worker_decide(&o, &g) == BSC_STOP_MEMORY);
	g.heap = 0;
	g.rss = 5000;
	CHECK(bsc_worker_decide(&o, &g) == BSC_STOP_MEMORY);
	g.rss = 0;

	/* No cap set: nothing stops it but signals and stop(). */
	bsc_caps none = { 0 };
	bsc_worker_gauges big = { .processed = UINT64_MAX, .now = 1e9, .heap = SIZE_MAX, .rss = SIZE_MAX };
	CHECK(bsc_worker_decide(&none, &big) == BSC_STOP_NONE);

	/* First match wins: signal, HUP, stop(), memory, jobs, runtime. */
	bsc_worker_gauges all = { .signals = BSC_SIGNAL_HUP | BSC_SIGNAL_QUIT, .stop_requested = true,
		.processed = 10, .now = 10, .deadline = 1, .heap = 1000 };
	CHECK(bsc_worker_decide(&o, &all) == BSC_STOP_SIGNAL);
	all.signals = BSC_SIGNAL_HUP;
	CHECK(bsc_worker_decide(&o, &all) == BSC_STOP_RESTART);
	all.signals = 0;
	CHECK(bsc_worker_decide(&o, &all) == BSC_STOP_REQUESTED);
	all.stop_requested = false;
	CHECK(bsc_worker_decide(&o, &all) == BSC_STOP_MEMORY);
	all.heap = 0;
	CHECK(bsc_worker_decide(&o, &all) == BSC_STOP_MAX_JOBS);
	all.processed = 0;
	CHECK(bsc_worker_decide(&o, &all) == BSC_STOP_MAX_RUNTIME);
}
/* }}} */

/* {{{ the TTR arithmetic and stats-job */
static void test_ttr_margin_and_time_left(void)
{
	CHECK(bsc_ttr_margin(1.0, 60) == 1.0);
	CHECK(bsc_ttr_margin(1.0, 1) == 0.5);     /* never more than half the TTR */
	CHECK(bsc_ttr_margin(0.2, 1) == 0.2);
	/* The local clock refines the server's whole seconds... */
	CHECK(fabs(bsc_ttr_time_left(1, 2, 0.5) - 1.45) < 1e-9);
	CHECK(fabs(bsc_ttr_time_left(59, 60, 0.2) - 59.75) < 1e-9);
	/* ...but never beyond them: time-left 1 means less than 2. */
	CHECK(bsc_ttr_time_left(1, 60, 0.1) == 2.0);
	/* A touch the local clock did not see: the server knows better. */
	CHECK(bsc_ttr_time_left(30, 60, 40) == 30.0);
	CHECK(bsc_ttr_time_left(0, 1, 5) == 0.0);
}

static void test_job_stats_parse(void)
{
	static const char v112[] = "---\nid: 12\ntube: mail\nstate: reserved\npri: 100\nage: 3\ndelay: 0\nttr: 60\n"
		"time-left: 57\nfile: 0\nreserves: 2\ntimeouts: 0\nreleases: 1\nburies: 0\nkicks: 0\n";
	static const char v113[] = "---\nid: 12\ntube: \"mail\"\nstate: \"ready\"\npri: 4294967295\nttr: 1\n"
		"time-left: 0\nreserves: 0\nreleases: 0\n";
	bsc_job_stats js;

	if (!CHECK(bsc_job_stats_parse(v112, sizeof(v112) - 1, &js))) {
		return;
	}
	CHECK_STR(js.tube, "mail");
	CHECK_STR(js.state, "reserved");
	CHECK(js.pri == 100 && js.ttr == 60 && js.time_left == 57 && js.reserves == 2 && js.releases == 1);
	if (!CHECK(bsc_job_stats_parse(v113, sizeof(v113) - 1, &js))) {
		return;
	}
	CHECK_STR(js.tube, "mail");
	CHECK_STR(js.state, "ready");
	CHECK(js.pri == 4294967295LL && js.ttr == 1);
	CHECK(!bsc_job_stats_parse("---\npri: 1\n", 11, &js));   /* no state: not a job's stats */
	CHECK(!bsc_job_stats_parse("garbage", 7, &js));
}
/* }}} */

/* {{{ the loop against the fake peer */
typedef struct {
	int jobs;
	uint64_t ids[8];
	char bodies[8][16];
	bsc_job_result result;      /* what the handler "does" */
	int raise_signal;           /* raised from inside the handler */
	char log[8][512];
	int lines;
	bsc_worker *w;
} host_state;

static bsc_job_result fake_run(void *ctx, const bsc_job *job, char *why, size_t why_size)
{
	host_state *hs = ctx;

	if (hs->jobs < 8) {
		hs->ids[hs->jobs] = job->id;
		snprintf(hs->bodies[hs->jobs], sizeof(hs->bodies[0]), "%.*s", (int)job->body_len, job->body);
	}
	hs->jobs++;
	if (hs->raise_signal) {
		raise(hs->raise_signal);
	}
	if (hs->result == BSC_JOB_THREW) {
		snprintf(why, why_size, "RuntimeException: boom");
	}
	return hs->result;
}

static size_t fake_heap(void *ctx)
{
	(void)ctx;
	return 0;
}

static bool fake_idle(void *ctx)
{
	(void)ctx;
	return true;
}

static void fake_log(void *ctx, const char *line)
{
	host_state *hs = ctx;

	if (hs->lines < 8) {
		snprintf(hs->log[hs->lines++], sizeof(hs->log[0]), "%s", line);
	}
}

static void fake_poke(void *ctx)
{
	(void)ctx;
}

static const bsc_worker_host fake_host = { fake_run, fake_heap, fake_idle, fake_log, fake_poke, NULL, NULL };

static bsc_worker *test_worker(uint64_t max_jobs, uint32_t max_attempts)
{
	static const uint32_t backoff[] = { 1, 5, 30 };
	bsc_worker_options o = {
		.caps = { .max_jobs = max_jobs }, .retry = { .max_attempts = max_attempts, .backoff = backoff, .backoff_len = 3 },
		.reserve_timeout = 1, .ttr_margin = 1.0, .reconnect_timeout = 0, .name = "unit",
	};
	return bsc_worker_new(&o);
}

static void test_loop_one_write_per_job(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		/* Idle at first: a probe measures the round trip. */
		P_EXPECT_ONE("list-tube-used\r\nreserve-with-timeout 1\r\n"),
		P_SEND("USING default\r\nRESERVED 7 3\r\nabc\r\n"),
		/* The finished job's delete goes with the next reserve. */
		P_EXPECT_ONE("delete 7\r\nreserve-with-timeout 1\r\n"),
		P_SEND("DELETED\r\nRESERVED 8 1\r\nx\r\n"),
		P_EXPECT_ONE("delete 8\r\nreserve-with-timeout 1\r\n"),
		P_SEND("DELETED\r\nTIMED_OUT\r\n"),
		P_EXPECT_ONE("reserve-with-timeout 1\r\n"),
		P_SEND("RESERVED 9 0\r\n\r\n"),
		/* max_jobs: the last delete goes out alone before run() returns. */
		P_EXPECT_ONE("delete 9\r\n"),
		P_SEND("DELETED\r\n"),
		P_END,
	};
	peer p;
	host_state hs = { .result = BSC_JOB_RETURNED };
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	bsc_worker *w = test_worker(3, 3);

	if (!c || !CHECK(w != NULL)) {
		bsc_conn_free(c);
		bsc_worker_free(w);
		return;
	}
	size_t writes = client_writes();
	CHECK(run_on_one(w, c, &fake_host, &hs) == BSC_STOP_MAX_JOBS);
	CHECK_U64(client_writes() - writes, 5);
	CHECK(hs.jobs == 3);
	CHECK_U64(hs.ids[0], 7);
	CHECK_STR(hs.bodies[0], "abc");
	CHECK_U64(hs.ids[2], 9);
	CHECK_STR(hs.bodies[2], "");
	bsc_worker_figures f;
	bsc_worker_figures_get(w, 0, &f);
	CHECK_U64(f.processed, 3);
	CHECK_U64(f.deleted, 3);
	CHECK_U64(f.failed, 0);
	CHECK(f.stop_reason == BSC_STOP_MAX_JOBS);
	CHECK_MSG(f.rtt_samples == 4 && f.rtt > 0 && f.rtt_min <= f.rtt, "rtt_samples %llu", (unsigned long long)f.rtt_samples);
	CHECK(f.state == BSC_WORKER_IDLE);
	CHECK_U64(bsc_conn_held(c), 0);
	CHECK(hs.lines == 2 && strstr(hs.log[0], "beanstalk worker unit: running, pid ")
		&& strstr(hs.log[1], "beanstalk worker unit: stopping on max_jobs after 3 jobs (0 failed, 0 buried) in "));
	bsc_worker_free(w);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_loop_failed_job_released_then_buried(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("list-tube-used\r\nreserve-with-timeout 1\r\n"),
		P_SEND("USING default\r\nRESERVED 7 1\r\na\r\n"),
		/* The handler threw: its priority and releases come from the server. */
		P_EXPECT_ONE("stats-job 7\r\n"),
		P_SEND("OK 80\r\n---\nid: 7\ntube: mail\nstate: reserved\npri: 100\nttr: 60\ntime-left: 59\nreleases: 1\n\r\n"),
		P_EXPECT_ONE("release 7 100 5\r\n"),     /* attempt 2: backoff[1] */
		P_SEND("RELEASED\r\n"),
		P_EXPECT_ONE("reserve-with-timeout 1\r\n"),
		P_SEND("RESERVED 7 1\r\na\r\n"),
		P_EXPECT_ONE("stats-job 7\r\n"),
		P_SEND("OK 80\r\n---\nid: 7\ntube: mail\nstate: reserved\npri: 100\nttr: 60\ntime-left: 59\nreleases: 2\n\r\n"),
		P_EXPECT_ONE("bury 7 100\r\n"),          /* attempt 3 of 3 */
		P_SEND("BURIED\r\n"),
		P_END,
	};
	peer p;
	host_state hs = { .result = BSC_JOB_THREW };
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	bsc_worker *w = test_worker(2, 3);

	if (!c || !CHECK(w != NULL)) {
		bsc_conn_free(c);
		bsc_worker_free(w);
		return;
	}
	CHECK(run_on_one(w, c, &fake_host, &hs) == BSC_STOP_MAX_JOBS);
	bsc_worker_figures f;
	bsc_worker_figures_get(w, 0, &f);
	CHECK_U64(f.processed, 2);
	CHECK_U64(f.failed, 2);
	CHECK_U64(f.released, 1);
	CHECK_U64(f.buried, 1);
	CHECK_U64(f.deleted, 0);
	CHECK(hs.lines == 4);
	CHECK_STR(hs.log[1], "beanstalk worker unit: job 7 (tube mail) failed on attempt 2 of 3: RuntimeException: boom; released with delay 5 s");
	CHECK_STR(hs.log[2], "beanstalk worker unit: job 7 (tube mail) failed on attempt 3 of 3: RuntimeException: boom; buried");
	bsc_worker_free(w);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_loop_signal_while_the_handler_runs(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("list-tube-used\r\nreserve-with-timeout 1\r\n"),
		P_SEND("USING default\r\nRESERVED 7 1\r\na\r\n"),
		/* The job finishes, its delete goes out, then run() returns. */
		P_EXPECT_ONE("delete 7\r\n"),
		P_SEND("DELETED\r\n"),
		P_END,
	};
	peer p;
	host_state hs = { .result = BSC_JOB_RETURNED, .raise_signal = SIGTERM };
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	bsc_worker *w = test_worker(0, 3);
	struct sigaction before, after;

	if (!c || !CHECK(w != NULL)) {
		bsc_conn_free(c);
		bsc_worker_free(w);
		return;
	}
	sigaction(SIGTERM, NULL, &before);
	CHECK(run_on_one(w, c, &fake_host, &hs) == BSC_STOP_SIGNAL);
	sigaction(SIGTERM, NULL, &after);
	/* The handler of before run() is back. */
	CHECK(after.sa_handler == before.sa_handler);
	bsc_worker_figures f;
	bsc_worker_figures_get(w, 0, &f);
	CHECK(f.stop_signal == SIGTERM);
	CHECK_U64(f.deleted, 1);
	bsc_worker_free(w);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

typedef struct {
	pthread_t target;
	int signo;
	int after_ms;
} kill_later;

static void *send_signal(void *arg)
{
	kill_later *k = arg;

	sleep_ms(k->after_ms);
	pthread_kill(k->target, k->signo);
	return NULL;
}

static void test_loop_signal_while_waiting(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("list-tube-used\r\nreserve-with-timeout 1\r\n"),
		P_SEND("USING default\r\n"),
		/* The server sits on the reserve; the signal ends the wait and
		 * the connection. */
		P_EXPECT_EOF,
		P_END,
	};
	static const uint32_t backoff[] = { 1 };
	bsc_worker_options o = { .retry = { .max_attempts = 1, .backoff = backoff, .backoff_len = 1 }, .reserve_timeout = 1,
		.ttr_margin = 1, .reconnect_timeout = 0, .name = "" };
	peer p;
	host_state hs = { .result = BSC_JOB_RETURNED };
	bsc_conn *c = start_peer(&p, script, 30);
	bsc_worker *w = bsc_worker_new(&o);
	kill_later k = { pthread_self(), SIGHUP, 200 };
	pthread_t t;

	if (!c || !CHECK(w != NULL)) {
		bsc_conn_free(c);
		bsc_worker_free(w);
		return;
	}
	pthread_create(&t, NULL, send_signal, &k);
	double start = now_ms();
	CHECK(run_on_one(w, c, &fake_host, &hs) == BSC_STOP_RESTART);
	double took = now_ms() - start;
	pthread_join(t, NULL);
	/* Within milliseconds of the signal, not at the end of the slice. */
	CHECK_MSG(took >= 190 && took < 600, "run() returned after %.0f ms", took);
	CHECK(!bsc_conn_is_connected(c));
	CHECK(hs.jobs == 0);
	bsc_worker_free(w);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

static void test_loop_gives_up_without_server(void)
{
	int port;
	int fd = peer_refusing_port(&port);
	char address[64];
	static const uint32_t backoff[] = { 1 };
	bsc_worker_options o = { .retry = { .max_attempts = 1, .backoff = backoff, .backoff_len = 1 }, .reserve_timeout = 1,
		.ttr_margin = 1, .reconnect_timeout = 0.5, .name = "" };
	host_state hs = { .result = BSC_JOB_RETURNED };

	if (!CHECK(fd >= 0)) {
		return;
	}
	snprintf(address, sizeof(address), "127.0.0.1:%d", port);
	bsc_conn *c = test_conn(address, TEST_TIMEOUT);
	bsc_worker *w = bsc_worker_new(&o);
	if (c && CHECK(w != NULL)) {
		double start = now_ms();
		CHECK(run_on_one(w, c, &fake_host, &hs) == BSC_STOP_CONNECTION);
		double took = now_ms() - start;
		/* Back-offs of 0.1, 0.2 and the rest of the half second. */
		CHECK_MSG(took >= 450 && took < 1500, "gave up after %.0f ms", took);
		CHECK(hs.lines >= 3 && strstr(hs.log[1], "reconnecting") && strstr(hs.log[2], "giving up"));
	}
	bsc_worker_free(w);
	bsc_conn_free(c);
	close(fd);
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_histogram_buckets),
	UNIT_TEST(test_histogram_percentiles),
	UNIT_TEST(test_backoff_per_attempt),
	UNIT_TEST(test_jitter_spread),
	UNIT_TEST(test_rss),
	UNIT_TEST(test_decide_caps),
	UNIT_TEST(test_ttr_margin_and_time_left),
	UNIT_TEST(test_job_stats_parse),
	UNIT_TEST(test_loop_one_write_per_job),
	UNIT_TEST(test_loop_failed_job_released_then_buried),
	UNIT_TEST(test_loop_signal_while_the_handler_runs),
	UNIT_TEST(test_loop_signal_while_waiting),
	UNIT_TEST(test_loop_gives_up_without_server),
};

const unit_suite worker_suite = UNIT_SUITE("worker", tests);
