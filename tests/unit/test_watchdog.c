/*
 * Tests of the worker's monitor thread and of the policies it shares with
 * the loop: the failure plan, the lock that ties an ended process to the
 * job it was ended for, the socket forgotten when the connection closes
 * it, forks while the thread runs, the process-wide claim of the stop
 * signals and the run's own SIGHUP taken back, a stop signal that lands on
 * another thread, and the back-off of a connection that is cut after every
 * reply.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/worker/policy.h"
#include "helpers.h"
#include "peer.h"
#include "src/worker/stopsignals.h"
#include "unit.h"
#include "src/worker/monitor.h"
#include "src/worker/worker.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

/* {{{ the failure plan */
static void test_failure_plan(void)
{
	static const uint32_t backoff[] = { 1, 5, 30 };
	bsc_retry_policy retry = { .max_attempts = 3, .backoff = backoff, .backoff_len = 3 };
	bsc_job_stats js = { .pri = 100, .releases = 0 };
	bsc_failure_plan plan;

	bsc_failure_plan_make(&retry, &js, &plan);
	CHECK(!plan.bury && plan.attempt == 1 && plan.priority == 100 && plan.delay == 1);
	js.releases = 1;
	bsc_failure_plan_make(&retry, &js, &plan);
	CHECK(!plan.bury && plan.attempt == 2 && plan.delay == 5);
	js.releases = 2;
	bsc_failure_plan_make(&retry, &js, &plan);
	CHECK(plan.bury && plan.attempt == 3 && plan.priority == 100);
	/* Numbers the server did not send: a first attempt at the default
	 * priority. */
	js.pri = -1;
	js.releases = -1;
	bsc_failure_plan_make(&retry, &js, &plan);
	CHECK(!plan.bury && plan.attempt == 1 && plan.priority == BSC_DEFAULT_PRIORITY);
	/* One attempt only: buried at once. */
	retry.max_attempts = 1;
	bsc_failure_plan_make(&retry, &js, &plan);
	CHECK(plan.bury);
}
/* }}} */

/* {{{ the watchdog against a fake answer */
typedef struct {
	_Atomic uint64_t running;    /* the job the test's "handler" is on now; 0: none */
	_Atomic int overruns, wrong;
	_Atomic uint64_t wrong_id, wrong_running;
	const char *state;           /* what the fake stats-job says */
	char why[1024];              /* the last overrun's message */
	int hold_ms;                 /* how long an overrun keeps the job lock */
	atomic_bool holding;         /* an overrun is keeping it now */
} seam_state;

/* Every job is reserved, with no time left. */
static bsc_status fake_job_stats(void *ctx, uint64_t id, bsc_job_stats *out)
{
	seam_state *s = ctx;

	(void)id;
	memset(out, 0, sizeof(*out));
	snprintf(out->state, sizeof(out->state), "%s", s->state);
	snprintf(out->tube, sizeof(out->tube), "t");
	out->pri = 7;
	out->ttr = 0;   /* no margin: the limit is reached at the first look */
	out->time_left = 0;
	out->reserves = 1;
	out->releases = 0;
	return BSC_OK;
}

/* Where the process would end: it must be for the job that runs now. */
static void fake_overrun(void *ctx, uint64_t id, const char *why)
{
	seam_state *s = ctx;
	uint64_t running = atomic_load(&s->running);

	snprintf(s->why, sizeof(s->why), "%s", why);
	if (s->hold_ms > 0) {
		atomic_store(&s->holding, true);
		sleep_ms(s->hold_ms);
		atomic_store(&s->holding, false);
	}
	atomic_fetch_add(&s->overruns, 1);
	if (running != id) {
		atomic_fetch_add(&s->wrong, 1);
		atomic_store(&s->wrong_id, id);
		atomic_store(&s->wrong_running, running);
	}
}

static void no_poke(void *ctx)
{
	(void)ctx;
}

static bsc_monitor *seamed_watchdog(seam_state *s)
{
	static const uint32_t backoff[] = { 3 };
	bsc_monitor_config cfg = {
		.address = "127.0.0.1:1",
		.ttr_margin = 1.0,
		.retry = { .max_attempts = 3, .backoff = backoff, .backoff_len = 1 },
		.poke = no_poke,
		.log_prefix = "unit watchdog",
		.first_check = 0.001,
		.job_stats = fake_job_stats,
		.overrun = fake_overrun,
		.seam_ctx = s,
	};
	char errbuf[BSC_ERRSTR_LEN];
	bsc_monitor *wd = bsc_monitor_start(&cfg, errbuf);

	CHECK_MSG(wd != NULL, "watchdog: %s", errbuf);
	return wd;
}

/* Jobs begin and end as fast as the test can drive them while every one
 * is past its limit: each time the watchdog would end the process, the job
 * it ends it for must be the one running. */
static void test_kill_only_for_the_job_running(void)
{
	seam_state s = { .state = "reserved" };
	int pair[2];
	bsc_monitor *wd = seamed_watchdog(&s);

	if (!wd || !CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0)) {
		bsc_monitor_stop(wd);
		return;
	}
	double until = now_ms() + 1500;
	uint64_t id = 0;
	while (now_ms() < until && id < 100000) {
		id++;
		atomic_store(&s.running, id);
		/* No socket: nothing to wait for at each kill. */
		bsc_monitor_job_begin(wd, id, -1, NULL);
		/* From none to a few ms: around the first look (1 ms in) and the
		 * judgement that follows, so jobs end in the middle of it. */
		usleep((useconds_t)(id % 11) * 250);
		bsc_monitor_job_end(wd);
		atomic_store(&s.running, 0);
	}
	bsc_monitor_stop(wd);
	CHECK_MSG(atomic_load(&s.overruns) >= 10, "%d kills in %llu jobs", atomic_load(&s.overruns), (unsigned long long)id);
	CHECK_MSG(atomic_load(&s.wrong) == 0, "%d of %d kills hit the wrong job: job %llu was judged while job %llu ran",
		atomic_load(&s.wrong), atomic_load(&s.overruns), (unsigned long long)atomic_load(&s.wrong_id),
		(unsigned long long)atomic_load(&s.wrong_running));
	close(pair[0]);
	close(pair[1]);
}

static size_t read_available(int fd, char *buf, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t n = 0;

	while (n < size - 1 && poll(&pfd, 1, 50) > 0) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r <= 0) {
			break;
		}
		n += (size_t)r;
	}
	buf[n] = '\0';
	return n;
}

/* The job is given back over the worker's socket before the end; once the
 * connection said its socket is gone, nothing is written to that number. */
static void job_given_back(bool socket_gone, const char *want)
{
	seam_state s = { .state = "reserved" };
	int pair[2];
	char got[256];
	bsc_monitor *wd = seamed_watchdog(&s);

	if (!wd || !CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, pair) == 0)) {
		bsc_monitor_stop(wd);
		return;
	}
	atomic_store(&s.running, 42);
	bsc_monitor_job_begin(wd, 42, pair[0], NULL);
	if (socket_gone) {
		bsc_monitor_socket_gone(wd);
	}
	for (int i = 0; i < 200 && atomic_load(&s.overruns) == 0; i++) {
		sleep_ms(10);
	}
	bsc_monitor_job_end(wd);
	bsc_monitor_stop(wd);
	CHECK_MSG(atomic_load(&s.overruns) == 1, "%d overruns", atomic_load(&s.overruns));
	read_available(pair[1], got, sizeof(got));
	CHECK_STR(got, want);
	CHECK_MSG(strstr(s.why, "job 42 (tube t) was still running") && strstr(s.why, "exit code 16")
		&& strstr(s.why, socket_gone ? "gives it back when the connection closes" : "released it"), "why: %s", s.why);
	close(pair[0]);
	close(pair[1]);
}

static void test_overrun_releases_the_job(void)
{
	job_given_back(false, "release 42 7 3\r\n");
}

static void test_overrun_writes_nothing_to_a_gone_socket(void)
{
	job_given_back(true, "");
}
/* }}} */

/* {{{ forks */
/* Waits up to ms for child pid to end; false (and the child killed) when
 * it does not. */
static bool child_ends(pid_t pid, int ms, int *status)
{
	for (int waited = 0; waited < ms; waited += 5) {
		if (waitpid(pid, status, WNOHANG) == pid) {
			return true;
		}
		sleep_ms(5);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return false;
}

/* A fork while the monitor thread holds the job lock (in the overrun seam,
 * which runs with it held): the fork waits until the thread has let go and
 * parked, so the child, which has no monitor thread, can take the lock (a
 * handler's exit() ends the job through it) and ends at once. */
static void test_fork_while_the_monitor_holds_its_lock(void)
{
	seam_state s = { .state = "reserved", .hold_ms = 300 };
	bsc_monitor *wd = seamed_watchdog(&s);
	int status = 0;

	if (!wd) {
		return;
	}
	atomic_store(&s.running, 42);
	bsc_monitor_job_begin(wd, 42, -1, NULL);
	for (int i = 0; i < 400 && !atomic_load(&s.holding); i++) {
		sleep_ms(5);
	}
	CHECK(atomic_load(&s.holding));
	double before = now_ms();
	pid_t pid = fork();
	if (pid == 0) {
		bsc_monitor_job_end(wd);
		_exit(0);
	}
	double waited = now_ms() - before;
	CHECK_MSG(pid > 0 && child_ends(pid, 5000, &status), "the child hangs on a lock the monitor thread held at the fork");
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status %d", status);
	CHECK_MSG(!atomic_load(&s.holding), "forked while the lock was held (after %.0f ms)", waited);
	bsc_monitor_job_end(wd);
	bsc_monitor_stop(wd);
	CHECK_U64(atomic_load(&s.overruns), 1);
}

/* Forks in a tight loop while the monitor thread runs its passes as fast
 * as it can (a job past its limit, looked at every pass): no child hangs. */
static void test_forks_while_the_monitor_is_busy(void)
{
	seam_state s = { .state = "reserved" };
	bsc_monitor *wd = seamed_watchdog(&s);
	int forks = 0, hung = 0;

	if (!wd) {
		return;
	}
	double until = now_ms() + 1000;
	for (uint64_t id = 1; now_ms() < until; id++) {
		atomic_store(&s.running, id);
		bsc_monitor_job_begin(wd, id, -1, NULL);
		pid_t pid = fork();
		if (pid == 0) {
			bsc_monitor_job_end(wd);
			_exit(0);
		}
		int status;
		forks++;
		hung += pid < 0 || !child_ends(pid, 5000, &status);
		bsc_monitor_job_end(wd);
	}
	bsc_monitor_stop(wd);
	CHECK_MSG(hung == 0 && forks > 10, "%d of %d children hung", hung, forks);
}
/* }}} */

/* {{{ the stop signals */
/* In a child (whose end tells): a SIGHUP of the run's own still pending at
 * the end of the run (restartAll's, which can come after the loop's last
 * wait) reaches SIGHUP's disposition of before the run, whose default ends
 * the process, unless the run takes it back first. */
static int pending_sighup_at_the_end(bool take_back)
{
	pid_t pid = fork();
	int status = -1;

	if (pid == 0) {
		bsc_stop_signals s;
		sigset_t hup;
		sigemptyset(&hup);
		sigaddset(&hup, SIGHUP);
		pthread_sigmask(SIG_UNBLOCK, &hup, NULL);
		signal(SIGHUP, SIG_DFL);
		bsc_stop_signals_install(&s, 0);
		pthread_kill(pthread_self(), SIGHUP);
		if (take_back) {
			bsc_stop_signals_take_back(&s, SIGHUP);
		}
		bsc_stop_signals_restore(&s);
		_exit(0);
	}
	if (pid < 0 || !child_ends(pid, 5000, &status)) {
		return -1;
	}
	return status;
}

static void test_own_sighup_taken_back(void)
{
	int status = pending_sighup_at_the_end(false);
	CHECK_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGHUP, "without it: status %d", status);
	status = pending_sighup_at_the_end(true);
	CHECK_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "taken back: status %d", status);
}

static void test_one_run_per_process(void)
{
	CHECK(bsc_stop_signals_claim());
	CHECK(!bsc_stop_signals_claim());
	bsc_stop_signals_release();
	CHECK(bsc_stop_signals_claim());
	bsc_stop_signals_release();
}

/* A thread of the process that does not block the stop signals, as a
 * threaded server's are: a SIGTERM for the process may be delivered there.
 * It raises one on itself once the run's thread waits. */
static void *other_thread(void *arg)
{
	sigset_t none;

	(void)arg;
	sigemptyset(&none);
	pthread_sigmask(SIG_SETMASK, &none, NULL);
	poll(NULL, 0, 200);
	pthread_kill(pthread_self(), SIGTERM);
	return NULL;
}

static void test_stop_signal_on_another_thread_ends_the_wait(void)
{
	bsc_stop_signals s;
	pthread_t t;
	sigset_t pending;

	if (!CHECK(bsc_stop_signals_claim())) {
		return;
	}
	bsc_stop_signals_install(&s, 0);
	double start = bsc_now();
	if (CHECK(pthread_create(&t, NULL, other_thread, NULL) == 0)) {
		/* Without the handler passing it on, the signal would be noted
		 * but this wait would last its 10 s. */
		bool quiet = bsc_stop_signals_pause(&s, 10.0);
		double took = bsc_now() - start;
		pthread_join(t, NULL);
		CHECK_MSG(!quiet && took < 5.0, "the wait went on for %.3f s", took);
		CHECK(bsc_stop_signals_arrived() == BSC_SIGNAL_TERM);
	}
	/* The signal passed on was counted: restoring takes it off this
	 * thread, so SIGTERM's disposition of before (the default, which would
	 * end the runner) never sees it. */
	bsc_stop_signals_restore(&s);
	bsc_stop_signals_release();
	sigpending(&pending);
	CHECK(!sigismember(&pending, SIGTERM));
}

static bsc_job_result count_job(void *ctx, const bsc_job *job, char *why, size_t why_size)
{
	(void)job;
	(void)why;
	(void)why_size;
	(*(int *)ctx)++;
	return BSC_JOB_RETURNED;
}

static size_t no_heap(void *ctx)
{
	(void)ctx;
	return 0;
}

static bool always_idle(void *ctx)
{
	(void)ctx;
	return true;
}

static void no_log(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static const bsc_worker_host counting_host = { count_job, no_heap, always_idle, no_log, no_poke, NULL, NULL };

static void test_busy_while_another_run_has_the_signals(void)
{
	static const uint32_t backoff[] = { 1 };
	bsc_worker_options o = { .retry = { .max_attempts = 1, .backoff = backoff, .backoff_len = 1 }, .reserve_timeout = 1,
		.ttr_margin = 1, .reconnect_timeout = 0, .name = "" };
	bsc_worker *w = bsc_worker_new(&o);
	bsc_conn *c = test_conn("127.0.0.1:1", TEST_TIMEOUT);
	int jobs = 0;

	if (CHECK(w != NULL && c != NULL) && CHECK(bsc_stop_signals_claim())) {
		CHECK(run_on_one(w, c, &counting_host, &jobs) == BSC_STOP_BUSY);
		CHECK(!bsc_conn_is_connected(c));
		bsc_stop_signals_release();
	}
	bsc_worker_free(w);
	bsc_conn_free(c);
}
/* }}} */

/* {{{ a connection cut after every reply */
static void test_backoff_when_cut_after_every_reply(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("list-tube-used\r\nreserve-with-timeout 1\r\n"),
		P_SEND("USING default\r\nRESERVED 1 1\r\nx\r\n"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("reserve-with-timeout 1\r\n"),
		P_SEND("RESERVED 1 1\r\nx\r\n"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("reserve-with-timeout 1\r\n"),
		P_SEND("RESERVED 1 1\r\nx\r\n"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("reserve-with-timeout 1\r\n"),
		P_SEND("RESERVED 1 1\r\nx\r\n"),
		P_EXPECT_ONE("delete 1\r\n"),
		P_SEND("DELETED\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	static const uint32_t backoff[] = { 1 };
	bsc_worker_options o = { .caps = { .max_jobs = 4 }, .retry = { .max_attempts = 1, .backoff = backoff, .backoff_len = 1 },
		.reserve_timeout = 1, .ttr_margin = 1, .reconnect_timeout = 30, .name = "" };
	peer p;
	int jobs = 0;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);
	bsc_worker *w = bsc_worker_new(&o);

	if (c && CHECK(w != NULL)) {
		double start = now_ms();
		CHECK(run_on_one(w, c, &counting_host, &jobs) == BSC_STOP_MAX_JOBS);
		double took = now_ms() - start;
		/* The back-off grows over the three cuts (0.1 + 0.2 + 0.4 s), as
		 * a connection never up for long does not start it afresh. */
		CHECK_MSG(took >= 650 && took < 3000, "four jobs over four connections in %.0f ms", took);
		CHECK(jobs == 4);
		bsc_conn_free(c);
		c = NULL;
		CHECK_PEER(&p);
	}
	bsc_worker_free(w);
	bsc_conn_free(c);
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_failure_plan),
	UNIT_TEST(test_kill_only_for_the_job_running),
	UNIT_TEST(test_overrun_releases_the_job),
	UNIT_TEST(test_overrun_writes_nothing_to_a_gone_socket),
	UNIT_TEST(test_fork_while_the_monitor_holds_its_lock),
	UNIT_TEST(test_forks_while_the_monitor_is_busy),
	UNIT_TEST(test_one_run_per_process),
	UNIT_TEST(test_own_sighup_taken_back),
	UNIT_TEST(test_stop_signal_on_another_thread_ends_the_wait),
	UNIT_TEST(test_busy_while_another_run_has_the_signals),
	UNIT_TEST(test_backoff_when_cut_after_every_reply),
};

const unit_suite watchdog_suite = UNIT_SUITE("watchdog", tests);
