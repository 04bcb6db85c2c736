/*
 * The worker's monitor thread: the TTR watchdog and the reports. See monitor.h.
 *
 * The handler's thread and the watchdog share the job running (id, socket,
 * start, last touch, a sequence number that tells one job from the next)
 * under a lock one way, and requests to give the job up as atomics the
 * other way. Everything else belongs to one side.
 *
 * A fork() in the handler finds the thread parked where it holds no lock
 * (see "forks" below).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "src/client/command.h"

/* The local clock's view of a job's deadline is taken to be this much late:
 * the server reserved the job a little before its answer reached us. */
#define START_SLACK 0.05
/* Deadlines closer than this count as reached. */
#define MIN_STEP 0.02

typedef enum {
	REQUEST_LIMIT,   /* the job's time is nearly up */
	REQUEST_LOST     /* the job is no longer reserved by this worker */
} request_kind;

struct bsc_monitor {
	bsc_monitor_config cfg;
	char address[BSC_ERRSTR_LEN * 3];
	char prefix[96];
	uint32_t *backoff;
	pthread_t thread, target;
	pid_t owner;
	int wake[2];                 /* a byte on wake[1] ends the thread's wait */
	bsc_conn *conn;              /* the thread's own, connected on first use */
	atomic_bool stop;
	struct bsc_monitor *next_live;   /* the process's monitors (forks below), under fork_lock */
	bool parked, done;               /* under fork_lock */

	/* handler's thread -> watchdog, under lock */
	pthread_mutex_t lock;
	uint64_t job_seq;            /* bumped at every begin */
	uint64_t job_id;             /* 0: no job running */
	int job_fd;                  /* -1: the socket is gone */
	double job_start;            /* monotonic s */
	double job_renewed;          /* the start, or the last touch */
	char job_address[BSC_ERRSTR_LEN * 3];  /* the server the job came from */
	uint64_t tube_seq;           /* the job whose tube a look learnt */
	char job_tube[BSC_TUBE_MAX + 1];

	/* watchdog -> handler's thread */
	_Atomic uint32_t requests;
	_Atomic uint64_t request_seq;
	_Atomic int request_kind;
	_Atomic int64_t request_left_ms, request_ttr;
	_Atomic uint64_t exceeded;
	uint32_t taken;              /* handler's thread only */
};

/* {{{ the arithmetic */
double bsc_ttr_time_left(int64_t time_left, int64_t ttr, double elapsed)
{
	/* The server's figure is whole seconds, rounded down: the truth lies in
	 * [time_left, time_left + 1). The local clock knows better unless the
	 * handler touched the job, which only ever gives it more time: so the
	 * larger of the two, kept below the server's upper bound, is still a
	 * figure the job certainly has. */
	double server = (double)time_left;
	double local = (double)ttr - elapsed - START_SLACK;

	if (local > server + 1) {
		local = server + 1;
	}
	return local > server ? local : server;
}
/* }}} */

/* {{{ the handler's side */
void bsc_monitor_job_begin(bsc_monitor *wd, uint64_t id, int fd, const char *server)
{
	double now = bsc_now();

	pthread_mutex_lock(&wd->lock);
	if (server && strcmp(server, wd->job_address) != 0) {
		snprintf(wd->job_address, sizeof(wd->job_address), "%s", server);
	}
	wd->job_id = id;
	wd->job_fd = fd;
	wd->job_start = wd->job_renewed = now;
	wd->job_seq++;
	pthread_mutex_unlock(&wd->lock);
}

void bsc_monitor_job_touched(bsc_monitor *wd)
{
	double now = bsc_now();

	pthread_mutex_lock(&wd->lock);
	wd->job_renewed = now;
	pthread_mutex_unlock(&wd->lock);
}

void bsc_monitor_job_end(bsc_monitor *wd)
{
	pthread_mutex_lock(&wd->lock);
	wd->job_id = 0;
	pthread_mutex_unlock(&wd->lock);
}

void bsc_monitor_socket_gone(bsc_monitor *wd)
{
	pthread_mutex_lock(&wd->lock);
	wd->job_fd = -1;
	pthread_mutex_unlock(&wd->lock);
}

bool bsc_monitor_take_give_up(bsc_monitor *wd, char *msg, size_t size)
{
	uint32_t requests = atomic_load(&wd->requests);

	if (requests == wd->taken) {
		return false;
	}
	wd->taken = requests;
	pthread_mutex_lock(&wd->lock);
	uint64_t id = wd->job_id, seq = wd->job_seq;
	pthread_mutex_unlock(&wd->lock);
	if (id == 0 || atomic_load(&wd->request_seq) != seq) {
		return false;  /* about a job that has ended since */
	}
	if (atomic_load(&wd->request_kind) == REQUEST_LOST) {
		snprintf(msg, size, "job %" PRIu64 " is no longer reserved by this worker (its time-to-run ran out, or the connection was lost): stop working on it", id);
	} else {
		int64_t left = atomic_load(&wd->request_left_ms);
		snprintf(msg, size, "job %" PRIu64 " has %.1f s left of its %" PRId64 " s time-to-run: give it up, or touch() it for more time",
			id, (double)(left < 0 ? 0 : left) / 1000, atomic_load(&wd->request_ttr));
	}
	return true;
}

uint64_t bsc_monitor_ttr_exceeded(const bsc_monitor *wd)
{
	return atomic_load(&((bsc_monitor *)wd)->exceeded);
}

bool bsc_monitor_job_tube(bsc_monitor *wd, uint64_t id, char *buf, size_t size)
{
	bool known;

	pthread_mutex_lock(&wd->lock);
	known = id != 0 && wd->job_id == id && wd->tube_seq == wd->job_seq && wd->job_tube[0];
	if (known) {
		snprintf(buf, size, "%s", wd->job_tube);
	}
	pthread_mutex_unlock(&wd->lock);
	return known;
}
/* }}} */

/* {{{ forks */
/* A handler may fork (pcntl_fork(), proc_open()), and the child has no
 * monitor thread: a lock that thread held at the fork (the job lock here,
 * the report's, StatsD's or the status writer's, or one of libc's in a
 * call it was making) would stay held in the child for ever, and the
 * child's copy of the run, which a handler's exit() goes through, would
 * block on it. So every fork of the process waits until each monitor
 * thread is parked between two passes, where it holds nothing, and lets
 * them go on after it (pthread_atfork). A thread parks within one pass:
 * what a pass waits on is bounded (a stats-job round trip at most). The
 * fork handlers take no argument: the process's monitors are listed here,
 * process-wide as forks are. */
static pthread_mutex_t fork_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t fork_cond = PTHREAD_COND_INITIALIZER;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;
static bsc_monitor *live;            /* under fork_lock */
static atomic_bool forking;          /* written under fork_lock */

static void drain_wake(bsc_monitor *wd)
{
	char buf[16];

	while (read(wd->wake[0], buf, sizeof(buf)) > 0) {
	}
}

/* In the thread, between two passes: parks while a fork is under way. */
static void park_for_fork(bsc_monitor *wd)
{
	if (!atomic_load(&forking)) {
		return;
	}
	pthread_mutex_lock(&fork_lock);
	wd->parked = true;
	pthread_cond_broadcast(&fork_cond);
	while (atomic_load(&forking)) {
		pthread_cond_wait(&fork_cond, &fork_lock);
	}
	wd->parked = false;
	pthread_mutex_unlock(&fork_lock);
	drain_wake(wd);
}

/* Whether every monitor thread is parked, or has ended. */
static bool all_parked(void)
{
	for (bsc_monitor *wd = live; wd; wd = wd->next_live) {
		if (!wd->parked && !wd->done) {
			return false;
		}
	}
	return true;
}

/* Holds fork_lock across the fork. */
static void before_fork(void)
{
	pthread_mutex_lock(&fork_lock);
	atomic_store(&forking, true);
	for (bsc_monitor *wd = live; wd; wd = wd->next_live) {
		ssize_t ignored = write(wd->wake[1], "f", 1);
		(void)ignored;
	}
	while (!all_parked()) {
		pthread_cond_wait(&fork_cond, &fork_lock);
	}
}

static void after_fork_in_parent(void)
{
	atomic_store(&forking, false);
	pthread_cond_broadcast(&fork_cond);
	pthread_mutex_unlock(&fork_lock);
}

/* The threads are the parent's: the child has none to park, and the
 * condition's waiters are theirs. */
static void after_fork_in_child(void)
{
	live = NULL;
	atomic_store(&forking, false);
	pthread_cond_init(&fork_cond, NULL);
	pthread_mutex_unlock(&fork_lock);
}

static void register_fork_handlers(void)
{
	pthread_atfork(before_fork, after_fork_in_parent, after_fork_in_child);
}

static void live_add(bsc_monitor *wd)
{
	pthread_once(&fork_once, register_fork_handlers);
	pthread_mutex_lock(&fork_lock);
	wd->next_live = live;
	live = wd;
	pthread_mutex_unlock(&fork_lock);
}

static void live_remove(bsc_monitor *wd)
{
	pthread_mutex_lock(&fork_lock);
	for (bsc_monitor **at = &live; *at; at = &(*at)->next_live) {
		if (*at == wd) {
			*at = wd->next_live;
			break;
		}
	}
	pthread_mutex_unlock(&fork_lock);
}

/* The thread's last step: a fork no longer waits for it. */
static void thread_done(bsc_monitor *wd)
{
	pthread_mutex_lock(&fork_lock);
	wd->done = true;
	pthread_cond_broadcast(&fork_cond);
	pthread_mutex_unlock(&fork_lock);
}
/* }}} */

/* {{{ the watchdog's thread */
typedef struct {
	uint64_t seq, id;
	double started;              /* monotonic s */
	double next_check;
	double kill_at;              /* 0: not armed */
	int64_t reserves;            /* as at the first look; -1 before */
} watch_state;

/* The job running now, read under the lock. */
static void watched_job(bsc_monitor *wd, uint64_t *seq, uint64_t *id, double *started, double *renewed)
{
	pthread_mutex_lock(&wd->lock);
	*seq = wd->job_seq;
	*id = wd->job_id;
	*started = wd->job_start;
	*renewed = wd->job_renewed;
	pthread_mutex_unlock(&wd->lock);
}

/* Asks the job's server about job id, over the thread's own connection
 * (made anew when the job's server is another than the last one's). */
static bsc_status ask_job_stats(bsc_monitor *wd, uint64_t id, bsc_job_stats *js)
{
	char errbuf[BSC_ERRSTR_LEN];
	char address[sizeof(wd->job_address)];

	if (wd->cfg.job_stats) {
		return wd->cfg.job_stats(wd->cfg.seam_ctx, id, js);
	}
	pthread_mutex_lock(&wd->lock);
	memcpy(address, wd->job_address, sizeof(address));
	pthread_mutex_unlock(&wd->lock);
	if (wd->conn && strcmp(bsc_conn_name(wd->conn), address) != 0) {
		bsc_conn_free(wd->conn);
		wd->conn = NULL;
	}
	if (!wd->conn) {
		bsc_conn_options opt = { .connect_timeout = 1.0, .timeout = 1.0, .job_size_max = 0 };
		wd->conn = bsc_conn_new(address, strlen(address), &opt, errbuf);
		if (!wd->conn) {
			return BSC_ERR_CONNECT;
		}
	}
	return bsc_job_stats_get(wd->conn, id, js);
}

static void ask_handler_to_stop(bsc_monitor *wd, const watch_state *ws, request_kind kind, double left, int64_t ttr)
{
	atomic_store(&wd->request_kind, kind);
	atomic_store(&wd->request_left_ms, (int64_t)(left * 1000));
	atomic_store(&wd->request_ttr, ttr);
	atomic_store(&wd->request_seq, ws->seq);
	atomic_fetch_add(&wd->requests, 1);
	wd->cfg.poke(wd->cfg.poke_ctx);
	if (wd->cfg.interrupt_signal) {
		pthread_kill(wd->target, wd->cfg.interrupt_signal);
	}
}

/* Whether the answer says the job is still ours. */
static bool still_ours(const watch_state *ws, const bsc_job_stats *js)
{
	return strcmp(js->state, "reserved") == 0 && (ws->reserves < 0 || js->reserves == ws->reserves);
}

/* Gives the job back over the worker's socket: released with its back-off,
 * or buried on its last attempt (js NULL: nothing known, nothing sent).
 * Returns what became of it, for the log. */
static const char *give_job_back(bsc_monitor *wd, uint64_t id, const bsc_job_stats *js)
{
	char line[BSC_LINE_MAX];
	bsc_failure_plan plan;
	int len;

	if (!js || wd->job_fd < 0) {
		return "the server gives it back when the connection closes";
	}
	bsc_failure_plan_make(&wd->cfg.retry, js, &plan);
	if (plan.bury) {
		len = snprintf(line, sizeof(line), "bury %" PRIu64 " %" PRIu32 "\r\n", id, plan.priority);
	} else {
		len = snprintf(line, sizeof(line), "release %" PRIu64 " %" PRIu32 " %" PRIu32 "\r\n", id, plan.priority, plan.delay);
	}
	/* The handler's thread is stuck elsewhere: the socket is idle. Wait a
	 * moment for the answer, so the command is surely read before the
	 * close. */
	if (send(wd->job_fd, line, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) == len) {
		struct pollfd pfd = { .fd = wd->job_fd, .events = POLLIN };
		poll(&pfd, 1, 1000);
	}
	return plan.bury ? "buried it (last attempt)" : "released it";
}

/* The handler is still running when the job's time is all but up: give the
 * job back, say why, and end the process. Called with the lock held, for
 * the job running now. */
static void end_process(bsc_monitor *wd, const watch_state *ws, const bsc_job_stats *js)
{
	char msg[1024];
	const char *done = give_job_back(wd, ws->id, js);

	if (js) {
		snprintf(msg, sizeof(msg), "%s: job %" PRIu64 " (tube %s) was still running %.1f s before its time-to-run of %" PRId64 " s ran out"
			" (stuck in a call that does not return, or ignoring TtrExceededException): %s and ended the process with exit code %d\n",
			wd->prefix, ws->id, js->tube, bsc_ttr_time_left(js->time_left, js->ttr, bsc_now() - wd->job_renewed), js->ttr,
			done, BSC_EXIT_TTR_OVERRUN);
	} else {
		snprintf(msg, sizeof(msg), "%s: job %" PRIu64 " was still running after it stopped being reserved by this worker"
			" (or the server could not be asked): ended the process with exit code %d\n", wd->prefix, ws->id, BSC_EXIT_TTR_OVERRUN);
	}
	if (wd->cfg.overrun) {
		wd->cfg.overrun(wd->cfg.seam_ctx, ws->id, msg);
		return;
	}
	ssize_t ignored = write(STDERR_FILENO, msg, strlen(msg));
	(void)ignored;
	_exit(BSC_EXIT_TTR_OVERRUN);
}

/* The deciding look found the handler still on the job: end the process,
 * if that job is still the one running. The lock is held from here to the
 * end, so it cannot end, nor the next one begin, in between. */
static void end_process_if_still_running(bsc_monitor *wd, watch_state *ws, const bsc_job_stats *js)
{
	pthread_mutex_lock(&wd->lock);
	if (wd->job_seq == ws->seq && wd->job_id == ws->id) {
		end_process(wd, ws, js);
		/* Only a test's overrun returns: this job is done with. */
		ws->kill_at = 0;
		ws->next_check = INFINITY;
	}
	pthread_mutex_unlock(&wd->lock);
}

/* One look at the job: sets when to look next, asks the handler to give
 * the job up when its time is up, ends the process when deciding. */
static void check_job(bsc_monitor *wd, watch_state *ws, bool deciding)
{
	bsc_job_stats js;
	bsc_status st = ask_job_stats(wd, ws->id, &js);
	double now = bsc_now();

	if (st != BSC_OK && st != BSC_NOT_FOUND) {
		/* No answer (the server is away): look again soon; a kill that is
		 * due goes ahead, as nothing says the job got more time. */
		if (deciding) {
			end_process_if_still_running(wd, ws, NULL);
		}
		ws->next_check = now + BSC_TTR_REPEAT;
		return;
	}
	if (st == BSC_NOT_FOUND || !still_ours(ws, &js)) {
		if (deciding) {
			end_process_if_still_running(wd, ws, NULL);
			return;
		}
		ask_handler_to_stop(wd, ws, REQUEST_LOST, 0, st == BSC_OK ? js.ttr : 0);
		ws->next_check = now + BSC_TTR_REPEAT;
		if (ws->kill_at == 0) {
			/* Another worker may have it: little time to stop. */
			ws->kill_at = now + (st == BSC_OK ? bsc_ttr_margin(wd->cfg.ttr_margin, js.ttr) : wd->cfg.ttr_margin) / 2;
		}
		return;
	}
	if (ws->reserves < 0) {
		ws->reserves = js.reserves;
		pthread_mutex_lock(&wd->lock);
		if (wd->job_seq == ws->seq) {
			wd->tube_seq = ws->seq;
			snprintf(wd->job_tube, sizeof(wd->job_tube), "%s", js.tube);
		}
		pthread_mutex_unlock(&wd->lock);
	}
	uint64_t seq, id;
	double started, renewed;
	watched_job(wd, &seq, &id, &started, &renewed);
	double margin = bsc_ttr_margin(wd->cfg.ttr_margin, js.ttr);
	double left = bsc_ttr_time_left(js.time_left, js.ttr, now - (renewed > ws->started ? renewed : ws->started));
	if (left - margin > MIN_STEP) {
		ws->next_check = now + left - margin;
		ws->kill_at = 0;
		return;
	}
	if (deciding && left - margin / 2 <= MIN_STEP) {
		end_process_if_still_running(wd, ws, &js);
		return;
	}
	if (ws->kill_at == 0) {
		atomic_fetch_add(&wd->exceeded, 1);
	}
	ask_handler_to_stop(wd, ws, REQUEST_LIMIT, left, js.ttr);
	ws->kill_at = now + (left - margin / 2 > 0 ? left - margin / 2 : 0);
	ws->next_check = now + BSC_TTR_REPEAT;
}

/* Sleeps until deadline, a byte on the wake pipe, or the task's socket. */
static void sleep_until(bsc_monitor *wd, double deadline, int task_fd, short task_events)
{
	struct pollfd pfd[2] = { { .fd = wd->wake[0], .events = POLLIN }, { .fd = task_fd, .events = task_events } };

	poll(pfd, task_fd >= 0 ? 2 : 1, bsc_poll_ms(deadline));
}

/* The TTR's part of a pass: a new job starts its watch, a due look is
 * taken. */
static void watch_pass(bsc_monitor *wd, watch_state *ws, double first_check)
{
	uint64_t seq, id;
	double started, renewed;

	watched_job(wd, &seq, &id, &started, &renewed);
	if (id == 0) {
		*ws = (watch_state){ .seq = seq };
		return;
	}
	if (seq != ws->seq || ws->id == 0) {
		*ws = (watch_state){ .seq = seq, .id = id, .started = started, .next_check = started + first_check, .reserves = -1 };
		return;
	}
	double now = bsc_now();
	if (ws->kill_at && now >= ws->kill_at) {
		check_job(wd, ws, true);
	} else if (now >= ws->next_check) {
		check_job(wd, ws, false);
	}
}

static void *watchdog_main(void *arg)
{
	bsc_monitor *wd = arg;
	double first_check = wd->cfg.first_check > 0 ? wd->cfg.first_check : BSC_TTR_FIRST_CHECK;
	watch_state ws = { 0 };
	double task_next = INFINITY;
	int task_fd = -1;
	short task_events = 0;

	if (wd->cfg.task_run) {
		task_next = wd->cfg.task_run(wd->cfg.task_ctx, wd, bsc_now(), &task_fd, &task_events);
	}
	while (!atomic_load(&wd->stop)) {
		double until = bsc_now() + BSC_MONITOR_TICK;
		if (ws.id && ws.next_check < until) {
			until = ws.next_check;
		}
		if (ws.id && ws.kill_at && ws.kill_at < until) {
			until = ws.kill_at;
		}
		if (task_next < until) {
			until = task_next;
		}
		sleep_until(wd, until, task_fd, task_events);
		if (atomic_load(&wd->stop)) {
			break;
		}
		park_for_fork(wd);
		watch_pass(wd, &ws, first_check);
		if (wd->cfg.task_run) {
			task_next = wd->cfg.task_run(wd->cfg.task_ctx, wd, bsc_now(), &task_fd, &task_events);
		}
	}
	if (wd->cfg.task_finish) {
		wd->cfg.task_finish(wd->cfg.task_ctx);
	}
	bsc_conn_free(wd->conn);
	wd->conn = NULL;
	thread_done(wd);
	return NULL;
}
/* }}} */

static void watchdog_free(bsc_monitor *wd)
{
	pthread_mutex_destroy(&wd->lock);
	free(wd->backoff);
	free(wd);
}

bsc_monitor *bsc_monitor_start(const bsc_monitor_config *cfg, char errbuf[BSC_ERRSTR_LEN])
{
	bsc_monitor *wd = calloc(1, sizeof(*wd));
	size_t backoff_len = cfg->retry.backoff_len;
	sigset_t all, old;
	int rc;

	if (!wd || !(wd->backoff = malloc(backoff_len * sizeof(uint32_t)))) {
		free(wd);
		snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
		return NULL;
	}
	pthread_mutex_init(&wd->lock, NULL);
	wd->cfg = *cfg;
	memcpy(wd->backoff, cfg->retry.backoff, backoff_len * sizeof(uint32_t));
	snprintf(wd->address, sizeof(wd->address), "%s", cfg->address);
	snprintf(wd->job_address, sizeof(wd->job_address), "%s", cfg->address);
	snprintf(wd->prefix, sizeof(wd->prefix), "%s", cfg->log_prefix);
	wd->cfg.address = wd->address;
	wd->cfg.log_prefix = wd->prefix;
	wd->cfg.retry.backoff = wd->backoff;
	wd->job_fd = -1;
	wd->target = pthread_self();
	wd->owner = getpid();
	if (pipe2(wd->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "pipe: %s", strerror(errno));
		watchdog_free(wd);
		return NULL;
	}
	/* No signal for the process may land on this thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&wd->thread, NULL, watchdog_main, wd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "cannot start the watchdog thread: %s", strerror(rc));
		close(wd->wake[0]);
		close(wd->wake[1]);
		watchdog_free(wd);
		return NULL;
	}
	live_add(wd);
	return wd;
}

void bsc_monitor_stop(bsc_monitor *wd)
{
	if (!wd) {
		return;
	}
	atomic_store(&wd->stop, true);
	if (getpid() == wd->owner) {
		ssize_t ignored = write(wd->wake[1], "x", 1);
		(void)ignored;
		pthread_join(wd->thread, NULL);
	} else {
		/* In a child the handler forked: the thread is the parent's, and
		 * was parked between two passes at the fork (park_for_fork), so
		 * its connection is at rest; the child's copy of it goes. */
		bsc_conn_free(wd->conn);
		wd->conn = NULL;
	}
	live_remove(wd);
	close(wd->wake[0]);
	close(wd->wake[1]);
	watchdog_free(wd);
}
