/*
 * The scripted fake beanstalkd. See peer.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "peer.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define PEER_READ_CHUNK 65536

static void peer_sleep_ms(int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

static bool peer_fail(peer *p, size_t step, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Keeps the first failure: later ones are usually its consequences. */
static bool peer_fail(peer *p, size_t step, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->error[0] != '\0') {
		return false;
	}
	n = snprintf(p->error, sizeof(p->error), "step %zu: ", step);
	va_start(ap, fmt);
	vsnprintf(p->error + n, sizeof(p->error) - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* Waits for events on fd; false after PEER_WAIT_MS. */
static bool peer_wait(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	for (;;) {
		int n = poll(&pfd, 1, PEER_WAIT_MS);
		if (n > 0) {
			return true;
		}
		if (n == 0 || errno != EINTR) {
			return false;
		}
	}
}

/* Reads what is there into p->in: bytes read, 0 on EOF, -1 on error or
 * when nothing came within PEER_WAIT_MS. */
static ssize_t peer_read(peer *p)
{
	if (!peer_wait(p->fd, POLLIN)) {
		errno = ETIMEDOUT;
		return -1;
	}
	if (p->in_cap - p->in_len < PEER_READ_CHUNK) {
		size_t cap = p->in_cap ? p->in_cap * 2 : 2 * PEER_READ_CHUNK;
		char *in = realloc(p->in, cap);
		if (!in) {
			errno = ENOMEM;
			return -1;
		}
		p->in = in;
		p->in_cap = cap;
	}
	for (;;) {
		ssize_t r = recv(p->fd, p->in + p->in_len, p->in_cap - p->in_len, 0);
		if (r >= 0) {
			p->in_len += (size_t)r;
			return r;
		}
		if (errno != EINTR) {
			return -1;
		}
	}
}

static void peer_drop_input(peer *p, size_t n)
{
	memmove(p->in, p->in + n, p->in_len - n);
	p->in_len -= n;
}

static bool peer_expect(peer *p, size_t i, const peer_step *st)
{
	char got[200], want[200];

	if (st->op == PEER_EXPECT_ONE && p->in_len > 0) {
		return peer_fail(p, i, "expected \"%s\" in one read, but \"%s\" came before it",
			unit_escape(st->data, st->len, want, sizeof(want)),
			unit_escape(p->in, p->in_len, got, sizeof(got)));
	}
	while (p->in_len < st->len) {
		ssize_t r = peer_read(p);
		if (r <= 0) {
			return peer_fail(p, i, "expected \"%s\" (%zu bytes), got \"%s\" (%zu bytes), then %s",
				unit_escape(st->data, st->len, want, sizeof(want)), st->len,
				unit_escape(p->in, p->in_len, got, sizeof(got)), p->in_len,
				r == 0 ? "EOF" : strerror(errno));
		}
		if (st->op == PEER_EXPECT_ONE) {
			break;
		}
	}
	if (p->in_len < st->len || memcmp(p->in, st->data, st->len) != 0) {
		size_t shown = p->in_len < st->len ? p->in_len : st->len;
		return peer_fail(p, i, "expected \"%s\" (%zu bytes)%s, got \"%s\" (%zu bytes)",
			unit_escape(st->data, st->len, want, sizeof(want)), st->len,
			st->op == PEER_EXPECT_ONE ? " in one read" : "",
			unit_escape(p->in, shown, got, sizeof(got)), p->in_len);
	}
	peer_drop_input(p, st->len);
	return true;
}

static bool peer_expect_eof(peer *p, size_t i)
{
	char got[200];

	for (;;) {
		if (p->in_len > 0) {
			return peer_fail(p, i, "expected EOF, got \"%s\"",
				unit_escape(p->in, p->in_len, got, sizeof(got)));
		}
		ssize_t r = peer_read(p);
		if (r == 0 || (r < 0 && errno == ECONNRESET)) {
			return true;
		}
		if (r < 0) {
			return peer_fail(p, i, "expected EOF, got %s", strerror(errno));
		}
	}
}

/* Nothing is buffered and nothing (no bytes, no EOF) arrives for ms. */
static bool peer_quiet(peer *p, size_t i, int ms)
{
	char got[200];
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN };
	int n;

	if (p->in_len == 0) {
		do {
			n = poll(&pfd, 1, ms);
		} while (n < 0 && errno == EINTR);
		if (n == 0) {
			return true;
		}
		if (n < 0) {
			return peer_fail(p, i, "poll: %s", strerror(errno));
		}
		ssize_t r = peer_read(p);
		if (r <= 0) {
			return peer_fail(p, i, "expected %d ms of quiet, got %s", ms, r == 0 ? "EOF" : strerror(errno));
		}
	}
	return peer_fail(p, i, "expected %d ms of quiet, got \"%s\" (%zu bytes)", ms,
		unit_escape(p->in, p->in_len, got, sizeof(got)), p->in_len);
}

static bool peer_send(peer *p, size_t i, const char *data, size_t len)
{
	while (len > 0) {
		if (!peer_wait(p->fd, POLLOUT)) {
			return peer_fail(p, i, "cannot send: the client reads nothing");
		}
		ssize_t w = send(p->fd, data, len, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) {
				continue;
			}
			return peer_fail(p, i, "cannot send: %s", strerror(errno));
		}
		data += w;
		len -= (size_t)w;
	}
	return true;
}

static bool peer_accept(peer *p, size_t i)
{
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
	p->in_len = 0;
	if (!peer_wait(p->listen_fd, POLLIN)) {
		return peer_fail(p, i, "no connection came within %d ms", PEER_WAIT_MS);
	}
	p->fd = accept4(p->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (p->fd < 0) {
		return peer_fail(p, i, "accept: %s", strerror(errno));
	}
	p->accepts++;
	return true;
}

static bool peer_step_run(peer *p, size_t i, const peer_step *st)
{
	if (st->op != PEER_ACCEPT && st->op != PEER_PAUSE && st->op != PEER_WAIT_GO && p->fd < 0) {
		return peer_fail(p, i, "no connection: the script needs an accept first");
	}
	switch (st->op) {
	case PEER_ACCEPT:
		return peer_accept(p, i);
	case PEER_EXPECT:
	case PEER_EXPECT_ONE:
		return peer_expect(p, i, st);
	case PEER_EXPECT_EOF:
		return peer_expect_eof(p, i);
	case PEER_QUIET:
		return peer_quiet(p, i, st->ms);
	case PEER_SEND:
		return peer_send(p, i, st->data, st->len);
	case PEER_DRIP:
	case PEER_DRIP_TO_EOF:
		for (size_t off = 0; off < st->len; off += st->chunk) {
			size_t n = st->len - off < st->chunk ? st->len - off : st->chunk;
			if (off > 0) {
				peer_sleep_ms(st->ms);
			}
			if (st->op == PEER_DRIP_TO_EOF && send(p->fd, st->data + off, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0
					&& (errno == EPIPE || errno == ECONNRESET)) {
				break;  /* the client is gone, as it should be */
			}
			if (st->op == PEER_DRIP && !peer_send(p, i, st->data + off, n)) {
				return false;
			}
		}
		return st->op == PEER_DRIP || peer_expect_eof(p, i);
	case PEER_PAUSE:
		peer_sleep_ms(st->ms);
		return true;
	case PEER_WAIT_GO: {
		char byte;
		if (!peer_wait(p->go[0], POLLIN) || read(p->go[0], &byte, 1) != 1) {
			return peer_fail(p, i, "the test did not call peer_go() within %d ms", PEER_WAIT_MS);
		}
		return true;
	}
	case PEER_CLOSE:
		close(p->fd);
		p->fd = -1;
		return true;
	case PEER_RESET: {
		/* A zero linger time makes close() send RST. */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };
		setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(p->fd);
		p->fd = -1;
		return true;
	}
	case PEER_END:
		break;
	}
	return true;
}

static void *peer_main(void *arg)
{
	peer *p = arg;

	for (size_t i = 0; p->script[i].op != PEER_END; i++) {
		if (!peer_step_run(p, i, &p->script[i])) {
			break;
		}
	}
	if (p->fd >= 0) {
		close(p->fd);
		p->fd = -1;
	}
	return NULL;
}

static int peer_listen_tcp(peer *p, int family)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	int port, on = 1;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		slen = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		slen = sizeof(*sin6);
	}
	if (bind(fd, (struct sockaddr *)&ss, slen) < 0 || listen(fd, 8) < 0
			|| getsockname(fd, (struct sockaddr *)&ss, &slen) < 0) {
		close(fd);
		return -1;
	}
	if (family == AF_INET) {
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		snprintf(p->address, sizeof(p->address), "127.0.0.1:%d", port);
	} else {
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		snprintf(p->address, sizeof(p->address), "[::1]:%d", port);
	}
	return fd;
}

static int peer_listen_unix(peer *p)
{
	struct sockaddr_un sun;
	int fd;

	snprintf(p->dir, sizeof(p->dir), "/tmp/bsc-unit-XXXXXX");
	if (!mkdtemp(p->dir)) {
		p->dir[0] = '\0';
		return -1;
	}
	snprintf(p->path, sizeof(p->path), "%s/sock", p->dir);
	snprintf(p->address, sizeof(p->address), "unix://%s", p->path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, p->path, strlen(p->path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 8) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Undoes what peer_start() set up. */
static void peer_close_setup(peer *p)
{
	if (p->listen_fd >= 0) {
		close(p->listen_fd);
		p->listen_fd = -1;
	}
	close(p->go[0]);
	close(p->go[1]);
	if (p->dir[0] != '\0') {
		unlink(p->path);
		rmdir(p->dir);
		p->dir[0] = '\0';
	}
}

bool peer_start(peer *p, peer_family family, const peer_step *script)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->family = family;
	p->fd = -1;
	p->script = script;
	if (pipe2(p->go, O_CLOEXEC) < 0) {
		snprintf(p->error, sizeof(p->error), "cannot make a pipe: %s", strerror(errno));
		return false;
	}
	if (family == PEER_UNIX) {
		p->listen_fd = peer_listen_unix(p);
	} else {
		p->listen_fd = peer_listen_tcp(p, family == PEER_TCP4 ? AF_INET : AF_INET6);
	}
	if (p->listen_fd < 0) {
		snprintf(p->error, sizeof(p->error), "cannot listen: %s", strerror(errno));
		peer_close_setup(p);
		return false;
	}
	rc = pthread_create(&p->thread, NULL, peer_main, p);
	if (rc != 0) {
		snprintf(p->error, sizeof(p->error), "cannot start the peer thread: %s", strerror(rc));
		peer_close_setup(p);
		return false;
	}
	p->running = true;
	return true;
}

bool peer_finish(peer *p)
{
	if (!p->running) {
		return p->error[0] == '\0';
	}
	pthread_join(p->thread, NULL);
	p->running = false;
	peer_close_setup(p);
	free(p->in);
	p->in = NULL;
	p->in_len = p->in_cap = 0;
	return p->error[0] == '\0';
}

void peer_go(peer *p)
{
	char byte = 'g';

	if (write(p->go[1], &byte, 1) != 1) {
		/* The peer's wait for it times out and fails the script. */
		return;
	}
}

int peer_refusing_port(int *port)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0
			|| getsockname(fd, (struct sockaddr *)&sin, &slen) < 0) {
		close(fd);
		return -1;
	}
	*port = ntohs(sin.sin_port);
	return fd;
}
