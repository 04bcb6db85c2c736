/*
 * The worker's status in Redis: the keys, the beat's fields and requests
 * (the pure part), and the fleet and its steering. The writer of the beats
 * is in status_writer.c. See status.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/monitor/status.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A fleet's replies are a few hundred bytes per worker. */
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

/* {{{ the fields */
/* How a beat writes a field's value. */
typedef enum {
	AS_TEXT,         /* const char * */
	AS_COUNT,        /* uint64_t */
	AS_LONG,         /* long */
	AS_INT,          /* int */
	AS_MICROS,       /* double, to the microsecond: times and durations */
	AS_MILLIS,       /* double, to the thousandth: an interval, a rate */
	AS_STATE         /* bsc_status_state, by its name */
} value_format;

typedef enum {
	ALWAYS,
	WORKING,         /* "" unless working */
	LAST             /* in the last beat only */
} value_when;

/* The offset of a member, which must be of type ctype: a row that names the
 * wrong type does not compile. */
#define CHECKED_OFFSET(type, member, ctype) \
	(offsetof(type, member) + 0 * sizeof(_Generic(((type *)0)->member, ctype: 1)))
/* Where a value is: in the worker's identity, or in the beat's figures. */
#define WHO(member, ctype) true, CHECKED_OFFSET(bsc_status_identity, member, ctype)
#define BEAT(member, ctype) false, CHECKED_OFFSET(bsc_status_figures, member, ctype)

/* The hash's fields, in the order a beat writes them: the one list of them,
 * for the beat and for fleet() (how it types each). */
static const struct beat_field {
	const char *name;
	bsc_status_field_kind kind;
	bool of_who;
	size_t offset;
	value_format as;
	value_when when;
} fields[] = {
	{ "id", BSC_FIELD_STRING, WHO(id, const char *), AS_TEXT, ALWAYS },
	{ "name", BSC_FIELD_STRING, WHO(name, const char *), AS_TEXT, ALWAYS },
	{ "host", BSC_FIELD_STRING, WHO(host, const char *), AS_TEXT, ALWAYS },
	{ "pid", BSC_FIELD_INT, WHO(pid, long), AS_LONG, ALWAYS },
	{ "server", BSC_FIELD_STRING, WHO(server, const char *), AS_TEXT, ALWAYS },
	{ "tubes", BSC_FIELD_LIST, WHO(tubes, const char *), AS_TEXT, ALWAYS },
	{ "started_at", BSC_FIELD_FLOAT, WHO(started_at, double), AS_MICROS, ALWAYS },
	{ "interval", BSC_FIELD_FLOAT, WHO(interval, double), AS_MILLIS, ALWAYS },
	{ "state", BSC_FIELD_STRING, BEAT(state, bsc_status_state), AS_STATE, ALWAYS },
	{ "job_id", BSC_FIELD_INT, BEAT(job_id, uint64_t), AS_COUNT, WORKING },
	{ "job_tube", BSC_FIELD_STRING, BEAT(job_tube, const char *), AS_TEXT, WORKING },
	{ "job_since", BSC_FIELD_FLOAT, BEAT(job_since, double), AS_MICROS, WORKING },
	{ "processed", BSC_FIELD_INT, BEAT(processed, uint64_t), AS_COUNT, ALWAYS },
	{ "failed", BSC_FIELD_INT, BEAT(failed, uint64_t), AS_COUNT, ALWAYS },
	{ "released", BSC_FIELD_INT, BEAT(released, uint64_t), AS_COUNT, ALWAYS },
	{ "buried", BSC_FIELD_INT, BEAT(buried, uint64_t), AS_COUNT, ALWAYS },
	{ "deleted", BSC_FIELD_INT, BEAT(deleted, uint64_t), AS_COUNT, ALWAYS },
	{ "jobs_per_sec", BSC_FIELD_FLOAT, BEAT(jobs_per_sec, double), AS_MILLIS, ALWAYS },
	{ "job_duration_p50", BSC_FIELD_FLOAT, BEAT(duration_p50, double), AS_MICROS, ALWAYS },
	{ "job_duration_p99", BSC_FIELD_FLOAT, BEAT(duration_p99, double), AS_MICROS, ALWAYS },
	{ "memory", BSC_FIELD_INT, BEAT(memory, uint64_t), AS_COUNT, ALWAYS },
	{ "rss", BSC_FIELD_INT, BEAT(rss, uint64_t), AS_COUNT, ALWAYS },
	{ "rtt", BSC_FIELD_FLOAT, BEAT(rtt, double), AS_MICROS, ALWAYS },
	{ "beat_at", BSC_FIELD_FLOAT, BEAT(beat_at, double), AS_MICROS, ALWAYS },
	{ "stop_reason", BSC_FIELD_INT, BEAT(stop_reason, int), AS_INT, LAST },
};
#define FIELD_COUNT (sizeof(fields) / sizeof(fields[0]))

const char *bsc_status_field_name(size_t i)
{
	return i < FIELD_COUNT ? fields[i].name : NULL;
}

bsc_status_field_kind bsc_status_field(const char *name, size_t len)
{
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		if (strlen(fields[i].name) == len && memcmp(fields[i].name, name, len) == 0) {
			return fields[i].kind;
		}
	}
	return BSC_FIELD_UNKNOWN;
}
/* }}} */

/* {{{ the beat */
static const char *const state_names[] = { "waiting", "working", "stopped" };

static void beat_value(bsc_resp *req, const struct beat_field *field, const bsc_status_identity *who, const bsc_status_figures *f)
{
	const char *at = (field->of_who ? (const char *)who : (const char *)f) + field->offset;

	if (field->when == WORKING && f->state != BSC_STATUS_WORKING) {
		bsc_resp_str(req, "");
		return;
	}
	switch (field->as) {
	case AS_TEXT:
		bsc_resp_str(req, *(const char *const *)(const void *)at);
		break;
	case AS_COUNT:
		bsc_resp_argf(req, "%llu", (unsigned long long)*(const uint64_t *)(const void *)at);
		break;
	case AS_LONG:
		bsc_resp_argf(req, "%ld", *(const long *)(const void *)at);
		break;
	case AS_INT:
		bsc_resp_argf(req, "%d", *(const int *)(const void *)at);
		break;
	case AS_MICROS:
		bsc_resp_argf(req, "%.6f", *(const double *)(const void *)at);
		break;
	case AS_MILLIS:
		bsc_resp_argf(req, "%.3f", *(const double *)(const void *)at);
		break;
	case AS_STATE:
		bsc_resp_str(req, state_names[*(const bsc_status_state *)(const void *)at]);
		break;
	}
}

/* The HSET of the hash's fields: every one, but the last beat's own only
 * in the last beat. */
static void beat_fields(bsc_resp *req, const char *key, const bsc_status_identity *who, const bsc_status_figures *f, bool last)
{
	size_t n = 0;

	for (size_t i = 0; i < FIELD_COUNT; i++) {
		n += last || fields[i].when != LAST;
	}
	bsc_resp_begin(req, 2 + 2 * n);
	bsc_resp_str(req, "HSET");
	bsc_resp_str(req, key);
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		if (last || fields[i].when != LAST) {
			bsc_resp_str(req, fields[i].name);
			beat_value(req, &fields[i], who, f);
		}
	}
}

void bsc_status_beat_request(bsc_resp *req, const bsc_status_identity *who, const bsc_status_figures *f, bool last)
{
	char key[KEY_MAX], set[KEY_MAX];
	long long ttl_ms = llround(who->interval * BSC_STATUS_TTL_BEATS * 1000);

	bsc_status_key_worker(key, sizeof(key), who->prefix, who->id);
	bsc_status_key_workers(set, sizeof(set), who->prefix);
	beat_fields(req, key, who, f, last);
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
