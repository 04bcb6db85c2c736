/*
 * What the connection and command tests share. See helpers.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "helpers.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

/* Only the test's own thread calls sendmsg(): fake peers use send(). */
static size_t sendmsg_calls;

ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags);

ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	sendmsg_calls++;
	return __real_sendmsg(fd, msg, flags);
}

size_t client_writes(void)
{
	return sendmsg_calls;
}

const char *status_name(bsc_status st)
{
	switch (st) {
	case BSC_OK: return "BSC_OK";
	case BSC_NOT_FOUND: return "BSC_NOT_FOUND";
	case BSC_TIMED_OUT: return "BSC_TIMED_OUT";
	case BSC_DEADLINE_SOON: return "BSC_DEADLINE_SOON";
	case BSC_BURIED: return "BSC_BURIED";
	case BSC_NOT_IGNORED: return "BSC_NOT_IGNORED";
	case BSC_SERVER_ERROR: return "BSC_SERVER_ERROR";
	case BSC_ERR_CONNECT: return "BSC_ERR_CONNECT";
	case BSC_ERR_IO: return "BSC_ERR_IO";
	case BSC_ERR_EOF: return "BSC_ERR_EOF";
	case BSC_ERR_TIMEOUT: return "BSC_ERR_TIMEOUT";
	case BSC_ERR_PROTOCOL: return "BSC_ERR_PROTOCOL";
	case BSC_ERR_NOMEM: return "BSC_ERR_NOMEM";
	case BSC_ERR_INTERRUPTED: return "BSC_ERR_INTERRUPTED";
	}
	return "(not a bsc_status)";
}

bool check_status(const bsc_conn *c, bsc_status got, bsc_status want, const char *expr, const char *file, int line)
{
	const char *errstr = c ? bsc_conn_errstr(c) : "";

	return unit_check(got == want, file, line, "%s is %s, want %s%s%s%s", expr, status_name(got), status_name(want),
		errstr[0] ? " (errstr \"" : "", errstr, errstr[0] ? "\")" : "");
}

bsc_conn *test_conn(const char *address, double timeout)
{
	bsc_conn_options opt = { .connect_timeout = TEST_TIMEOUT, .timeout = timeout, .job_size_max = 0 };
	char errbuf[BSC_ERRSTR_LEN] = "";
	bsc_conn *c = bsc_conn_new(address, strlen(address), &opt, errbuf);

	CHECK_MSG(c != NULL, "bsc_conn_new(\"%s\"): %s", address, errbuf);
	return c;
}

bsc_conn *start_peer(peer *p, const peer_step *script, double timeout)
{
	if (!CHECK_MSG(peer_start(p, PEER_TCP4, script), "peer: %s", p->error)) {
		return NULL;
	}
	bsc_conn *c = test_conn(p->address, timeout);
	if (!c) {
		peer_finish(p);
	}
	return c;
}

bsc_request line_request(const char *line)
{
	return (bsc_request){ .line = line, .line_len = strlen(line) };
}

bsc_status send_line(bsc_conn *c, const char *line)
{
	bsc_request req = line_request(line);

	return bsc_conn_send(c, &req, 1);
}

bsc_status round_trip(bsc_conn *c, const char *line, bsc_reply *r)
{
	bsc_status st = send_line(c, line);

	if (st != BSC_OK) {
		return st;
	}
	return bsc_conn_recv(c, r, bsc_conn_timeout(c));
}

double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

bool wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, timeout_ms) > 0;
}

bsc_stop_reason run_on_one(bsc_worker *w, bsc_conn *c, const bsc_worker_host *host, void *ctx)
{
	bsc_pool *p = bsc_pool_new(&c, 1);

	if (!p) {
		return BSC_STOP_ABORT;
	}
	bsc_stop_reason reason = bsc_worker_run(w, p, host, ctx);
	bsc_pool_free(p);
	return reason;
}
