/*
 * Endpoints and sockets: parsing a server address, connecting to it with a
 * deadline, and the clock the deadlines use. No protocol here.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_NET_H
#define BSC_NET_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BSC_DEFAULT_PORT 11300
#define BSC_ERRSTR_LEN 256

/* Asked when a wait is interrupted by a signal: true ends the wait,
 * false waits on. */
typedef bool (*bsc_interrupt_fn)(void *ctx);
/* One, with its context: what a setter gives back, to be put back. */
typedef struct {
	bsc_interrupt_fn fn;
	void *ctx;
} bsc_interrupt;

typedef struct {
	bool is_unix;
	char host[256];
	char port[8];
	char path[108];  /* sizeof(sockaddr_un.sun_path) */
	char name[280];  /* "host:port", "[v6]:port" or "unix://path", for messages */
} bsc_endpoint;

/* A TCP server: "host", "host:port", "[v6]" or "[v6]:port" (port 11300 when
 * none is given), bare or after "tcp://", "beanstalk://" or "beanstalkd://"
 * (a trailing "/" allowed there); a UNIX socket: "unix:///path" or "/path".
 * False with a message in errbuf for anything else; the messages that
 * refuse a form list the accepted ones. */
bool bsc_endpoint_parse(bsc_endpoint *ep, const char *address, size_t len, char errbuf[BSC_ERRSTR_LEN]);

/* The TCP part of that, for every service that takes such an address:
 * "host", "host:port", "[v6]" or "[v6]:port" (default_port when none). False
 * with a message in errbuf for anything else; one that refuses the host
 * lists forms (the accepted forms) when it is given. */
bool bsc_host_port_parse(bsc_endpoint *ep, const char *address, size_t len, unsigned default_port, const char *forms,
	char errbuf[BSC_ERRSTR_LEN]);

/* Connects a non-blocking socket (TCP_NODELAY and keepalive on TCP) by the
 * deadline (0: none). 0 with *fd set, or an errno: ETIMEDOUT, EINTR when
 * interrupt said so, or the connect error; a name that does not resolve
 * gives EHOSTUNREACH with the resolver's message in errbuf. */
int bsc_net_connect(const bsc_endpoint *ep, double deadline, bsc_interrupt_fn interrupt, void *ctx, int *fd, char errbuf[BSC_ERRSTR_LEN]);

/* Which process this is, as far as sockets go: a number that changes in
 * every child forked once bsc_fork_watch() has run (pthread_atfork), and
 * nowhere else, so that a socket made under another one is another
 * process's, which this one must never read or write. Reading it costs no
 * system call (getpid() does). The one piece of process-wide state here,
 * as a fork is the whole process's. */
void bsc_fork_watch(void);
uint64_t bsc_fork_epoch(void);

/* Monotonic seconds. */
double bsc_now(void);
/* now + seconds, or 0 (no deadline) when seconds <= 0. */
double bsc_deadline_after(double seconds);
/* Milliseconds left until deadline, for poll(); -1 for no deadline. */
int bsc_poll_ms(double deadline);

/* poll() on fds until the deadline, in one of three ways:
 * - with a caller's wait mask (a caller that blocks its signals outside its
 *   waits): ppoll() with that mask, so they come in only while it waits;
 * - with an interrupt function (a wait that a signal may end): every signal
 *   is blocked from the look at the function until ppoll() lets them in, so
 *   a signal that comes after the look ends the wait (EINTR) instead of
 *   being taken in before it and the wait going on. -1 with EINTR, without
 *   waiting, when the look says a signal came;
 * - with neither: poll().
 * The caller asks the function again on EINTR. */
int bsc_net_wait(struct pollfd *fds, size_t n, double deadline, const sigset_t *wait_mask, bsc_interrupt_fn interrupt, void *ctx);

#endif
