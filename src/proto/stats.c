/*
 * beanstalkd's stats and list YAML. See stats.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/proto/stats.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Keys whose values are names or ids, not numbers. */
static const char *const string_keys[] = {
	"version", "hostname", "os", "platform", "name", "tube", "state", NULL
};

/* Counters of stats-job and stats-tube that are not named by a prefix. */
static const char *const job_counters[] = {
	"pri", "age", "delay", "ttr", "time-left", "file", "reserves", "timeouts", "releases", "buries", "kicks", NULL
};
static const char *const tube_counters[] = {
	"total-jobs", "cmd-delete", "cmd-pause-tube", "pause", "pause-time-left", NULL
};

static bool key_is(const char *key, size_t len, const char *name)
{
	return strlen(name) == len && memcmp(key, name, len) == 0;
}

static bool key_starts(const char *key, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len > plen && memcmp(key, prefix, plen) == 0;
}

static bool key_in(const char *key, size_t len, const char *const *names)
{
	for (; *names; names++) {
		if (key_is(key, len, *names)) {
			return true;
		}
	}
	return false;
}

/* An integer, with a leading minus or not, that fits an int64: exactly, as
 * a longer number sent on through parse_decimal() would come back rounded
 * to a double's 53 bits. */
static bool parse_int64(const char *s, size_t len, int64_t *out)
{
	bool negative = len > 0 && s[0] == '-';
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t n = 0;

	if (negative) {
		s++;
		len--;
	}
	if (len == 0 || len > 19) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return false;
		}
		uint64_t d = (uint64_t)(s[i] - '0');
		if (n > (limit - d) / 10) {
			return false;
		}
		n = n * 10 + d;
	}
	*out = negative ? (int64_t)(0 - n) : (int64_t)n;
	return true;
}

/* A decimal like "0.123456" (what beanstalkd prints for rusage, and what
 * some builds print for job times). */
static bool parse_decimal(const char *s, size_t len, double *out)
{
	char buf[64];
	char *end;

	if (len == 0 || len >= sizeof(buf)) {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || (i == 0 && s[i] == '-'))) {
			return false;
		}
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = strtod(buf, &end);
	return end == buf + len;
}

/* A counter this client knows in this answer. */
static bool is_counter(bsc_stats_kind kind, const char *key, size_t len)
{
	switch (kind) {
	case BSC_STATS_JOB:
		return key_in(key, len, job_counters);
	case BSC_STATS_TUBE:
		return key_starts(key, len, "current-") || key_in(key, len, tube_counters);
	default:
		return key_starts(key, len, "cmd-") || key_starts(key, len, "current-");
	}
}

static void type_value(bsc_stats_kind kind, bsc_stat *st, const char *v, size_t vlen)
{
	/* 1.13 quotes its strings; 1.12 does not. */
	if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
		v++;
		vlen -= 2;
	}
	st->str = v;
	st->str_len = vlen;
	st->type = BSC_VALUE_STRING;

	const char *k = st->key;
	size_t klen = st->key_len;
	double d;
	if (key_in(k, klen, string_keys) || (kind == BSC_STATS_SERVER && key_is(k, klen, "id"))) {
		return;
	}
	if (key_is(k, klen, "draining")) {
		st->type = BSC_VALUE_BOOL;
		st->i = key_is(v, vlen, "true");
		return;
	}
	if (klen > 7 && memcmp(k, "rusage-", 7) == 0 && parse_decimal(v, vlen, &d)) {
		st->type = BSC_VALUE_FLOAT;
		st->d = d;
		return;
	}
	if (parse_int64(v, vlen, &st->i)) {
		st->type = BSC_VALUE_INT;
		return;
	}
	/* A known counter printed as a decimal (seen on some builds): an int.
	 * A key this client does not know keeps its text: a newer server's
	 * fraction must not come through cut to an int. */
	if (is_counter(kind, k, klen) && parse_decimal(v, vlen, &d) && d >= 0 && d < 9.2e18) {
		st->type = BSC_VALUE_INT;
		st->i = (int64_t)d;
	}
}

/* The lines of a YAML document after its "---" line. */
static const char *first_line(const char *body, size_t len)
{
	if (len < 4 || memcmp(body, "---\n", 4) != 0) {
		return NULL;
	}
	return body + 4;
}

bool bsc_stats_parse(const char *body, size_t len, bsc_stats_kind kind, bsc_stat_fn fn, void *ctx)
{
	const char *end = body + len;
	const char *line = first_line(body, len);

	if (!line) {
		return false;
	}
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		if (eol > line) {
			const char *colon = memchr(line, ':', (size_t)(eol - line));
			const char *v;
			if (!colon || colon == line) {
				return false;
			}
			if (colon + 1 == eol) {
				v = eol;               /* "key:" with an empty value */
			} else if (colon[1] == ' ') {
				v = colon + 2;
			} else {
				return false;
			}
			bsc_stat st;
			memset(&st, 0, sizeof(st));
			st.key = line;
			st.key_len = (size_t)(colon - line);
			type_value(kind, &st, v, (size_t)(eol - v));
			if (!fn(&st, ctx)) {
				return true;
			}
		}
		line = eol + 1;
	}
	return true;
}

bool bsc_list_parse(const char *body, size_t len, bsc_item_fn fn, void *ctx)
{
	const char *end = body + len;
	const char *line = first_line(body, len);

	if (!line) {
		return false;
	}
	while (line < end) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		if (eol > line) {
			if (eol - line < 3 || line[0] != '-' || line[1] != ' ') {
				return false;
			}
			const char *item = line + 2;
			size_t ilen = (size_t)(eol - item);
			if (ilen >= 2 && item[0] == '"' && item[ilen - 1] == '"') {
				item++;
				ilen -= 2;
			}
			if (!fn(item, ilen, ctx)) {
				return true;
			}
		}
		line = eol + 1;
	}
	return true;
}

bool bsc_stat_key_is(const bsc_stat *stat, const char *name)
{
	return key_is(stat->key, stat->key_len, name);
}

/* {{{ a job's stats */
static const struct {
	const char *key;
	size_t offset;
} job_numbers[] = {
	{ "pri", offsetof(bsc_job_stats, pri) },
	{ "ttr", offsetof(bsc_job_stats, ttr) },
	{ "time-left", offsetof(bsc_job_stats, time_left) },
	{ "reserves", offsetof(bsc_job_stats, reserves) },
	{ "releases", offsetof(bsc_job_stats, releases) },
	{ "age", offsetof(bsc_job_stats, age) },
	{ "delay", offsetof(bsc_job_stats, delay) },
};

static bool note_job_stat(const bsc_stat *st, void *ctx)
{
	bsc_job_stats *js = ctx;

	if (st->type == BSC_VALUE_STRING) {
		if (bsc_stat_key_is(st, "state")) {
			snprintf(js->state, sizeof(js->state), "%.*s", (int)st->str_len, st->str);
		} else if (bsc_stat_key_is(st, "tube")) {
			snprintf(js->tube, sizeof(js->tube), "%.*s", (int)st->str_len, st->str);
		}
		return true;
	}
	for (size_t i = 0; i < sizeof(job_numbers) / sizeof(job_numbers[0]); i++) {
		if (bsc_stat_key_is(st, job_numbers[i].key)) {
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
	out->pri = out->ttr = out->time_left = out->reserves = out->releases = out->age = out->delay = -1;
	return bsc_stats_parse(body, len, BSC_STATS_JOB, note_job_stat, out) && out->state[0] != '\0';
}
/* }}} */
