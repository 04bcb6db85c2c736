/*
 * libFuzzer target: the reply parser (src/proto.h).
 *
 * The input is a header and a byte stream from the server:
 *   byte 0      picks the parser's body_max (body_max_choices)
 *   byte 1      low 4 bits: how many pieces follow; 0x10: what is left
 *               after the pieces goes in one byte at a time
 *   2 bytes     for each piece: its length, then how it goes in: 0x80 reads
 *               it through bsc_parser_space()/commit() rather than feed,
 *               asking for the room that the low 7 bits say (room_for())
 *   the rest    the stream
 *
 * The stream is parsed three ways: fed whole, fed in those pieces (with
 * bsc_parser_next() drained after each), and fed whole again after a
 * bsc_parser_reset(). A parser must not care how its bytes arrive: all
 * three must hand out the same replies and end in the same status. Each
 * reply is also checked against the stream it came from.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/proto/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const size_t body_max_choices[16] = {
	0, 1, 2, 3, 5, 8, 16, 64, 255, 256, 1000, 4096, 65536,
	(size_t)1 << 30, SIZE_MAX / 2, SIZE_MAX,
};

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_reply: %s\n", why);
	abort();
}

#define CHECK(cond) do { if (!(cond)) { fail(#cond); } } while (0)

/* What the parser handed out, serialised, for comparing runs. */
typedef struct {
	unsigned char *buf;
	size_t len, cap;
} trace;

static void trace_add(trace *t, const void *data, size_t len)
{
	if (len == 0) {
		return;
	}
	if (t->cap - t->len < len) {
		size_t cap = t->cap ? t->cap : 256;
		while (cap - t->len < len) {
			cap *= 2;
		}
		unsigned char *buf = realloc(t->buf, cap);
		if (!buf) {
			fail("out of memory");
		}
		t->buf = buf;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, data, len);
	t->len += len;
}

static void trace_reply(trace *t, const bsc_reply *r)
{
	unsigned char kind = (unsigned char)r->kind, has_num = r->has_num;
	size_t word_len = r->word ? r->word_len : 0, body_len = r->body ? r->body_len : 0;
	unsigned char has_word = r->word != NULL, has_body = r->body != NULL;

	trace_add(t, &kind, 1);
	trace_add(t, &has_num, 1);
	if (r->has_num) {
		trace_add(t, &r->num, sizeof(r->num));
	}
	trace_add(t, &has_word, 1);
	trace_add(t, &word_len, sizeof(word_len));
	trace_add(t, r->word, word_len);
	trace_add(t, &has_body, 1);
	trace_add(t, &body_len, sizeof(body_len));
	trace_add(t, r->body, body_len);
}

/* True when [s, s + len) lies inside the parser's filled buffer. */
static bool in_buffer(const bsc_parser *p, const char *s, size_t len)
{
	return p->buf && s >= p->buf && s <= p->buf + p->end && len <= (size_t)(p->buf + p->end - s);
}

/* One run over the stream `in`, of which `fed` bytes went in so far and
 * `*taken` bytes came out as replies. */
typedef struct {
	bsc_parser p;
	const unsigned char *in;
	size_t fed;
	size_t taken;
	trace out;
	bsc_parse_status status;
} run;

/* A reply that the parser handed out: the bytes it took from the stream
 * are [r->taken, r->fed - pending); check it against them. */
static void check_reply(const run *r, const bsc_reply *reply)
{
	const bsc_parser *p = &r->p;
	size_t pending = bsc_parser_pending(p);

	CHECK((unsigned)reply->kind < BSC_REPLY_KIND_COUNT);
	CHECK(pending <= r->fed - r->taken);
	size_t from = r->taken, to = r->fed - pending;
	const char *name = bsc_reply_name(reply->kind);
	size_t name_len = strlen(name);
	/* Every reply starts with its word and its line ends in CRLF. */
	CHECK(to - from >= name_len + 2);
	CHECK(memcmp(r->in + from, name, name_len) == 0);
	CHECK(memchr(r->in + from, '\n', to - from) != NULL);
	if (reply->word) {
		CHECK(reply->kind == BSC_REPLY_USING);
		CHECK(reply->word_len >= 1 && reply->word_len <= BSC_TUBE_MAX);
		CHECK(in_buffer(p, reply->word, reply->word_len));
		/* "USING <tube>\r\n" */
		CHECK(to - from == name_len + 1 + reply->word_len + 2);
		CHECK(memcmp(r->in + from + name_len + 1, reply->word, reply->word_len) == 0);
	}
	if (reply->body) {
		CHECK(reply->kind == BSC_REPLY_RESERVED || reply->kind == BSC_REPLY_FOUND || reply->kind == BSC_REPLY_OK);
		CHECK(reply->body_len <= p->body_max);
		CHECK(reply->body_len <= SIZE_MAX - 2 && in_buffer(p, reply->body, reply->body_len + 2));
		/* The body ends the reply, followed by its CRLF. */
		CHECK(to - from >= reply->body_len + 2 + name_len);
		CHECK(memcmp(r->in + to - 2 - reply->body_len, reply->body, reply->body_len) == 0);
		CHECK(r->in[to - 2] == '\r' && r->in[to - 1] == '\n');
	}
}

/* Hands out replies until the parser wants more or fails. */
static void drain(run *r)
{
	if (r->status == BSC_PARSE_ERROR) {
		bsc_reply reply;
		CHECK(bsc_parser_next(&r->p, &reply) == BSC_PARSE_ERROR);
		return;
	}
	for (;;) {
		bsc_reply reply;
		memset(&reply, 0, sizeof(reply));
		bsc_parse_status st = bsc_parser_next(&r->p, &reply);
		if (st == BSC_PARSE_REPLY) {
			check_reply(r, &reply);
			trace_reply(&r->out, &reply);
			r->taken = r->fed - bsc_parser_pending(&r->p);
			continue;
		}
		r->status = st;
		if (st == BSC_PARSE_MORE) {
			CHECK(bsc_parser_pending(&r->p) == r->fed - r->taken);
			return;
		}
		CHECK(st == BSC_PARSE_ERROR);
		CHECK(r->p.errstr[0] != '\0');
		CHECK(memchr(r->p.errstr, '\0', sizeof(r->p.errstr)) != NULL);
		/* The parser is stuck: it says so again. */
		CHECK(bsc_parser_next(&r->p, &reply) == BSC_PARSE_ERROR);
		return;
	}
}

/* Beyond this, a piece asks for no more room than it fills: the buffer
 * doubles each time it grows. */
#define ROOM_GROW_LIMIT ((size_t)1 << 18)

/*
 * The room a piece read through bsc_parser_space() asks for. Like
 * src/conn.c, it may ask for more than it then fills. k picks it relative to
 * the buffer's size, so that small inputs reach the paths that move the
 * unread bytes down and that grow the buffer: 1..63 asks for a little under
 * the size, 64..127 for a little over it, 0 for just the piece.
 */
static size_t room_for(const bsc_parser *p, size_t len, unsigned k)
{
	size_t min = len;

	if (k > 0 && k < 64) {
		min = p->cap > 8 * k ? p->cap - 8 * k : 1;
	} else if (k >= 64 && p->cap < ROOM_GROW_LIMIT) {
		min = p->cap + 8 * (k - 64);
	}
	return min > len ? min : len;
}

static void put_bytes(run *r, size_t len, bool via_space, unsigned k)
{
	if (via_space) {
		size_t avail = 0, min = room_for(&r->p, len, k);
		char *space = bsc_parser_space(&r->p, min, &avail);
		CHECK(space != NULL);
		CHECK(avail >= min);
		memcpy(space, r->in + r->fed, len);
		bsc_parser_commit(&r->p, len);
	} else {
		CHECK(bsc_parser_feed(&r->p, (const char *)r->in + r->fed, len));
	}
	r->fed += len;
	drain(r);
}

static void run_start(run *r, const unsigned char *in, size_t body_max)
{
	memset(r, 0, sizeof(*r));
	bsc_parser_init(&r->p, body_max);
	r->in = in;
	r->status = BSC_PARSE_MORE;
}

static void run_restart(run *r)
{
	bsc_parser_reset(&r->p);
	r->fed = r->taken = 0;
	r->out.len = 0;
	r->status = BSC_PARSE_MORE;
}

static void run_free(run *r)
{
	bsc_parser_free(&r->p);
	free(r->out.buf);
}

static void check_same(const run *a, const run *b)
{
	CHECK(a->status == b->status);
	CHECK(a->out.len == b->out.len);
	CHECK(a->out.len == 0 || memcmp(a->out.buf, b->out.buf, a->out.len) == 0);
	CHECK(a->taken == b->taken);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 2) {
		return 0;
	}
	size_t body_max = body_max_choices[data[0] & 15];
	size_t pieces = data[1] & 15;
	bool bytewise = (data[1] & 0x10) != 0;
	if (size < 2 + 2 * pieces) {
		return 0;
	}
	const unsigned char *plan = data + 2;
	const unsigned char *in = data + 2 + 2 * pieces;
	size_t len = size - 2 - 2 * pieces;

	run whole, split;

	run_start(&whole, in, body_max);
	if (len > 0) {
		put_bytes(&whole, len, false, 0);
	}
	drain(&whole);

	run_start(&split, in, body_max);
	for (size_t i = 0; i < pieces && split.fed < len; i++) {
		size_t n = plan[2 * i];
		unsigned how = plan[2 * i + 1];
		if (n > len - split.fed) {
			n = len - split.fed;
		}
		put_bytes(&split, n, (how & 0x80) != 0, how & 0x7f);
	}
	if (bytewise) {
		while (split.fed < len) {
			put_bytes(&split, 1, (split.fed & 1) != 0, 0);
		}
	} else if (split.fed < len) {
		put_bytes(&split, len - split.fed, false, 0);
	}
	check_same(&whole, &split);

	/* A reset parser is as good as a new one. */
	run_restart(&split);
	if (len > 0) {
		put_bytes(&split, len, true, 0);
	}
	check_same(&whole, &split);

	run_free(&whole);
	run_free(&split);
	return 0;
}
