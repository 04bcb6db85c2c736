/*
 * libFuzzer target: the commands (src/command.h) over a real connection
 * (src/conn.h) to a peer that answers with the fuzz input (peer.h).
 *
 * The input:
 *   byte 0    the command (commands[], modulo their count)
 *   byte 1    flags: FLAG_UNIX, FLAG_HOLD, FLAG_SMALL_BODY, FLAG_FOLLOW,
 *             FLAG_WAIT_MASK
 *   the rest  what the server answers, once the client's request is in
 *
 * Whatever the answer, the command must come back with a status it may
 * return, a transport failure must leave the connection closed with a
 * message, what it hands out must come from the answer, and every byte it
 * allocated must be freed (LeakSanitizer).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "peer.h"
#include "src/proto/stats.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The peer's connection is a unix socket, not TCP on 127.0.0.1. */
#define FLAG_UNIX 0x01
/* The peer keeps the connection open after answering, and the client waits
 * only HOLD_TIMEOUT for a reply: a short answer times out instead of
 * meeting EOF. */
#define FLAG_HOLD 0x02
/* The client accepts bodies of up to SMALL_BODY_MAX bytes. */
#define FLAG_SMALL_BODY 0x04
/* A second command follows on the same connection. */
#define FLAG_FOLLOW 0x08
/* The client waits in ppoll() with a signal mask, as the worker does. */
#define FLAG_WAIT_MASK 0x10

#define TIMEOUT 0.2
#define HOLD_TIMEOUT 0.005
#define SMALL_BODY_MAX 16

/* Statuses a command may return besides BSC_SERVER_ERROR and the
 * transport failures, as bits. */
#define S(st) (1u << (st))
#define ANY_JOB (S(BSC_OK) | S(BSC_NOT_FOUND))

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_command: %s\n", why);
	abort();
}

#define CHECK(cond) do { if (!(cond)) { fail(#cond); } } while (0)

typedef enum {
	C_PUT, C_PUT_MANY, C_RESERVE, C_RESERVE_TIMEOUT, C_RESERVE_JOB,
	C_DELETE, C_RELEASE, C_BURY, C_TOUCH, C_KICK, C_KICK_JOB,
	C_PEEK, C_PEEK_READY, C_PEEK_DELAYED, C_PEEK_BURIED,
	C_STATS, C_STATS_JOB, C_STATS_TUBE, C_LIST_TUBES, C_PAUSE_TUBE,
	/* Tube changes, sent in the same write as the command after them. */
	C_USE_PUT, C_WATCH_RESERVE, C_TUBES_PEEK_READY, C_USE_PUT_MANY, C_USE_KICK,
	C_COUNT
} command;

static const char *const bodies_data[] = { "hello", "", "a job body of thirty-one bytes." };
#define BODIES (sizeof(bodies_data) / sizeof(bodies_data[0]))

/* What one command gave back. */
typedef struct {
	bsc_status st;
	unsigned allowed;     /* S() of the statuses besides errors it may return */
	bool has_job;
	bool reserved;        /* the job came in a RESERVED reply: it is held */
	bsc_job job;
	bool has_yaml;
	int yaml_kind;        /* a bsc_stats_kind, or -1 for a list */
	bsc_yaml yaml;
	bsc_put_result results[BODIES];
	bool has_results;
} outcome;

static bool touch_stat(const bsc_stat *st, void *ctx)
{
	size_t *sum = ctx;

	for (size_t i = 0; i < st->key_len; i++) {
		*sum += (unsigned char)st->key[i];
	}
	for (size_t i = 0; st->str && i < st->str_len; i++) {
		*sum += (unsigned char)st->str[i];
	}
	return true;
}

static bool touch_item(const char *item, size_t len, void *ctx)
{
	size_t *sum = ctx;

	for (size_t i = 0; i < len; i++) {
		*sum += (unsigned char)item[i];
	}
	return true;
}

static void put_many(bsc_conn *c, outcome *o)
{
	bsc_body bodies[BODIES];

	for (size_t i = 0; i < BODIES; i++) {
		bodies[i] = (bsc_body){ bodies_data[i], strlen(bodies_data[i]) };
	}
	o->st = bsc_put_many(c, 1024, 0, 60, bodies, BODIES, o->results);
	o->allowed = S(BSC_OK);
	o->has_results = true;
}

static void job_status(outcome *o, bsc_status st, unsigned allowed)
{
	o->st = st;
	o->allowed = allowed;
	o->has_job = st == BSC_OK;
}

static void reserved_status(outcome *o, bsc_status st, unsigned allowed)
{
	job_status(o, st, allowed);
	o->reserved = o->has_job;
}

static void yaml_status(outcome *o, bsc_status st, unsigned allowed, int kind)
{
	o->st = st;
	o->allowed = allowed;
	o->has_yaml = st == BSC_OK;
	o->yaml_kind = kind;
}

static void run_command(bsc_conn *c, command cmd, outcome *o)
{
	uint64_t id = 0;

	memset(o, 0, sizeof(*o));
	switch (cmd) {
	case C_USE_PUT:
		bsc_tubes_use(bsc_conn_tubes(c), "fz", 2);
		/* fall through */
	case C_PUT:
		o->st = bsc_put(c, 1024, 0, 60, "hello", 5, &id);
		o->allowed = S(BSC_OK) | S(BSC_BURIED);
		break;
	case C_USE_PUT_MANY:
		bsc_tubes_use(bsc_conn_tubes(c), "fz", 2);
		/* fall through */
	case C_PUT_MANY:
		put_many(c, o);
		break;
	case C_RESERVE:
		reserved_status(o, bsc_reserve(c, -1, &o->job), S(BSC_OK) | S(BSC_TIMED_OUT) | S(BSC_DEADLINE_SOON));
		break;
	case C_WATCH_RESERVE:
		CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "fz", 2));
		CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
		/* fall through */
	case C_RESERVE_TIMEOUT:
		reserved_status(o, bsc_reserve(c, 0, &o->job), S(BSC_OK) | S(BSC_TIMED_OUT) | S(BSC_DEADLINE_SOON));
		break;
	case C_RESERVE_JOB:
		reserved_status(o, bsc_reserve_job(c, 7, &o->job), ANY_JOB);
		break;
	case C_DELETE:
		o->st = bsc_delete(c, 7);
		o->allowed = ANY_JOB;
		break;
	case C_RELEASE:
		o->st = bsc_release(c, 7, 1024, 0);
		o->allowed = ANY_JOB | S(BSC_BURIED);
		break;
	case C_BURY:
		o->st = bsc_bury(c, 7, 1024);
		o->allowed = ANY_JOB;
		break;
	case C_TOUCH:
		o->st = bsc_touch(c, 7);
		o->allowed = ANY_JOB;
		break;
	case C_USE_KICK:
		bsc_tubes_use(bsc_conn_tubes(c), "fz", 2);
		/* fall through */
	case C_KICK:
		o->st = bsc_kick(c, 10, &id);
		o->allowed = S(BSC_OK);
		break;
	case C_KICK_JOB:
		o->st = bsc_kick_job(c, 7);
		o->allowed = ANY_JOB;
		break;
	case C_PEEK:
		job_status(o, bsc_peek(c, 7, &o->job), ANY_JOB);
		break;
	case C_TUBES_PEEK_READY:
		CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "fz", 2));
		CHECK(bsc_tubes_watch(bsc_conn_tubes(c), "other", 5));
		CHECK(bsc_tubes_ignore(bsc_conn_tubes(c), "default", 7));
		bsc_tubes_use(bsc_conn_tubes(c), "other", 5);
		/* fall through */
	case C_PEEK_READY:
		job_status(o, bsc_peek_next(c, BSC_PEEK_READY, &o->job), ANY_JOB);
		break;
	case C_PEEK_DELAYED:
		job_status(o, bsc_peek_next(c, BSC_PEEK_DELAYED, &o->job), ANY_JOB);
		break;
	case C_PEEK_BURIED:
		job_status(o, bsc_peek_next(c, BSC_PEEK_BURIED, &o->job), ANY_JOB);
		break;
	case C_STATS:
		yaml_status(o, bsc_stats(c, &o->yaml), S(BSC_OK), BSC_STATS_SERVER);
		break;
	case C_STATS_JOB:
		yaml_status(o, bsc_stats_job(c, 7, &o->yaml), ANY_JOB, BSC_STATS_JOB);
		break;
	case C_STATS_TUBE:
		yaml_status(o, bsc_stats_tube(c, "default", 7, &o->yaml), ANY_JOB, BSC_STATS_TUBE);
		break;
	case C_LIST_TUBES:
		yaml_status(o, bsc_list_tubes(c, &o->yaml), S(BSC_OK), -1);
		break;
	case C_PAUSE_TUBE:
		o->st = bsc_pause_tube(c, "default", 7, 1);
		o->allowed = ANY_JOB;
		break;
	case C_COUNT:
		break;
	}
}

/* True when the n bytes at s are somewhere in the answer. */
static bool from_answer(const unsigned char *answer, size_t len, const char *s, size_t n)
{
	return n == 0 || (s != NULL && memmem(answer, len, s, n) != NULL);
}

static void check_outcome(bsc_conn *c, const outcome *o, const unsigned char *answer, size_t len, size_t body_max)
{
	bsc_status st = o->st;

	CHECK(st >= BSC_OK && st <= BSC_ERR_INTERRUPTED);
	/* No interrupt function is set: nothing can end a wait early. */
	CHECK(st != BSC_ERR_INTERRUPTED);
	if (bsc_status_is_failure(st)) {
		CHECK(!bsc_conn_is_connected(c));
		CHECK(bsc_conn_err(c) == st);
		const char *msg = bsc_conn_errstr(c);
		CHECK(memchr(msg, '\0', BSC_ERRSTR_LEN) != NULL);
		CHECK(msg[0] != '\0');
	} else if (st == BSC_SERVER_ERROR) {
		CHECK(bsc_reply_is_error(bsc_conn_server_error(c)));
	} else {
		CHECK(o->allowed & S(st));
	}
	/* Every reply of the command has been read, or the connection and
	 * what was awaited on it are gone. */
	CHECK(bsc_conn_pending(c) == 0);
	if (!bsc_conn_is_connected(c)) {
		CHECK(bsc_conn_held(c) == 0);
	} else if (o->reserved) {
		CHECK(bsc_conn_holds(c, o->job.id));
	}
	if (o->has_job) {
		CHECK(o->job.body_len <= body_max);
		CHECK(from_answer(answer, len, o->job.body, o->job.body_len));
	}
	if (o->has_yaml) {
		size_t sum = 0;
		CHECK(o->yaml.len <= BSC_LIST_BODY_MAX);
		CHECK(from_answer(answer, len, o->yaml.body, o->yaml.len));
		if (o->yaml_kind < 0) {
			bsc_list_parse(o->yaml.body, o->yaml.len, touch_item, &sum);
		} else {
			bsc_stats_parse(o->yaml.body, o->yaml.len, (bsc_stats_kind)o->yaml_kind, touch_stat, &sum);
		}
	}
	if (o->has_results) {
		for (size_t i = 0; i < BODIES; i++) {
			bsc_status r = o->results[i].status;
			if (r == BSC_SERVER_ERROR) {
				CHECK(bsc_reply_is_error(o->results[i].refused));
			} else if (st == BSC_OK) {
				/* Every reply was read: each job was inserted or buried. */
				CHECK(r == BSC_OK || r == BSC_BURIED);
			} else {
				/* Cut short: the unconfirmed ones carry the failure. */
				CHECK(r == BSC_OK || r == BSC_BURIED || r == st);
			}
		}
	}
}

/* The second command on the connection: let go of the job we got, or fill
 * a batch after stats told the max-job-size, or ask for stats. */
static void run_follow_up(bsc_conn *c, const outcome *first, outcome *o)
{
	memset(o, 0, sizeof(*o));
	if (first->has_job) {
		uint64_t id = first->job.id;
		o->st = bsc_delete(c, id);
		o->allowed = ANY_JOB;
		if (o->st == BSC_OK) {
			CHECK(!bsc_conn_holds(c, id));
		}
	} else if (first->has_yaml) {
		put_many(c, o);
	} else {
		yaml_status(o, bsc_stats(c, &o->yaml), S(BSC_OK), BSC_STATS_SERVER);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* A write to a connection the peer has closed must fail, not kill. */
	signal(SIGPIPE, SIG_IGN);
	peer_start();
	return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 2) {
		return 0;
	}
	command cmd = (command)(data[0] % C_COUNT);
	unsigned flags = data[1];
	const unsigned char *answer = data + 2;
	size_t len = size - 2;
	/* A reserve without a timeout waits for as long as the connection is
	 * open: only the peer's close ends it. */
	bool hold = (flags & FLAG_HOLD) && cmd != C_RESERVE;
	bsc_conn_options opt = {
		.connect_timeout = TIMEOUT,
		.timeout = hold ? HOLD_TIMEOUT : TIMEOUT,
		.job_size_max = (flags & FLAG_SMALL_BODY) ? SMALL_BODY_MAX : 0,
	};
	size_t body_max = opt.job_size_max ? opt.job_size_max : BSC_JOB_BODY_MAX_DEFAULT;
	const char *address = peer_address(flags & FLAG_UNIX);
	char errbuf[BSC_ERRSTR_LEN];

	bsc_conn *c = bsc_conn_new(address, strlen(address), &opt, errbuf);
	if (!c) {
		fail(errbuf);
	}
	sigset_t mask;
	if (flags & FLAG_WAIT_MASK) {
		sigemptyset(&mask);
		bsc_conn_set_wait_mask(c, &mask);
	}
	peer_begin(answer, len, hold);

	outcome first, second;
	run_command(c, cmd, &first);
	check_outcome(c, &first, answer, len, body_max);
	if (flags & FLAG_FOLLOW) {
		run_follow_up(c, &first, &second);
		check_outcome(c, &second, answer, len, body_max);
	}
	bsc_conn_free(c);
	peer_end();
	return 0;
}
