/*
 * The worker's status in Redis: its heartbeat, the fleet view, and remote
 * restart.
 *
 * Keys, under a prefix ("beanstalk:"):
 *   <prefix>workers         a sorted set of the live workers' ids, scored
 *                           by their last beat (Unix time)
 *   <prefix>worker:<id>     a hash of one worker's figures (the fields
 *                           below), expiring 3 beats after the last one,
 *                           so a worker killed with SIGKILL vanishes by
 *                           itself
 *   <prefix>restart         Unix time (Redis's clock) of the last request
 *                           to restart every worker
 *   <prefix>restart:names   a hash: name => Unix time of the last request
 *                           to restart the workers of that name
 * A worker started before a request that concerns it stops after its job.
 * A worker's id is host:pid:start time in ms, so a reused pid is another
 * worker.
 *
 * No key of one prefix is a key of another, however prefixes nest: the
 * keys end in "workers", "restart", "restart:names" or "worker:<id>" (an id
 * ends in digits and holds two colons), and none of these ends another;
 * names, which are anybody's strings, are only ever a hash's fields (with
 * a key per name, <prefix>restart:<name>, a fleet under "q:restart:" and a
 * "q:" worker named "restart" would share one).
 *
 * One beat is one pipelined round trip: HSET of every field (a hash lost
 * with a Redis restart comes back whole), PEXPIRE, ZADD, TIME, the GET of
 * the restart key and, for a worker with a name, the HGET of its name's.
 * The last beat, on a graceful stop, sets state "stopped" and the stop
 * reason and takes the worker out of the set: it is gone from the fleet
 * at once, while its hash tells for 3 more intervals why it stopped.
 *
 * The pure part (the beat's requests from a snapshot, the reading of its
 * replies, the fleet's order) has no I/O and is tested alone. The writer
 * runs in the worker's monitor thread (src/worker/monitor.h) and never blocks it: its
 * exchange with Redis advances when the socket is ready, bounded by a
 * deadline of min(0.5 s, interval / 4); a Redis that is down, slow or
 * answering garbage costs a skipped beat, counted, and one log line per
 * outage.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_STATUS_H
#define BSC_STATUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/monitor/redis.h"

#define BSC_STATUS_PREFIX "beanstalk:"
#define BSC_STATUS_INTERVAL 2.0
#define BSC_STATUS_INTERVAL_MIN 0.1
#define BSC_STATUS_INTERVAL_MAX 3600.0
/* Beats missed before a worker's hash expires. */
#define BSC_STATUS_TTL_BEATS 3
/* The longest a beat may take: its share of the interval, at most this. */
#define BSC_STATUS_TIMEOUT_MAX 0.5
#define BSC_STATUS_PREFIX_MAX 100

/* What a worker is, for a run. */
typedef struct {
	const char *prefix;
	const char *id;             /* host:pid:start ms */
	const char *name;
	const char *host;
	long pid;
	const char *server;         /* the beanstalkd it works for */
	const char *tubes;          /* watched, comma-separated */
	double started_at;          /* Unix time */
	double interval;            /* s between beats */
} bsc_status_identity;

typedef enum {
	BSC_STATUS_WAITING,
	BSC_STATUS_WORKING,
	BSC_STATUS_STOPPED
} bsc_status_state;

/* What it is doing: a beat's figures. */
typedef struct {
	bsc_status_state state;
	uint64_t job_id;            /* working: the job */
	const char *job_tube;       /* "" when unknown */
	double job_since;           /* Unix time */
	uint64_t processed, failed, released, buried, deleted;
	double jobs_per_sec;        /* over the last interval */
	double duration_p50, duration_p99, rtt;
	uint64_t memory, rss;
	double beat_at;             /* Unix time */
	int stop_reason;            /* stopped: the reason (src/worker/policy.h) */
} bsc_status_figures;

/* {{{ the pure part */
/* The keys. */
void bsc_status_key_worker(char *buf, size_t size, const char *prefix, const char *id);
void bsc_status_key_workers(char *buf, size_t size, const char *prefix);
void bsc_status_key_restart(char *buf, size_t size, const char *prefix);
void bsc_status_key_restart_names(char *buf, size_t size, const char *prefix);
/* The beat's requests (the last one: stopped, and out of the set). */
void bsc_status_beat_request(bsc_resp *req, const bsc_status_identity *who, const bsc_status_figures *f, bool last);

/* What a beat's replies said. */
typedef struct {
	double redis_now;           /* Redis's clock (TIME) */
	double restart_at;          /* the newest restart request for this worker; 0: none */
} bsc_status_beat_answer;

/* Reads the replies of a (not last) beat (6 with a name, else 5); false
 * with why in errbuf when they are not what the requests ask for. */
bool bsc_status_beat_read(bsc_redis_reply *const *replies, size_t count, bool has_name, bsc_status_beat_answer *out,
	char errbuf[BSC_ERRSTR_LEN]);
/* Whether a restart requested at restart_at (Redis's clock) is for a
 * worker that has been running for running_for s, when Redis's clock said
 * redis_now: the request is newer than its start. */
bool bsc_status_restart_due(double restart_at, double redis_now, double running_for);

/* How fleet() types a field. */
typedef enum {
	BSC_FIELD_STRING,
	BSC_FIELD_INT,
	BSC_FIELD_FLOAT,
	BSC_FIELD_LIST,             /* comma-separated */
	BSC_FIELD_UNKNOWN           /* int if it is one, else string */
} bsc_status_field_kind;

bsc_status_field_kind bsc_status_field(const char *name, size_t len);
/* The fields in the order a beat writes them; NULL past the last. */
const char *bsc_status_field_name(size_t i);
/* }}} */

/* {{{ the fleet and its steering, from any thread (blocking, bounded) */
typedef struct {
	bsc_redis_reply **workers;  /* HGETALL arrays: field, value, ...; by host, name, pid */
	size_t count;
	bsc_redis *redis;           /* owns the replies */
} bsc_status_fleet;

/* Every live worker's hash; the set's entries whose hash has expired are
 * removed. False with why in errbuf. */
bool bsc_status_fleet_get(const bsc_redis_address *a, const char *prefix, double timeout, bsc_status_fleet *out,
	char errbuf[BSC_ERRSTR_LEN]);
void bsc_status_fleet_free(bsc_status_fleet *f);
/* Asks every worker (name NULL or ""), or those of a name, to restart
 * after its job; *asked: the live workers it concerns. */
bool bsc_status_restart_all(const bsc_redis_address *a, const char *prefix, const char *name, double timeout,
	uint64_t *asked, char errbuf[BSC_ERRSTR_LEN]);
/* }}} */

/* {{{ the writer, in the monitor thread */
typedef struct bsc_status_writer bsc_status_writer;

typedef struct {
	const bsc_redis_address *address;
	bsc_status_identity who;
	/* From the monitor thread: the worker's figures now, job_since in
	 * monotonic time (the writer sets beat_at and jobs_per_sec, and turns
	 * job_since into Unix time); the job's tube goes into tube. */
	void (*read)(void *ctx, bsc_status_figures *f, char *tube, size_t tube_size);
	/* From the monitor thread: a line for the log (the host writes it from
	 * its own thread), and a restart asked for through Redis. */
	void (*log)(void *ctx, const char *line);
	void (*restart)(void *ctx);
	void *ctx;
	double started;             /* monotonic: the run's start */
} bsc_status_config;

/* NULL when memory runs out. */
bsc_status_writer *bsc_status_writer_new(const bsc_status_config *cfg);
void bsc_status_writer_free(bsc_status_writer *w);
/* A pass of the monitor thread: goes on with the beat under way or starts
 * one when due; never blocks. *fd and *events: the socket to wait on (-1:
 * none). Returns when it wants the next pass (monotonic s). */
double bsc_status_writer_run(bsc_status_writer *w, double now, int *fd, short *events);
/* The last beat (the figures say stopped), waited for: at most the beat's
 * timeout. */
void bsc_status_writer_finish(bsc_status_writer *w);

typedef struct {
	uint64_t beats;             /* written */
	uint64_t errors;            /* beats skipped: Redis away, slow or wrong */
	char last_error[BSC_ERRSTR_LEN];
} bsc_status_counts;

/* From any thread. */
void bsc_status_writer_counts(bsc_status_writer *w, bsc_status_counts *out);
/* The timeout of a beat at this interval. */
double bsc_status_timeout(double interval);
/* }}} */

#endif
