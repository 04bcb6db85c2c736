/*
 * The server side of fuzz_command: two loopback listeners (TCP on
 * 127.0.0.1, port 0, and a unix socket in a private directory) served by
 * one thread, set up once per process.
 *
 * Each round, the first connection gets the round's answer once every byte
 * the client has sent arrived (counted by wrapping sendmsg()); then it is
 * closed, or held open until the client closes it. Any further connection
 * of the round is closed at once. Every wait is bounded or ends when the
 * client side says it is done, so nothing can hang.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef FUZZ_PEER_H
#define FUZZ_PEER_H

#include <stdbool.h>
#include <stddef.h>

/* Starts the listeners and the thread; exits the process when it cannot. */
void peer_start(void);
/* The address for bsc_conn_new(). */
const char *peer_address(bool unix_socket);
/* Opens a round: answer must stay valid until peer_end(). With hold, the
 * answered connection stays open until the client closes it (or 500 ms). */
void peer_begin(const unsigned char *answer, size_t len, bool hold);
/* The client has closed its connections: waits until the round is over. */
void peer_end(void);

#endif
