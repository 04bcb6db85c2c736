/*
 * A real beanstalkd (/usr/bin/beanstalkd, or $BEANSTALKD) for the tests
 * that need one, started by a test on a free loopback port or a private
 * unix socket and stopped at its end.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef SERVER_H
#define SERVER_H

#include <stdbool.h>
#include <sys/types.h>

/* The server's -z: small, so a test can be refused with JOB_TOO_BIG cheaply. */
#define SERVER_MAX_JOB_SIZE 1000

typedef struct {
	pid_t pid;
	char address[160];  /* for bsc_conn_new() */
	char dir[64];       /* unix: the private directory of the socket */
	char path[108];
} server;

const char *server_binary(void);
/* Starts a server for the running test; false when the test is skipped
 * (no binary) or has failed. */
bool server_start(server *s, bool on_unix);
void server_stop(server *s);

#endif
