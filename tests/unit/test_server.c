/*
 * Tests against the real beanstalkd (/usr/bin/beanstalkd, or $BEANSTALKD),
 * started by each test on a free loopback port or a private unix socket
 * and stopped at its end. Skipped when the binary is missing.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "command.h"
#include "helpers.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Small, so a test can be refused with JOB_TOO_BIG cheaply. */
#define SERVER_MAX_JOB_SIZE "1000"

typedef struct {
	pid_t pid;
	char address[160];
	char dir[64];     /* unix: the private directory of the socket */
	char path[108];
} server;

static const char *server_binary(void)
{
	const char *bin = getenv("BEANSTALKD");

	return bin && bin[0] ? bin : "/usr/bin/beanstalkd";
}

/* A port nobody listens on right now: bound to 0, read back, let go. */
static int free_port(void)
{
	struct sockaddr_in sin;
	socklen_t slen = sizeof(sin);
	int port = -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return -1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0
			&& getsockname(fd, (struct sockaddr *)&sin, &slen) == 0) {
		port = ntohs(sin.sin_port);
	}
	close(fd);
	return port;
}

/* Whether something accepts connections at the server's address yet. */
static bool server_answers(const server *s, int port)
{
	struct sockaddr_storage ss;
	socklen_t slen;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (port < 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, s->path, strlen(s->path) + 1);
		slen = sizeof(*sun);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons((uint16_t)port);
		slen = sizeof(*sin);
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	}
	if (fd < 0) {
		return false;
	}
	bool ok = connect(fd, (struct sockaddr *)&ss, slen) == 0;
	close(fd);
	return ok;
}

static void server_stop(server *s)
{
	int status;

	if (s->pid > 0) {
		kill(s->pid, SIGTERM);
		for (int i = 0; i < 200 && waitpid(s->pid, &status, WNOHANG) == 0; i++) {
			sleep_ms(10);
		}
		if (waitpid(s->pid, &status, WNOHANG) == 0) {
			kill(s->pid, SIGKILL);
			waitpid(s->pid, &status, 0);
		}
		s->pid = 0;
	}
	if (s->dir[0] != '\0') {
		unlink(s->path);
		rmdir(s->dir);
		s->dir[0] = '\0';
	}
}

/* Spawns beanstalkd listening on listen_arg; true once it answers. */
static bool server_spawn(server *s, const char *listen_arg, const char *port_arg, int port)
{
	posix_spawn_file_actions_t fa;
	/* Without a port (a unix socket), the NULL in its place ends argv. */
	char *argv[] = {
		(char *)server_binary(), "-l", (char *)listen_arg, "-z", SERVER_MAX_JOB_SIZE,
		port_arg ? "-p" : NULL, (char *)port_arg, NULL,
	};
	int status;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	int rc = posix_spawn(&s->pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		s->pid = 0;
		return false;
	}
	/* Up in a few ms; give a loaded machine three seconds. */
	for (int i = 0; i < 300; i++) {
		if (server_answers(s, port)) {
			return true;
		}
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			/* Gone: most likely someone took the port meanwhile. */
			s->pid = 0;
			return false;
		}
		sleep_ms(10);
	}
	server_stop(s);
	return false;
}

/* Starts a server for the running test; false when the test is skipped
 * or has failed. */
static bool server_start(server *s, bool on_unix)
{
	memset(s, 0, sizeof(*s));
	if (access(server_binary(), X_OK) != 0) {
		unit_skip("%s is not there", server_binary());
		return false;
	}
	if (on_unix) {
		char listen_arg[160];
		snprintf(s->dir, sizeof(s->dir), "/tmp/bsc-unit-XXXXXX");
		if (!CHECK(mkdtemp(s->dir) != NULL)) {
			s->dir[0] = '\0';
			return false;
		}
		snprintf(s->path, sizeof(s->path), "%s/beanstalkd.sock", s->dir);
		snprintf(listen_arg, sizeof(listen_arg), "unix:%s", s->path);
		snprintf(s->address, sizeof(s->address), "unix://%s", s->path);
		if (CHECK_MSG(server_spawn(s, listen_arg, NULL, -1), "cannot start %s on %s", server_binary(), s->path)) {
			return true;
		}
		server_stop(s);
		return false;
	}
	for (int attempt = 0; attempt < 5; attempt++) {
		char port_arg[16];
		int port = free_port();
		if (port < 0) {
			continue;
		}
		snprintf(port_arg, sizeof(port_arg), "%d", port);
		snprintf(s->address, sizeof(s->address), "127.0.0.1:%d", port);
		if (server_spawn(s, "127.0.0.1", port_arg, port)) {
			return true;
		}
	}
	CHECK_MSG(false, "cannot start %s on a loopback port", server_binary());
	return false;
}

/* put, reserve, delete and friends, and the tube state across a reconnect. */
static void server_round_trip(bool on_unix)
{
	server s;
	uint64_t id1 = 0, id2 = 0, id3 = 0, id;
	bsc_job job;

	if (!server_start(&s, on_unix)) {
		return;
	}
	bsc_conn *c = test_conn(s.address, TEST_TIMEOUT);
	bsc_conn *other = test_conn(s.address, TEST_TIMEOUT);
	if (!c || !other) {
		bsc_conn_free(c);
		bsc_conn_free(other);
		server_stop(&s);
		return;
	}

	CHECK(bsc_conn_use(c, "unit-a", 6));
	CHECK_STATUS(c, bsc_put(c, 10, 0, 60, "hello", 5, &id1), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 20, 0, 60, "", 0, &id2), BSC_OK);
	CHECK_STATUS(c, bsc_put(c, 30, 0, 60, "a\r\n\0b\r\n", 7, &id3), BSC_OK);
	CHECK(id1 > 0 && id2 > id1 && id3 > id2);

	/* The jobs went to unit-a: a connection on default sees none. */
	CHECK_STATUS(other, bsc_reserve(other, 0, &job), BSC_TIMED_OUT);

	CHECK(bsc_conn_watch(c, "unit-a", 6));
	CHECK_STATUS(c, bsc_conn_ignore(c, "default", 7), BSC_OK);
	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id1);
		CHECK_MEM(job.body, job.body_len, "hello", 5);
	}
	CHECK_STATUS(c, bsc_touch(c, id1), BSC_OK);
	CHECK_STATUS(c, bsc_delete(c, id1), BSC_OK);
	CHECK_STATUS(c, bsc_delete(c, id1), BSC_NOT_FOUND);

	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id2);
		CHECK_U64(job.body_len, 0);
	}
	CHECK_STATUS(c, bsc_release(c, id2, 5, 0), BSC_OK);
	/* Released with a better priority, it comes first again. */
	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id2);
	}
	CHECK_STATUS(c, bsc_bury(c, id2, 1), BSC_OK);
	/* Buried, it is no longer ours to touch. */
	CHECK_STATUS(c, bsc_touch(c, id2), BSC_NOT_FOUND);

	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id3);
		CHECK_MEM(job.body, job.body_len, "a\r\n\0b\r\n", 7);
	}
	CHECK_STATUS(c, bsc_delete(c, id3), BSC_OK);
	CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_TIMED_OUT);

	/* Too big for the server: refused, and the stream stays in step. */
	char big[2000];
	memset(big, 'B', sizeof(big));
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, big, sizeof(big), &id), BSC_SERVER_ERROR);
	CHECK(bsc_conn_server_error(c) == BSC_REPLY_JOB_TOO_BIG);
	CHECK(bsc_conn_is_connected(c));

	/* A new connection gets the tube state replayed: the put lands in
	 * unit-a and the reserve watches unit-a only. */
	uint64_t generation = bsc_conn_generation(c);
	bsc_conn_close(c);
	CHECK_STATUS(c, bsc_put(c, 0, 0, 60, "again", 5, &id), BSC_OK);
	CHECK_U64(bsc_conn_generation(c), generation + 1);
	CHECK_STATUS(other, bsc_reserve(other, 0, &job), BSC_TIMED_OUT);
	bsc_conn_close(c);
	if (CHECK_STATUS(c, bsc_reserve(c, 0, &job), BSC_OK)) {
		CHECK_U64(job.id, id);
		CHECK_MEM(job.body, job.body_len, "again", 5);
	}
	CHECK_STATUS(c, bsc_delete(c, id), BSC_OK);

	bsc_conn_free(c);
	bsc_conn_free(other);
	server_stop(&s);
}

static void test_real_server_tcp(void)
{
	server_round_trip(false);
}

static void test_real_server_unix(void)
{
	server_round_trip(true);
}

static void test_real_server_pipelined(void)
{
	enum { N = 50 };
	server s;
	bsc_request reqs[N];
	char lines[N][32];
	bsc_reply r;

	if (!server_start(&s, false)) {
		return;
	}
	bsc_conn *c = test_conn(s.address, TEST_TIMEOUT);
	if (!c) {
		server_stop(&s);
		return;
	}
	CHECK(bsc_conn_use(c, "unit-pipe", 9));
	for (size_t i = 0; i < N; i++) {
		size_t len = (size_t)snprintf(lines[i], sizeof(lines[i]), "put %zu 0 60 2\r\n", i);
		reqs[i] = (bsc_request){ lines[i], len, "pp", 2, true };
	}
	size_t writes = client_writes();
	CHECK_STATUS(c, bsc_conn_send(c, reqs, N), BSC_OK);
	CHECK_U64(client_writes() - writes, 1);
	uint64_t last = 0;
	for (size_t i = 0; i < N; i++) {
		if (!CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_OK)) {
			break;
		}
		CHECK_MSG(r.kind == BSC_REPLY_INSERTED && r.num > last, "reply %zu: %s %llu", i,
			bsc_reply_name(r.kind), (unsigned long long)r.num);
		last = r.num;
	}
	CHECK_U64(bsc_conn_pending(c), 0);
	bsc_conn_free(c);
	server_stop(&s);
}

static const unit_test tests[] = {
	UNIT_TEST(test_real_server_tcp),
	UNIT_TEST(test_real_server_unix),
	UNIT_TEST(test_real_server_pipelined),
};

const unit_suite server_suite = UNIT_SUITE("server", tests);
