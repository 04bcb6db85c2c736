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
 *   rawput pipeline HOST PORT TUBE SIZE BATCH REPS WARMUP
 *       The floor of putMany: WARMUP untimed, then REPS timed batches; a
 *       batch is one write() of BATCH put requests, then the BATCH replies
 *       read through a buffer. Prints the same JSON line as put, with n =
 *       BATCH * REPS.
 *
 *   rawput fill HOST PORT TUBE SIZE N
 *       Puts N jobs into TUBE as fast as it can (pipelined batches of 1000),
 *       untimed: fills the tube the worker contenders then empty. Prints
 *       {"n":N,"first_id":...,"last_id":...}.
 *
 *   rawput worker HOST PORT TUBE N WARMUP [DEPTH]
 *       A worker whose handler does nothing; watches TUBE only. DEPTH 0
 *       (the default) is the floor of a worker that waits for each reply:
 *       per job `reserve-with-timeout 1`, read the job, `delete ID`, read
 *       DELETED: two write()s and two round trips a job. DEPTH 1 is the
 *       floor of Beanstalk\Worker's way: the finished job's delete goes out
 *       in the same write() as the next reserve, one round trip a job. DEPTH
 *       k > 1 keeps k reserves outstanding (jobs taken ahead; an experiment,
 *       not a contender). WARMUP jobs untimed, then N timed; the tube must
 *       hold them all (a TIMED_OUT is a failure). Prints the same JSON line
 *       as put.
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

/* {{{ buffered replies: pipelined puts and the worker loop */

/* A read buffer over the socket: replies are taken from it line by line,
 * and a job body is skipped in place, so several replies that came in one
 * read() cost one system call. */
struct rbuf {
	int fd;
	size_t start, end;
	char data[1 << 16];
};

static void rb_fill(struct rbuf *rb)
{
	if (rb->start > 0) {
		memmove(rb->data, rb->data + rb->start, rb->end - rb->start);
		rb->end -= rb->start;
		rb->start = 0;
	}
	if (rb->end == sizeof rb->data) {
		die("reply too long");
	}
	ssize_t r = read(rb->fd, rb->data + rb->end, sizeof rb->data - rb->end);
	if (r <= 0) {
		die("read: %s", r == 0 ? "server closed the connection" : strerror(errno));
	}
	rb->end += (size_t)r;
}

/* The next reply line, NUL-terminated without its CRLF; valid until the
 * next call. */
static char *rb_line(struct rbuf *rb)
{
	for (;;) {
		char *nl = memchr(rb->data + rb->start, '\n', rb->end - rb->start);
		if (nl) {
			char *line = rb->data + rb->start;
			if (nl == line || nl[-1] != '\r') {
				die("reply line without CRLF");
			}
			nl[-1] = '\0';
			rb->start = (size_t)(nl - rb->data) + 1;
			return line;
		}
		rb_fill(rb);
	}
}

/* Skips n bytes of the stream (a job body and its CRLF). */
static void rb_skip(struct rbuf *rb, size_t n)
{
	while (rb->end - rb->start < n) {
		n -= rb->end - rb->start;
		rb->start = rb->end = 0;
		rb_fill(rb);
	}
	rb->start += n;
}

static int connect_using(const char *host, const char *port, const char *tube)
{
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
	return fd;
}

/* BATCH copies of one put request, back to back: one write() sends them. */
static char *batch_request(size_t size, size_t batch, size_t *len)
{
	char line[64];
	int n = snprintf(line, sizeof line, "put 1024 0 60 %zu\r\n", size);
	size_t one = (size_t)n + size + 2;
	char *req = malloc(one * batch);

	if (!req) {
		die("out of memory");
	}
	for (size_t i = 0; i < batch; i++) {
		char *p = req + i * one;
		memcpy(p, line, (size_t)n);
		memset(p + n, 'x', size);
		memcpy(p + n + size, "\r\n", 2);
	}
	*len = one * batch;
	return req;
}

/* Writes count (<= the batch built) requests in one write(), reads the
 * replies; returns the last id and stores the first in *first. */
static uint64_t put_batch(int fd, struct rbuf *rb, const char *req, size_t one, size_t count, uint64_t *first)
{
	uint64_t id = 0;

	write_all(fd, req, one * count);
	for (size_t i = 0; i < count; i++) {
		char *reply = rb_line(rb);
		if (strncmp(reply, "INSERTED ", 9) != 0) {
			die("pipelined put: unexpected reply: %s", reply);
		}
		id = strtoull(reply + 9, NULL, 10);
		if (i == 0 && first) {
			*first = id;
		}
	}
	return id;
}

static int cmd_pipeline(char **argv)
{
	const char *host = argv[0], *port = argv[1], *tube = argv[2];
	size_t size = parse_count(argv[3], "size");
	size_t batch = parse_count(argv[4], "batch");
	unsigned long reps = parse_count(argv[5], "repetitions");
	unsigned long warmup = parse_count(argv[6], "warm-up repetitions");
	static struct rbuf rb;
	size_t len;

	if (batch == 0 || reps == 0) {
		die("batch and repetitions must be at least 1");
	}
	int fd = connect_using(host, port, tube);
	rb.fd = fd;
	char *req = batch_request(size, batch, &len);
	size_t one = len / batch;

	for (unsigned long i = 0; i < warmup; i++) {
		put_batch(fd, &rb, req, one, batch, NULL);
	}
	double u0, s0, u1, s1;
	uint64_t first = 0, last = 0;
	cpu_now(&u0, &s0);
	double t0 = wall_now();
	for (unsigned long i = 0; i < reps; i++) {
		last = put_batch(fd, &rb, req, one, batch, i == 0 ? &first : NULL);
	}
	double t1 = wall_now();
	cpu_now(&u1, &s1);

	printf("{\"client\":\"raw-pipeline\",\"size\":%zu,\"batch\":%zu,\"n\":%lu,\"wall_s\":%.9f,\"user_s\":%.6f,"
		"\"sys_s\":%.6f,\"first_id\":%" PRIu64 ",\"last_id\":%" PRIu64 "}\n",
		size, batch, (unsigned long)(batch * reps), t1 - t0, u1 - u0, s1 - s0, first, last);
	free(req);
	close(fd);
	return 0;
}

static int cmd_fill(char **argv)
{
	const char *host = argv[0], *port = argv[1], *tube = argv[2];
	size_t size = parse_count(argv[3], "size");
	unsigned long n = parse_count(argv[4], "count");
	const size_t batch = 1000;
	static struct rbuf rb;
	uint64_t first = 0, last = 0;
	size_t len;

	int fd = connect_using(host, port, tube);
	rb.fd = fd;
	char *req = batch_request(size, batch, &len);
	size_t one = len / batch;
	for (unsigned long done = 0; done < n;) {
		size_t count = n - done < batch ? n - done : batch;
		last = put_batch(fd, &rb, req, one, count, done == 0 ? &first : NULL);
		done += count;
	}
	printf("{\"n\":%lu,\"first_id\":%" PRIu64 ",\"last_id\":%" PRIu64 "}\n", n, first, last);
	free(req);
	close(fd);
	return 0;
}

/* One job the wait-for-each-reply way: reserve, read it, delete, read. */
static uint64_t work_once(int fd, struct rbuf *rb)
{
	static const char reserve[] = "reserve-with-timeout 1\r\n";
	char del[64];
	uint64_t id;
	size_t bytes;

	write_all(fd, reserve, sizeof reserve - 1);
	char *reply = rb_line(rb);
	if (sscanf(reply, "RESERVED %" SCNu64 " %zu", &id, &bytes) != 2) {
		die("reserve: unexpected reply: %s (is the tube filled?)", reply);
	}
	rb_skip(rb, bytes + 2);
	int len = snprintf(del, sizeof del, "delete %" PRIu64 "\r\n", id);
	write_all(fd, del, (size_t)len);
	reply = rb_line(rb);
	if (strcmp(reply, "DELETED") != 0) {
		die("delete %" PRIu64 ": unexpected reply: %s", id, reply);
	}
	return id;
}

/* A worker loop that pipelines: `depth` reserves are outstanding at any
 * time, and a finished job's delete goes out in the same write() as the
 * reserve that replaces it, so its DELETED comes back among the next
 * replies. Depth 1 is what Beanstalk\Worker does. */
struct pipe_worker {
	int fd;
	struct rbuf *rb;
	unsigned long total;     /* jobs to take in all */
	unsigned long issued;    /* reserves sent */
	unsigned long deletes;   /* DELETED replies still to come */
	uint64_t done_id;        /* finished job whose delete is not sent yet */
};

static void pw_send(struct pipe_worker *pw, unsigned long reserves)
{
	char buf[64 + 32 * 64];
	size_t len = 0;

	if (pw->done_id) {
		len += (size_t)snprintf(buf + len, sizeof buf - len, "delete %" PRIu64 "\r\n", pw->done_id);
		pw->done_id = 0;
		pw->deletes++;
	}
	for (; reserves > 0 && pw->issued < pw->total; reserves--, pw->issued++) {
		memcpy(buf + len, "reserve-with-timeout 1\r\n", 24);
		len += 24;
	}
	if (len > 0) {
		write_all(pw->fd, buf, len);
	}
}

/* Takes the next job: reads replies (DELETEDs of earlier jobs among them)
 * until a job comes, then sends its predecessor's delete with the next
 * reserve. Returns the job's id. */
static uint64_t pw_next(struct pipe_worker *pw)
{
	for (;;) {
		char *reply = rb_line(pw->rb);
		if (strcmp(reply, "DELETED") == 0 && pw->deletes > 0) {
			pw->deletes--;
			continue;
		}
		uint64_t id;
		size_t bytes;
		if (sscanf(reply, "RESERVED %" SCNu64 " %zu", &id, &bytes) != 2) {
			die("pipelined worker: unexpected reply: %s (is the tube filled?)", reply);
		}
		rb_skip(pw->rb, bytes + 2);
		return id;
	}
}

/* The handler did nothing: the job is done; its delete goes out with the
 * next reserve, or alone after the last job. */
static void pw_done(struct pipe_worker *pw, uint64_t id)
{
	pw->done_id = id;
	pw_send(pw, 1);
}

static void pw_finish(struct pipe_worker *pw)
{
	pw_send(pw, 0);
	while (pw->deletes > 0) {
		char *reply = rb_line(pw->rb);
		if (strcmp(reply, "DELETED") != 0) {
			die("pipelined worker: unexpected reply: %s", reply);
		}
		pw->deletes--;
	}
}

static int cmd_worker(char **argv, int depth)
{
	const char *host = argv[0], *port = argv[1], *tube = argv[2];
	unsigned long n = parse_count(argv[3], "count");
	unsigned long warmup = parse_count(argv[4], "warm-up count");
	static struct rbuf rb;
	char cmd[512];

	if (strlen(tube) > 200) {
		die("tube name too long");
	}
	if (depth > 32) {
		die("depth above 32");
	}
	int fd = connect_to(host, port);
	rb.fd = fd;
	int len = snprintf(cmd, sizeof cmd, "watch %s\r\nignore default\r\n", tube);
	write_all(fd, cmd, (size_t)len);
	char *reply = rb_line(&rb);
	if (strncmp(reply, "WATCHING ", 9) != 0) {
		die("watch: unexpected reply: %s", reply);
	}
	reply = rb_line(&rb);
	if (strcmp(reply, "WATCHING 1") != 0) {
		die("ignore: unexpected reply: %s", reply);
	}

	struct pipe_worker pw = { .fd = fd, .rb = &rb, .total = warmup + n };
	if (depth > 0) {
		pw_send(&pw, (unsigned long)depth);
	}
	for (unsigned long i = 0; i < warmup; i++) {
		if (depth > 0) {
			pw_done(&pw, pw_next(&pw));
		} else {
			work_once(fd, &rb);
		}
	}
	double u0, s0, u1, s1;
	uint64_t first = 0, last = 0;
	cpu_now(&u0, &s0);
	double t0 = wall_now();
	for (unsigned long i = 0; i < n; i++) {
		if (depth > 0) {
			last = pw_next(&pw);
			pw_done(&pw, last);
		} else {
			last = work_once(fd, &rb);
		}
		if (i == 0) {
			first = last;
		}
	}
	if (depth > 0) {
		pw_finish(&pw);
	}
	double t1 = wall_now();
	cpu_now(&u1, &s1);

	printf("{\"client\":\"raw-worker\",\"depth\":%d,\"n\":%lu,\"wall_s\":%.9f,\"user_s\":%.6f,\"sys_s\":%.6f,"
		"\"first_id\":%" PRIu64 ",\"last_id\":%" PRIu64 "}\n",
		depth, n, t1 - t0, u1 - u0, s1 - s0, first, last);
	close(fd);
	return 0;
}
/* }}} */

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
	if (argc == 9 && strcmp(argv[1], "pipeline") == 0) {
		return cmd_pipeline(argv + 2);
	}
	if (argc == 7 && strcmp(argv[1], "fill") == 0) {
		return cmd_fill(argv + 2);
	}
	if ((argc == 7 || argc == 8) && strcmp(argv[1], "worker") == 0) {
		return cmd_worker(argv + 2, argc == 8 ? (int)parse_count(argv[7], "depth") : 0);
	}
	if (argc == 5 && strcmp(argv[1], "drain") == 0) {
		return cmd_drain(argv + 2);
	}
	fprintf(stderr, "usage: rawput put HOST PORT TUBE SIZE N WARMUP\n"
		"       rawput pipeline HOST PORT TUBE SIZE BATCH REPS WARMUP\n"
		"       rawput fill HOST PORT TUBE SIZE N\n"
		"       rawput worker HOST PORT TUBE N WARMUP [DEPTH]\n"
		"       rawput drain HOST PORT FROM\n");
	return 2;
}
