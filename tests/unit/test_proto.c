/*
 * Tests of src/proto: the reply parser, fed whole, split at every byte,
 * byte by byte and pipelined; its limits and garbage; the request line
 * writer; the tube name rules; the reply names.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/proto/proto.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {{{ the replies of every kind */
typedef struct {
	const char *wire;
	size_t wire_len;
	bsc_reply_kind kind;
	bool has_num;
	uint64_t num;
	const char *word;      /* USING: the tube; else NULL */
	const char *body;      /* RESERVED/FOUND/OK: the body; else NULL */
	size_t body_len;
} reply_case;

/* Literal lengths come from sizeof, so a body may hold NULs and CRLFs. */
#define PLAIN(wire, kind) { wire, sizeof(wire) - 1, kind, false, 0, NULL, NULL, 0 }
#define NUM(wire, kind, n) { wire, sizeof(wire) - 1, kind, true, n, NULL, NULL, 0 }
#define WORD(wire, kind, w) { wire, sizeof(wire) - 1, kind, false, 0, w, NULL, 0 }
#define BODY(wire, kind, has_num, n, body) \
	{ wire, sizeof(wire) - 1, kind, has_num, n, NULL, body, sizeof(body) - 1 }

#define YAML_BODY "---\nname: default\ncurrent-jobs-ready: 0\npause: 0\n"

static const reply_case replies[] = {
	NUM("INSERTED 42\r\n", BSC_REPLY_INSERTED, 42),
	NUM("INSERTED 1\r\n", BSC_REPLY_INSERTED, 1),
	NUM("INSERTED 9223372036854775807\r\n", BSC_REPLY_INSERTED, INT64_MAX),
	NUM("BURIED 7\r\n", BSC_REPLY_BURIED, 7),
	PLAIN("BURIED\r\n", BSC_REPLY_BURIED),
	WORD("USING default\r\n", BSC_REPLY_USING, "default"),
	WORD("USING a-+/;.$_()Z09\r\n", BSC_REPLY_USING, "a-+/;.$_()Z09"),
	BODY("RESERVED 5 3\r\nabc\r\n", BSC_REPLY_RESERVED, true, 5, "abc"),
	BODY("RESERVED 5 0\r\n\r\n", BSC_REPLY_RESERVED, true, 5, ""),
	BODY("RESERVED 9 8\r\na\r\n\0b\r\n\0\r\n", BSC_REPLY_RESERVED, true, 9, "a\r\n\0b\r\n\0"),
	BODY("FOUND 12 5\r\nhello\r\n", BSC_REPLY_FOUND, true, 12, "hello"),
	BODY("OK 49\r\n" YAML_BODY "\r\n", BSC_REPLY_OK, false, 0, YAML_BODY),
	NUM("WATCHING 3\r\n", BSC_REPLY_WATCHING, 3),
	NUM("KICKED 10\r\n", BSC_REPLY_KICKED, 10),
	NUM("KICKED 0\r\n", BSC_REPLY_KICKED, 0),
	NUM("WATCHING 9223372036854775807\r\n", BSC_REPLY_WATCHING, INT64_MAX),
	PLAIN("KICKED\r\n", BSC_REPLY_KICKED),
	PLAIN("DELETED\r\n", BSC_REPLY_DELETED),
	PLAIN("RELEASED\r\n", BSC_REPLY_RELEASED),
	PLAIN("TOUCHED\r\n", BSC_REPLY_TOUCHED),
	PLAIN("PAUSED\r\n", BSC_REPLY_PAUSED),
	PLAIN("NOT_FOUND\r\n", BSC_REPLY_NOT_FOUND),
	PLAIN("NOT_IGNORED\r\n", BSC_REPLY_NOT_IGNORED),
	PLAIN("TIMED_OUT\r\n", BSC_REPLY_TIMED_OUT),
	PLAIN("DEADLINE_SOON\r\n", BSC_REPLY_DEADLINE_SOON),
	PLAIN("EXPECTED_CRLF\r\n", BSC_REPLY_EXPECTED_CRLF),
	PLAIN("JOB_TOO_BIG\r\n", BSC_REPLY_JOB_TOO_BIG),
	PLAIN("DRAINING\r\n", BSC_REPLY_DRAINING),
	PLAIN("OUT_OF_MEMORY\r\n", BSC_REPLY_OUT_OF_MEMORY),
	PLAIN("INTERNAL_ERROR\r\n", BSC_REPLY_INTERNAL_ERROR),
	PLAIN("BAD_FORMAT\r\n", BSC_REPLY_BAD_FORMAT),
	PLAIN("UNKNOWN_COMMAND\r\n", BSC_REPLY_UNKNOWN_COMMAND),
};

#define NREPLIES (sizeof(replies) / sizeof(replies[0]))

/* Checks a parsed reply against its case; the message names the case. */
static bool reply_matches(const bsc_reply *r, const reply_case *rc, const char *how)
{
	char shown[200];
	const char *name = unit_escape(rc->wire, rc->wire_len, shown, sizeof(shown));
	bool ok = true;

	ok &= CHECK_MSG(r->kind == rc->kind, "%s \"%s\": kind %s, want %s", how, name,
		bsc_reply_name(r->kind), bsc_reply_name(rc->kind));
	ok &= CHECK_MSG(r->has_num == rc->has_num, "%s \"%s\": has_num %d", how, name, r->has_num);
	if (rc->has_num) {
		ok &= CHECK_MSG(r->num == rc->num, "%s \"%s\": num %llu, want %llu", how, name,
			(unsigned long long)r->num, (unsigned long long)rc->num);
	}
	if (rc->word) {
		ok &= CHECK_MSG(r->word && r->word_len == strlen(rc->word)
			&& memcmp(r->word, rc->word, r->word_len) == 0, "%s \"%s\": wrong word", how, name);
	} else {
		ok &= CHECK_MSG(r->word == NULL && r->word_len == 0, "%s \"%s\": a word where none is", how, name);
	}
	if (rc->body) {
		ok &= CHECK_MSG(r->body != NULL && r->body_len == rc->body_len
			&& memcmp(r->body, rc->body, rc->body_len) == 0, "%s \"%s\": wrong body (%zu bytes)",
			how, name, r->body_len);
	} else {
		ok &= CHECK_MSG(r->body == NULL && r->body_len == 0, "%s \"%s\": a body where none is", how, name);
	}
	return ok;
}

static bsc_parse_status feed_next(bsc_parser *p, const char *data, size_t len, bsc_reply *r)
{
	if (!bsc_parser_feed(p, data, len)) {
		return BSC_PARSE_ERROR;
	}
	return bsc_parser_next(p, r);
}

static void test_every_kind_has_a_case(void)
{
	for (int k = 0; k < BSC_REPLY_KIND_COUNT; k++) {
		bool seen = false;
		for (size_t i = 0; i < NREPLIES; i++) {
			seen |= replies[i].kind == (bsc_reply_kind)k;
		}
		CHECK_MSG(seen, "no test case for %s", bsc_reply_name((bsc_reply_kind)k));
	}
}

static void test_reply_whole(void)
{
	for (size_t i = 0; i < NREPLIES; i++) {
		bsc_parser p;
		bsc_reply r;

		bsc_parser_init(&p, 0);
		if (CHECK_MSG(feed_next(&p, replies[i].wire, replies[i].wire_len, &r) == BSC_PARSE_REPLY,
				"case %zu: %s", i, p.errstr)) {
			reply_matches(&r, &replies[i], "whole");
			/* The reply points into the parser's own buffer. */
			if (r.body) {
				CHECK(r.body >= p.buf && r.body + r.body_len <= p.buf + p.end);
			}
			CHECK_U64(bsc_parser_pending(&p), 0);
		}
		CHECK_MSG(bsc_parser_next(&p, &r) == BSC_PARSE_MORE, "case %zu: more after the reply", i);
		bsc_parser_free(&p);
	}
}

static void test_reply_split_at_every_byte(void)
{
	for (size_t i = 0; i < NREPLIES; i++) {
		const reply_case *rc = &replies[i];

		for (size_t k = 1; k < rc->wire_len; k++) {
			bsc_parser p;
			bsc_reply r;

			bsc_parser_init(&p, 0);
			CHECK_MSG(feed_next(&p, rc->wire, k, &r) == BSC_PARSE_MORE, "case %zu split at %zu: first part", i, k);
			if (CHECK_MSG(feed_next(&p, rc->wire + k, rc->wire_len - k, &r) == BSC_PARSE_REPLY,
					"case %zu split at %zu: %s", i, k, p.errstr)) {
				reply_matches(&r, rc, "split");
			}
			bsc_parser_free(&p);
		}
	}
}

static void test_reply_byte_by_byte(void)
{
	for (size_t i = 0; i < NREPLIES; i++) {
		const reply_case *rc = &replies[i];
		bsc_parser p;
		bsc_reply r;

		bsc_parser_init(&p, 0);
		for (size_t k = 0; k + 1 < rc->wire_len; k++) {
			CHECK_MSG(feed_next(&p, rc->wire + k, 1, &r) == BSC_PARSE_MORE, "case %zu byte %zu", i, k);
		}
		if (CHECK_MSG(feed_next(&p, rc->wire + rc->wire_len - 1, 1, &r) == BSC_PARSE_REPLY,
				"case %zu last byte: %s", i, p.errstr)) {
			reply_matches(&r, rc, "byte by byte");
		}
		bsc_parser_free(&p);
	}
}

/* Every reply, back to back, as a pipelined exchange would bring them. */
static char *all_replies(size_t *len)
{
	size_t total = 0, off = 0;

	for (size_t i = 0; i < NREPLIES; i++) {
		total += replies[i].wire_len;
	}
	char *all = malloc(total);
	if (!CHECK(all != NULL)) {
		return NULL;
	}
	for (size_t i = 0; i < NREPLIES; i++) {
		memcpy(all + off, replies[i].wire, replies[i].wire_len);
		off += replies[i].wire_len;
	}
	*len = total;
	return all;
}

static void test_pipelined_in_one_feed(void)
{
	size_t len, fed = 0;
	char *all = all_replies(&len);
	bsc_parser p;
	bsc_reply r;

	if (!all) {
		return;
	}
	bsc_parser_init(&p, 0);
	CHECK(bsc_parser_feed(&p, all, len));
	for (size_t i = 0; i < NREPLIES; i++) {
		CHECK_U64(bsc_parser_pending(&p), len - fed);
		if (!CHECK_MSG(bsc_parser_next(&p, &r) == BSC_PARSE_REPLY, "reply %zu: %s", i, p.errstr)) {
			break;
		}
		reply_matches(&r, &replies[i], "pipelined");
		fed += replies[i].wire_len;
		CHECK_U64(bsc_parser_pending(&p), len - fed);
	}
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_MORE);
	bsc_parser_free(&p);
	free(all);
}

static void test_pipelined_byte_by_byte(void)
{
	size_t len, got = 0;
	char *all = all_replies(&len);
	bsc_parser p;
	bsc_reply r;

	if (!all) {
		return;
	}
	bsc_parser_init(&p, 0);
	for (size_t k = 0; k < len; k++) {
		bsc_parse_status st = feed_next(&p, all + k, 1, &r);
		if (st == BSC_PARSE_REPLY) {
			if (!CHECK(got < NREPLIES)) {
				break;
			}
			reply_matches(&r, &replies[got], "pipelined byte by byte");
			got++;
			/* A reply ends exactly at a case boundary: nothing more is there. */
			CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_MORE);
		} else if (!CHECK_MSG(st == BSC_PARSE_MORE, "byte %zu: %s", k, p.errstr)) {
			break;
		}
	}
	CHECK_U64(got, NREPLIES);
	bsc_parser_free(&p);
	free(all);
}
/* }}} */

/* {{{ limits */
/* Parses one complete input with a given body limit. */
static bsc_parse_status parse_with_max(const char *wire, size_t len, size_t body_max, bsc_reply *r, char *errstr, size_t errsize)
{
	bsc_parser p;
	bsc_parse_status st;

	bsc_parser_init(&p, body_max);
	st = feed_next(&p, wire, len, r);
	snprintf(errstr, errsize, "%s", p.errstr);
	bsc_parser_free(&p);
	return st;
}

static void test_body_max(void)
{
	static const size_t limits[] = { 1, 2, 5, 8, 9, 10, 11, 15, 19, 99, 100, 1000, 65536 };
	static const char *const heads[] = { "OK %zu\r\n", "RESERVED 1 %zu\r\n", "FOUND 2 %zu\r\n" };

	for (size_t h = 0; h < sizeof(heads) / sizeof(heads[0]); h++) {
		for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
			size_t max = limits[i];
			char *wire = malloc(max + 64);
			char err[128];
			bsc_reply r;

			if (!CHECK(wire != NULL)) {
				return;
			}
			/* A body of exactly body_max bytes passes. */
			int n = snprintf(wire, 64, heads[h], max);
			memset(wire + n, 'x', max);
			memcpy(wire + n + max, "\r\n", 2);
			if (CHECK_MSG(parse_with_max(wire, (size_t)n + max + 2, max, &r, err, sizeof(err)) == BSC_PARSE_REPLY,
					"%.*s with body_max %zu: %s", n - 2, wire, max, err)) {
				CHECK_U64(r.body_len, max);
			}
			/* One byte more is refused on the line, before the body comes. */
			n = snprintf(wire, 64, heads[h], max + 1);
			CHECK_MSG(parse_with_max(wire, (size_t)n, max, &r, err, sizeof(err)) == BSC_PARSE_ERROR,
				"%.*s with body_max %zu is accepted", n - 2, wire, max);
			CHECK_MSG(strstr(err, "body over the limit of") != NULL, "errstr \"%s\"", err);
			free(wire);
		}
	}
}

static void test_body_max_default(void)
{
	char line[64], err[128];
	bsc_reply r;
	int n;

	/* The line alone: the default limit lets it wait for its body... */
	n = snprintf(line, sizeof(line), "OK %zu\r\n", BSC_BODY_MAX_DEFAULT);
	CHECK(parse_with_max(line, (size_t)n, 0, &r, err, sizeof(err)) == BSC_PARSE_MORE);
	/* ...and one byte more is refused at once. */
	n = snprintf(line, sizeof(line), "OK %zu\r\n", BSC_BODY_MAX_DEFAULT + 1);
	CHECK(parse_with_max(line, (size_t)n, 0, &r, err, sizeof(err)) == BSC_PARSE_ERROR);
}

/* A caller may ask for no limit at all; the body's length plus its CRLF
 * must still not wrap around size_t. */
static void test_body_max_near_size_max(void)
{
	static const char *const lines[] = {
		"OK 18446744073709551615\r\n", "OK 18446744073709551614\r\n", "OK 18446744073709551613\r\n",
		"RESERVED 1 18446744073709551614\r\n", "FOUND 1 18446744073709551615\r\n",
	};
	static const size_t limits[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 2 };
	char err[128];
	bsc_reply r;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		for (size_t m = 0; m < sizeof(limits) / sizeof(limits[0]); m++) {
			/* Waiting for such a body is fine too; handing one out is not. */
			bsc_parse_status st = parse_with_max(lines[i], strlen(lines[i]), limits[m], &r, err, sizeof(err));
			CHECK_MSG(st != BSC_PARSE_REPLY, "\"%.*s\" with body_max SIZE_MAX - %zu is a reply",
				(int)strlen(lines[i]) - 2, lines[i], m);
		}
	}
}

static void test_line_too_long(void)
{
	char buf[BSC_REPLY_LINE_MAX + 64];
	bsc_parser p;
	bsc_reply r;

	/* One byte short of the limit and no newline yet: wait. */
	memset(buf, 'A', sizeof(buf));
	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, buf, BSC_REPLY_LINE_MAX - 1, &r) == BSC_PARSE_MORE);
	/* At the limit without a newline: it can never become a reply. */
	CHECK(feed_next(&p, buf, 1, &r) == BSC_PARSE_ERROR);
	CHECK_MSG(strstr(p.errstr, "reply line too long") != NULL, "errstr \"%s\"", p.errstr);
	bsc_parser_free(&p);

	/* A newline past the limit does not save it. */
	memcpy(buf + sizeof(buf) - 2, "\r\n", 2);
	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, buf, sizeof(buf), &r) == BSC_PARSE_ERROR);
	bsc_parser_free(&p);

	/* A line of exactly the limit, newline included, gets lexed (and this
	 * one is garbage, so it fails for that reason). */
	bsc_parser_init(&p, 0);
	memset(buf, 'A', BSC_REPLY_LINE_MAX);
	memcpy(buf + BSC_REPLY_LINE_MAX - 2, "\r\n", 2);
	CHECK(feed_next(&p, buf, BSC_REPLY_LINE_MAX, &r) == BSC_PARSE_ERROR);
	CHECK_MSG(strstr(p.errstr, "unexpected reply") != NULL, "errstr \"%s\"", p.errstr);
	bsc_parser_free(&p);
}

static void test_tube_in_using(void)
{
	char buf[BSC_TUBE_MAX + 32];
	bsc_parser p;
	bsc_reply r;
	int n;

	/* The longest legal reply line. */
	n = snprintf(buf, sizeof(buf), "USING %0*d\r\n", BSC_TUBE_MAX, 7);
	bsc_parser_init(&p, 0);
	if (CHECK(feed_next(&p, buf, (size_t)n, &r) == BSC_PARSE_REPLY)) {
		CHECK_U64(r.word_len, BSC_TUBE_MAX);
		CHECK(r.kind == BSC_REPLY_USING);
	}
	bsc_parser_free(&p);

	n = snprintf(buf, sizeof(buf), "USING %0*d\r\n", BSC_TUBE_MAX + 1, 7);
	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, buf, (size_t)n, &r) == BSC_PARSE_ERROR);
	CHECK_MSG(strstr(p.errstr, "tube name too long") != NULL, "errstr \"%s\"", p.errstr);
	bsc_parser_free(&p);
}

static void test_body_not_followed_by_crlf(void)
{
	static const char *const bad[] = {
		"OK 3\r\nabcXY", "OK 3\r\nabc\rX", "OK 3\r\nabc\n\r", "OK 3\r\nabcd\r\n",
		"RESERVED 1 2\r\nabc\r\n", "FOUND 1 0\r\nX\r\n",
	};
	bsc_parser p;
	bsc_reply r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bsc_parser_init(&p, 0);
		CHECK_MSG(feed_next(&p, bad[i], strlen(bad[i]), &r) == BSC_PARSE_ERROR, "case %zu", i);
		CHECK_MSG(strstr(p.errstr, "body not followed by CRLF") != NULL, "case %zu: errstr \"%s\"", i, p.errstr);
		bsc_parser_free(&p);
	}

	/* Half of the CRLF is not an error yet, only incomplete. */
	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, "OK 3\r\nabc\r", 10, &r) == BSC_PARSE_MORE);
	if (CHECK(feed_next(&p, "\n", 1, &r) == BSC_PARSE_REPLY)) {
		CHECK_MEM(r.body, r.body_len, "abc", 3);
	}
	bsc_parser_free(&p);
}

static void test_garbage(void)
{
	static const struct {
		const char *wire;
		size_t len;
	} bad[] = {
#define G(s) { s, sizeof(s) - 1 }
		G("HELLO\r\n"), G("\r\n"), G("\n"), G(" DELETED\r\n"),
		G("deleted\r\n"), G("inserted 5\r\n"), G("Inserted 5\r\n"), G("not_found\r\n"),
		G("DELETED\n"), G("INSERTED 5\n"), G("DELETED\r\r\n"), G("DELETED \r\n"),
		G("INSERTED 5 \r\n"), G("INSERTED  5\r\n"), G("INSERTED 5\r \n"), G("INSERTED\r\n"),
		G("INSERTED \r\n"), G("INSERTED +5\r\n"), G("INSERTED -5\r\n"), G("INSERTED 0x10\r\n"),
		G("INSERTED 5a\r\n"), G("INSERTED 1e3\r\n"), G("WATCHING -1\r\n"), G("KICKED +1\r\n"),
		G("BURIED \r\n"), G("DELETED 5\r\n"), G("NOT_FOUND 1\r\n"), G("DEL\0ETED\r\n"),
		G("DELETED\0\r\n"), G("INSERTED 5\0\r\n"), G("RESERVED 1\r\n"), G("RESERVED 1 2 3\r\n"),
		G("RESERVED -1 2\r\n"), G("RESERVED 1 -2\r\n"), G("FOUND 1\r\n"), G("OK\r\n"),
		G("OK \r\n"), G("OK -1\r\n"), G("OK 1 2\r\n"), G("USING\r\n"), G("USING \r\n"),
		G("USING -tube\r\n"), G("USING a b\r\n"), G("USING a*b\r\n"), G("USING caf\xc3\xa9\r\n"),
		G("USING a\0b\r\n"), G("USING tube \r\n"), G("TIMED OUT\r\n"), G("EXPECTED_CRLF \r\n"),
#undef G
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char shown[100];
		bsc_parser p;
		bsc_reply r;

		bsc_parser_init(&p, 0);
		CHECK_MSG(feed_next(&p, bad[i].wire, bad[i].len, &r) == BSC_PARSE_ERROR, "\"%s\" is accepted",
			unit_escape(bad[i].wire, bad[i].len, shown, sizeof(shown)));
		CHECK_MSG(p.failed && p.errstr[0] != '\0', "\"%s\": no errstr",
			unit_escape(bad[i].wire, bad[i].len, shown, sizeof(shown)));
		bsc_parser_free(&p);
	}
}

static void test_numbers_out_of_range(void)
{
	static const char *const bad[] = {
		"INSERTED 18446744073709551616\r\n",      /* UINT64_MAX + 1 */
		"INSERTED 99999999999999999999\r\n",      /* 20 digits, over */
		"INSERTED 100000000000000000000\r\n",     /* 21 digits */
		"INSERTED 000000000000000000001\r\n",     /* 21 digits, small value */
		"BURIED 18446744073709551616\r\n",
		"WATCHING 18446744073709551616\r\n",
		"KICKED 18446744073709551616\r\n",
		"RESERVED 18446744073709551616 1\r\n",
		"FOUND 18446744073709551616 1\r\n",
		"RESERVED 1 18446744073709551616\r\n",
		"OK 18446744073709551616\r\n",
		/* Job ids are 1..INT64_MAX: what PHP's int holds. */
		"INSERTED 18446744073709551615\r\n",
		"INSERTED 9223372036854775808\r\n",
		"INSERTED 0\r\n",
		"BURIED 0\r\n",
		"BURIED 9223372036854775808\r\n",
		"RESERVED 0 1\r\n",
		"RESERVED 9223372036854775808 1\r\n",
		"FOUND 0 1\r\n",
		"FOUND 18446744073709551615 1\r\n",
		/* Counts too stay within an int64. */
		"WATCHING 9223372036854775808\r\n",
		"KICKED 18446744073709551615\r\n",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bsc_parser p;
		bsc_reply r;

		bsc_parser_init(&p, 0);
		CHECK_MSG(feed_next(&p, bad[i], strlen(bad[i]), &r) == BSC_PARSE_ERROR, "\"%.*s\" is accepted",
			(int)strlen(bad[i]) - 2, bad[i]);
		bsc_parser_free(&p);
	}

	/* Leading zeros within 20 digits are still a number. */
	bsc_parser p;
	bsc_reply r;
	bsc_parser_init(&p, 0);
	if (CHECK(feed_next(&p, "KICKED 00000000000000000042\r\n", 29, &r) == BSC_PARSE_REPLY)) {
		CHECK_U64(r.num, 42);
	}
	bsc_parser_free(&p);
}

static void test_errstr_quotes_the_input(void)
{
	bsc_parser p;
	bsc_reply r;
	char long_line[120];

	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, "\x01HELLO\r\n", 8, &r) == BSC_PARSE_ERROR);
	CHECK_STR(p.errstr, "unexpected reply: \"\\x01HELLO\\r\\n\"");
	bsc_parser_free(&p);

	/* A long line is cut short in the message. */
	memset(long_line, 'Z', sizeof(long_line));
	memcpy(long_line + sizeof(long_line) - 2, "\r\n", 2);
	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, long_line, sizeof(long_line), &r) == BSC_PARSE_ERROR);
	CHECK_STR(p.errstr, "unexpected reply: \"ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ...\"");
	bsc_parser_free(&p);
}
/* }}} */

/* {{{ parser state */
static void test_failure_is_sticky(void)
{
	bsc_parser p;
	bsc_reply r;
	char err[sizeof(p.errstr)];

	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, "HELLO\r\n", 7, &r) == BSC_PARSE_ERROR);
	memcpy(err, p.errstr, sizeof(err));
	/* Good bytes after garbage do not bring the stream back. */
	CHECK(feed_next(&p, "DELETED\r\n", 9, &r) == BSC_PARSE_ERROR);
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_ERROR);
	CHECK_STR(p.errstr, err);
	CHECK(p.failed);
	bsc_parser_free(&p);

	/* Same after a body without its CRLF, which fails late. */
	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, "DELETED\r\nOK 1\r\nxy\r\nDELETED\r\n", 28, &r) == BSC_PARSE_REPLY);
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_ERROR);
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_ERROR);
	bsc_parser_free(&p);
}

static void test_reset(void)
{
	bsc_parser p;
	bsc_reply r;

	/* Reset clears a failure and its message. */
	bsc_parser_init(&p, 0);
	CHECK(feed_next(&p, "HELLO\r\n", 7, &r) == BSC_PARSE_ERROR);
	bsc_parser_reset(&p);
	CHECK(!p.failed);
	CHECK_STR(p.errstr, "");
	if (CHECK(feed_next(&p, "DELETED\r\n", 9, &r) == BSC_PARSE_REPLY)) {
		CHECK(r.kind == BSC_REPLY_DELETED);
	}

	/* Reset drops bytes of the old connection, whole or half replies. */
	CHECK(bsc_parser_feed(&p, "TOUCHED\r\nRESERVED 1 10\r\nabc", 27));
	bsc_parser_reset(&p);
	CHECK_U64(bsc_parser_pending(&p), 0);
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_MORE);
	if (CHECK(feed_next(&p, "RELEASED\r\n", 10, &r) == BSC_PARSE_REPLY)) {
		CHECK(r.kind == BSC_REPLY_RELEASED);
	}

	/* A small buffer is kept for the next connection... */
	size_t cap = p.cap;
	bsc_parser_reset(&p);
	CHECK(p.buf != NULL);
	CHECK_U64(p.cap, cap);

	/* ...a big one, left by a big body, is not. */
	size_t big = 1 << 20;
	char *wire = malloc(big + 32);
	if (CHECK(wire != NULL)) {
		int n = snprintf(wire, 32, "OK %zu\r\n", big);
		memset(wire + n, 'b', big);
		memcpy(wire + n + big, "\r\n", 2);
		if (CHECK(feed_next(&p, wire, (size_t)n + big + 2, &r) == BSC_PARSE_REPLY)) {
			CHECK_U64(r.body_len, big);
		}
		CHECK(p.cap > big);
		bsc_parser_reset(&p);
		CHECK(p.buf == NULL);
		CHECK_U64(p.cap, 0);
		if (CHECK(feed_next(&p, "PAUSED\r\n", 8, &r) == BSC_PARSE_REPLY)) {
			CHECK(r.kind == BSC_REPLY_PAUSED);
		}
		free(wire);
	}
	bsc_parser_free(&p);
	/* Freeing twice, or a parser never fed, is harmless. */
	bsc_parser_free(&p);
	bsc_parser_init(&p, 0);
	bsc_parser_free(&p);
}

/* Reads src into the parser through bsc_parser_space(), at most chunk
 * bytes at a time, like a socket would; collects the replies. */
static size_t read_through_space(bsc_parser *p, const char *src, size_t len, size_t chunk, size_t min,
	const reply_case *want, size_t nwant)
{
	size_t got = 0;
	bsc_reply r;

	for (size_t off = 0; off < len;) {
		size_t avail = 0;
		char *space = bsc_parser_space(p, min, &avail);
		if (!CHECK(space != NULL && avail >= min)) {
			return got;
		}
		size_t n = len - off < chunk ? len - off : chunk;
		n = n < avail ? n : avail;
		memcpy(space, src + off, n);
		bsc_parser_commit(p, n);
		off += n;
		for (;;) {
			bsc_parse_status st = bsc_parser_next(p, &r);
			if (st == BSC_PARSE_MORE) {
				break;
			}
			if (!CHECK_MSG(st == BSC_PARSE_REPLY && got < nwant, "at %zu: %s", off, p->errstr)) {
				return got;
			}
			reply_matches(&r, &want[got], "space/commit");
			got++;
		}
	}
	return got;
}

static void test_space_and_commit(void)
{
	static const size_t chunks[] = { 1, 3, 7, 64, 100, 4096, 100000 };
	static const size_t mins[] = { 1, 16, 512, 16384, 70000 };
	size_t len;
	char *all = all_replies(&len);

	if (!all) {
		return;
	}
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		for (size_t m = 0; m < sizeof(mins) / sizeof(mins[0]); m++) {
			bsc_parser p;

			bsc_parser_init(&p, 0);
			/* Several rounds, so the buffer is reused, moved and grown. */
			for (int round = 0; round < 3; round++) {
				size_t got = read_through_space(&p, all, len, chunks[c], mins[m], replies, NREPLIES);
				CHECK_MSG(got == NREPLIES, "chunk %zu, min %zu, round %d: %zu replies", chunks[c], mins[m], round, got);
			}
			CHECK_U64(bsc_parser_pending(&p), 0);
			bsc_parser_free(&p);
		}
	}
	free(all);
}

static void test_space_keeps_pending_bytes(void)
{
	bsc_parser p;
	bsc_reply r;
	size_t avail;

	bsc_parser_init(&p, 0);
	/* A reply handed out and half of the next one are buffered. */
	CHECK(bsc_parser_feed(&p, "DELETED\r\nRESERVED 3 4\r\nab", 25));
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_REPLY);
	CHECK_U64(bsc_parser_pending(&p), 16);
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_MORE);
	/* Asking for much more room than is left moves or regrows the buffer,
	 * and must keep the half reply. */
	char *space = bsc_parser_space(&p, 3 * p.cap, &avail);
	if (CHECK(space != NULL)) {
		CHECK_U64(bsc_parser_pending(&p), 16);
		memcpy(space, "cd\r\n", 4);
		bsc_parser_commit(&p, 4);
		if (CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_REPLY)) {
			CHECK(r.kind == BSC_REPLY_RESERVED);
			CHECK_U64(r.num, 3);
			CHECK_MEM(r.body, r.body_len, "abcd", 4);
		}
	}
	CHECK_U64(bsc_parser_pending(&p), 0);
	bsc_parser_free(&p);
}
/* }}} */

/* {{{ names, tubes, lines */
static void test_reply_names(void)
{
	static const struct {
		bsc_reply_kind kind;
		const char *name;
		bool is_error;
	} names[] = {
		{ BSC_REPLY_INSERTED, "INSERTED", false }, { BSC_REPLY_BURIED, "BURIED", false },
		{ BSC_REPLY_USING, "USING", false }, { BSC_REPLY_RESERVED, "RESERVED", false },
		{ BSC_REPLY_FOUND, "FOUND", false }, { BSC_REPLY_OK, "OK", false },
		{ BSC_REPLY_WATCHING, "WATCHING", false }, { BSC_REPLY_KICKED, "KICKED", false },
		{ BSC_REPLY_DELETED, "DELETED", false }, { BSC_REPLY_RELEASED, "RELEASED", false },
		{ BSC_REPLY_TOUCHED, "TOUCHED", false }, { BSC_REPLY_PAUSED, "PAUSED", false },
		{ BSC_REPLY_NOT_FOUND, "NOT_FOUND", false }, { BSC_REPLY_NOT_IGNORED, "NOT_IGNORED", false },
		{ BSC_REPLY_TIMED_OUT, "TIMED_OUT", false }, { BSC_REPLY_DEADLINE_SOON, "DEADLINE_SOON", false },
		{ BSC_REPLY_EXPECTED_CRLF, "EXPECTED_CRLF", true }, { BSC_REPLY_JOB_TOO_BIG, "JOB_TOO_BIG", true },
		{ BSC_REPLY_DRAINING, "DRAINING", true }, { BSC_REPLY_OUT_OF_MEMORY, "OUT_OF_MEMORY", true },
		{ BSC_REPLY_INTERNAL_ERROR, "INTERNAL_ERROR", true }, { BSC_REPLY_BAD_FORMAT, "BAD_FORMAT", true },
		{ BSC_REPLY_UNKNOWN_COMMAND, "UNKNOWN_COMMAND", true },
	};

	CHECK_U64(sizeof(names) / sizeof(names[0]), BSC_REPLY_KIND_COUNT);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		CHECK_STR(bsc_reply_name(names[i].kind), names[i].name);
		CHECK_MSG(bsc_reply_is_error(names[i].kind) == names[i].is_error, "bsc_reply_is_error(%s)", names[i].name);
	}
	CHECK_STR(bsc_reply_name(BSC_REPLY_KIND_COUNT), "?");
	CHECK_STR(bsc_reply_name((bsc_reply_kind)-1), "?");
	CHECK(!bsc_reply_is_error(BSC_REPLY_KIND_COUNT));
}

static bool tube_char_allowed(unsigned char c, bool first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
		return true;
	}
	if (c == '-') {
		return !first;
	}
	return c != '\0' && strchr("+/;.$_()", c) != NULL;
}

static void test_tube_valid(void)
{
	char name[BSC_TUBE_MAX + 2];

	CHECK(bsc_tube_valid("default", 7));
	CHECK(bsc_tube_valid("a", 1));
	CHECK(bsc_tube_valid("a-+/;.$_()Z09", 13));
	CHECK(!bsc_tube_valid("", 0));
	CHECK(!bsc_tube_valid("-a", 2));
	CHECK(bsc_tube_valid("a-", 2));
	CHECK(!bsc_tube_valid("a b", 3));
	CHECK(!bsc_tube_valid("a\0b", 3));
	CHECK(!bsc_tube_valid("ab\0", 3));
	CHECK(!bsc_tube_valid("\0", 1));
	/* The length counts, not a NUL: "default" cut to 3 bytes is "def". */
	CHECK(bsc_tube_valid("default", 3));

	memset(name, 'x', sizeof(name));
	CHECK(bsc_tube_valid(name, BSC_TUBE_MAX));
	CHECK(!bsc_tube_valid(name, BSC_TUBE_MAX + 1));

	/* Every byte, first and later in the name. */
	for (int c = 0; c < 256; c++) {
		char one[1] = { (char)c };
		char two[2] = { 'a', (char)c };
		CHECK_MSG(bsc_tube_valid(one, 1) == tube_char_allowed((unsigned char)c, true), "byte 0x%02x first", c);
		CHECK_MSG(bsc_tube_valid(two, 2) == tube_char_allowed((unsigned char)c, false), "byte 0x%02x second", c);
	}
}

static void test_line_writer(void)
{
	bsc_line l;
	char tube[BSC_TUBE_MAX];

	bsc_line_start(&l, "put");
	bsc_line_u64(&l, 1024);
	bsc_line_u64(&l, 0);
	bsc_line_u64(&l, 60);
	bsc_line_u64(&l, 5);
	bsc_line_end(&l);
	CHECK_MEM(l.buf, l.len, "put 1024 0 60 5\r\n", 17);

	bsc_line_start(&l, "delete");
	bsc_line_u64(&l, UINT64_MAX);
	bsc_line_end(&l);
	CHECK_MEM(l.buf, l.len, "delete 18446744073709551615\r\n", 29);

	bsc_line_start(&l, "use");
	bsc_line_word(&l, "my-tube", 7);
	bsc_line_end(&l);
	CHECK_MEM(l.buf, l.len, "use my-tube\r\n", 13);

	bsc_line_start(&l, "reserve");
	bsc_line_end(&l);
	CHECK_MEM(l.buf, l.len, "reserve\r\n", 9);

	bsc_line_start(&l, "reserve-with-timeout");
	bsc_line_u64(&l, 0);
	bsc_line_end(&l);
	CHECK_MEM(l.buf, l.len, "reserve-with-timeout 0\r\n", 24);

	/* The longest line there is fits in the buffer. */
	memset(tube, 't', sizeof(tube));
	bsc_line_start(&l, "pause-tube");
	bsc_line_word(&l, tube, sizeof(tube));
	bsc_line_u64(&l, UINT32_MAX);
	bsc_line_end(&l);
	CHECK_U64(l.len, 10 + 1 + BSC_TUBE_MAX + 1 + 10 + 2);
	CHECK(l.len <= BSC_LINE_MAX);
	CHECK_MEM(l.buf + l.len - 13, 13, " 4294967295\r\n", 13);
}
/* }}} */

/* Nothing fed into a parser with no buffer yet (new, or one whose big
 * buffer was let go) is not "out of memory". */
static void test_empty_feed(void)
{
	bsc_parser p;
	bsc_reply r;
	size_t avail = 0;

	bsc_parser_init(&p, 0);
	CHECK(bsc_parser_feed(&p, "", 0));
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_MORE);
	bsc_parser_free(&p);
	bsc_parser_init(&p, 0);
	CHECK(bsc_parser_space(&p, 0, &avail) != NULL);
	CHECK(bsc_parser_feed(&p, "DELETED\r\n", 9));
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_REPLY && r.kind == BSC_REPLY_DELETED);
	bsc_parser_free(&p);
}

/* Reads wire into p the way the connection does: 16 KiB at a time into
 * bsc_parser_space(), then the next reply. Returns the largest capacity
 * the buffer had. */
static size_t read_like_conn(bsc_parser *p, const char *wire, size_t len, bsc_reply *r, bsc_parse_status *st)
{
	size_t off = 0, peak = 0;

	*st = bsc_parser_next(p, r);
	while (*st == BSC_PARSE_MORE && off < len) {
		size_t avail;
		char *space = bsc_parser_space(p, 16384, &avail);
		if (!space) {
			*st = BSC_PARSE_ERROR;
			break;
		}
		size_t n = len - off < avail ? len - off : avail;
		memcpy(space, wire + off, n);
		bsc_parser_commit(p, n);
		off += n;
		peak = p->cap > peak ? p->cap : peak;
		*st = bsc_parser_next(p, r);
	}
	return peak;
}

/* A big body gets a buffer of its exact size, let go once it is consumed;
 * small replies keep the first buffer. */
static void test_buffer_fits_big_bodies(void)
{
	const size_t size = ((size_t)3 << 20) + 5;
	char head[64];
	int n = snprintf(head, sizeof(head), "RESERVED 9 %zu\r\n", size);
	size_t len = (size_t)n + size + 2;
	char *wire = malloc(len);
	bsc_parser p;
	bsc_reply r;
	bsc_parse_status st;

	if (!CHECK(wire != NULL)) {
		return;
	}
	memcpy(wire, head, (size_t)n);
	memset(wire + n, 'j', size);
	memcpy(wire + n + size, "\r\n", 2);
	bsc_parser_init(&p, 0);

	read_like_conn(&p, "INSERTED 1\r\n", 12, &r, &st);
	CHECK(st == BSC_PARSE_REPLY);
	size_t small_cap = p.cap;
	CHECK_U64(small_cap, 16384);

	size_t peak = read_like_conn(&p, wire, len, &r, &st);
	if (CHECK_MSG(st == BSC_PARSE_REPLY, "status %d: %s", (int)st, p.errstr)) {
		CHECK_U64(r.body_len, size);
		CHECK_U64(r.num, 9);
	}
	/* Not the next power of two (4 MiB): the size the reply needs. */
	CHECK_U64(peak, len);
	/* Consumed: the big buffer goes at the next call. */
	CHECK(bsc_parser_next(&p, &r) == BSC_PARSE_MORE);
	CHECK(p.buf == NULL && p.cap == 0);

	read_like_conn(&p, "INSERTED 2\r\n", 12, &r, &st);
	CHECK(st == BSC_PARSE_REPLY && r.num == 2);
	CHECK_U64(p.cap, small_cap);
	bsc_parser_free(&p);
	free(wire);
}

static const unit_test tests[] = {
	UNIT_TEST(test_every_kind_has_a_case),
	UNIT_TEST(test_reply_whole),
	UNIT_TEST(test_reply_split_at_every_byte),
	UNIT_TEST(test_reply_byte_by_byte),
	UNIT_TEST(test_pipelined_in_one_feed),
	UNIT_TEST(test_pipelined_byte_by_byte),
	UNIT_TEST(test_body_max),
	UNIT_TEST(test_body_max_default),
	UNIT_TEST(test_body_max_near_size_max),
	UNIT_TEST(test_line_too_long),
	UNIT_TEST(test_tube_in_using),
	UNIT_TEST(test_body_not_followed_by_crlf),
	UNIT_TEST(test_garbage),
	UNIT_TEST(test_numbers_out_of_range),
	UNIT_TEST(test_errstr_quotes_the_input),
	UNIT_TEST(test_failure_is_sticky),
	UNIT_TEST(test_reset),
	UNIT_TEST(test_space_and_commit),
	UNIT_TEST(test_space_keeps_pending_bytes),
	UNIT_TEST(test_buffer_fits_big_bodies),
	UNIT_TEST(test_empty_feed),
	UNIT_TEST(test_reply_names),
	UNIT_TEST(test_tube_valid),
	UNIT_TEST(test_line_writer),
};

const unit_suite proto_suite = UNIT_SUITE("proto", tests);
