/*
 * Tests of src/stats: the line parser of the YAML that beanstalkd answers
 * stats, stats-tube, stats-job and list-tubes with, on the bodies 1.12 and
 * 1.13 really send and on bodies that are not what beanstalkd sends.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/proto/stats.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body of `stats` from the Debian 1.12 server, as it came (trailing
 * newline included): unquoted hostname/os/platform, an "os" value that a
 * real YAML parser takes for a comment. */
static const char stats_112[] =
	"---\ncurrent-jobs-urgent: 0\ncurrent-jobs-ready: 25004\ncurrent-jobs-reserved: 0\n"
	"current-jobs-delayed: 0\ncurrent-jobs-buried: 0\ncmd-put: 25019\njob-timeouts: 0\n"
	"total-jobs: 25018\nmax-job-size: 65535\ncurrent-tubes: 2\ncurrent-connections: 1\n"
	"pid: 9303\nversion: \"1.12\"\nrusage-utime: 0.084318\nrusage-stime: 3.943248\n"
	"uptime: 241\nbinlog-max-size: 10485760\ndraining: false\nid: 656d595a4f6cd2a1\n"
	"hostname: vm\nos: #1 SMP PREEMPT_DYNAMIC @0\nplatform: x86_64\n";

/* {{{ collecting what the parser hands out */
#define MAX_STATS 64

/* One stat, copied out of the body (the body's pointers are checked to
 * point into it where that matters). */
typedef struct {
	char key[64];
	bsc_value_type type;
	int64_t i;
	double d;
	char str[128];
	size_t str_len;
} stat_copy;

typedef struct {
	stat_copy stats[MAX_STATS];
	size_t count;
	size_t stop_after;   /* 0: never stop */
	const char *body;    /* to check that str points into it */
	size_t body_len;
	bool outside;        /* a key or a string pointed outside the body */
} collector;

static bool inside(const collector *col, const char *p, size_t len)
{
	return p >= col->body && p + len <= col->body + col->body_len;
}

static bool collect(const bsc_stat *stat, void *ctx)
{
	collector *col = ctx;

	if (!inside(col, stat->key, stat->key_len)
			|| (stat->type == BSC_VALUE_STRING && !inside(col, stat->str, stat->str_len))) {
		col->outside = true;
		return false;
	}
	if (col->count < MAX_STATS) {
		stat_copy *s = &col->stats[col->count];
		snprintf(s->key, sizeof(s->key), "%.*s", (int)stat->key_len, stat->key);
		s->type = stat->type;
		s->i = stat->i;
		s->d = stat->d;
		s->str_len = stat->type == BSC_VALUE_STRING ? stat->str_len : 0;
		snprintf(s->str, sizeof(s->str), "%.*s", (int)s->str_len, stat->type == BSC_VALUE_STRING ? stat->str : "");
	}
	col->count++;
	return col->stop_after == 0 || col->count < col->stop_after;
}

static bool parse(collector *col, const char *body, size_t len, bsc_stats_kind kind)
{
	memset(col, 0, sizeof(*col));
	col->body = body;
	col->body_len = len;
	return bsc_stats_parse(body, len, kind, collect, col);
}

#define PARSE(col, lit, kind) parse((col), (lit), sizeof(lit) - 1, (kind))

static const stat_copy *find(const collector *col, const char *key)
{
	for (size_t i = 0; i < col->count && i < MAX_STATS; i++) {
		if (strcmp(col->stats[i].key, key) == 0) {
			return &col->stats[i];
		}
	}
	return NULL;
}

static const char *type_name(bsc_value_type t)
{
	switch (t) {
	case BSC_VALUE_INT: return "INT";
	case BSC_VALUE_FLOAT: return "FLOAT";
	case BSC_VALUE_BOOL: return "BOOL";
	case BSC_VALUE_STRING: return "STRING";
	}
	return "(not a type)";
}

static bool check_int(const collector *col, const char *key, int64_t want, const char *file, int line)
{
	const stat_copy *s = find(col, key);

	if (!unit_check(s != NULL, file, line, "no \"%s\"", key)) {
		return false;
	}
	return unit_check(s->type == BSC_VALUE_INT && s->i == want, file, line, "\"%s\" is %s %lld \"%s\", want INT %lld",
		key, type_name(s->type), (long long)s->i, s->str, (long long)want);
}

static bool check_string(const collector *col, const char *key, const char *want, const char *file, int line)
{
	const stat_copy *s = find(col, key);

	if (!unit_check(s != NULL, file, line, "no \"%s\"", key)) {
		return false;
	}
	return unit_check(s->type == BSC_VALUE_STRING && s->str_len == strlen(want) && strcmp(s->str, want) == 0,
		file, line, "\"%s\" is %s \"%s\" (%zu bytes), want STRING \"%s\"", key, type_name(s->type), s->str, s->str_len, want);
}

static bool check_float(const collector *col, const char *key, double want, const char *file, int line)
{
	const stat_copy *s = find(col, key);

	if (!unit_check(s != NULL, file, line, "no \"%s\"", key)) {
		return false;
	}
	/* Both sides come from the same decimal text: they are equal. */
	return unit_check(s->type == BSC_VALUE_FLOAT && s->d == want, file, line, "\"%s\" is %s %.9g, want FLOAT %.9g",
		key, type_name(s->type), s->d, want);
}

static bool check_bool(const collector *col, const char *key, bool want, const char *file, int line)
{
	const stat_copy *s = find(col, key);

	if (!unit_check(s != NULL, file, line, "no \"%s\"", key)) {
		return false;
	}
	return unit_check(s->type == BSC_VALUE_BOOL && s->i == (want ? 1 : 0), file, line, "\"%s\" is %s %lld, want BOOL %s",
		key, type_name(s->type), (long long)s->i, want ? "true" : "false");
}

#define CHECK_INT(col, key, want) check_int((col), (key), (want), __FILE__, __LINE__)
#define CHECK_STRING(col, key, want) check_string((col), (key), (want), __FILE__, __LINE__)
#define CHECK_FLOAT(col, key, want) check_float((col), (key), (want), __FILE__, __LINE__)
#define CHECK_BOOL(col, key, want) check_bool((col), (key), (want), __FILE__, __LINE__)
/* }}} */

/* {{{ stats */
static void test_stats_112_body(void)
{
	static const char *const keys[] = {
		"current-jobs-urgent", "current-jobs-ready", "current-jobs-reserved", "current-jobs-delayed",
		"current-jobs-buried", "cmd-put", "job-timeouts", "total-jobs", "max-job-size", "current-tubes",
		"current-connections", "pid", "version", "rusage-utime", "rusage-stime", "uptime", "binlog-max-size",
		"draining", "id", "hostname", "os", "platform",
	};
	collector col;

	if (!CHECK(PARSE(&col, stats_112, BSC_STATS_SERVER))) {
		return;
	}
	CHECK(!col.outside);
	/* Every line, once, in the order of the body. */
	if (CHECK_U64(col.count, sizeof(keys) / sizeof(keys[0]))) {
		for (size_t i = 0; i < col.count; i++) {
			CHECK_STR(col.stats[i].key, keys[i]);
		}
	}
	CHECK_INT(&col, "current-jobs-urgent", 0);
	CHECK_INT(&col, "current-jobs-ready", 25004);
	CHECK_INT(&col, "cmd-put", 25019);
	CHECK_INT(&col, "total-jobs", 25018);
	CHECK_INT(&col, "max-job-size", 65535);
	CHECK_INT(&col, "current-tubes", 2);
	CHECK_INT(&col, "pid", 9303);
	CHECK_INT(&col, "uptime", 241);
	CHECK_INT(&col, "binlog-max-size", 10485760);
	CHECK_STRING(&col, "version", "1.12");
	CHECK_FLOAT(&col, "rusage-utime", 0.084318);
	CHECK_FLOAT(&col, "rusage-stime", 3.943248);
	CHECK_BOOL(&col, "draining", false);
	CHECK_STRING(&col, "id", "656d595a4f6cd2a1");
	CHECK_STRING(&col, "hostname", "vm");
	/* Not a YAML comment here: the whole rest of the line. */
	CHECK_STRING(&col, "os", "#1 SMP PREEMPT_DYNAMIC @0");
	CHECK_STRING(&col, "platform", "x86_64");
}

static void test_stats_113_quoted_strings(void)
{
	static const char body[] =
		"---\ncurrent-jobs-ready: 3\nversion: \"1.13\"\nrusage-utime: 0.000000\nrusage-stime: 12.500000\n"
		"draining: true\nid: \"c0ffee0000000001\"\nhostname: \"vm\"\nos: \"#1 SMP\"\nplatform: \"x86_64\"\n";
	collector col;

	if (!CHECK(PARSE(&col, body, BSC_STATS_SERVER))) {
		return;
	}
	CHECK(!col.outside);
	CHECK_U64(col.count, 9);
	CHECK_INT(&col, "current-jobs-ready", 3);
	/* The quotes go; what is inside stays. */
	CHECK_STRING(&col, "version", "1.13");
	CHECK_STRING(&col, "hostname", "vm");
	CHECK_STRING(&col, "os", "#1 SMP");
	CHECK_STRING(&col, "platform", "x86_64");
	CHECK_STRING(&col, "id", "c0ffee0000000001");
	CHECK_FLOAT(&col, "rusage-utime", 0.0);
	CHECK_FLOAT(&col, "rusage-stime", 12.5);
	CHECK_BOOL(&col, "draining", true);
}

static void test_stats_server_id_is_a_string(void)
{
	/* The server id is 16 random hex digits: sometimes all of them are
	 * decimal digits, and it is still a name, leading zeros and all. */
	static const char body[] = "---\nid: 0123456789012345\n";
	static const char quoted[] = "---\nid: \"8765432109876543\"\n";
	collector col;

	if (CHECK(PARSE(&col, body, BSC_STATS_SERVER))) {
		CHECK_STRING(&col, "id", "0123456789012345");
	}
	if (CHECK(PARSE(&col, quoted, BSC_STATS_SERVER))) {
		CHECK_STRING(&col, "id", "8765432109876543");
	}
}

static void test_stats_typing_by_key(void)
{
	static const char body[] =
		"---\n"
		"rusage-utime: 7\n"            /* no dot: still a float */
		"rusage-stime: 1.5\n"
		"draining: false\n"
		"future-counter: 123\n"         /* unknown keys: digits are an INT */
		"future-name: hello world\n"    /* anything else a STRING */
		"future-number: 1.5\n"          /* a decimal under an unknown key stays text */
		"future-quoted: \"x: y\"\n"     /* the first ": " splits; the rest is the value */
		"current-waiting: 4.0\n"        /* a server counter printed as a decimal */
		"cmd-peek: 2.0\n"
		"big: 999999999999999999\n"     /* 18 digits */
		"negative: -3\n"               /* an integer with its minus is an INT too */
		"lowest: -9223372036854775808\n"
		"too-low: -9223372036854775809\n"
		"minus: -\n"
		"empty:\n";
	collector col;

	if (!CHECK(PARSE(&col, body, BSC_STATS_SERVER))) {
		return;
	}
	CHECK(!col.outside);
	CHECK_U64(col.count, 15);
	CHECK_FLOAT(&col, "rusage-utime", 7.0);
	CHECK_FLOAT(&col, "rusage-stime", 1.5);
	CHECK_BOOL(&col, "draining", false);
	CHECK_INT(&col, "future-counter", 123);
	CHECK_STRING(&col, "future-name", "hello world");
	CHECK_STRING(&col, "future-number", "1.5");
	CHECK_STRING(&col, "future-quoted", "x: y");
	CHECK_INT(&col, "current-waiting", 4);
	CHECK_INT(&col, "cmd-peek", 2);
	CHECK_INT(&col, "big", 999999999999999999LL);
	CHECK_INT(&col, "negative", -3);
	CHECK_INT(&col, "lowest", INT64_MIN);
	CHECK_STRING(&col, "too-low", "-9223372036854775809");
	CHECK_STRING(&col, "minus", "-");
	CHECK_STRING(&col, "empty", "");
}

static void test_stats_draining_values(void)
{
	static const char t[] = "---\ndraining: true\n";
	static const char f[] = "---\ndraining: false\n";
	static const char quoted[] = "---\ndraining: \"true\"\n";
	static const char other[] = "---\ndraining: yes\n";
	collector col;

	if (CHECK(PARSE(&col, t, BSC_STATS_SERVER))) {
		CHECK_BOOL(&col, "draining", true);
	}
	if (CHECK(PARSE(&col, f, BSC_STATS_SERVER))) {
		CHECK_BOOL(&col, "draining", false);
	}
	if (CHECK(PARSE(&col, quoted, BSC_STATS_SERVER))) {
		CHECK_BOOL(&col, "draining", true);
	}
	/* Only "true" is true. */
	if (CHECK(PARSE(&col, other, BSC_STATS_SERVER))) {
		CHECK_BOOL(&col, "draining", false);
	}
}

/* A counter longer than 18 digits still fits an int64 up to 2^63 - 1 and
 * must come out exact, not rounded through a double; beyond that it cannot
 * be an INT at all. */
static void test_stats_wide_integers(void)
{
	static const char server[] = "---\ncmd-put: 1000000000000000001\nfuture: 9223372036854775807\n"
		"huge: 9223372036854775808\nhuger: 18446744073709551615\n";
	static const char job[] = "---\nid: 1000000000000000001\nreserves: 9223372036854775807\n"
		"kicks: 18446744073709551615\n";
	collector col;

	if (CHECK(PARSE(&col, server, BSC_STATS_SERVER))) {
		CHECK_INT(&col, "cmd-put", 1000000000000000001LL);
		CHECK_INT(&col, "future", INT64_MAX);
		CHECK_STRING(&col, "huge", "9223372036854775808");
		CHECK_STRING(&col, "huger", "18446744073709551615");
	}
	if (CHECK(PARSE(&col, job, BSC_STATS_JOB))) {
		CHECK_INT(&col, "id", 1000000000000000001LL);
		CHECK_INT(&col, "reserves", INT64_MAX);
		CHECK_STRING(&col, "kicks", "18446744073709551615");
	}
}
/* }}} */

/* {{{ stats-tube and stats-job */
static void test_stats_tube(void)
{
	static const char body_112[] =
		"---\nname: default\ncurrent-jobs-urgent: 0\ncurrent-jobs-ready: 2\ncurrent-jobs-reserved: 0\n"
		"current-jobs-delayed: 0\ncurrent-jobs-buried: 0\ntotal-jobs: 2\ncurrent-using: 1\n"
		"current-watching: 1\ncurrent-waiting: 0\ncmd-delete: 0\ncmd-pause-tube: 1\npause: 60\n"
		"pause-time-left: 59\n";
	static const char body_113[] = "---\nname: \"jobs.v2\"\npause: 0\npause-time-left: 0\n";
	/* A tube whose name is all digits is still a name. */
	static const char digits[] = "---\nname: 2024\ncurrent-jobs-ready: 1\n";
	collector col;

	if (CHECK(PARSE(&col, body_112, BSC_STATS_TUBE))) {
		CHECK(!col.outside);
		CHECK_U64(col.count, 14);
		CHECK_STRING(&col, "name", "default");
		CHECK_INT(&col, "current-jobs-ready", 2);
		CHECK_INT(&col, "current-using", 1);
		CHECK_INT(&col, "cmd-pause-tube", 1);
		CHECK_INT(&col, "pause", 60);
		CHECK_INT(&col, "pause-time-left", 59);
	}
	if (CHECK(PARSE(&col, body_113, BSC_STATS_TUBE))) {
		CHECK_STRING(&col, "name", "jobs.v2");
		CHECK_INT(&col, "pause", 0);
		CHECK_INT(&col, "pause-time-left", 0);
	}
	if (CHECK(PARSE(&col, digits, BSC_STATS_TUBE))) {
		CHECK_STRING(&col, "name", "2024");
		CHECK_INT(&col, "current-jobs-ready", 1);
	}
}

static void test_stats_job(void)
{
	static const char body_112[] =
		"---\nid: 18\ntube: default\nstate: ready\npri: 1024\nage: 3\ndelay: 0\nttr: 60\n"
		"time-left: 0\nfile: 0\nreserves: 0\ntimeouts: 0\nreleases: 0\nburies: 0\nkicks: 0\n";
	static const char body_113[] = "---\nid: 7\ntube: \"q\"\nstate: \"reserved\"\ntime-left: 59\n";
	/* Some builds print job times and counters as decimals (pheanstalk
	 * casts them, PR #308): they are still counts. */
	static const char decimals[] = "---\nid: 9\ntube: 123\nstate: delayed\nreserves: 2.0\nage: 4.75\n"
		"time-left: 0.000000\nbig: 1e3\nratio: 0.5\n";
	collector col;

	if (CHECK(PARSE(&col, body_112, BSC_STATS_JOB))) {
		CHECK(!col.outside);
		CHECK_U64(col.count, 14);
		/* Unlike the server id, a job id is a number. */
		CHECK_INT(&col, "id", 18);
		CHECK_STRING(&col, "tube", "default");
		CHECK_STRING(&col, "state", "ready");
		CHECK_INT(&col, "pri", 1024);
		CHECK_INT(&col, "ttr", 60);
		CHECK_INT(&col, "kicks", 0);
	}
	if (CHECK(PARSE(&col, body_113, BSC_STATS_JOB))) {
		CHECK_INT(&col, "id", 7);
		CHECK_STRING(&col, "tube", "q");
		CHECK_STRING(&col, "state", "reserved");
		CHECK_INT(&col, "time-left", 59);
	}
	if (CHECK(PARSE(&col, decimals, BSC_STATS_JOB))) {
		CHECK_INT(&col, "id", 9);
		CHECK_STRING(&col, "tube", "123");
		CHECK_STRING(&col, "state", "delayed");
		CHECK_INT(&col, "reserves", 2);
		CHECK_INT(&col, "age", 4);
		CHECK_INT(&col, "time-left", 0);
		CHECK_STRING(&col, "big", "1e3");
		/* A key a newer server adds: its fraction is not cut to an int. */
		CHECK_STRING(&col, "ratio", "0.5");
	}
}

/* The same key means different things in different answers. */
static void test_stats_kind_decides(void)
{
	static const char body[] = "---\nid: 42\nreserves: 2.0\n";
	collector col;

	if (CHECK(PARSE(&col, body, BSC_STATS_SERVER))) {
		CHECK_STRING(&col, "id", "42");
		CHECK_STRING(&col, "reserves", "2.0");
	}
	if (CHECK(PARSE(&col, body, BSC_STATS_JOB))) {
		CHECK_INT(&col, "id", 42);
		CHECK_INT(&col, "reserves", 2);
	}
	/* Not a tube counter: a decimal under it keeps its text. */
	if (CHECK(PARSE(&col, body, BSC_STATS_TUBE))) {
		CHECK_INT(&col, "id", 42);
		CHECK_STRING(&col, "reserves", "2.0");
	}
}
/* }}} */

/* {{{ the shape of the body */
static void test_stats_empty_values_and_lines(void)
{
	/* "key:" alone is an empty string; blank lines are skipped; the last
	 * line may lack its newline. */
	static const char body[] = "---\nhostname:\n\ncurrent-jobs-ready: 5\nos: \"\"\nuptime: 9";
	collector col;

	if (!CHECK(PARSE(&col, body, BSC_STATS_SERVER))) {
		return;
	}
	CHECK(!col.outside);
	CHECK_U64(col.count, 4);
	CHECK_STRING(&col, "hostname", "");
	CHECK_INT(&col, "current-jobs-ready", 5);
	CHECK_STRING(&col, "os", "");
	CHECK_INT(&col, "uptime", 9);

	/* An empty document is a document. */
	CHECK(PARSE(&col, "---\n", BSC_STATS_SERVER));
	CHECK_U64(col.count, 0);
}

static void test_stats_malformed(void)
{
	static const struct {
		const char *body;
		const char *why;
	} bad[] = {
		{ "", "empty" },
		{ "---", "no newline after ---" },
		{ "--\nid: 1\n", "not ---" },
		{ "id: 1\n", "no --- line" },
		{ " ---\nid: 1\n", "--- not first" },
		{ "---\r\nid: 1\n", "CRLF after ---" },
		{ "---\nid 1\n", "no colon" },
		{ "---\nid:1\n", "no space after the colon" },
		{ "---\n: 1\n", "empty key" },
		{ "---\n:\n", "empty key and value" },
		{ "---\nuptime: 1\n- default\n", "a list item" },
		{ "---\nuptime: 1\nbroken", "a last line without a colon" },
	};
	collector col;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_MSG(!parse(&col, bad[i].body, strlen(bad[i].body), BSC_STATS_SERVER), "%s: parsed", bad[i].why);
	}
	/* The lines before the bad one were handed out already. */
	CHECK(!parse(&col, "---\nuptime: 1\nbroken\n", 21, BSC_STATS_JOB));
	CHECK_U64(col.count, 1);

	/* Only len bytes count: the same text cut before its bad line parses. */
	CHECK(parse(&col, "---\nuptime: 1\nbroken\n", 14, BSC_STATS_TUBE));
	CHECK_U64(col.count, 1);
}

static void test_stats_callback_stops(void)
{
	collector col;

	memset(&col, 0, sizeof(col));
	col.body = stats_112;
	col.body_len = sizeof(stats_112) - 1;
	col.stop_after = 3;
	/* Stopping is not an error... */
	CHECK(bsc_stats_parse(stats_112, sizeof(stats_112) - 1, BSC_STATS_SERVER, collect, &col));
	CHECK_U64(col.count, 3);
	CHECK_STR(col.stats[2].key, "current-jobs-reserved");

	/* ...and nothing after the stop is looked at, not even a bad line. */
	static const char bad_tail[] = "---\nuptime: 1\nbroken\n";
	memset(&col, 0, sizeof(col));
	col.body = bad_tail;
	col.body_len = sizeof(bad_tail) - 1;
	col.stop_after = 1;
	CHECK(bsc_stats_parse(bad_tail, sizeof(bad_tail) - 1, BSC_STATS_SERVER, collect, &col));
	CHECK_U64(col.count, 1);
}

/* The parser reads len bytes and not one more: a body that is not
 * NUL-terminated, at the very end of its buffer, with every prefix. */
static void test_stats_reads_only_len(void)
{
	size_t len = sizeof(stats_112) - 1;
	char *copy = malloc(len);
	collector col;

	if (!CHECK(copy != NULL)) {
		return;
	}
	memcpy(copy, stats_112, len);
	/* Whether a prefix parses depends on where it cuts its last line; what
	 * matters here is that no byte past it is read (ASan watches) and that
	 * every key and string points into it. */
	for (size_t n = 0; n <= len; n++) {
		parse(&col, copy + len - n, n, BSC_STATS_SERVER);
		CHECK(!col.outside);
	}
	for (size_t n = 0; n <= len; n++) {
		char *tail = malloc(n ? n : 1);
		if (!CHECK(tail != NULL)) {
			break;
		}
		memcpy(tail, copy, n);
		parse(&col, tail, n, BSC_STATS_SERVER);
		CHECK(!col.outside);
		free(tail);
	}
	CHECK(parse(&col, copy, len, BSC_STATS_SERVER));
	CHECK_U64(col.count, 22);
	free(copy);
}
/* }}} */

/* {{{ lists */
#define MAX_ITEMS 16

typedef struct {
	char items[MAX_ITEMS][256];
	size_t lens[MAX_ITEMS];
	size_t count;
	size_t stop_after;
} item_collector;

static bool collect_item(const char *item, size_t len, void *ctx)
{
	item_collector *col = ctx;

	if (col->count < MAX_ITEMS) {
		snprintf(col->items[col->count], sizeof(col->items[0]), "%.*s", (int)len, item);
		col->lens[col->count] = len;
	}
	col->count++;
	return col->stop_after == 0 || col->count < col->stop_after;
}

static bool parse_list(item_collector *col, const char *body, size_t len)
{
	memset(col, 0, sizeof(*col));
	return bsc_list_parse(body, len, collect_item, col);
}

#define PARSE_LIST(col, lit) parse_list((col), (lit), sizeof(lit) - 1)

static void test_list(void)
{
	item_collector col;

	if (CHECK(PARSE_LIST(&col, "---\n- default\n- t1\n")) && CHECK_U64(col.count, 2)) {
		CHECK_STR(col.items[0], "default");
		CHECK_STR(col.items[1], "t1");
	}
	/* 1.13 quotes the names. */
	if (CHECK(PARSE_LIST(&col, "---\n- \"default\"\n- \"a-b\"\n- \"(x)\"\n")) && CHECK_U64(col.count, 3)) {
		CHECK_STR(col.items[0], "default");
		CHECK_STR(col.items[1], "a-b");
		CHECK_STR(col.items[2], "(x)");
	}
	/* Digits stay a name; the last line may lack its newline. */
	if (CHECK(PARSE_LIST(&col, "---\n- 2024\n\n- x")) && CHECK_U64(col.count, 2)) {
		CHECK_STR(col.items[0], "2024");
		CHECK_STR(col.items[1], "x");
	}
	/* A lone quote is not a pair of quotes. */
	if (CHECK(PARSE_LIST(&col, "---\n- \"\n- \"\"\n")) && CHECK_U64(col.count, 2)) {
		CHECK_STR(col.items[0], "\"");
		CHECK_U64(col.lens[1], 0);
	}
	/* No tubes at all. */
	CHECK(PARSE_LIST(&col, "---\n"));
	CHECK_U64(col.count, 0);
}

static void test_list_malformed(void)
{
	static const char *const bad[] = {
		"",
		"---",
		"- default\n",
		"---\n-default\n",
		"---\n- \n",
		"---\n-\n",
		"---\n default\n",
		"---\n- default\nname: default\n",
		"---\n- a\n  - b\n",
	};
	item_collector col;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char esc[200];
		CHECK_MSG(!parse_list(&col, bad[i], strlen(bad[i])), "\"%s\" parsed",
			unit_escape(bad[i], strlen(bad[i]), esc, sizeof(esc)));
	}
}

static void test_list_callback_stops(void)
{
	static const char body[] = "---\n- a\n- b\nnot an item\n";
	item_collector col;

	memset(&col, 0, sizeof(col));
	col.stop_after = 2;
	CHECK(bsc_list_parse(body, sizeof(body) - 1, collect_item, &col));
	CHECK_U64(col.count, 2);
	CHECK_STR(col.items[1], "b");
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_stats_112_body),
	UNIT_TEST(test_stats_113_quoted_strings),
	UNIT_TEST(test_stats_server_id_is_a_string),
	UNIT_TEST(test_stats_typing_by_key),
	UNIT_TEST(test_stats_draining_values),
	UNIT_TEST(test_stats_wide_integers),
	UNIT_TEST(test_stats_tube),
	UNIT_TEST(test_stats_job),
	UNIT_TEST(test_stats_kind_decides),
	UNIT_TEST(test_stats_empty_values_and_lines),
	UNIT_TEST(test_stats_malformed),
	UNIT_TEST(test_stats_callback_stops),
	UNIT_TEST(test_stats_reads_only_len),
	UNIT_TEST(test_list),
	UNIT_TEST(test_list_malformed),
	UNIT_TEST(test_list_callback_stops),
};

const unit_suite stats_suite = UNIT_SUITE("stats", tests);
