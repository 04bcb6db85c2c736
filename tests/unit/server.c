/*
 * The real beanstalkd for the tests that need one. See server.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "server.h"
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

#define STR(x) STR_(x)
#define STR_(x) #x
#define SERVER_MAX_JOB_SIZE_ARG STR(SERVER_MAX_JOB_SIZE)

extern char **environ;

const char *server_binary(void)
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

void server_stop(server *s)
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
		(char *)server_binary(), "-l", (char *)listen_arg, "-z", (char *)SERVER_MAX_JOB_SIZE_ARG,
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

bool server_start(server *s, bool on_unix)
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
