/*
 * Tests of the tubes' wait time (src/monitor/tubewait.h): against real
 * beanstalkd servers, the age of each tube's next ready job less its delay,
 * the longest over two servers, 0 for a tube with none; a connection kept
 * from one probe to the next; against fake ones, a server that never
 * answers (its part ends at its deadline, the other's figures stand), one
 * that answers garbage, and a port where nothing listens. No call blocks.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "helpers.h"
#include "server.h"
#include "src/monitor/tubewait.h"
#include "unit.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {{{ helpers */
typedef struct {
	double took_ms;             /* the whole probe */
	double slowest_call_ms;     /* the longest bsc_tubewait_run() */
	int passes;
} probe_run;

/* One probe to its end, as the monitor thread drives it: poll() on what
 * run() says, run() again. */
static bool probe(bsc_tubewait *t, double *seconds, probe_run *pr)
{
	double start = now_ms();
	int fd;
	short events;
	double deadline;

	memset(pr, 0, sizeof(*pr));
	bsc_tubewait_begin(t, now_ms() / 1e3);
	for (;;) {
		double before = now_ms();
		bool busy = bsc_tubewait_run(t, before / 1e3, &fd, &events, &deadline);
		double call = now_ms() - before;
		pr->slowest_call_ms = call > pr->slowest_call_ms ? call : pr->slowest_call_ms;
		pr->passes++;
		if (!busy || pr->passes > 10000) {
			break;
		}
		struct pollfd pfd = { .fd = fd, .events = events };
		int wait = (int)(deadline * 1e3 - now_ms()) + 1;
		poll(&pfd, 1, wait > 0 ? wait : 0);
	}
	pr->took_ms = now_ms() - start;
	return bsc_tubewait_take(t, seconds);
}

/* A line to a real server, checked. */
static void say(bsc_conn *c, const char *line, bsc_reply_kind want)
{
	bsc_reply r;

	if (CHECK_STATUS(c, round_trip(c, line, &r), BSC_OK)) {
		CHECK_MSG(r.kind == want, "%s answered %s", line, bsc_reply_name(r.kind));
	}
}
/* The connections the server has taken since it started. */
static long total_connections(bsc_conn *c)
{
	bsc_reply r;

	if (!CHECK_STATUS(c, round_trip(c, "stats\r\n", &r), BSC_OK)) {
		return -1;
	}
	const char *at = memmem(r.body, r.body_len, "\ntotal-connections: ", 20);
	return at ? atol(at + 20) : -1;
}
/* }}} */

static void test_real_servers(void)
{
	static const char *const tubes[] = { "fresh", "late", "empty", "held", "nothing" };
	server s1, s2;
	char servers[400];
	double w[5];
	probe_run pr;

	if (!server_start(&s1, false)) {
		return;
	}
	if (!server_start(&s2, true)) {
		server_stop(&s1);
		return;
	}
	bsc_conn *c1 = test_conn(s1.address, TEST_TIMEOUT), *c2 = test_conn(s2.address, TEST_TIMEOUT);
	if (!c1 || !c2) {
		goto done;
	}
	/* On the first: a job put now and one put with a delay of a second;
	 * a buried job, and one reserved. */
	say(c1, "use fresh\r\n", BSC_REPLY_USING);
	say(c1, "put 1024 0 60 1\r\nf\r\n", BSC_REPLY_INSERTED);
	say(c1, "use late\r\n", BSC_REPLY_USING);
	say(c1, "put 1024 1 60 1\r\nl\r\n", BSC_REPLY_INSERTED);
	say(c1, "use empty\r\n", BSC_REPLY_USING);
	say(c1, "put 1024 0 60 1\r\nb\r\n", BSC_REPLY_INSERTED);
	say(c1, "use held\r\n", BSC_REPLY_USING);
	say(c1, "put 1024 0 60 1\r\nh\r\n", BSC_REPLY_INSERTED);
	say(c1, "watch empty\r\n", BSC_REPLY_WATCHING);
	say(c1, "watch held\r\n", BSC_REPLY_WATCHING);
	say(c1, "ignore default\r\n", BSC_REPLY_WATCHING);
	bsc_reply r;
	if (CHECK_STATUS(c1, round_trip(c1, "reserve-with-timeout 0\r\n", &r), BSC_OK) && CHECK(r.kind == BSC_REPLY_RESERVED)) {
		char line[64];
		snprintf(line, sizeof(line), "bury %llu 1024\r\n", (unsigned long long)r.num);
		say(c1, line, BSC_REPLY_BURIED);
	}
	say(c1, "reserve-with-timeout 0\r\n", BSC_REPLY_RESERVED);

	bsc_tubewait *t = bsc_tubewait_new(s1.address, tubes, 5);
	if (!CHECK(t != NULL)) {
		goto done;
	}
	/* At once: the fresh job has waited 0 s; the late one is not ready. */
	CHECK(!bsc_tubewait_take(t, w));
	if (CHECK(probe(t, w, &pr))) {
		CHECK_MSG(w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0, "%g %g %g %g %g", w[0], w[1], w[2], w[3], w[4]);
	}
	CHECK(!bsc_tubewait_take(t, w));   /* once */
	long opened = total_connections(c1);
	/* Two seconds on (the server counts whole seconds): the fresh job has
	 * waited 2 s, the late one 1 s (its age less its delay). */
	sleep_ms(2100);
	if (CHECK(probe(t, w, &pr))) {
		CHECK_MSG(w[0] == 2 && w[1] == 1 && w[2] == 0 && w[3] == 0 && w[4] == 0, "%g %g %g %g %g", w[0], w[1], w[2], w[3], w[4]);
		CHECK_MSG(pr.slowest_call_ms < 20, "a call took %.1f ms", pr.slowest_call_ms);
	}
	/* The second probe went over the first one's connection. */
	CHECK_MSG(total_connections(c1) == opened, "%ld connections opened, then %ld", opened, total_connections(c1));
	bsc_tubewait_free(t);

	/* Two servers: the longest wait of each tube. */
	say(c2, "use empty\r\n", BSC_REPLY_USING);
	say(c2, "put 1024 0 60 1\r\ne\r\n", BSC_REPLY_INSERTED);
	snprintf(servers, sizeof(servers), "%s, %s,", s2.address, s1.address);
	t = bsc_tubewait_new(servers, tubes, 5);
	sleep_ms(1100);
	if (CHECK(t != NULL) && CHECK(probe(t, w, &pr))) {
		CHECK_MSG(w[0] >= 3 && w[1] >= 2 && w[2] == 1 && w[3] == 0 && w[4] == 0, "%g %g %g %g %g", w[0], w[1], w[2], w[3], w[4]);
	}
	bsc_tubewait_free(t);
done:
	bsc_conn_free(c1);
	bsc_conn_free(c2);
	server_stop(&s1);
	server_stop(&s2);
}

/* A server that takes the requests and never answers, one that answers
 * garbage, one where nothing listens, then a real one: each of the first
 * three leaves its figures out, within its deadline, and the real one's
 * stand. */
static void test_servers_of_no_use(void)
{
	static const char *const tubes[] = { "mail" };
	static const peer_step silent_script[] = {
		P_ACCEPT,
		P_EXPECT("use mail\r\npeek-ready\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	static const peer_step garbage_script[] = {
		P_ACCEPT,
		P_EXPECT("use mail\r\npeek-ready\r\n"),
		P_SEND("USING mail\r\nFOUND banana 3\r\nabc\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer silent, garbage;
	server s;
	char servers[600];
	double w[1];
	probe_run pr;
	int refused_port;
	int refused = peer_refusing_port(&refused_port);

	if (!CHECK(refused >= 0) || !CHECK_MSG(peer_start(&silent, PEER_TCP4, silent_script), "%s", silent.error)) {
		return;
	}
	if (!CHECK_MSG(peer_start(&garbage, PEER_TCP4, garbage_script), "%s", garbage.error)) {
		peer_finish(&silent);
		return;
	}
	if (!server_start(&s, false)) {
		peer_finish(&silent);
		peer_finish(&garbage);
		return;
	}
	bsc_conn *c = test_conn(s.address, TEST_TIMEOUT);
	if (c) {
		say(c, "use mail\r\n", BSC_REPLY_USING);
		say(c, "put 1024 0 60 1\r\nm\r\n", BSC_REPLY_INSERTED);
	}
	snprintf(servers, sizeof(servers), "%s,%s,127.0.0.1:%d,%s,not an address", silent.address, garbage.address, refused_port, s.address);
	bsc_tubewait *t = bsc_tubewait_new(servers, tubes, 1);
	if (CHECK(t != NULL) && CHECK(probe(t, w, &pr))) {
		CHECK_MSG(w[0] == 0, "%g", w[0]);
		/* The silent one's deadline, and no more. */
		CHECK_MSG(pr.took_ms >= BSC_TUBEWAIT_TIMEOUT * 1000 - 5 && pr.took_ms < BSC_TUBEWAIT_TIMEOUT * 1000 + 300, "%.0f ms", pr.took_ms);
		CHECK_MSG(pr.slowest_call_ms < 20, "a call took %.1f ms", pr.slowest_call_ms);
	}
	bsc_tubewait_free(t);

	/* None of use: the tube is unknown. */
	snprintf(servers, sizeof(servers), "127.0.0.1:%d", refused_port);
	t = bsc_tubewait_new(servers, tubes, 1);
	if (CHECK(t != NULL) && CHECK(probe(t, w, &pr))) {
		CHECK_MSG(w[0] == -1, "%g", w[0]);
	}
	bsc_tubewait_free(t);
	bsc_conn_free(c);
	server_stop(&s);
	CHECK_PEER(&silent);
	CHECK_PEER(&garbage);
	close(refused);
}

static const unit_test tests[] = {
	UNIT_TEST(test_real_servers),
	UNIT_TEST(test_servers_of_no_use),
};

const unit_suite tubewait_suite = UNIT_SUITE("tubewait", tests);
