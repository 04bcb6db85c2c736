/*
 * The worker's status in Redis: the writer of the beats, in the monitor
 * thread. It builds and reads them with the pure part (status.c). See
 * status.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/monitor/status.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A beat's replies are a few hundred bytes. */
#define BEAT_REPLY_MAX ((size_t)64 << 10)

/* {{{ the writer */
struct bsc_status_writer {
	bsc_status_config cfg;
	char *strings;               /* the identity's strings, copied */
	bsc_redis *redis;
	bsc_resp req;
	double timeout;
	double next_beat;            /* monotonic */
	bool busy;
	double beat_started;         /* monotonic */
	uint64_t beat_processed;     /* the count the beat under way carries */
	double last_beat;            /* monotonic, of the last beat written; 0: none */
	uint64_t last_processed;
	bool outage;                 /* beats fail since the last one written */
	bool restart_told;

	pthread_mutex_t lock;        /* the counts, for stats() */
	bsc_status_counts counts;
};

double bsc_status_timeout(double interval)
{
	return interval / 4 < BSC_STATUS_TIMEOUT_MAX ? interval / 4 : BSC_STATUS_TIMEOUT_MAX;
}

/* Copies the identity's strings into one allocation. */
static bool copy_identity(bsc_status_writer *w)
{
	bsc_status_identity *who = &w->cfg.who;
	const char **fields[] = { &who->prefix, &who->id, &who->name, &who->host, &who->server, &who->tubes };
	size_t size = 0;

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size += strlen(*fields[i]) + 1;
	}
	char *p = w->strings = malloc(size);
	if (!p) {
		return false;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		size_t len = strlen(*fields[i]) + 1;
		memcpy(p, *fields[i], len);
		*fields[i] = p;
		p += len;
	}
	return true;
}

bsc_status_writer *bsc_status_writer_new(const bsc_status_config *cfg)
{
	bsc_status_writer *w = calloc(1, sizeof(*w));

	if (!w) {
		return NULL;
	}
	w->cfg = *cfg;
	w->redis = bsc_redis_new(cfg->address, BEAT_REPLY_MAX);
	if (!w->redis || !copy_identity(w)) {
		bsc_redis_free(w->redis);
		free(w->strings);
		free(w);
		return NULL;
	}
	w->cfg.address = NULL;
	bsc_resp_init(&w->req);
	pthread_mutex_init(&w->lock, NULL);
	w->timeout = bsc_status_timeout(cfg->who.interval);
	w->next_beat = 0;            /* the first beat at once */
	return w;
}

void bsc_status_writer_free(bsc_status_writer *w)
{
	if (!w) {
		return;
	}
	bsc_redis_free(w->redis);
	bsc_resp_free(&w->req);
	pthread_mutex_destroy(&w->lock);
	free(w->strings);
	free(w);
}

void bsc_status_writer_counts(bsc_status_writer *w, bsc_status_counts *out)
{
	pthread_mutex_lock(&w->lock);
	*out = w->counts;
	pthread_mutex_unlock(&w->lock);
}

static double unix_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The figures now, for a beat that starts at now (monotonic). */
static void beat_figures(bsc_status_writer *w, double now, bsc_status_figures *f, char *tube, size_t tube_size)
{
	double unix_at = unix_now();

	memset(f, 0, sizeof(*f));
	tube[0] = '\0';
	w->cfg.read(w->cfg.ctx, f, tube, tube_size);
	f->job_tube = tube;
	f->beat_at = unix_at;
	f->job_since = unix_at - (now - f->job_since);
	double since = w->last_beat > 0 ? w->last_beat : w->cfg.started;
	f->jobs_per_sec = now > since && f->processed >= w->last_processed ? (double)(f->processed - w->last_processed) / (now - since) : 0;
}

static void beat_failed(bsc_status_writer *w, const char *why)
{
	char line[BSC_ERRSTR_LEN + 200];

	pthread_mutex_lock(&w->lock);
	w->counts.errors++;
	snprintf(w->counts.last_error, sizeof(w->counts.last_error), "%s", why);
	pthread_mutex_unlock(&w->lock);
	if (!w->outage) {
		w->outage = true;
		snprintf(line, sizeof(line), "status: no heartbeat written (%s); beats are skipped until Redis answers", why);
		w->cfg.log(w->cfg.ctx, line);
	}
}

static void beat_done(bsc_status_writer *w)
{
	char why[BSC_ERRSTR_LEN];
	bsc_status_beat_answer answer;
	size_t n;
	bsc_redis_reply *const *replies = bsc_redis_replies(w->redis, &n);

	if (!bsc_status_beat_read(replies, n, w->cfg.who.name[0] != '\0', &answer, why)) {
		/* The connection may be out of step: the next beat starts afresh. */
		bsc_redis_close(w->redis);
		beat_failed(w, why);
		return;
	}
	pthread_mutex_lock(&w->lock);
	w->counts.beats++;
	pthread_mutex_unlock(&w->lock);
	w->outage = false;
	w->last_beat = w->beat_started;
	w->last_processed = w->beat_processed;
	if (!w->restart_told && bsc_status_restart_due(answer.restart_at, answer.redis_now, w->beat_started - w->cfg.started)) {
		w->restart_told = true;
		w->cfg.restart(w->cfg.ctx);
	}
}

static void beat_start(bsc_status_writer *w, double now)
{
	bsc_status_figures f;
	char tube[256];

	beat_figures(w, now, &f, tube, sizeof(tube));
	bsc_resp_reset(&w->req);
	bsc_status_beat_request(&w->req, &w->cfg.who, &f, false);
	w->beat_started = now;
	w->beat_processed = f.processed;
	w->busy = true;
	bsc_redis_step step = bsc_redis_begin(w->redis, &w->req, now + w->timeout);
	if (step == BSC_REDIS_BUSY) {
		return;
	}
	w->busy = false;
	if (step == BSC_REDIS_DONE) {
		beat_done(w);
	} else {
		beat_failed(w, bsc_redis_errstr(w->redis));
	}
}

double bsc_status_writer_run(bsc_status_writer *w, double now, int *fd, short *events)
{
	if (w->busy) {
		bsc_redis_step step = bsc_redis_advance(w->redis);
		if (step != BSC_REDIS_BUSY) {
			w->busy = false;
			if (step == BSC_REDIS_DONE) {
				beat_done(w);
			} else {
				beat_failed(w, bsc_redis_errstr(w->redis));
			}
		}
	}
	if (!w->busy && now >= w->next_beat) {
		w->next_beat = now + w->cfg.who.interval;
		beat_start(w, now);
	}
	*fd = -1;
	*events = 0;
	if (w->busy) {
		*fd = bsc_redis_fd(w->redis);
		*events = bsc_redis_events(w->redis);
		double deadline = w->beat_started + w->timeout;
		return deadline < w->next_beat ? deadline : w->next_beat;
	}
	return w->next_beat;
}

void bsc_status_writer_finish(bsc_status_writer *w)
{
	bsc_status_figures f;
	char tube[256];
	double now = bsc_now();

	if (w->busy) {
		/* The beat under way gives way to the last one. */
		bsc_redis_close(w->redis);
		w->busy = false;
	}
	beat_figures(w, now, &f, tube, sizeof(tube));
	f.state = BSC_STATUS_STOPPED;
	bsc_resp_reset(&w->req);
	bsc_status_beat_request(&w->req, &w->cfg.who, &f, true);
	size_t n;
	if (!bsc_redis_exchange(w->redis, &w->req, w->timeout)) {
		beat_failed(w, bsc_redis_errstr(w->redis));
		return;
	}
	bsc_redis_reply *const *r = bsc_redis_replies(w->redis, &n);
	for (size_t i = 0; i < n; i++) {
		if (r[i]->type != BSC_REDIS_INTEGER) {
			char why[BSC_ERRSTR_LEN], text[160];
			snprintf(why, sizeof(why), "Redis answered the last beat with %s", bsc_redis_reply_text(r[i], text, sizeof(text)));
			beat_failed(w, why);
			return;
		}
	}
	pthread_mutex_lock(&w->lock);
	w->counts.beats++;
	pthread_mutex_unlock(&w->lock);
}
/* }}} */
