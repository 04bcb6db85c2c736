/*
 * The wait time of a worker's tubes, for its StatsD gauges: how long the
 * next ready job of each tube has waited, asked of beanstalkd by the
 * monitor thread without ever blocking it.
 *
 * A probe asks each server in turn, over a connection of its own kept from
 * one probe to the next: one write of "use <tube>" and "peek-ready" for
 * every tube, then one of "stats-job <id>" for every job found. A tube's
 * wait is that job's age less its delay (a job put or released with a
 * delay waits from the moment it is ready; one released after a run counts
 * the run), 0 when none is ready, and over several servers the longest.
 * What a server cannot tell within BSC_TUBEWAIT_TIMEOUT (it is down, slow,
 * or answers what makes no sense: its connection is closed), a job taken
 * between the two writes, or a next job over BSC_TUBEWAIT_BODY_MAX
 * (peek-ready brings the body) leaves out that server's figure for the
 * tube; a tube no server told of is unknown.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_TUBEWAIT_H
#define BSC_TUBEWAIT_H

#include <stdbool.h>
#include <stddef.h>

#include "src/net.h"

/* The longest a server may take over its part of a probe (s). */
#define BSC_TUBEWAIT_TIMEOUT 0.5
/* The largest next job a probe reads through. */
#define BSC_TUBEWAIT_BODY_MAX ((size_t)1 << 20)

typedef struct bsc_tubewait bsc_tubewait;

/* servers: addresses separated by commas (and spaces), in the forms of
 * bsc_endpoint_parse(); names are resolved here, in the caller's thread,
 * and an address that does not parse or resolve is left out. tubes: the
 * watched. NULL when memory runs out. */
bsc_tubewait *bsc_tubewait_new(const char *servers, const char *const *tubes, size_t count);
void bsc_tubewait_free(bsc_tubewait *t);

/* Starts a probe; one under way is given up. */
void bsc_tubewait_begin(bsc_tubewait *t, double now);
/* Goes on with the probe under way as far as it can without blocking.
 * True while it is under way: then *fd and *events are what to wait on
 * (poll()), and *deadline when to call again at the latest (monotonic s). */
bool bsc_tubewait_run(bsc_tubewait *t, double now, int *fd, short *events, double *deadline);
/* The last probe's waits, seconds per tube (-1: unknown), once: false
 * when no probe has ended since the last call. */
bool bsc_tubewait_take(bsc_tubewait *t, double *seconds);

#endif
