/*
 * A scripted fake beanstalkd for the connection tests: a listening socket on
 * a loopback address (TCP on 127.0.0.1 or ::1, port 0, or a unix socket in
 * a private directory) served by a thread that follows a script. It covers
 * what a real server won't do: garbage, half replies, silence, closes.
 *
 * Every wait of the peer is bounded (PEER_WAIT_MS), so a client that does
 * not send what the script expects makes the peer fail, never hang.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef PEER_H
#define PEER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define PEER_WAIT_MS 3000

typedef enum {
	PEER_END = 0,     /* the script is over: the peer closes what is open */
	PEER_ACCEPT,      /* takes the next connection */
	PEER_EXPECT,      /* these exact bytes come next, in any number of reads */
	PEER_EXPECT_ONE,  /* these exact bytes come next, all in one read: one write */
	PEER_EXPECT_EOF,  /* the client closes the connection and sends nothing more */
	PEER_QUIET,       /* nothing more comes for `ms`: the client waits for replies */
	PEER_SEND,        /* sends the bytes */
	PEER_DRIP,        /* sends the bytes `chunk` at a time, `ms` apart */
	PEER_DRIP_TO_EOF, /* the same, for a client that gives up half-way: it
	                   * ends when the client has closed the connection */
	PEER_PAUSE,       /* sleeps `ms` */
	PEER_WAIT_GO,     /* waits until the test calls peer_go(): orders the
	                   * peer's next step after something the client did */
	PEER_CLOSE,       /* closes the connection */
	PEER_RESET        /* closes the connection with a reset (RST, not FIN) */
} peer_op;

typedef struct {
	peer_op op;
	const char *data;
	size_t len;
	size_t chunk;
	int ms;
} peer_step;

/* Script steps; a literal's length is taken with sizeof, so NULs may be in it. */
#define P_ACCEPT { PEER_ACCEPT, NULL, 0, 0, 0 }
#define P_EXPECT(s) { PEER_EXPECT, (s), sizeof(s) - 1, 0, 0 }
#define P_EXPECT_ONE(s) { PEER_EXPECT_ONE, (s), sizeof(s) - 1, 0, 0 }
#define P_EXPECT_EOF { PEER_EXPECT_EOF, NULL, 0, 0, 0 }
#define P_QUIET(ms) { PEER_QUIET, NULL, 0, 0, (ms) }
#define P_SEND(s) { PEER_SEND, (s), sizeof(s) - 1, 0, 0 }
#define P_DRIP(s, chunk, ms) { PEER_DRIP, (s), sizeof(s) - 1, (chunk), (ms) }
#define P_DRIP_TO_EOF(s, chunk, ms) { PEER_DRIP_TO_EOF, (s), sizeof(s) - 1, (chunk), (ms) }
#define P_PAUSE(ms) { PEER_PAUSE, NULL, 0, 0, (ms) }
#define P_WAIT_GO { PEER_WAIT_GO, NULL, 0, 0, 0 }
#define P_CLOSE { PEER_CLOSE, NULL, 0, 0, 0 }
#define P_RESET { PEER_RESET, NULL, 0, 0, 0 }
#define P_END { PEER_END, NULL, 0, 0, 0 }

typedef enum {
	PEER_TCP4,
	PEER_TCP6,
	PEER_UNIX
} peer_family;

typedef struct {
	peer_family family;
	int listen_fd;
	int fd;
	int go[2];           /* a pipe: peer_go() writes, PEER_WAIT_GO reads */
	char address[160];   /* for bsc_conn_new() */
	char dir[64];        /* PEER_UNIX: the private directory of the socket */
	char path[108];
	const peer_step *script;
	pthread_t thread;
	bool running;
	/* Bytes read and not yet matched by a step. */
	char *in;
	size_t in_len, in_cap;
	/* What happened, for the test to look at after peer_finish(). */
	size_t accepts;
	char error[768];
} peer;

/* Listens and starts following the script (kept by pointer: it must live
 * until peer_finish). False with p->error set when the socket cannot be set
 * up; nothing is left to finish then. */
bool peer_start(peer *p, peer_family family, const peer_step *script);
/* Waits for the script to end and releases everything. False with p->error
 * set when the client did not do what the script expected. */
bool peer_finish(peer *p);

/* Lets the peer past its next PEER_WAIT_GO step. */
void peer_go(peer *p);

/* A check that the peer saw what it expected. */
#define CHECK_PEER(p) CHECK_MSG(peer_finish(p), "fake peer: %s", (p)->error)

/* A port on 127.0.0.1 that refuses connections: bound, never listening.
 * Returns the bound socket (close it when done) or -1. */
int peer_refusing_port(int *port);

#endif
