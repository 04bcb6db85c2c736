/*
 * The worker's TTR watchdog. See watchdog.h.
 *
 * The handler's thread and the watchdog share only atomics: the job running
 * (id, socket, start, a sequence number that tells one job from the next)
 * one way, and requests to give the job up the other way. Everything else
 * belongs to one side.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "watchdog.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "command.h"
#include "stats.h"

/* How often the thread looks for a new job when nothing else is due (s). */
#define TICK 0.1
/* The local clock's view of a job's deadline is taken to be this much late:
 * the server reserved the job a little before its answer reached us. */
#define START_SLACK 0.05
/* Deadlines closer than this count as reached. */
#define MIN_STEP 0.02

typedef enum {
	REQUEST_LIMIT,   /* the job's time is nearly up */
	REQUEST_LOST     /* the job is no longer reserved by this worker */
} request_kind;

struct bsc_watchdog {
	bsc_watchdog_config cfg;
	char address[BSC_ERRSTR_LEN * 3];
	char prefix[96];
	uint32_t *backoff;
	pthread_t thread, target;
	pid_t owner;
	int wake[2];                 /* a byte on wake[1] ends the thread's wait */
	bsc_conn *conn;              /* the thread's own, connected on first use */

	/* handler's thread -> watchdog */
	_Atomic uint64_t job_seq;    /* bumped at every begin */
	_Atomic uint64_t job_id;     /* 0: no job running */
	_Atomic int job_fd;
	_Atomic int64_t job_start_us;
	_Atomic int64_t job_touch_us;  /* the start, or the last touch */
	atomic_bool stop;

	/* watchdog -> handler's thread */
	_Atomic uint32_t requests;
	_Atomic uint64_t request_seq;
	_Atomic int request_kind;
	_Atomic int64_t request_left_ms, request_ttr;
	_Atomic uint64_t exceeded;
	uint32_t taken;              /* handler's thread only */
};

/* {{{ the job's stats */
static const struct {
	const char *key;
	size_t offset;
} job_numbers[] = {
	{ "pri", offsetof(bsc_job_stats, pri) },
	{ "ttr", offsetof(bsc_job_stats, ttr) },
	{ "time-left", offsetof(bsc_job_stats, time_left) },
	{ "reserves", offsetof(bsc_job_stats, reserves) },
	{ "releases", offsetof(bsc_job_stats, releases) },
};

static bool key_is(const bsc_stat *st, const char *key)
{
	return st->key_len == strlen(key) && memcmp(st->key, key, st->key_len) == 0;
}

static bool note_job_stat(const bsc_stat *st, void *ctx)
{
	bsc_job_stats *js = ctx;

	if (st->type == BSC_VALUE_STRING) {
		if (key_is(st, "state")) {
			snprintf(js->state, sizeof(js->state), "%.*s", (int)st->str_len, st->str);
		} else if (key_is(st, "tube")) {
			snprintf(js->tube, sizeof(js->tube), "%.*s", (int)st->str_len, st->str);
		}
		return true;
	}
	for (size_t i = 0; i < sizeof(job_numbers) / sizeof(job_numbers[0]); i++) {
		if (key_is(st, job_numbers[i].key)) {
			/* Some builds print job times as decimals. */
			*(int64_t *)((char *)js + job_numbers[i].offset) = st->type == BSC_VALUE_FLOAT ? (int64_t)st->d
				: st->type == BSC_VALUE_INT ? st->i : -1;
			break;
		}
	}
	return true;
}

bool bsc_job_stats_parse(const char *body, size_t len, bsc_job_stats *out)
{
	memset(out, 0, sizeof(*out));
	out->pri = out->ttr = out->time_left = out->reserves = out->releases = -1;
	return bsc_stats_parse(body, len, BSC_STATS_JOB, note_job_stat, out) && out->state[0] != '\0';
}

double bsc_watchdog_margin(double option, int64_t ttr)
{
	double half = (double)ttr / 2;

	return option < half ? option : half;
}

double bsc_watchdog_time_left(int64_t time_left, int64_t ttr, double elapsed)
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
static int64_t now_us(void)
{
	return (int64_t)(bsc_now() * 1e6);
}

void bsc_watchdog_begin(bsc_watchdog *wd, uint64_t id, int fd)
{
	atomic_store(&wd->job_id, id);
	atomic_store(&wd->job_fd, fd);
	int64_t now = now_us();
	atomic_store(&wd->job_start_us, now);
	atomic_store(&wd->job_touch_us, now);
	atomic_fetch_add(&wd->job_seq, 1);
}

void bsc_watchdog_touched(bsc_watchdog *wd)
{
	atomic_store(&wd->job_touch_us, now_us());
}

void bsc_watchdog_end(bsc_watchdog *wd)
{
	atomic_store(&wd->job_id, 0);
}

bool bsc_watchdog_take(bsc_watchdog *wd, char *msg, size_t size)
{
	uint32_t requests = atomic_load(&wd->requests);

	if (requests == wd->taken) {
		return false;
	}
	wd->taken = requests;
	uint64_t id = atomic_load(&wd->job_id);
	if (id == 0 || atomic_load(&wd->request_seq) != atomic_load(&wd->job_seq)) {
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

uint64_t bsc_watchdog_exceeded(const bsc_watchdog *wd)
{
	return atomic_load(&((bsc_watchdog *)wd)->exceeded);
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

/* Asks the server about job id; BSC_OK fills js. */
static bsc_status job_stats(bsc_watchdog *wd, uint64_t id, bsc_job_stats *js)
{
	char errbuf[BSC_ERRSTR_LEN];
	bsc_yaml yaml;

	if (!wd->conn) {
		bsc_conn_options opt = { .connect_timeout = 1.0, .timeout = 1.0, .job_size_max = 0 };
		wd->conn = bsc_conn_new(wd->address, strlen(wd->address), &opt, errbuf);
		if (!wd->conn) {
			return BSC_ERR_CONNECT;
		}
	}
	bsc_status st = bsc_stats_job(wd->conn, id, &yaml);
	if (st == BSC_OK && !bsc_job_stats_parse(yaml.body, yaml.len, js)) {
		return bsc_conn_fail(wd->conn, BSC_ERR_PROTOCOL, "stats-job: not a stats list");
	}
	return st;
}

static void request(bsc_watchdog *wd, const watch_state *ws, request_kind kind, double left, int64_t ttr)
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

/* The handler is still running when the job's time is all but up: give the
 * job back over the worker's socket, say why, and end the process. */
static void end_process(bsc_watchdog *wd, const watch_state *ws, const bsc_job_stats *js, bool known)
{
	char line[BSC_LINE_MAX], msg[1024];
	const char *done = "the server gives it back when the connection closes";
	int fd = atomic_load(&wd->job_fd);
	int len = 0;

	if (known) {
		uint32_t attempt = js->releases >= 0 ? (uint32_t)js->releases + 1 : 1;
		uint32_t pri = js->pri >= 0 ? (uint32_t)js->pri : 1024;
		if (attempt >= wd->cfg.max_attempts) {
			len = snprintf(line, sizeof(line), "bury %" PRIu64 " %" PRIu32 "\r\n", ws->id, pri);
			done = "buried it (last attempt)";
		} else {
			size_t i = attempt - 1 < wd->cfg.backoff_len ? attempt - 1 : wd->cfg.backoff_len - 1;
			len = snprintf(line, sizeof(line), "release %" PRIu64 " %" PRIu32 " %" PRIu32 "\r\n", ws->id, pri, wd->backoff[i]);
			done = "released it";
		}
	}
	if (known) {
		snprintf(msg, sizeof(msg), "%s: job %" PRIu64 " (tube %s) was still running %.1f s before its time-to-run of %" PRId64 " s ran out"
			" (stuck in a call that does not return, or ignoring TtrExceededException): %s and ended the process with exit code %d\n",
			wd->prefix, ws->id, js->tube, bsc_watchdog_time_left(js->time_left, js->ttr, bsc_now() - (double)atomic_load(&wd->job_touch_us) / 1e6), js->ttr,
			done, BSC_EXIT_TTR_OVERRUN);
	} else {
		snprintf(msg, sizeof(msg), "%s: job %" PRIu64 " was still running after it stopped being reserved by this worker"
			" (or the server could not be asked): ended the process with exit code %d\n", wd->prefix, ws->id, BSC_EXIT_TTR_OVERRUN);
	}
	if (len > 0 && fd >= 0) {
		/* The handler's thread is stuck elsewhere: the socket is idle. Wait
		 * a moment for the answer, so the command is surely read before
		 * the close. */
		if (send(fd, line, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT) == len) {
			struct pollfd pfd = { .fd = fd, .events = POLLIN };
			poll(&pfd, 1, 1000);
		}
	}
	ssize_t ignored = write(STDERR_FILENO, msg, strlen(msg));
	(void)ignored;
	_exit(BSC_EXIT_TTR_OVERRUN);
}

/* One look at the job: sets when to look next, asks the handler to give
 * the job up when its time is up. */
static void look(bsc_watchdog *wd, watch_state *ws, bool deciding)
{
	bsc_job_stats js;
	bsc_status st = job_stats(wd, ws->id, &js);
	double now = bsc_now();

	if (st != BSC_OK && st != BSC_NOT_FOUND) {
		/* No answer (the server is away): look again soon; a kill that is
		 * due goes ahead, as nothing says the job got more time. */
		if (deciding && atomic_load(&wd->job_seq) == ws->seq && atomic_load(&wd->job_id) != 0) {
			end_process(wd, ws, &js, false);
		}
		ws->next_check = now + BSC_WATCHDOG_REPEAT;
		return;
	}
	if (st == BSC_NOT_FOUND || !still_ours(ws, &js)) {
		if (deciding && atomic_load(&wd->job_seq) == ws->seq && atomic_load(&wd->job_id) != 0) {
			end_process(wd, ws, &js, false);
		}
		request(wd, ws, REQUEST_LOST, 0, st == BSC_OK ? js.ttr : 0);
		ws->next_check = now + BSC_WATCHDOG_REPEAT;
		if (ws->kill_at == 0) {
			/* Another worker may have it: little time to stop. */
			ws->kill_at = now + (st == BSC_OK ? bsc_watchdog_margin(wd->cfg.ttr_margin, js.ttr) : wd->cfg.ttr_margin) / 2;
		}
		return;
	}
	if (ws->reserves < 0) {
		ws->reserves = js.reserves;
	}
	double margin = bsc_watchdog_margin(wd->cfg.ttr_margin, js.ttr);
	double renewed = (double)atomic_load(&wd->job_touch_us) / 1e6;
	double left = bsc_watchdog_time_left(js.time_left, js.ttr, now - (renewed > ws->started ? renewed : ws->started));
	if (left - margin > MIN_STEP) {
		ws->next_check = now + left - margin;
		ws->kill_at = 0;
		return;
	}
	if (deciding && left - margin / 2 <= MIN_STEP) {
		if (atomic_load(&wd->job_seq) == ws->seq && atomic_load(&wd->job_id) != 0) {
			end_process(wd, ws, &js, true);
		}
		return;
	}
	if (ws->kill_at == 0) {
		atomic_fetch_add(&wd->exceeded, 1);
	}
	request(wd, ws, REQUEST_LIMIT, left, js.ttr);
	ws->kill_at = now + (left - margin / 2 > 0 ? left - margin / 2 : 0);
	ws->next_check = now + BSC_WATCHDOG_REPEAT;
}

/* Sleeps until deadline or a byte on the wake pipe. */
static void nap(bsc_watchdog *wd, double deadline)
{
	struct pollfd pfd = { .fd = wd->wake[0], .events = POLLIN };

	poll(&pfd, 1, bsc_poll_ms(deadline));
}

static void *watch(void *arg)
{
	bsc_watchdog *wd = arg;
	watch_state ws = { 0 };

	while (!atomic_load(&wd->stop)) {
		double now = bsc_now(), until = now + TICK;
		if (ws.id && ws.next_check < until) {
			until = ws.next_check;
		}
		if (ws.id && ws.kill_at && ws.kill_at < until) {
			until = ws.kill_at;
		}
		nap(wd, until);
		if (atomic_load(&wd->stop)) {
			break;
		}
		uint64_t seq = atomic_load(&wd->job_seq);
		uint64_t id = atomic_load(&wd->job_id);
		if (id == 0) {
			ws.id = 0;
			continue;
		}
		if (seq != ws.seq) {
			ws = (watch_state){ .seq = seq, .id = id, .reserves = -1 };
			ws.started = (double)atomic_load(&wd->job_start_us) / 1e6;
			ws.next_check = ws.started + BSC_WATCHDOG_FIRST_CHECK;
			continue;
		}
		now = bsc_now();
		if (ws.kill_at && now >= ws.kill_at) {
			look(wd, &ws, true);
		} else if (now >= ws.next_check) {
			look(wd, &ws, false);
		}
	}
	bsc_conn_free(wd->conn);
	wd->conn = NULL;
	return NULL;
}
/* }}} */

bsc_watchdog *bsc_watchdog_start(const bsc_watchdog_config *cfg, char errbuf[BSC_ERRSTR_LEN])
{
	bsc_watchdog *wd = calloc(1, sizeof(*wd));
	sigset_t all, old;
	int rc;

	if (!wd || !(wd->backoff = malloc(cfg->backoff_len * sizeof(uint32_t)))) {
		free(wd);
		snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
		return NULL;
	}
	wd->cfg = *cfg;
	memcpy(wd->backoff, cfg->backoff, cfg->backoff_len * sizeof(uint32_t));
	snprintf(wd->address, sizeof(wd->address), "%s", cfg->address);
	snprintf(wd->prefix, sizeof(wd->prefix), "%s", cfg->log_prefix);
	wd->cfg.address = wd->address;
	wd->cfg.log_prefix = wd->prefix;
	wd->cfg.backoff = wd->backoff;
	wd->target = pthread_self();
	wd->owner = getpid();
	if (pipe2(wd->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "pipe: %s", strerror(errno));
		free(wd->backoff);
		free(wd);
		return NULL;
	}
	/* No signal for the process may land on this thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&wd->thread, NULL, watch, wd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "cannot start the watchdog thread: %s", strerror(rc));
		close(wd->wake[0]);
		close(wd->wake[1]);
		free(wd->backoff);
		free(wd);
		return NULL;
	}
	return wd;
}

void bsc_watchdog_stop(bsc_watchdog *wd)
{
	if (!wd) {
		return;
	}
	atomic_store(&wd->stop, true);
	if (getpid() == wd->owner) {
		ssize_t ignored = write(wd->wake[1], "x", 1);
		(void)ignored;
		pthread_join(wd->thread, NULL);
	}
	close(wd->wake[0]);
	close(wd->wake[1]);
	free(wd->backoff);
	free(wd);
}
