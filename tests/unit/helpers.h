/*
 * What the connection and command tests share: status names and checks,
 * connections with short timeouts, requests of one line, a clock, and a
 * count of the client's writes.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef HELPERS_H
#define HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "src/client/conn.h"
#include "src/worker/worker.h"
#include "peer.h"
#include "unit.h"

/* The reply wait of the tests' connections: long enough for a loaded
 * machine, short enough that a test that goes wrong ends soon. */
#define TEST_TIMEOUT 2.0
/* The reply wait of the tests that wait for a timeout on purpose. */
#define SHORT_TIMEOUT 0.2

const char *status_name(bsc_status st);
/* A status from connection c (NULL: none), whose errstr the message shows. */
bool check_status(const bsc_conn *c, bsc_status got, bsc_status want, const char *expr, const char *file, int line);
#define CHECK_STATUS(c, got, want) check_status((c), (got), (want), #got, __FILE__, __LINE__)

/* A connection to address with the given reply timeout; NULL after a failed
 * check. */
bsc_conn *test_conn(const char *address, double timeout);
/* Starts a fake peer on 127.0.0.1 and returns a connection to it; NULL
 * after a failed check, with nothing left to finish. */
bsc_conn *start_peer(peer *p, const peer_step *script, double timeout);

/* A request of a line alone (the line with its CRLF). */
bsc_request line_request(const char *line);
bsc_status send_line(bsc_conn *c, const char *line);
/* One request, one reply, with the connection's own timeout. */
bsc_status round_trip(bsc_conn *c, const char *line, bsc_reply *r);

double now_ms(void);
void sleep_ms(int ms);
/* Waits until fd is readable (data or EOF); false after timeout_ms. */
bool wait_readable(int fd, int timeout_ms);

/* How many times the client has called sendmsg(): src/client/conn.c writes through it
 * only, and the link wraps it (-Wl,--wrap=sendmsg), so tests can tell that
 * a command went out in one write. */
size_t client_writes(void);

/* A worker's run on the one server of c (a pool of one). */
bsc_stop_reason run_on_one(bsc_worker *w, bsc_conn *c, const bsc_worker_host *host, void *ctx);

#endif
