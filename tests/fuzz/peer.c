/*
 * The server side of fuzz_command. See peer.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "peer.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

/* How long the peer waits for a request, or to write its answer. */
#define SERVE_MS 500
/* How long a held connection stays open if the client keeps it. */
#define HOLD_MS 500

static struct {
	int tcp_fd, unix_fd;
	int done_fd;          /* eventfd: the client side is done with the round */
	char tcp_address[64];
	char unix_address[160];
	char dir[64];
	char path[108];
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	unsigned long round, finished;
	const unsigned char *answer;
	size_t answer_len;
	bool hold;
} peer = {
	.tcp_fd = -1, .unix_fd = -1, .done_fd = -1,
	.lock = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER,
};

/* Bytes the client has handed to sendmsg() and not taken back: counted
 * before the call, so the peer never sees a byte that is not counted yet. */
static atomic_size_t client_sent;

ssize_t __real_sendmsg(int fd, const struct msghdr *msg, int flags);

ssize_t __wrap_sendmsg(int fd, const struct msghdr *msg, int flags)
{
	size_t total = 0;

	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		total += msg->msg_iov[i].iov_len;
	}
	atomic_fetch_add(&client_sent, total);
	ssize_t w = __real_sendmsg(fd, msg, flags);
	int e = errno;
	atomic_fetch_sub(&client_sent, w < 0 ? total : total - (size_t)w);
	errno = e;
	return w;
}

static void die(const char *what)
{
	fprintf(stderr, "fuzz peer: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static int ms_left(double deadline)
{
	double left = deadline - now_ms();

	return left <= 0 ? 0 : (int)left + 1;
}

/* Waits for fd to be ready for events, or for the client side to be done:
 * 1 ready, 0 done or out of time. */
static int wait_fd(int fd, short events, double deadline)
{
	for (;;) {
		struct pollfd pf[2] = { { .fd = fd, .events = events }, { .fd = peer.done_fd, .events = POLLIN } };
		int ms = ms_left(deadline);
		if (ms == 0) {
			return 0;
		}
		int n = poll(pf, 2, ms);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0 || (pf[1].revents & POLLIN)) {
			return 0;
		}
		return 1;
	}
}

/* Reads the client's request (all it has sent), answers, and waits for
 * the client to close if the round holds the connection. */
static void serve(int fd, const unsigned char *answer, size_t len, bool hold)
{
	double deadline = now_ms() + SERVE_MS;
	size_t got = 0;
	char sink[4096];

	for (;;) {
		if (got > 0 && got >= atomic_load(&client_sent)) {
			break;
		}
		if (!wait_fd(fd, POLLIN, deadline)) {
			return;
		}
		ssize_t r = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
		if (r == 0) {
			return;
		}
		if (r < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
				continue;
			}
			return;
		}
		got += (size_t)r;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = send(fd, answer + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0) {
			if ((errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) && wait_fd(fd, POLLOUT, deadline)) {
				continue;
			}
			return;
		}
		off += (size_t)w;
	}
	if (hold) {
		wait_fd(fd, POLLIN, now_ms() + HOLD_MS);
	}
}

static void take_round(unsigned long *round, const unsigned char **answer, size_t *len, bool *hold)
{
	pthread_mutex_lock(&peer.lock);
	while (peer.round == peer.finished) {
		pthread_cond_wait(&peer.cond, &peer.lock);
	}
	*round = peer.round;
	*answer = peer.answer;
	*len = peer.answer_len;
	*hold = peer.hold;
	pthread_mutex_unlock(&peer.lock);
}

static void *peer_main(void *arg)
{
	(void)arg;
	for (;;) {
		unsigned long round;
		const unsigned char *answer;
		size_t len;
		bool hold, served = false;

		take_round(&round, &answer, &len, &hold);
		for (;;) {
			struct pollfd pf[3] = {
				{ .fd = peer.tcp_fd, .events = POLLIN },
				{ .fd = peer.unix_fd, .events = POLLIN },
				{ .fd = peer.done_fd, .events = POLLIN },
			};
			if (poll(pf, 3, -1) < 0) {
				continue;
			}
			if (pf[2].revents & POLLIN) {
				break;
			}
			for (int i = 0; i < 2; i++) {
				if (!(pf[i].revents & POLLIN)) {
					continue;
				}
				int fd = accept4(pf[i].fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				if (fd < 0) {
					continue;
				}
				if (!served) {
					served = true;
					serve(fd, answer, len, hold);
				}
				close(fd);
			}
		}
		/* Connections nobody took: the client has closed them already. */
		int listeners[2] = { peer.tcp_fd, peer.unix_fd };
		for (int i = 0; i < 2; i++) {
			int fd;
			while ((fd = accept4(listeners[i], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
				close(fd);
			}
		}
		uint64_t v;
		if (read(peer.done_fd, &v, sizeof(v)) < 0) {
			die("read the round's end");
		}
		pthread_mutex_lock(&peer.lock);
		peer.finished = round;
		pthread_cond_broadcast(&peer.cond);
		pthread_mutex_unlock(&peer.lock);
	}
	return NULL;
}

static void peer_cleanup(void)
{
	if (peer.path[0]) {
		unlink(peer.path);
	}
	if (peer.dir[0]) {
		rmdir(peer.dir);
	}
}

static int listen_tcp(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t salen = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0
			|| getsockname(fd, (struct sockaddr *)&sa, &salen) < 0) {
		die("listen on 127.0.0.1");
	}
	snprintf(peer.tcp_address, sizeof(peer.tcp_address), "127.0.0.1:%d", ntohs(sa.sin_port));
	return fd;
}

static int listen_unix(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	snprintf(peer.dir, sizeof(peer.dir), "/tmp/bsc-fuzz-XXXXXX");
	if (!mkdtemp(peer.dir)) {
		peer.dir[0] = '\0';
		die("make a private directory");
	}
	snprintf(peer.path, sizeof(peer.path), "%s/sock", peer.dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", peer.path);
	atexit(peer_cleanup);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 64) < 0) {
		die("listen on a unix socket");
	}
	snprintf(peer.unix_address, sizeof(peer.unix_address), "unix://%s", peer.path);
	return fd;
}

void peer_start(void)
{
	peer.tcp_fd = listen_tcp();
	peer.unix_fd = listen_unix();
	peer.done_fd = eventfd(0, EFD_CLOEXEC);
	if (peer.done_fd < 0) {
		die("make an eventfd");
	}
	if ((errno = pthread_create(&peer.thread, NULL, peer_main, NULL)) != 0) {
		die("start the peer thread");
	}
	pthread_detach(peer.thread);
}

const char *peer_address(bool unix_socket)
{
	return unix_socket ? peer.unix_address : peer.tcp_address;
}

void peer_begin(const unsigned char *answer, size_t len, bool hold)
{
	atomic_store(&client_sent, 0);
	pthread_mutex_lock(&peer.lock);
	peer.answer = answer;
	peer.answer_len = len;
	peer.hold = hold;
	peer.round++;
	pthread_cond_broadcast(&peer.cond);
	pthread_mutex_unlock(&peer.lock);
}

void peer_end(void)
{
	uint64_t one = 1;
	struct timespec until;

	if (write(peer.done_fd, &one, sizeof(one)) != sizeof(one)) {
		die("end the round");
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&peer.lock);
	while (peer.finished != peer.round) {
		if (pthread_cond_timedwait(&peer.cond, &peer.lock, &until) == ETIMEDOUT) {
			fprintf(stderr, "fuzz peer: the round did not end within 10 s\n");
			abort();
		}
	}
	pthread_mutex_unlock(&peer.lock);
}
