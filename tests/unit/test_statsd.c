/*
 * Tests of the worker's StatsD metrics (src/statsd): the address forms and
 * names, the lines, the reservoir's sampling, the packing of lines into
 * datagrams, and the whole of an interval's send, read back from a UDP
 * socket of the test's own on loopback; a daemon that is down, which costs
 * a counter and never a wait; and no socket at all.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "helpers.h"
#include "server.h"
#include "src/monitor/statsd.h"
#include "unit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* {{{ helpers */
/* A UDP socket bound to 127.0.0.1 on a free port, written into port. */
static int udp_listener(char port[8])
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (!CHECK(fd >= 0)) {
		return -1;
	}
	/* Room for every datagram of the tests before they are read. */
	int size = 4 << 20;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (!CHECK(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) || !CHECK(getsockname(fd, (struct sockaddr *)&sa, &len) == 0)) {
		close(fd);
		return -1;
	}
	snprintf(port, 8, "%u", (unsigned)ntohs(sa.sin_port));
	return fd;
}

/* A UDP socket connected to 127.0.0.1:port, as the sender opens it. */
static int udp_sender(const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK), .sin_port = htons((uint16_t)atoi(port)) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (!CHECK(fd >= 0) || !CHECK(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)) {
		if (fd >= 0) {
			close(fd);
		}
		return -1;
	}
	return fd;
}

typedef struct {
	char *text;                 /* every datagram, one after the other */
	size_t len;
	size_t count, largest;
	bool whole_lines;           /* each ended with a newline */
} received;

/* Every datagram that comes within wait_ms of the last one. */
static void receive_all(int fd, received *r, int wait_ms)
{
	char buf[65536];

	memset(r, 0, sizeof(*r));
	r->whole_lines = true;
	for (int guard = 0; guard < 100000 && wait_readable(fd, wait_ms); guard++) {
		ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0) {
			break;
		}
		r->count++;
		if ((size_t)n > r->largest) {
			r->largest = (size_t)n;
		}
		if (buf[n - 1] != '\n') {
			r->whole_lines = false;
		}
		r->text = realloc(r->text, r->len + (size_t)n + 1);
		memcpy(r->text + r->len, buf, (size_t)n);
		r->len += (size_t)n;
		r->text[r->len] = '\0';
		wait_ms = 200;
	}
}

/* How many lines of text start with head. */
static size_t lines_starting(const char *text, const char *head)
{
	size_t n = 0, hl = strlen(head);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, head, hl) == 0) {
			n++;
		}
	}
	return n;
}

static bool has_line(const char *text, const char *line)
{
	char want[512];

	snprintf(want, sizeof(want), "%s\n", line);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, want, strlen(want)) == 0) {
			return true;
		}
	}
	return false;
}
/* }}} */

/* {{{ the pure part */
static void test_address_forms(void)
{
	static const struct {
		const char *in, *host, *port, *name;
	} ok[] = {
		{ "127.0.0.1:8200", "127.0.0.1", "8200", "127.0.0.1:8200" },
		{ "localhost", "localhost", "8125", "localhost:8125" },
		{ "udp://stats.example:9", "stats.example", "9", "stats.example:9" },
		{ "UDP://h", "h", "8125", "h:8125" },
		{ "[::1]:8126", "::1", "8126", "[::1]:8126" },
		{ "[::1]", "::1", "8125", "[::1]:8125" },
	};
	static const char *const bad[] = { "", ":8125", "h:", "h:0", "h:65536", "h:12a", "::1", "[::1", "[::1]x", "h o:1", "udp://",
		"h:123456", "tcp://h:1" };
	bsc_statsd_address a;
	char errbuf[BSC_ERRSTR_LEN];

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		if (!CHECK_MSG(bsc_statsd_address_parse(&a, ok[i].in, strlen(ok[i].in), errbuf), "%s: %s", ok[i].in, errbuf)) {
			continue;
		}
		CHECK_STR(a.host, ok[i].host);
		CHECK_STR(a.port, ok[i].port);
		CHECK_STR(a.name, ok[i].name);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errbuf[0] = '\0';
		CHECK_MSG(!bsc_statsd_address_parse(&a, bad[i], strlen(bad[i]), errbuf), "accepted \"%s\"", bad[i]);
		CHECK_MSG(strstr(errbuf, "must be") != NULL, "%s: %s", bad[i], errbuf);
	}
}

static void test_names(void)
{
	char out[16];

	CHECK(bsc_statsd_prefix_valid("beanstalk.", 10));
	CHECK(bsc_statsd_prefix_valid("", 0));
	CHECK(bsc_statsd_prefix_valid("a-b_c.9", 7));
	CHECK(!bsc_statsd_prefix_valid("a:b", 3));
	CHECK(!bsc_statsd_prefix_valid("a|b", 3));
	CHECK(!bsc_statsd_prefix_valid("a\nb", 3));
	CHECK(!bsc_statsd_prefix_valid("a b", 3));

	CHECK_U64(bsc_statsd_name_part(out, sizeof(out), "mail"), 4);
	CHECK_STR(out, "mail");
	/* Every byte a tube name may have that would cut the name. */
	bsc_statsd_name_part(out, sizeof(out), "a.b/c;d+e$(f)");
	CHECK_STR(out, "a_b_c_d_e__f_");
	bsc_statsd_name_part(out, sizeof(out), "x:1|c\n@");
	CHECK_STR(out, "x_1_c__");
	bsc_statsd_name_part(out, sizeof(out), "");
	CHECK_STR(out, "_");
	CHECK_U64(bsc_statsd_name_part(out, sizeof(out), "0123456789abcdefghij"), 15);
	CHECK_STR(out, "0123456789abcde");
}

static void test_lines(void)
{
	char buf[128];

	CHECK_U64(bsc_statsd_line(buf, sizeof(buf), "beanstalk.", "mail", "processed", 42, BSC_STATSD_COUNTER, 1), 30);
	CHECK_STR(buf, "beanstalk.mail.processed:42|c\n");
	bsc_statsd_line(buf, sizeof(buf), "beanstalk.", "mail", "duration", 12.3456, BSC_STATSD_TIMER, 1);
	CHECK_STR(buf, "beanstalk.mail.duration:12.346|ms\n");
	bsc_statsd_line(buf, sizeof(buf), "b.", "mail", "duration", 0.5, BSC_STATSD_TIMER, 0.1);
	CHECK_STR(buf, "b.mail.duration:0.500|ms|@0.1\n");
	bsc_statsd_line(buf, sizeof(buf), "b.", "", "wait", 3, BSC_STATSD_TIMER, 100.0 / 12345);
	CHECK_STR(buf, "b.wait:3.000|ms|@0.00810045\n");
	/* A rate so small that %g would write an exponent. */
	bsc_statsd_line(buf, sizeof(buf), "b.", "", "wait", 3, BSC_STATSD_TIMER, 1e-9);
	CHECK_STR(buf, "b.wait:3.000|ms|@0.000001\n");
	bsc_statsd_line(buf, sizeof(buf), "", "worker.w1", "rss", 52428800, BSC_STATSD_GAUGE, 1);
	CHECK_STR(buf, "worker.w1.rss:52428800|g\n");
	/* Too small a buffer: no line at all, never half of one. */
	CHECK_U64(bsc_statsd_line(buf, 20, "beanstalk.", "mail", "processed", 42, BSC_STATSD_COUNTER, 1), 0);
}

static void test_reservoir(void)
{
	double v[100];
	bsc_statsd_reservoir r = { .v = v, .cap = 100 };
	uint64_t rng = 12345;

	for (int i = 0; i < 100; i++) {
		bsc_statsd_reservoir_add(&r, i, &rng);
	}
	CHECK_U64(r.len, 100);
	CHECK(bsc_statsd_reservoir_rate(&r) == 1.0);
	for (int i = 100; i < 10000; i++) {
		bsc_statsd_reservoir_add(&r, i, &rng);
	}
	CHECK_U64(r.len, 100);
	CHECK_U64(r.seen, 10000);
	CHECK(bsc_statsd_reservoir_rate(&r) == 0.01);
	/* Uniform over all that came: not the first hundred, nor the last. */
	double sum = 0;
	int early = 0, late = 0;
	for (size_t i = 0; i < r.len; i++) {
		sum += v[i];
		early += v[i] < 5000;
		late += v[i] >= 5000;
	}
	CHECK_MSG(sum / 100 > 4000 && sum / 100 < 6000, "mean of the sample %.1f, of the values 4999.5", sum / 100);
	CHECK_MSG(early >= 30 && late >= 30, "%d below 5000, %d above", early, late);
	bsc_statsd_reservoir_reset(&r);
	CHECK_U64(r.len, 0);
	CHECK_U64(r.seen, 0);
	CHECK(bsc_statsd_reservoir_rate(&r) == 1.0);
}
/* }}} */

/* {{{ datagrams */
static void test_packing(void)
{
	char port[8], line[256], *all = NULL;
	size_t all_len = 0;
	int in = udp_listener(port);
	int out = in >= 0 ? udp_sender(port) : -1;
	bsc_statsd_packer *p = malloc(sizeof(*p));

	if (out < 0 || !p) {
		goto done;
	}
	bsc_statsd_packer_init(p, out);
	/* 300 lines of 20 to 219 bytes: about 36 KB. */
	for (int i = 0; i < 300; i++) {
		int len = 20 + (i * 37) % 200;
		int head = snprintf(line, sizeof(line), "l%d:", i);
		memset(line + head, 'x', (size_t)(len - head - 1));
		line[len - 1] = '\n';
		bsc_statsd_packer_add(p, line, (size_t)len);
		all = realloc(all, all_len + (size_t)len);
		memcpy(all + all_len, line, (size_t)len);
		all_len += (size_t)len;
	}
	bsc_statsd_packer_flush(p);
	bsc_statsd_packer_flush(p);  /* nothing left: no empty datagram */
	received r;
	receive_all(in, &r, 2000);
	CHECK_MSG(r.largest <= BSC_STATSD_DATAGRAM_MAX, "a datagram of %zu bytes", r.largest);
	CHECK(r.whole_lines);
	CHECK_MEM(r.text, r.len, all, all_len);
	/* Full ones: at most one more than the bytes need. */
	size_t least = (all_len + BSC_STATSD_DATAGRAM_MAX - 1) / BSC_STATSD_DATAGRAM_MAX;
	CHECK_MSG(r.count >= least && r.count <= least + 1 + all_len / BSC_STATSD_DATAGRAM_MAX / 8, "%zu datagrams for %zu bytes",
		r.count, all_len);
	CHECK_U64(p->sent, r.count);
	CHECK_U64(p->errors, 0);
	free(r.text);
done:
	free(all);
	free(p);
	if (out >= 0) {
		close(out);
	}
	if (in >= 0) {
		close(in);
	}
}

/* A port where nothing listens: the first send goes, the ICMP unreachable
 * it brings back fails a later one. Each send returns at once. */
static void test_daemon_down(void)
{
	char port[8];
	int gone = udp_listener(port);
	bsc_statsd_packer p;

	if (gone < 0) {
		return;
	}
	close(gone);
	int out = udp_sender(port);
	if (out < 0) {
		return;
	}
	bsc_statsd_packer_init(&p, out);
	double slowest = 0;
	for (int i = 0; i < 50 && p.errors == 0; i++) {
		bsc_statsd_packer_add(&p, "b.mail.processed:1|c\n", 21);
		double t = now_ms();
		bsc_statsd_packer_flush(&p);
		slowest = now_ms() - t > slowest ? now_ms() - t : slowest;
		sleep_ms(10);
	}
	CHECK_MSG(p.errors >= 1, "%llu errors after %llu sent", (unsigned long long)p.errors, (unsigned long long)p.sent);
	CHECK_MSG(p.last_errno == ECONNREFUSED, "errno %d", p.last_errno);
	CHECK_MSG(slowest < 50, "a send took %.1f ms", slowest);
	close(out);

	/* No socket at all: every datagram is an error. */
	bsc_statsd_packer_init(&p, -1);
	bsc_statsd_packer_add(&p, "b.x:1|c\n", 8);
	bsc_statsd_packer_flush(&p);
	CHECK_U64(p.errors, 1);
	CHECK_U64(p.sent, 0);
}
/* }}} */

/* {{{ a worker's metrics */
/* A pass of the monitor thread that waits on no socket of its own. */
static double run(bsc_statsd *s, double now, const bsc_statsd_gauges *g)
{
	int fd = -1;
	short events = 0;

	return bsc_statsd_run(s, now, g, &fd, &events);
}

static bsc_statsd *metrics_to(const char *port, const char *const *tubes, size_t n, double interval)
{
	bsc_statsd_address a;
	char errbuf[BSC_ERRSTR_LEN], addr[32];

	snprintf(addr, sizeof(addr), "127.0.0.1:%s", port);
	if (!CHECK(bsc_statsd_address_parse(&a, addr, strlen(addr), errbuf))) {
		return NULL;
	}
	bsc_statsd_config cfg = { .address = &a, .prefix = "t.", .interval = interval, .worker = "w 1", .tubes = tubes,
		.tube_count = n, .seed = 7 };
	bsc_statsd *s = bsc_statsd_new(&cfg, errbuf);
	CHECK_MSG(s && errbuf[0] == '\0', "%s", errbuf);
	return s;
}

static void test_interval(void)
{
	static const char *const tubes[] = { "mail", "a.b/c" };
	char port[8];
	int in = udp_listener(port);
	bsc_statsd *s = in >= 0 ? metrics_to(port, tubes, 2, 1.0) : NULL;
	bsc_statsd_gauges g = { .memory = 2097152, .rss = 52428800 };
	received r = { 0 };

	if (!s) {
		goto done;
	}
	CHECK(run(s, 100.0, &g) == 101.0);
	size_t slot = bsc_statsd_job(s, "mail", &(bsc_statsd_job_end){ .duration = 0.0125, .wait = 0.5 });
	bsc_statsd_deleted(s, slot);
	bsc_statsd_job(s, "mail", &(bsc_statsd_job_end){ .failed = true, .released = true, .duration = 0.002, .wait = 0.001 });
	slot = bsc_statsd_job(s, "mail", &(bsc_statsd_job_end){ .duration = 0.001, .wait = 0.001 });
	bsc_statsd_deleted(s, slot);
	bsc_statsd_job(s, "a.b/c", &(bsc_statsd_job_end){ .failed = true, .buried = true, .duration = 1.5, .wait = 0 });
	slot = bsc_statsd_job(s, "a.b/c", &(bsc_statsd_job_end){ .duration = 0.25, .wait = 0 });
	bsc_statsd_deleted(s, slot);
	/* Not known, and not watched: the other tube. */
	bsc_statsd_job(s, "", &(bsc_statsd_job_end){ .duration = 0.01 });
	bsc_statsd_job(s, "elsewhere", &(bsc_statsd_job_end){ .duration = 0.01 });
	/* Not due yet: nothing goes. */
	CHECK(run(s, 100.5, &g) == 101.0);
	CHECK(!wait_readable(in, 100));
	CHECK(run(s, 101.0, &g) == 102.0);
	receive_all(in, &r, 2000);
	if (!CHECK(r.text != NULL)) {
		goto done;
	}
	static const char *const want[] = {
		"t.mail.processed:3|c", "t.mail.failed:1|c", "t.mail.released:1|c", "t.mail.deleted:2|c",
		"t.a_b_c.processed:2|c", "t.a_b_c.failed:1|c", "t.a_b_c.buried:1|c", "t.a_b_c.deleted:1|c",
		"t._unknown.processed:2|c", "t.worker.w_1.memory:2097152|g", "t.worker.w_1.rss:52428800|g",
		"t.mail.duration:12.500|ms", "t.a_b_c.duration:1500.000|ms", "t.wait:500.000|ms",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_MSG(has_line(r.text, want[i]), "no line %s in:\n%s", want[i], r.text);
	}
	CHECK_U64(lines_starting(r.text, "t.mail.buried"), 0);
	CHECK_U64(lines_starting(r.text, "t.mail.duration:"), 3);
	CHECK_U64(lines_starting(r.text, "t.a_b_c.duration:"), 2);
	CHECK_U64(lines_starting(r.text, "t._unknown.duration:"), 2);
	CHECK_U64(lines_starting(r.text, "t.wait:"), 7);
	CHECK_MSG(strchr(r.text, '@') == NULL, "a sample rate at 7 jobs a second:\n%s", r.text);
	CHECK_U64(r.count, 1);
	bsc_statsd_counts c;
	bsc_statsd_counts_get(s, &c);
	CHECK_U64(c.sent, 1);
	CHECK_U64(c.errors, 0);
	free(r.text);
	r.text = NULL;

	/* The next interval starts from nothing: only the gauges. */
	CHECK(run(s, 102.3, &g) == 103.0);
	receive_all(in, &r, 2000);
	CHECK_STR(r.text ? r.text : "", "t.worker.w_1.memory:2097152|g\nt.worker.w_1.rss:52428800|g\n");
done:
	free(r.text);
	bsc_statsd_free(s);
	if (in >= 0) {
		close(in);
	}
}

/* 5000 jobs in an interval of one second: 100 duration samples at rate
 * 0.02, from which the daemon counts 5000 back, in a few datagrams. */
static void test_sampling(void)
{
	static const char *const tubes[] = { "fast" };
	char port[8];
	int in = udp_listener(port);
	bsc_statsd *s = in >= 0 ? metrics_to(port, tubes, 1, 1.0) : NULL;
	received r = { 0 };

	if (!s) {
		goto done;
	}
	run(s, 10.0, NULL);
	for (int i = 0; i < 5000; i++) {
		bsc_statsd_job(s, "fast", &(bsc_statsd_job_end){ .duration = (i % 10) * 0.001, .wait = 0.0001 });
	}
	run(s, 11.0, NULL);
	receive_all(in, &r, 2000);
	if (!CHECK(r.text != NULL)) {
		goto done;
	}
	CHECK(has_line(r.text, "t.fast.processed:5000|c"));
	CHECK_U64(lines_starting(r.text, "t.fast.duration:"), BSC_STATSD_SAMPLES_PER_SEC);
	CHECK_U64(lines_starting(r.text, "t.wait:"), BSC_STATSD_SAMPLES_PER_SEC);
	double counted = 0;
	for (const char *p = r.text; (p = strstr(p, "t.fast.duration:")) != NULL; p++) {
		const char *at = strstr(p, "|@");
		const char *nl = strchr(p, '\n');
		if (!CHECK_MSG(at && at < nl, "a sample without its rate")) {
			break;
		}
		counted += 1 / atof(at + 2);
	}
	CHECK_MSG(counted > 4999 && counted < 5001, "the daemon would count %.1f jobs", counted);
	CHECK_MSG(r.largest <= BSC_STATSD_DATAGRAM_MAX && r.whole_lines, "largest %zu", r.largest);
	CHECK_MSG(r.count >= 3 && r.count <= 10, "%zu datagrams", r.count);
done:
	free(r.text);
	bsc_statsd_free(s);
	if (in >= 0) {
		close(in);
	}
}

/* The tubes' wait_time against a real server, as the monitor thread runs
 * it (the probe's socket given back to wait on): a gauge per watched tube,
 * from a probe a second at most though the interval is 0.2 s. */
static void test_wait_time(void)
{
	static const char *const tubes[] = { "mail", "idle" };
	char port[8], errbuf[BSC_ERRSTR_LEN], addr[32];
	server srv;
	bsc_statsd_address a;
	int in = udp_listener(port);
	bsc_statsd *s = NULL;
	bsc_conn *c = NULL;
	char *all = calloc(1, 1);
	size_t all_len = 0;
	bool started = in >= 0 && server_start(&srv, false);

	if (!started) {
		goto done;
	}
	c = test_conn(srv.address, TEST_TIMEOUT);
	bsc_reply r;
	if (!c || !CHECK_STATUS(c, round_trip(c, "use mail\r\n", &r), BSC_OK) || !CHECK_STATUS(c, round_trip(c, "put 1 0 60 1\r\nx\r\n", &r), BSC_OK)) {
		goto done;
	}
	snprintf(addr, sizeof(addr), "127.0.0.1:%s", port);
	CHECK(bsc_statsd_address_parse(&a, addr, strlen(addr), errbuf));
	bsc_statsd_config cfg = { .address = &a, .prefix = "t.", .interval = 0.2, .worker = "w", .tubes = tubes, .tube_count = 2,
		.servers = srv.address };
	s = bsc_statsd_new(&cfg, errbuf);
	if (!CHECK(s != NULL)) {
		goto done;
	}
	double until = now_ms() + 2300, slowest = 0;
	while (now_ms() < until) {
		int fd = -1;
		short events = 0;
		double before = now_ms();
		double next = bsc_statsd_run(s, before / 1e3, NULL, &fd, &events);
		slowest = now_ms() - before > slowest ? now_ms() - before : slowest;
		struct pollfd pfd[2] = { { .fd = in, .events = POLLIN }, { .fd = fd, .events = events } };
		int wait = (int)(next * 1e3 - now_ms()) + 1;
		poll(pfd, fd >= 0 ? 2 : 1, wait > 0 ? wait : 0);
		char buf[2048];
		ssize_t n;
		while ((n = recv(in, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
			all = realloc(all, all_len + (size_t)n + 1);
			memcpy(all + all_len, buf, (size_t)n);
			all_len += (size_t)n;
			all[all_len] = '\0';
		}
	}
	/* Probes at 0, 1 and 2 s; the last one's figures go with the send after it. */
	size_t mail = lines_starting(all, "t.mail.wait_time:"), idle = lines_starting(all, "t.idle.wait_time:");
	CHECK_MSG(mail >= 2 && mail <= 3 && idle == mail, "%zu and %zu gauges in:\n%s", mail, idle, all);
	CHECK_MSG(has_line(all, "t.idle.wait_time:0|g"), "%s", all);
	CHECK_MSG(has_line(all, "t.mail.wait_time:1000|g") || has_line(all, "t.mail.wait_time:2000|g"), "%s", all);
	CHECK_U64(lines_starting(all, "t._unknown.wait_time"), 0);
	CHECK_MSG(slowest < 20, "a pass took %.1f ms", slowest);
done:
	free(all);
	bsc_statsd_free(s);
	bsc_conn_free(c);
	if (started) {
		server_stop(&srv);
	}
	if (in >= 0) {
		close(in);
	}
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_address_forms),
	UNIT_TEST(test_names),
	UNIT_TEST(test_lines),
	UNIT_TEST(test_reservoir),
	UNIT_TEST(test_packing),
	UNIT_TEST(test_daemon_down),
	UNIT_TEST(test_interval),
	UNIT_TEST(test_sampling),
	UNIT_TEST(test_wait_time),
};

const unit_suite statsd_suite = UNIT_SUITE("statsd", tests);
