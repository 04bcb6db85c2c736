/*
 * The worker's status in Redis. See status.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/monitor/status.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A beat's replies are a few hundred bytes; a fleet's, a few per worker. */
#define BEAT_REPLY_MAX ((size_t)64 << 10)
#define FLEET_REPLY_MAX ((size_t)64 << 20)
#define KEY_MAX 512

/* {{{ keys */
void bsc_status_key_worker(char *buf, size_t size, const char *prefix, const char *id)
{
	snprintf(buf, size, "%sworker:%s", prefix, id);
}

void bsc_status_key_workers(char *buf, size_t size, const char *prefix)
{
	snprintf(buf, size, "%sworkers", prefix);
}

void bsc_status_key_restart(char *buf, size_t size, const char *prefix)
{
	snprintf(buf, size, "%srestart", prefix);
}

void bsc_status_key_restart_names(char *buf, size_t size, const char *prefix)
{
	snprintf(buf, size, "%srestart:names", prefix);
}
/* }}} */

/* {{{ the beat */
static const char *const state_names[] = { "waiting", "working", "stopped" };

/* The hash's fields, in the order they are written. */
static void beat_fields(bsc_resp *req, const bsc_status_identity *who, const bsc_status_figures *f, bool last)
{
	bool working = f->state == BSC_STATUS_WORKING;

	bsc_resp_str(req, "id");
	bsc_resp_str(req, who->id);
	bsc_resp_str(req, "name");
	bsc_resp_str(req, who->name);
	bsc_resp_str(req, "host");
	bsc_resp_str(req, who->host);
	bsc_resp_str(req, "pid");
	bsc_resp_argf(req, "%ld", who->pid);
	bsc_resp_str(req, "server");
	bsc_resp_str(req, who->server);
	bsc_resp_str(req, "tubes");
	bsc_resp_str(req, who->tubes);
	bsc_resp_str(req, "started_at");
	bsc_resp_argf(req, "%.6f", who->started_at);
	bsc_resp_str(req, "interval");
	bsc_resp_argf(req, "%.3f", who->interval);
	bsc_resp_str(req, "state");
	bsc_resp_str(req, state_names[f->state]);
	bsc_resp_str(req, "job_id");
	if (working) {
		bsc_resp_argf(req, "%llu", (unsigned long long)f->job_id);
	} else {
		bsc_resp_str(req, "");
	}
	bsc_resp_str(req, "job_tube");
	bsc_resp_str(req, working ? f->job_tube : "");
	bsc_resp_str(req, "job_since");
	if (working) {
		bsc_resp_argf(req, "%.6f", f->job_since);
	} else {
		bsc_resp_str(req, "");
	}
	bsc_resp_str(req, "processed");
	bsc_resp_argf(req, "%llu", (unsigned long long)f->processed);
	bsc_resp_str(req, "failed");
	bsc_resp_argf(req, "%llu", (unsigned long long)f->failed);
	bsc_resp_str(req, "released");
	bsc_resp_argf(req, "%llu", (unsigned long long)f->released);
	bsc_resp_str(req, "buried");
	bsc_resp_argf(req, "%llu", (unsigned long long)f->buried);
	bsc_resp_str(req, "deleted");
	bsc_resp_argf(req, "%llu", (unsigned long long)f->deleted);
	bsc_resp_str(req, "jobs_per_sec");
	bsc_resp_argf(req, "%.3f", f->jobs_per_sec);
	bsc_resp_str(req, "job_duration_p50");
	bsc_resp_argf(req, "%.6f", f->duration_p50);
	bsc_resp_str(req, "job_duration_p99");
	bsc_resp_argf(req, "%.6f", f->duration_p99);
	bsc_resp_str(req, "memory");
	bsc_resp_argf(req, "%llu", (unsigned long long)f->memory);
	bsc_resp_str(req, "rss");
	bsc_resp_argf(req, "%llu", (unsigned long long)f->rss);
	bsc_resp_str(req, "rtt");
	bsc_resp_argf(req, "%.6f", f->rtt);
	bsc_resp_str(req, "beat_at");
	bsc_resp_argf(req, "%.6f", f->beat_at);
	if (last) {
		bsc_resp_str(req, "stop_reason");
		bsc_resp_argf(req, "%d", f->stop_reason);
	}
}

#define BEAT_FIELDS 24

void bsc_status_beat_request(bsc_resp *req, const bsc_status_identity *who, const bsc_status_figures *f, bool last)
{
	char key[KEY_MAX], set[KEY_MAX];
	long long ttl_ms = llround(who->interval * BSC_STATUS_TTL_BEATS * 1000);

	bsc_status_key_worker(key, sizeof(key), who->prefix, who->id);
	bsc_status_key_workers(set, sizeof(set), who->prefix);
	bsc_resp_begin(req, 2 + 2 * (BEAT_FIELDS + (last ? 1 : 0)));
	bsc_resp_str(req, "HSET");
	bsc_resp_str(req, key);
	beat_fields(req, who, f, last);
	bsc_resp_begin(req, 3);
	bsc_resp_str(req, "PEXPIRE");
	bsc_resp_str(req, key);
	bsc_resp_argf(req, "%lld", ttl_ms > 0 ? ttl_ms : 1);
	if (last) {
		bsc_resp_command(req, "ZREM", set, who->id, (char *)NULL);
		return;
	}
	bsc_resp_begin(req, 4);
	bsc_resp_str(req, "ZADD");
	bsc_resp_str(req, set);
	bsc_resp_argf(req, "%.6f", f->beat_at);
	bsc_resp_str(req, who->id);
	bsc_resp_command(req, "TIME", (char *)NULL);
	bsc_status_key_restart(key, sizeof(key), who->prefix);
	bsc_resp_command(req, "GET", key, (char *)NULL);
	if (who->name[0]) {
		bsc_status_key_restart_names(key, sizeof(key), who->prefix);
		bsc_resp_command(req, "HGET", key, who->name, (char *)NULL);
	}
}

static const char *const beat_commands[] = { "HSET", "PEXPIRE", "ZADD", "TIME", "GET", "HGET" };

/* A restart request's time, or 0 for none (or for something else). */
static double restart_value(const bsc_redis_reply *r)
{
	if (r->type != BSC_REDIS_STRING) {
		return 0;
	}
	char *end;
	double t = strtod(r->str, &end);
	return end != r->str && *end == '\0' && isfinite(t) && t > 0 ? t : 0;
}

/* TIME: seconds and microseconds, as strings. */
static bool read_time(const bsc_redis_reply *r, double *out)
{
	if (r->type != BSC_REDIS_ARRAY || r->elements != 2 || r->element[0]->type != BSC_REDIS_STRING
		|| r->element[1]->type != BSC_REDIS_STRING) {
		return false;
	}
	*out = strtod(r->element[0]->str, NULL) + strtod(r->element[1]->str, NULL) / 1e6;
	return *out > 0;
}

bool bsc_status_beat_read(bsc_redis_reply *const *replies, size_t count, bool has_name, bsc_status_beat_answer *out,
	char errbuf[BSC_ERRSTR_LEN])
{
	char text[160];
	size_t want = has_name ? 6 : 5;

	memset(out, 0, sizeof(*out));
	if (count != want) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "%zu replies to a beat of %zu requests", count, want);
		return false;
	}
	for (size_t i = 0; i < count; i++) {
		if (replies[i]->type == BSC_REDIS_ERROR) {
			snprintf(errbuf, BSC_ERRSTR_LEN, "Redis refused %s: %s", beat_commands[i], bsc_redis_reply_text(replies[i], text, sizeof(text)));
			return false;
		}
		bool ok = i < 3 ? replies[i]->type == BSC_REDIS_INTEGER
			: i == 3 ? read_time(replies[i], &out->redis_now)
			: replies[i]->type == BSC_REDIS_STRING || replies[i]->type == BSC_REDIS_NIL;
		if (!ok) {
			snprintf(errbuf, BSC_ERRSTR_LEN, "Redis answered %s with %s", beat_commands[i], bsc_redis_reply_text(replies[i], text, sizeof(text)));
			return false;
		}
	}
	out->restart_at = restart_value(replies[4]);
	if (has_name && restart_value(replies[5]) > out->restart_at) {
		out->restart_at = restart_value(replies[5]);
	}
	return true;
}

bool bsc_status_restart_due(double restart_at, double redis_now, double running_for)
{
	return restart_at > 0 && restart_at > redis_now - running_for;
}
/* }}} */

/* {{{ fields */
static const struct {
	const char *name;
	bsc_status_field_kind kind;
} fields[] = {
	{ "id", BSC_FIELD_STRING }, { "name", BSC_FIELD_STRING }, { "host", BSC_FIELD_STRING },
	{ "pid", BSC_FIELD_INT }, { "server", BSC_FIELD_STRING }, { "tubes", BSC_FIELD_LIST },
	{ "started_at", BSC_FIELD_FLOAT }, { "interval", BSC_FIELD_FLOAT }, { "state", BSC_FIELD_STRING },
	{ "job_id", BSC_FIELD_INT }, { "job_tube", BSC_FIELD_STRING }, { "job_since", BSC_FIELD_FLOAT },
	{ "processed", BSC_FIELD_INT }, { "failed", BSC_FIELD_INT }, { "released", BSC_FIELD_INT },
	{ "buried", BSC_FIELD_INT }, { "deleted", BSC_FIELD_INT }, { "jobs_per_sec", BSC_FIELD_FLOAT },
	{ "job_duration_p50", BSC_FIELD_FLOAT }, { "job_duration_p99", BSC_FIELD_FLOAT },
	{ "memory", BSC_FIELD_INT }, { "rss", BSC_FIELD_INT }, { "rtt", BSC_FIELD_FLOAT },
	{ "beat_at", BSC_FIELD_FLOAT }, { "stop_reason", BSC_FIELD_INT },
};
_Static_assert(sizeof(fields) / sizeof(fields[0]) == BEAT_FIELDS + 1, "every field of the beat has a kind");

const char *bsc_status_field_name(size_t i)
{
	return i < sizeof(fields) / sizeof(fields[0]) ? fields[i].name : NULL;
}

bsc_status_field_kind bsc_status_field(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0) {
			return fields[i].kind;
		}
	}
	return BSC_FIELD_UNKNOWN;
}
/* }}} */

/* {{{ the fleet */
/* The value of a field in an HGETALL array, or "". */
static const char *hash_value(const bsc_redis_reply *h, const char *field)
{
	for (size_t i = 0; i + 1 < h->elements; i += 2) {
		if (h->element[i]->type == BSC_REDIS_STRING && strcmp(h->element[i]->str, field) == 0
			&& h->element[i + 1]->type == BSC_REDIS_STRING) {
			return h->element[i + 1]->str;
		}
	}
	return "";
}

static int by_host_name_pid(const void *a, const void *b)
{
	const bsc_redis_reply *x = *(bsc_redis_reply *const *)a, *y = *(bsc_redis_reply *const *)b;
	int c = strcmp(hash_value(x, "host"), hash_value(y, "host"));

	if (c == 0) {
		c = strcmp(hash_value(x, "name"), hash_value(y, "name"));
	}
	if (c == 0) {
		long long px = atoll(hash_value(x, "pid")), py = atoll(hash_value(y, "pid"));
		c = px < py ? -1 : px > py;
	}
	return c;
}

/* Whether every element of an array reply is a string. */
static bool all_strings(const bsc_redis_reply *r)
{
	if (r->type != BSC_REDIS_ARRAY) {
		return false;
	}
	for (size_t i = 0; i < r->elements; i++) {
		if (r->element[i]->type != BSC_REDIS_STRING) {
			return false;
		}
	}
	return true;
}

static bool refused(bsc_redis *redis, const char *what, const bsc_redis_reply *r, char errbuf[BSC_ERRSTR_LEN])
{
	char text[160];

	if (!r) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "%s", bsc_redis_errstr(redis));
	} else {
		snprintf(errbuf, BSC_ERRSTR_LEN, "Redis answered %s with %s", what, bsc_redis_reply_text(r, text, sizeof(text)));
	}
	return false;
}

/* The ids in the set of live workers: a reply the caller frees. */
static bsc_redis_reply *live_ids(bsc_redis *redis, const char *prefix, double timeout, char errbuf[BSC_ERRSTR_LEN])
{
	char set[KEY_MAX];
	bsc_resp req;
	size_t n;

	bsc_status_key_workers(set, sizeof(set), prefix);
	bsc_resp_init(&req);
	bsc_resp_command(&req, "ZRANGE", set, "0", "-1", (char *)NULL);
	bool ok = bsc_redis_exchange(redis, &req, timeout);
	bsc_resp_free(&req);
	if (!ok) {
		refused(redis, NULL, NULL, errbuf);
		return NULL;
	}
	bsc_redis_reply *const *r = bsc_redis_replies(redis, &n);
	if (n != 1 || !all_strings(r[0])) {
		refused(redis, "ZRANGE", n ? r[0] : NULL, errbuf);
		return NULL;
	}
	return bsc_redis_take_reply(redis, 0);
}

/* Takes the dead out of the set: best effort, the fleet is read already. */
static void prune(bsc_redis *redis, const char *prefix, const bsc_redis_reply *ids, const bool *dead, size_t ndead, double timeout)
{
	char set[KEY_MAX];
	bsc_resp req;

	bsc_status_key_workers(set, sizeof(set), prefix);
	bsc_resp_init(&req);
	bsc_resp_begin(&req, 2 + ndead);
	bsc_resp_str(&req, "ZREM");
	bsc_resp_str(&req, set);
	for (size_t i = 0; i < ids->elements; i++) {
		if (dead[i]) {
			bsc_resp_arg(&req, ids->element[i]->str, ids->element[i]->len);
		}
	}
	bsc_redis_exchange(redis, &req, timeout);
	bsc_resp_free(&req);
}

/* The live workers' hashes, taken out of the client, in out. */
static bool read_hashes(bsc_redis *redis, const char *prefix, const bsc_redis_reply *ids, double timeout, bsc_status_fleet *out,
	char errbuf[BSC_ERRSTR_LEN])
{
	char key[KEY_MAX];
	bsc_resp req;
	size_t n, ndead = 0;

	if (ids->elements == 0) {
		return true;
	}
	bsc_resp_init(&req);
	for (size_t i = 0; i < ids->elements; i++) {
		bsc_status_key_worker(key, sizeof(key), prefix, ids->element[i]->str);
		bsc_resp_command(&req, "HGETALL", key, (char *)NULL);
	}
	bool ok = bsc_redis_exchange(redis, &req, timeout);
	bsc_resp_free(&req);
	if (!ok) {
		return refused(redis, NULL, NULL, errbuf);
	}
	bsc_redis_reply *const *r = bsc_redis_replies(redis, &n);
	for (size_t i = 0; i < n; i++) {
		if (!all_strings(r[i]) || r[i]->elements % 2 != 0) {
			return refused(redis, "HGETALL", r[i], errbuf);
		}
	}
	out->workers = calloc(n ? n : 1, sizeof(*out->workers));
	bool *dead = calloc(n ? n : 1, sizeof(bool));
	if (!out->workers || !dead) {
		free(dead);
		snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		/* Expired, or stopped without taking itself out of the set. */
		dead[i] = r[i]->elements == 0 || strcmp(hash_value(r[i], "state"), "stopped") == 0;
		if (dead[i]) {
			ndead++;
		} else {
			out->workers[out->count++] = bsc_redis_take_reply(redis, i);
		}
	}
	if (ndead) {
		prune(redis, prefix, ids, dead, ndead, timeout);
	}
	free(dead);
	return true;
}

bool bsc_status_fleet_get(const bsc_redis_address *a, const char *prefix, double timeout, bsc_status_fleet *out,
	char errbuf[BSC_ERRSTR_LEN])
{
	memset(out, 0, sizeof(*out));
	out->redis = bsc_redis_new(a, FLEET_REPLY_MAX);
	if (!out->redis) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
		return false;
	}
	bsc_redis_reply *ids = live_ids(out->redis, prefix, timeout, errbuf);
	bool ok = ids && read_hashes(out->redis, prefix, ids, timeout, out, errbuf);
	bsc_redis_reply_free(ids);
	if (!ok) {
		bsc_status_fleet_free(out);
		return false;
	}
	qsort(out->workers, out->count, sizeof(*out->workers), by_host_name_pid);
	return true;
}

void bsc_status_fleet_free(bsc_status_fleet *f)
{
	for (size_t i = 0; i < f->count; i++) {
		bsc_redis_reply_free(f->workers[i]);
	}
	free(f->workers);
	bsc_redis_free(f->redis);
	memset(f, 0, sizeof(*f));
}

/* Writes the request, in Redis's clock, and counts the live workers it is
 * for (their name and state were read in the same round trip). */
static bool ask_restart(bsc_redis *redis, const char *prefix, const char *name, const bsc_redis_reply *ids, double now,
	double timeout, uint64_t *asked, char errbuf[BSC_ERRSTR_LEN])
{
	char key[KEY_MAX];
	bsc_resp req;
	size_t n;

	bsc_resp_init(&req);
	if (name) {
		bsc_status_key_restart_names(key, sizeof(key), prefix);
		bsc_resp_begin(&req, 4);
		bsc_resp_str(&req, "HSET");
		bsc_resp_str(&req, key);
		bsc_resp_str(&req, name);
	} else {
		bsc_status_key_restart(key, sizeof(key), prefix);
		bsc_resp_begin(&req, 3);
		bsc_resp_str(&req, "SET");
		bsc_resp_str(&req, key);
	}
	bsc_resp_argf(&req, "%.6f", now);
	for (size_t i = 0; i < ids->elements; i++) {
		bsc_status_key_worker(key, sizeof(key), prefix, ids->element[i]->str);
		bsc_resp_command(&req, "HMGET", key, "name", "state", (char *)NULL);
	}
	bool ok = bsc_redis_exchange(redis, &req, timeout);
	bsc_resp_free(&req);
	if (!ok) {
		return refused(redis, NULL, NULL, errbuf);
	}
	bsc_redis_reply *const *r = bsc_redis_replies(redis, &n);
	if (r[0]->type != (name ? BSC_REDIS_INTEGER : BSC_REDIS_STATUS)) {
		return refused(redis, name ? "HSET" : "SET", r[0], errbuf);
	}
	*asked = 0;
	for (size_t i = 1; i < n; i++) {
		if (r[i]->type != BSC_REDIS_ARRAY || r[i]->elements != 2) {
			return refused(redis, "HMGET", r[i], errbuf);
		}
		const bsc_redis_reply *wname = r[i]->element[0], *state = r[i]->element[1];
		bool live = state->type == BSC_REDIS_STRING && strcmp(state->str, "stopped") != 0;
		bool named = !name || (wname->type == BSC_REDIS_STRING && strcmp(wname->str, name) == 0);
		*asked += live && named;
	}
	return true;
}

bool bsc_status_restart_all(const bsc_redis_address *a, const char *prefix, const char *name, double timeout,
	uint64_t *asked, char errbuf[BSC_ERRSTR_LEN])
{
	bsc_redis *redis = bsc_redis_new(a, FLEET_REPLY_MAX);
	bsc_resp req;
	size_t n;
	double now = 0;
	bool ok = false;

	if (!redis) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
		return false;
	}
	/* "" is every worker, as for the worker a name "" is none: the
	 * request and its count must agree. */
	if (name && !name[0]) {
		name = NULL;
	}
	bsc_resp_init(&req);
	bsc_resp_command(&req, "TIME", (char *)NULL);
	if (!bsc_redis_exchange(redis, &req, timeout)) {
		refused(redis, NULL, NULL, errbuf);
	} else {
		bsc_redis_reply *const *r = bsc_redis_replies(redis, &n);
		if (n != 1 || !read_time(r[0], &now)) {
			refused(redis, "TIME", n ? r[0] : NULL, errbuf);
		} else {
			bsc_redis_reply *ids = live_ids(redis, prefix, timeout, errbuf);
			ok = ids && ask_restart(redis, prefix, name, ids, now, timeout, asked, errbuf);
			bsc_redis_reply_free(ids);
		}
	}
	bsc_resp_free(&req);
	bsc_redis_free(redis);
	return ok;
}
/* }}} */

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
