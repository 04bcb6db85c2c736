/*
 * The floor of the put benchmark: the least a beanstalkd client can do.
 *
 *   rawput put   HOST PORT TUBE SIZE N WARMUP
 *       One blocking TCP socket with TCP_NODELAY; `use TUBE`, then WARMUP
 *       puts, then N timed puts of a SIZE-byte body. Each put is one write()
 *       of line + body + CRLF and one read() of the reply (more only if the
 *       reply comes in pieces). Prints one JSON line: wall time and this
 *       process's user and system CPU over the N puts, and the ids.
 *
 *   rawput drain HOST PORT FROM
 *       Deletes every job with an id from FROM up to a marker job it puts
 *       itself, in pipelined batches. Prints {"deleted":K,"next":MARKER+1}.
 *       Job ids are global to the server, so this empties every tube of what
 *       was put since the last drain, whoever put it.
 *
 * Built by ./dev bench with gcc -O2. Exits non-zero, saying why on stderr,
 * on any unexpected reply.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define REPLY_MAX 256
#define DRAIN_BATCH 512

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("rawput: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static unsigned long parse_count(const char *s, const char *what)
{
	char *end;

	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *s == '\0' || *end != '\0') {
		die("bad %s: %s", what, s);
	}
	return v;
}

static int connect_to(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM }, *res;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		die("cannot resolve %s:%s: %s", host, port, gai_strerror(rc));
	}
	int fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	if (fd < 0 || connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
		die("cannot connect to %s:%s: %s", host, port, strerror(errno));
	}
	freeaddrinfo(res);
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	/* Never hang the bench: a reply that takes 5 s is a failure. */
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return fd;
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, buf, len);
		if (w < 0) {
			if (errno == EINTR) {
				continue;
			}
			die("write: %s", strerror(errno));
		}
		buf += w;
		len -= (size_t)w;
	}
}

/* Reads one reply line (every reply this program expects is a single line)
 * into buf, NUL-terminated without the CRLF. The server sends nothing
 * unasked, so whatever arrives belongs to this reply. */
static void read_line(int fd, char *buf)
{
	size_t have = 0;

	for (;;) {
		ssize_t r = read(fd, buf + have, REPLY_MAX - 1 - have);
		if (r <= 0) {
			die("read: %s", r == 0 ? "server closed the connection" : strerror(errno));
		}
		have += (size_t)r;
		if (have >= 2 && buf[have - 2] == '\r' && buf[have - 1] == '\n') {
			buf[have - 2] = '\0';
			return;
		}
		if (have == REPLY_MAX - 1) {
			die("reply too long");
		}
	}
}

/* req holds [room for the line][body]\r\n; the line is written into place
 * right before the body, so the request goes out in one write(). */
static uint64_t put_once(int fd, char *req, size_t line_max, size_t size)
{
	char reply[REPLY_MAX];
	char line[64];
	int n = snprintf(line, sizeof line, "put 1024 0 60 %zu\r\n", size);

	char *start = req + line_max - (size_t)n;
	memcpy(start, line, (size_t)n);
	write_all(fd, start, (size_t)n + size + 2);
	read_line(fd, reply);
	if (strncmp(reply, "INSERTED ", 9) != 0) {
		die("put: unexpected reply: %s", reply);
	}
	return strtoull(reply + 9, NULL, 10);
}

static double wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void cpu_now(double *user, double *sys)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static int cmd_put(char **argv)
{
	const char *host = argv[0], *port = argv[1], *tube = argv[2];
	size_t size = parse_count(argv[3], "size");
	unsigned long n = parse_count(argv[4], "count");
	unsigned long warmup = parse_count(argv[5], "warm-up count");
	char reply[REPLY_MAX];
	char use[256];

	if (strlen(tube) > 200) {
		die("tube name too long");
	}
	int fd = connect_to(host, port);
	int len = snprintf(use, sizeof use, "use %s\r\n", tube);
	write_all(fd, use, (size_t)len);
	read_line(fd, reply);
	if (strncmp(reply, "USING ", 6) != 0) {
		die("use: unexpected reply: %s", reply);
	}

	size_t line_max = 64;
	char *req = malloc(line_max + size + 2);
	if (!req) {
		die("out of memory");
	}
	memset(req + line_max, 'x', size);
	memcpy(req + line_max + size, "\r\n", 2);

	for (unsigned long i = 0; i < warmup; i++) {
		put_once(fd, req, line_max, size);
	}

	double u0, s0, u1, s1;
	uint64_t first = 0, last = 0;
	cpu_now(&u0, &s0);
	double t0 = wall_now();
	for (unsigned long i = 0; i < n; i++) {
		last = put_once(fd, req, line_max, size);
		if (i == 0) {
			first = last;
		}
	}
	double t1 = wall_now();
	cpu_now(&u1, &s1);

	printf("{\"client\":\"raw\",\"size\":%zu,\"n\":%lu,\"wall_s\":%.9f,\"user_s\":%.6f,\"sys_s\":%.6f,"
		"\"first_id\":%" PRIu64 ",\"last_id\":%" PRIu64 "}\n",
		size, n, t1 - t0, u1 - u0, s1 - s0, first, last);
	free(req);
	close(fd);
	return 0;
}

static int cmd_drain(char **argv)
{
	const char *host = argv[0], *port = argv[1];
	uint64_t from = strtoull(argv[2], NULL, 10);
	char reply[REPLY_MAX];
	static char batch[DRAIN_BATCH * 32];
	static char replies[DRAIN_BATCH * 16];

	int fd = connect_to(host, port);
	write_all(fd, "put 4294967295 0 60 5\r\ndrain\r\n", 30);
	read_line(fd, reply);
	if (strncmp(reply, "INSERTED ", 9) != 0) {
		die("drain marker: unexpected reply: %s", reply);
	}
	uint64_t marker = strtoull(reply + 9, NULL, 10);
	if (from == 0) {
		from = 1;
	}
	if (from > marker) {
		from = marker;  /* at least the marker goes */
	}

	uint64_t deleted = 0;
	for (uint64_t id = from; id <= marker;) {
		size_t len = 0, count = 0;
		for (; id <= marker && count < DRAIN_BATCH; id++, count++) {
			len += (size_t)snprintf(batch + len, sizeof batch - len, "delete %" PRIu64 "\r\n", id);
		}
		write_all(fd, batch, len);
		/* Every reply is DELETED or NOT_FOUND: count lines until all came. */
		size_t lines = 0, have = 0;
		while (lines < count) {
			ssize_t r = read(fd, replies + have, sizeof replies - have);
			if (r <= 0) {
				die("drain read: %s", r == 0 ? "server closed the connection" : strerror(errno));
			}
			size_t end = have + (size_t)r, start = 0;
			for (size_t i = 0; i < end; i++) {
				if (replies[i] != '\n') {
					continue;
				}
				if (strncmp(replies + start, "DELETED\r", 8) == 0) {
					deleted++;
				} else if (strncmp(replies + start, "NOT_FOUND\r", 10) != 0) {
					die("drain: unexpected reply: %.*s", (int)(i - start), replies + start);
				}
				lines++;
				start = i + 1;
			}
			memmove(replies, replies + start, end - start);
			have = end - start;
		}
	}
	printf("{\"deleted\":%" PRIu64 ",\"next\":%" PRIu64 "}\n", deleted, marker + 1);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 8 && strcmp(argv[1], "put") == 0) {
		return cmd_put(argv + 2);
	}
	if (argc == 5 && strcmp(argv[1], "drain") == 0) {
		return cmd_drain(argv + 2);
	}
	fprintf(stderr, "usage: rawput put HOST PORT TUBE SIZE N WARMUP\n"
		"       rawput drain HOST PORT FROM\n");
	return 2;
}
