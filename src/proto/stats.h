/*
 * The YAML that beanstalkd answers stats and list commands with: a line
 * parser (not a YAML parser), typed by key, for 1.12 (unquoted strings, an
 * "os" value starting with '#') and 1.13 (quoted strings) alike.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_STATS_H
#define BSC_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "src/proto/proto.h"

typedef enum {
	BSC_STATS_SERVER,   /* stats */
	BSC_STATS_TUBE,     /* stats-tube */
	BSC_STATS_JOB       /* stats-job */
} bsc_stats_kind;

typedef enum {
	BSC_VALUE_INT,
	BSC_VALUE_FLOAT,
	BSC_VALUE_BOOL,
	BSC_VALUE_STRING
} bsc_value_type;

typedef struct {
	const char *key;
	size_t key_len;
	bsc_value_type type;
	int64_t i;           /* INT, BOOL (0/1) */
	double d;            /* FLOAT */
	const char *str;     /* STRING: without surrounding quotes */
	size_t str_len;
} bsc_stat;

/* Called once per "key: value" line; return false to stop. */
typedef bool (*bsc_stat_fn)(const bsc_stat *stat, void *ctx);
/* Called once per "- item" line of a list. */
typedef bool (*bsc_item_fn)(const char *item, size_t len, void *ctx);

/* False when the body is not the YAML beanstalkd sends. */
bool bsc_stats_parse(const char *body, size_t len, bsc_stats_kind kind, bsc_stat_fn fn, void *ctx);
bool bsc_list_parse(const char *body, size_t len, bsc_item_fn fn, void *ctx);
/* Whether the stat's key is name. */
bool bsc_stat_key_is(const bsc_stat *stat, const char *name);

/* What the worker needs of a stats-job answer; -1 for a number the server
 * did not send. */
typedef struct {
	char state[16];             /* "reserved", "ready", ... */
	char tube[BSC_TUBE_MAX + 1];
	int64_t pri, ttr, time_left, reserves, releases;
	int64_t age, delay;         /* s since the put; the last put's or release's delay */
} bsc_job_stats;

/* False when the body is not a stats-job answer. */
bool bsc_job_stats_parse(const char *body, size_t len, bsc_job_stats *out);

#endif
