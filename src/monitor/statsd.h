/*
 * A worker's metrics over StatsD: counters, timers and gauges in UDP
 * datagrams to a StatsD daemon, sent from the worker's monitor thread.
 *
 * Names, under a prefix ("beanstalk."):
 *   <prefix><tube>.processed|failed|released|buried|deleted   counters
 *   <prefix><tube>.duration                                    timer (ms)
 *   <prefix>wait                                               timer (ms)
 *   <prefix>worker.<name>.memory|rss                           gauges (bytes)
 *   <prefix><tube>.wait_time                                   gauge (ms)
 * A tube's name, or the worker's, is one part of the dotted name: every
 * byte outside [A-Za-z0-9_-] in it becomes '_'. A job whose tube the
 * worker does not know (it watches several, and the job neither ran long
 * enough for the watchdog to ask nor failed) counts under
 * BSC_STATSD_OTHER_TUBE.
 *
 * The loop records each job under a lock it holds for a few additions;
 * the monitor thread takes what was recorded every interval (swapping two
 * sets of accumulators under that lock) and sends it. Counters go out
 * summed, once per interval. Timers go out as samples: every job's while a
 * tube does at most BSC_STATSD_SAMPLES_PER_SEC jobs a second, past that a
 * uniform sample of that many (a reservoir), each line with the sample
 * rate (|@0.1) from which the daemon counts the jobs back. Lines are
 * packed into datagrams of at most BSC_STATSD_DATAGRAM_MAX bytes (what
 * fits an Ethernet MTU after the IP and UDP headers, and never a line
 * cut in two).
 *
 * The socket is connected and non-blocking: a send never waits, and a
 * datagram that cannot go (no buffer room, a daemon that is down, whose
 * port answers ICMP unreachable) is dropped and counted, nothing more.
 *
 * A tube's wait_time is how long its next ready job has waited, longest
 * over the servers, as a probe of the servers found it (src/monitor/tubewait.h):
 * one begins at most every BSC_STATSD_WAIT_PERIOD s, and each send carries
 * the figures of the last probe that ended since the one before (a gauge
 * keeps its value in the daemon).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_STATSD_H
#define BSC_STATSD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/net.h"

#define BSC_STATSD_PORT 8125
#define BSC_STATSD_PREFIX "beanstalk."
#define BSC_STATSD_PREFIX_MAX 100
#define BSC_STATSD_INTERVAL 1.0
#define BSC_STATSD_INTERVAL_MIN 0.1
#define BSC_STATSD_INTERVAL_MAX 10.0
/* 1500 bytes of Ethernet less 20 of IPv4 (40 of IPv6) and 8 of UDP, with
 * room to spare for IP options and tunnels. */
#define BSC_STATSD_DATAGRAM_MAX 1432
/* Timer samples per tube (and of the wait) per second, at most. */
#define BSC_STATSD_SAMPLES_PER_SEC 100
#define BSC_STATSD_OTHER_TUBE "_unknown"
/* The longest line: prefix, a name part of a tube, the metric and value. */
#define BSC_STATSD_LINE_MAX 400
/* The wait_time probes: one a second at most, whatever the interval. */
#define BSC_STATSD_WAIT_PERIOD 1.0
/* While a probe waits on its socket and the caller on another: how soon
 * the next pass looks again (s). */
#define BSC_STATSD_WAIT_LOOK 0.005

/* {{{ the pure part */
/* host, port, and name ("host:port" or "[v6]:port", for messages) */
typedef bsc_endpoint bsc_statsd_address;

/* "host", "host:port", "[v6]" or "[v6]:port", bare or after "udp://"
 * (port 8125 when none is given). False with a message in errbuf. */
bool bsc_statsd_address_parse(bsc_statsd_address *a, const char *s, size_t len, char errbuf[BSC_ERRSTR_LEN]);
/* A prefix is made of [A-Za-z0-9_.-] only: nothing in it can end a name
 * or a line. */
bool bsc_statsd_prefix_valid(const char *s, size_t len);

/* One part of a dotted name from any string: bytes outside [A-Za-z0-9_-]
 * become '_'; "_" for an empty one. Returns the length written (the part
 * is cut to fit size - 1). */
size_t bsc_statsd_name_part(char *out, size_t size, const char *s);

typedef enum {
	BSC_STATSD_COUNTER,         /* "c" */
	BSC_STATSD_TIMER,           /* "ms" */
	BSC_STATSD_GAUGE            /* "g" */
} bsc_statsd_type;

/* "<prefix><part>.<metric>:<value>|<type>[|@<rate>]\n" (no "<part>." when
 * part is ""; no rate when it is 1 or more). Counters and gauges take the
 * value as a whole number, timers with three decimals. The length of the
 * line, or 0 when it does not fit size. */
size_t bsc_statsd_line(char *buf, size_t size, const char *prefix, const char *part, const char *metric, double value,
	bsc_statsd_type type, double rate);

/* A uniform sample of at most cap values from the ones added (Vitter's
 * algorithm R), and how many were added. */
typedef struct {
	double *v;
	size_t cap, len;
	uint64_t seen;
} bsc_statsd_reservoir;

/* rng: the state of a xorshift generator, never 0. */
void bsc_statsd_reservoir_add(bsc_statsd_reservoir *r, double value, uint64_t *rng);
/* The rate at which the kept values stand for the added ones: 1 until more
 * than cap were added, then len / seen. */
double bsc_statsd_reservoir_rate(const bsc_statsd_reservoir *r);
void bsc_statsd_reservoir_reset(bsc_statsd_reservoir *r);

/* Lines packed into datagrams over a connected UDP socket of the caller's.
 * A line that does not fit the datagram under way sends it first. */
typedef struct {
	int fd;                     /* -1: every datagram counts as an error */
	char buf[BSC_STATSD_DATAGRAM_MAX];
	size_t len;
	uint64_t sent, errors;      /* datagrams */
	int last_errno;
} bsc_statsd_packer;

void bsc_statsd_packer_init(bsc_statsd_packer *p, int fd);
void bsc_statsd_packer_add(bsc_statsd_packer *p, const char *line, size_t len);
/* Sends the datagram under way, if any. */
void bsc_statsd_packer_flush(bsc_statsd_packer *p);
/* }}} */

/* {{{ a worker's metrics */
typedef struct bsc_statsd bsc_statsd;

typedef struct {
	const bsc_statsd_address *address;
	const char *prefix;
	double interval;            /* s between sends */
	const char *worker;         /* the gauges' name part: the worker's name, or host and pid */
	const char *const *tubes;   /* watched at the start */
	size_t tube_count;
	uint64_t seed;              /* of the sampling; 0: from the clock */
	const char *servers;        /* beanstalkd addresses, comma-separated, for the
	                             * tubes' wait_time; NULL: no wait_time */
} bsc_statsd_config;

/* Resolves the addresses (once: a name is looked up here, in the caller's
 * thread, never in the monitor's) and opens the socket. NULL only when
 * memory runs out; a socket that cannot be had is said in errbuf, and
 * every datagram then counts as an error. */
bsc_statsd *bsc_statsd_new(const bsc_statsd_config *cfg, char errbuf[BSC_ERRSTR_LEN]);
void bsc_statsd_free(bsc_statsd *s);

/* {{{ the loop's side, from any thread */
typedef struct {
	bool failed, released, buried;
	double duration;            /* s */
	double wait;                /* s the worker waited for the job */
} bsc_statsd_job_end;

/* A job ended; tube NULL or "" when not known. Returns the tube's slot,
 * for bsc_statsd_deleted() once the job's delete is confirmed. */
size_t bsc_statsd_job(bsc_statsd *s, const char *tube, const bsc_statsd_job_end *e);
void bsc_statsd_deleted(bsc_statsd *s, size_t slot);
/* }}} */

/* {{{ the monitor thread's side */
typedef struct {
	uint64_t memory, rss;       /* bytes; 0: not sent */
} bsc_statsd_gauges;

/* When the next send is due (monotonic s). */
double bsc_statsd_due(const bsc_statsd *s, double now);
/* Sends what was recorded when an interval has passed since the last
 * send, and goes on with the wait_time probe (never blocks); the first
 * call starts the first interval. The probe's socket goes in *fd and
 * *events when *fd is -1; when the caller waits on a socket already, the
 * pass after comes within BSC_STATSD_WAIT_LOOK. Returns when the next
 * pass is due. */
double bsc_statsd_run(bsc_statsd *s, double now, const bsc_statsd_gauges *g, int *fd, short *events);
/* Sends whatever was recorded since the last send, at once. */
void bsc_statsd_send(bsc_statsd *s, const bsc_statsd_gauges *g);

typedef struct {
	uint64_t sent;              /* datagrams */
	uint64_t errors;            /* datagrams dropped: could not be sent */
	char last_error[BSC_ERRSTR_LEN];
} bsc_statsd_counts;

/* From any thread. */
void bsc_statsd_counts_get(bsc_statsd *s, bsc_statsd_counts *out);
/* }}} */
/* }}} */

#endif
