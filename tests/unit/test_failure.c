/*
 * Tests of src/conn when things go wrong: garbage, silence, closes and
 * resets at every point, what is sticky afterwards, how the next command
 * reconnects and replays the tubes, and interrupted waits; against the
 * scripted fake peer of peer.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/conn.h"
#include "helpers.h"
#include "peer.h"
#include "unit.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* {{{ transport failures and recovery */
static void test_garbage_reply_is_a_protocol_error(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("delete 1\r\n"),
		P_SEND("HELLO\r\n"),
		/* The client drops a connection it can no longer trust. */
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_ERR_PROTOCOL);
	CHECK_STATUS(c, bsc_conn_err(c), BSC_ERR_PROTOCOL);
	CHECK(!bsc_conn_is_connected(c));
	char want[256];
	snprintf(want, sizeof(want), "bad reply from %s: unexpected reply: \"HELLO\\r\\n\"", p.address);
	CHECK_STR(bsc_conn_errstr(c), want);
	CHECK_U64(bsc_conn_pending(c), 0);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_silence_is_a_timeout(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("delete 1\r\n"),
		/* Not a word: the client gives up and closes. */
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);

	if (!c) {
		return;
	}
	double t0 = now_ms();
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_ERR_TIMEOUT);
	double waited = now_ms() - t0;
	CHECK_MSG(waited >= SHORT_TIMEOUT * 1000 - 5 && waited < 1500, "waited %.0f ms", waited);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "no reply from") && strstr(bsc_conn_errstr(c), "within 0.200 s"),
		"errstr \"%s\"", bsc_conn_errstr(c));
	CHECK(!bsc_conn_is_connected(c));
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_half_reply_then_silence_is_a_timeout(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 1 10\r\nabc"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);

	if (!c) {
		return;
	}
	CHECK_STATUS(c, round_trip(c, "reserve\r\n", &r), BSC_ERR_TIMEOUT);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_close_is_eof_not_timeout(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("delete 1\r\n"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("delete 2\r\n"),
		P_SEND("DELETED\r\n"),
		P_CLOSE,
		P_END,
	};
	peer p;
	bsc_reply r;
	/* A long timeout: EOF must be seen at once, not after it. */
	bsc_conn *c = start_peer(&p, script, 10.0);

	if (!c) {
		return;
	}
	double t0 = now_ms();
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_ERR_EOF);
	CHECK_MSG(now_ms() - t0 < 2000, "EOF seen after %.0f ms", now_ms() - t0);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "closed the connection") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK(!bsc_conn_is_connected(c));
	/* The next command gets a new connection. */
	if (CHECK_STATUS(c, round_trip(c, "delete 2\r\n", &r), BSC_OK)) {
		CHECK(r.kind == BSC_REPLY_DELETED);
	}
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_close_mid_reply_is_eof(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 1 10\r\nabc"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESER"),
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("reserve\r\n"),
		P_SEND("RESERVED 1 3\r\nabc\r"),
		P_RESET,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, 10.0);

	if (!c) {
		return;
	}
	for (int i = 0; i < 3; i++) {
		CHECK_STATUS(c, round_trip(c, "reserve\r\n", &r), BSC_ERR_EOF);
		CHECK(!bsc_conn_is_connected(c));
		CHECK_U64(bsc_conn_generation(c), (uint64_t)i + 1);
	}
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_error_sticky_until_reconnect(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("use tube-a\r\nwatch tube-b\r\nignore default\r\ndelete 1\r\n"),
		P_SEND("USING tube-a\r\nWATCHING 2\r\nWATCHING 1\r\nDELETED\r\n"),
		P_EXPECT_ONE("delete 2\r\n"),
		P_EXPECT_EOF,
		/* The new connection gets the whole tube state again. */
		P_ACCEPT,
		P_EXPECT_ONE("use tube-a\r\nwatch tube-b\r\nignore default\r\ndelete 3\r\n"),
		P_SEND("USING tube-a\r\nWATCHING 2\r\nWATCHING 1\r\nDELETED\r\n"),
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "tube-a", 6);
	CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "tube-b", 6));
	CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_OK);
	CHECK_U64(bsc_conn_generation(c), 1);

	CHECK_STATUS(c, round_trip(c, "delete 2\r\n", &r), BSC_ERR_TIMEOUT);
	char errstr[BSC_ERRSTR_LEN];
	snprintf(errstr, sizeof(errstr), "%s", bsc_conn_errstr(c));
	CHECK(errstr[0] != '\0');
	/* Sticky: asking again tells the same, and nothing reconnects. */
	CHECK_STATUS(c, bsc_conn_recv(c, &r, SHORT_TIMEOUT), BSC_ERR_TIMEOUT);
	CHECK_STATUS(c, bsc_conn_err(c), BSC_ERR_TIMEOUT);
	CHECK_STR(bsc_conn_errstr(c), errstr);
	CHECK(!bsc_conn_is_connected(c));
	CHECK_U64(bsc_conn_generation(c), 1);
	CHECK_U64(bsc_conn_pending(c), 0);

	/* The next command reconnects, replays the tubes, clears the error. */
	CHECK_STATUS(c, send_line(c, "delete 3\r\n"), BSC_OK);
	CHECK_STATUS(c, bsc_conn_err(c), BSC_OK);
	CHECK_STR(bsc_conn_errstr(c), "");
	CHECK_U64(bsc_conn_generation(c), 2);
	if (CHECK_STATUS(c, bsc_conn_recv(c, &r, SHORT_TIMEOUT), BSC_OK)) {
		CHECK(r.kind == BSC_REPLY_DELETED);
	}
	bsc_conn_free(c);
	CHECK_PEER(&p);
	CHECK_U64(p.accepts, 2);
}

static void test_close_then_replay(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("use jobs\r\ndelete 1\r\n"),
		P_SEND("USING jobs\r\nDELETED\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("use jobs\r\ndelete 2\r\n"),
		P_SEND("USING jobs\r\nDELETED\r\n"),
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "jobs", 4);
	CHECK_STATUS(c, round_trip(c, "delete 1\r\n", &r), BSC_OK);
	bsc_conn_close(c);
	CHECK(!bsc_conn_is_connected(c));
	/* A close asked for is not an error. */
	CHECK_STATUS(c, bsc_conn_err(c), BSC_OK);
	CHECK_STATUS(c, round_trip(c, "delete 2\r\n", &r), BSC_OK);
	CHECK_U64(bsc_conn_generation(c), 2);
	bsc_conn_free(c);
	CHECK_PEER(&p);
}

/* The peer drops an idle connection (closing, resetting, or talking out of
 * turn); the next command goes out on a new one and succeeds. */
static void test_dead_idle_connection_is_replaced(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("use t\r\ndelete 1\r\n"),
		P_SEND("USING t\r\nDELETED\r\n"),
		P_WAIT_GO,
		P_CLOSE,
		P_ACCEPT,
		P_EXPECT_ONE("use t\r\ndelete 2\r\n"),
		P_SEND("USING t\r\nDELETED\r\n"),
		P_WAIT_GO,
		P_RESET,
		P_ACCEPT,
		P_EXPECT_ONE("use t\r\ndelete 3\r\n"),
		P_SEND("USING t\r\nDELETED\r\n"),
		P_WAIT_GO,
		P_SEND("OUT_OF_MEMORY\r\n"),
		P_EXPECT_EOF,
		P_ACCEPT,
		P_EXPECT_ONE("use t\r\ndelete 4\r\n"),
		P_SEND("USING t\r\nDELETED\r\n"),
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_tubes_use(bsc_conn_tubes(c), "t", 1);
	for (int i = 1; i <= 4; i++) {
		char line[32];
		snprintf(line, sizeof(line), "delete %d\r\n", i);
		if (CHECK_STATUS(c, round_trip(c, line, &r), BSC_OK)) {
			CHECK(r.kind == BSC_REPLY_DELETED);
		}
		CHECK_U64(bsc_conn_generation(c), (uint64_t)i);
		if (i < 4) {
			/* The reply is in; now the peer closes, resets or talks out
			 * of turn, and the client waits until that has arrived. */
			peer_go(&p);
			CHECK(wait_readable(bsc_conn_fd(c), PEER_WAIT_MS));
			/* The check runs on connections quiet for over 1 ms (src/client/conn.c
			 * IDLE_CHECK_AFTER), as between requests; not between
			 * back-to-back commands. */
			usleep(5000);
		}
	}
	CHECK_STATUS(c, bsc_conn_err(c), BSC_OK);
	bsc_conn_free(c);
	CHECK_PEER(&p);
	CHECK_U64(p.accepts, 4);
}

static void test_write_timeout(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		/* Reads nothing, so the client's write fills the socket buffers. */
		P_WAIT_GO,
		P_RESET,
		P_END,
	};
	/* More than loopback socket buffers hold. */
	const size_t size = (size_t)64 << 20;
	char *body = calloc(1, size);
	char line[64];
	peer p;

	if (!CHECK(body != NULL)) {
		return;
	}
	bsc_conn *c = start_peer(&p, script, SHORT_TIMEOUT);
	if (c) {
		int n = snprintf(line, sizeof(line), "put 0 0 1 %zu\r\n", size);
		bsc_request put = { line, (size_t)n, body, size, true, 0, BSC_FOR_CALLER };
		double t0 = now_ms();
		CHECK_STATUS(c, bsc_conn_send(c, &put, 1), BSC_ERR_TIMEOUT);
		double waited = now_ms() - t0;
		CHECK_MSG(waited >= SHORT_TIMEOUT * 1000 - 5 && waited < 2000, "waited %.0f ms", waited);
		CHECK_MSG(strstr(bsc_conn_errstr(c), "timed out") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
		CHECK(!bsc_conn_is_connected(c));
		/* Part of it went out: it is not sent again on a new connection. */
		CHECK_U64(bsc_conn_generation(c), 1);
		peer_go(&p);
		CHECK_PEER(&p);
		CHECK_U64(p.accepts, 1);
		bsc_conn_free(c);
	}
	free(body);
}

static void test_put_whose_reply_is_lost_is_not_repeated(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_ONE("put 0 0 1 1\r\nx\r\n"),
		P_CLOSE,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	bsc_request put = { "put 0 0 1 1\r\n", 13, "x", 1, true, 0, BSC_FOR_CALLER };
	CHECK_STATUS(c, bsc_conn_send(c, &put, 1), BSC_OK);
	CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_ERR_EOF);
	/* Reported, not sent again on a new connection. */
	CHECK_U64(bsc_conn_generation(c), 1);
	CHECK_PEER(&p);
	CHECK_U64(p.accepts, 1);
	bsc_conn_free(c);
}

static void test_recv_with_nothing_pending(void)
{
	static const peer_step script[] = {
		P_ACCEPT,
		P_EXPECT_EOF,
		P_END,
	};
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, script, TEST_TIMEOUT);

	if (!c) {
		return;
	}
	/* Not connected: nothing to wait for. */
	CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_ERR_IO);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "not connected") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	/* Connected, but nothing asked: a caller's bug, reported at once
	 * instead of waiting for a reply that will never come. */
	CHECK_STATUS(c, bsc_conn_connect(c), BSC_OK);
	double t0 = now_ms();
	CHECK_STATUS(c, bsc_conn_recv(c, &r, TEST_TIMEOUT), BSC_ERR_PROTOCOL);
	CHECK_MSG(now_ms() - t0 < 1000, "waited %.0f ms", now_ms() - t0);
	CHECK_MSG(strstr(bsc_conn_errstr(c), "no reply is pending") != NULL, "errstr \"%s\"", bsc_conn_errstr(c));
	CHECK_PEER(&p);
	bsc_conn_free(c);
}
/* }}} */

/* {{{ interrupts */
typedef struct {
	pthread_t target;
	atomic_bool stop;
} signaller;

static void on_sigusr1(int sig)
{
	(void)sig;
}

/* Sends SIGUSR1 to the test's thread every 20 ms, at most 200 times. */
static void *signaller_main(void *arg)
{
	signaller *s = arg;

	for (int i = 0; i < 200 && !atomic_load(&s->stop); i++) {
		sleep_ms(20);
		pthread_kill(s->target, SIGUSR1);
	}
	return NULL;
}

static int interrupt_calls;

static bool interrupt_yes(void *ctx)
{
	(void)ctx;
	interrupt_calls++;
	return true;
}

static bool interrupt_no(void *ctx)
{
	(void)ctx;
	interrupt_calls++;
	return false;
}

/* The interrupt tests' peer: it takes a reserve, then the connection's end. */
static const peer_step reserve_then_eof[] = {
	P_ACCEPT,
	P_EXPECT_ONE("reserve\r\n"),
	P_EXPECT_EOF,
	P_END,
};

/* SIGUSR1 to handler, without SA_RESTART: the wait must see EINTR. */
static void catch_sigusr1(void (*handler)(int), struct sigaction *old)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, old);
}

/* A reply wait with SIGUSR1 arriving every 20 ms; held: the connection
 * holds a reserved job meanwhile, which closing it would give back. */
static void interrupted_wait(bsc_interrupt_fn fn, bool held, bsc_status want)
{
	struct sigaction old;
	signaller sig = { .target = pthread_self() };
	pthread_t thread;
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, reserve_then_eof, 0.5);

	if (!c) {
		return;
	}
	catch_sigusr1(on_sigusr1, &old);
	interrupt_calls = 0;
	bsc_conn_set_interrupt(c, fn, NULL);
	CHECK_STATUS(c, send_line(c, "reserve\r\n"), BSC_OK);
	if (held) {
		bsc_conn_hold(c, 1);
	}
	if (CHECK(pthread_create(&thread, NULL, signaller_main, &sig) == 0)) {
		CHECK_STATUS(c, bsc_conn_recv(c, &r, bsc_conn_timeout(c)), want);
		atomic_store(&sig.stop, true);
		pthread_join(thread, NULL);
	}
	if (held) {
		CHECK_MSG(interrupt_calls == 0, "the interrupt callback was asked %d times with a job held", interrupt_calls);
	} else {
		CHECK_MSG(interrupt_calls > 0, "the interrupt callback was not asked");
	}
	CHECK(!bsc_conn_is_connected(c));
	sigaction(SIGUSR1, &old, NULL);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

static void test_interrupt_ends_the_wait(void)
{
	interrupted_wait(interrupt_yes, false, BSC_ERR_INTERRUPTED);
}

static void test_interrupt_declined_waits_on(void)
{
	interrupted_wait(interrupt_no, false, BSC_ERR_TIMEOUT);
}

/* An interrupt already pending when the wait begins (its signal came
 * while no system call ran) ends the wait as one that comes during it. */
static void test_interrupt_pending_before_the_wait(void)
{
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, reserve_then_eof, 5.0);

	if (!c) {
		return;
	}
	interrupt_calls = 0;
	bsc_conn_set_interrupt(c, interrupt_yes, NULL);
	CHECK_STATUS(c, send_line(c, "reserve\r\n"), BSC_OK);
	double start = bsc_now();
	CHECK_STATUS(c, bsc_conn_recv(c, &r, bsc_conn_timeout(c)), BSC_ERR_INTERRUPTED);
	CHECK_MSG(bsc_now() - start < 1.0, "the wait went on for %.3f s", bsc_now() - start);
	CHECK(interrupt_calls > 0);
	CHECK(!bsc_conn_is_connected(c));
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

/* A signal that lands just after the look at the interrupt function, before
 * the wait begins: the look raises it and says there was none. The signal
 * must still end the wait: it is held back until the wait lets it in (and
 * so interrupts it). Taken in at once, it would leave the wait to run to
 * its timeout, and a stop asked for in that moment would be lost. */
static volatile sig_atomic_t late_signal;

static void on_late_signal(int sig)
{
	(void)sig;
	late_signal = 1;
}

static bool interrupt_then_signal(void *ctx)
{
	(void)ctx;
	if (interrupt_calls++ == 0) {
		pthread_kill(pthread_self(), SIGUSR1);
		return false;
	}
	return late_signal;
}

static void test_interrupt_just_after_the_look(void)
{
	struct sigaction old;
	peer p;
	bsc_reply r;
	bsc_conn *c = start_peer(&p, reserve_then_eof, 5.0);

	if (!c) {
		return;
	}
	catch_sigusr1(on_late_signal, &old);
	interrupt_calls = 0;
	late_signal = 0;
	CHECK_STATUS(c, send_line(c, "reserve\r\n"), BSC_OK);
	bsc_conn_set_interrupt(c, interrupt_then_signal, NULL);
	double start = bsc_now();
	CHECK_STATUS(c, bsc_conn_recv(c, &r, bsc_conn_timeout(c)), BSC_ERR_INTERRUPTED);
	CHECK_MSG(bsc_now() - start < 1.0, "the wait went on for %.3f s", bsc_now() - start);
	CHECK(late_signal && interrupt_calls == 2);
	CHECK(!bsc_conn_is_connected(c));
	sigaction(SIGUSR1, &old, NULL);
	CHECK_PEER(&p);
	bsc_conn_free(c);
}

/* Ending the wait would close the connection and give the held job back
 * unasked: the wait goes on to its timeout instead. */
static void test_no_interrupt_while_a_job_is_held(void)
{
	interrupted_wait(interrupt_yes, true, BSC_ERR_TIMEOUT);
}
/* }}} */

static const unit_test tests[] = {
	UNIT_TEST(test_garbage_reply_is_a_protocol_error),
	UNIT_TEST(test_silence_is_a_timeout),
	UNIT_TEST(test_half_reply_then_silence_is_a_timeout),
	UNIT_TEST(test_close_is_eof_not_timeout),
	UNIT_TEST(test_close_mid_reply_is_eof),
	UNIT_TEST(test_error_sticky_until_reconnect),
	UNIT_TEST(test_close_then_replay),
	UNIT_TEST(test_dead_idle_connection_is_replaced),
	UNIT_TEST(test_write_timeout),
	UNIT_TEST(test_put_whose_reply_is_lost_is_not_repeated),
	UNIT_TEST(test_recv_with_nothing_pending),
	UNIT_TEST(test_interrupt_ends_the_wait),
	UNIT_TEST(test_interrupt_declined_waits_on),
	UNIT_TEST(test_interrupt_pending_before_the_wait),
	UNIT_TEST(test_interrupt_just_after_the_look),
	UNIT_TEST(test_no_interrupt_while_a_job_is_held),
};

const unit_suite failure_suite = UNIT_SUITE("failure", tests);
