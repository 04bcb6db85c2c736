/*
 * beanstalkd protocol: reply parser (re2c lexer over one complete line) and
 * request line writer. See proto.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/proto/proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BSC_PARSER_INITIAL_CAP 16384
/* An empty buffer larger than this is freed rather than kept. */
#define BSC_PARSER_KEEP_CAP (4 * BSC_PARSER_INITIAL_CAP)

static const char *const reply_names[BSC_REPLY_KIND_COUNT] = {
	[BSC_REPLY_INSERTED] = "INSERTED",
	[BSC_REPLY_BURIED] = "BURIED",
	[BSC_REPLY_USING] = "USING",
	[BSC_REPLY_RESERVED] = "RESERVED",
	[BSC_REPLY_FOUND] = "FOUND",
	[BSC_REPLY_OK] = "OK",
	[BSC_REPLY_WATCHING] = "WATCHING",
	[BSC_REPLY_KICKED] = "KICKED",
	[BSC_REPLY_DELETED] = "DELETED",
	[BSC_REPLY_RELEASED] = "RELEASED",
	[BSC_REPLY_TOUCHED] = "TOUCHED",
	[BSC_REPLY_PAUSED] = "PAUSED",
	[BSC_REPLY_NOT_FOUND] = "NOT_FOUND",
	[BSC_REPLY_NOT_IGNORED] = "NOT_IGNORED",
	[BSC_REPLY_TIMED_OUT] = "TIMED_OUT",
	[BSC_REPLY_DEADLINE_SOON] = "DEADLINE_SOON",
	[BSC_REPLY_EXPECTED_CRLF] = "EXPECTED_CRLF",
	[BSC_REPLY_JOB_TOO_BIG] = "JOB_TOO_BIG",
	[BSC_REPLY_DRAINING] = "DRAINING",
	[BSC_REPLY_OUT_OF_MEMORY] = "OUT_OF_MEMORY",
	[BSC_REPLY_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[BSC_REPLY_BAD_FORMAT] = "BAD_FORMAT",
	[BSC_REPLY_UNKNOWN_COMMAND] = "UNKNOWN_COMMAND",
};

const char *bsc_reply_name(bsc_reply_kind kind)
{
	if ((unsigned)kind >= BSC_REPLY_KIND_COUNT) {
		return "?";
	}
	return reply_names[kind];
}

bool bsc_reply_is_error(bsc_reply_kind kind)
{
	return kind >= BSC_REPLY_EXPECTED_CRLF && kind < BSC_REPLY_KIND_COUNT;
}

void bsc_parser_init(bsc_parser *p, size_t body_max)
{
	memset(p, 0, sizeof(*p));
	bsc_parser_set_body_max(p, body_max);
}

void bsc_parser_set_body_max(bsc_parser *p, size_t body_max)
{
	p->body_max = body_max ? body_max : BSC_BODY_MAX_DEFAULT;
}

static void parser_release_buffer(bsc_parser *p)
{
	free(p->buf);
	p->buf = NULL;
	p->cap = 0;
}

void bsc_parser_free(bsc_parser *p)
{
	parser_release_buffer(p);
	p->start = p->end = p->consume = p->need = 0;
}

void bsc_parser_reset(bsc_parser *p)
{
	p->start = p->end = p->consume = p->need = 0;
	p->failed = false;
	p->errstr[0] = '\0';
	if (p->cap > BSC_PARSER_KEEP_CAP) {
		parser_release_buffer(p);
	}
}

size_t bsc_parser_pending(const bsc_parser *p)
{
	return p->end - p->start - p->consume;
}

/* Drops the reply handed out last; an emptied buffer that a big body grew
 * is let go (hiredis does the same), so its memory goes back at once. */
static void parser_drop_consumed(bsc_parser *p)
{
	p->start += p->consume;
	p->consume = 0;
	if (p->start == p->end) {
		p->start = p->end = 0;
		if (p->cap > BSC_PARSER_KEEP_CAP) {
			parser_release_buffer(p);
		}
	}
}

/* The capacity for want bytes: powers of two up to the size kept between
 * replies, the exact size above it. */
static size_t parser_capacity_for(size_t want)
{
	size_t cap = BSC_PARSER_INITIAL_CAP;

	while (cap < want && cap <= BSC_PARSER_KEEP_CAP) {
		cap *= 2;
	}
	return cap < want ? want : cap;
}

char *bsc_parser_space(bsc_parser *p, size_t min, size_t *avail)
{
	parser_drop_consumed(p);

	size_t used = p->end - p->start;
	if (min > SIZE_MAX - used) {
		return NULL;
	}
	size_t want = used + min;
	/* No buffer yet (new, or let go after a big body): one is made even for
	 * min 0, so the area returned is never NULL + 0 (NULL means no memory). */
	if (p->buf == NULL || p->cap - p->start < want) {
		if (p->buf != NULL && p->cap >= want) {
			memmove(p->buf, p->buf + p->start, used);
		} else {
			/* Toward the body the reply announced, but no faster than its
			 * bytes come (doubling): a server's word alone never sizes a
			 * buffer. */
			size_t size = want;
			if (p->need > size) {
				size_t grown = p->cap > SIZE_MAX / 2 ? SIZE_MAX : p->cap * 2;
				size = p->need < grown ? p->need : grown > size ? grown : size;
			}
			size_t cap = parser_capacity_for(size);
			char *buf = malloc(cap);
			if (!buf) {
				return NULL;
			}
			if (used) {
				memcpy(buf, p->buf + p->start, used);
			}
			free(p->buf);
			p->buf = buf;
			p->cap = cap;
		}
		p->start = 0;
		p->end = used;
	}
	*avail = p->cap - p->end;
	return p->buf + p->end;
}

void bsc_parser_commit(bsc_parser *p, size_t n)
{
	p->end += n;
}

bool bsc_parser_feed(bsc_parser *p, const char *data, size_t len)
{
	size_t avail;
	char *space = bsc_parser_space(p, len, &avail);
	if (!space) {
		return false;
	}
	memcpy(space, data, len);
	bsc_parser_commit(p, len);
	return true;
}

/* Appends ch to out as it reads in a message: printable as it is, CR, LF
 * and tab as \r \n \t, anything else as \xNN. False when it does not fit. */
static bool append_shown(char *out, size_t *n, size_t size, unsigned char ch)
{
	char esc[5];
	size_t len;

	if (ch >= 0x20 && ch < 0x7f && ch != '\\') {
		esc[0] = (char)ch;
		len = 1;
	} else if (ch == '\r' || ch == '\n' || ch == '\t' || ch == '\\') {
		esc[0] = '\\';
		esc[1] = ch == '\r' ? 'r' : ch == '\n' ? 'n' : ch == '\t' ? 't' : '\\';
		len = 2;
	} else {
		snprintf(esc, sizeof(esc), "\\x%02x", ch);
		len = 4;
	}
	if (*n + len >= size) {
		return false;
	}
	memcpy(out + *n, esc, len);
	*n += len;
	return true;
}

static bsc_parse_status parser_fail(bsc_parser *p, const char *what, const char *line, size_t len)
{
	char shown[64];
	size_t n = 0, i;

	/* Quote a little of the offending input, control bytes escaped. */
	for (i = 0; i < len && append_shown(shown, &n, sizeof(shown), (unsigned char)line[i]); i++) {
	}
	shown[n] = '\0';
	snprintf(p->errstr, sizeof(p->errstr), "%s: \"%s%s\"", what, shown, i < len ? "..." : "");
	p->failed = true;
	return BSC_PARSE_ERROR;
}

/* Decimal digits [s, e) to a number; false on overflow past max. */
static bool parse_number(const char *s, const char *e, uint64_t max, uint64_t *out)
{
	uint64_t n = 0;

	if (s == e || e - s > 20) {
		return false;
	}
	for (; s < e; s++) {
		uint64_t d = (uint64_t)(*s - '0');
		/* d > max first: with a max under 9, max - d would wrap around. */
		if (d > max || n > (max - d) / 10) {
			return false;
		}
		n = n * 10 + d;
	}
	*out = n;
	return true;
}

/* The number of a reply line, [s, e): a job id (1..BSC_JOB_ID_MAX) or a
 * count (0..INT64_MAX). */
static bsc_parse_status take_number(bsc_parser *p, bsc_reply *r, const char *s, const char *e, bool job_id, const char *line, size_t len)
{
	if (!parse_number(s, e, (uint64_t)INT64_MAX, &r->num) || (job_id && r->num == 0)) {
		return parser_fail(p, job_id ? "job id out of range" : "number out of range", line, len);
	}
	r->has_num = true;
	return BSC_PARSE_REPLY;
}

/* The body length of a reply line, [s, e), within the parser's limit. */
static bsc_parse_status take_body_length(bsc_parser *p, const char *s, const char *e, uint64_t *body_len, const char *line, size_t len)
{
	if (!parse_number(s, e, p->body_max, body_len)) {
		char what[64];
		snprintf(what, sizeof(what), "body over the limit of %zu bytes", p->body_max);
		return parser_fail(p, what, line, len);
	}
	return BSC_PARSE_REPLY;
}

/*
 * Lexes one complete reply line [line, line + len), which ends in "\n".
 * Every rule ends in "\r\n" and no rule can go on after a "\n", so the DFA
 * never reads past the end of the line: no bounds checks are needed.
 */
static bsc_parse_status lex_line(bsc_parser *p, const char *line, size_t len, bsc_reply *r, uint64_t *body_len, bool *has_body)
{
	const char *YYCURSOR = line, *YYMARKER;
	const char *n1, *n2, *w1;
	/*!stags:re2c format = 'const char *@@;\n\t'; */

	*has_body = false;
	r->has_num = false;

	/*!re2c
	re2c:define:YYCTYPE = "unsigned char";
	re2c:yyfill:enable = 0;
	re2c:flags:tags = 1;

	num  = [0-9]+;
	tube = [A-Za-z0-9+/;.$_()] [A-Za-z0-9\-+/;.$_()]*;
	eol  = "\r\n";

	"INSERTED " @n1 num @n2 eol       { r->kind = BSC_REPLY_INSERTED; goto id; }
	"BURIED " @n1 num @n2 eol         { r->kind = BSC_REPLY_BURIED; goto id; }
	"BURIED" eol                      { r->kind = BSC_REPLY_BURIED; return BSC_PARSE_REPLY; }
	"USING " @w1 tube @n2 eol         { r->kind = BSC_REPLY_USING; goto word; }
	"RESERVED " @n1 num " " @w1 num @n2 eol { r->kind = BSC_REPLY_RESERVED; goto id_body; }
	"FOUND " @n1 num " " @w1 num @n2 eol    { r->kind = BSC_REPLY_FOUND; goto id_body; }
	"OK " @w1 num @n2 eol             { r->kind = BSC_REPLY_OK; goto body; }
	"WATCHING " @n1 num @n2 eol       { r->kind = BSC_REPLY_WATCHING; goto count; }
	"KICKED " @n1 num @n2 eol         { r->kind = BSC_REPLY_KICKED; goto count; }
	"KICKED" eol                      { r->kind = BSC_REPLY_KICKED; return BSC_PARSE_REPLY; }
	"DELETED" eol                     { r->kind = BSC_REPLY_DELETED; return BSC_PARSE_REPLY; }
	"RELEASED" eol                    { r->kind = BSC_REPLY_RELEASED; return BSC_PARSE_REPLY; }
	"TOUCHED" eol                     { r->kind = BSC_REPLY_TOUCHED; return BSC_PARSE_REPLY; }
	"PAUSED" eol                      { r->kind = BSC_REPLY_PAUSED; return BSC_PARSE_REPLY; }
	"NOT_FOUND" eol                   { r->kind = BSC_REPLY_NOT_FOUND; return BSC_PARSE_REPLY; }
	"NOT_IGNORED" eol                 { r->kind = BSC_REPLY_NOT_IGNORED; return BSC_PARSE_REPLY; }
	"TIMED_OUT" eol                   { r->kind = BSC_REPLY_TIMED_OUT; return BSC_PARSE_REPLY; }
	"DEADLINE_SOON" eol               { r->kind = BSC_REPLY_DEADLINE_SOON; return BSC_PARSE_REPLY; }
	"EXPECTED_CRLF" eol               { r->kind = BSC_REPLY_EXPECTED_CRLF; return BSC_PARSE_REPLY; }
	"JOB_TOO_BIG" eol                 { r->kind = BSC_REPLY_JOB_TOO_BIG; return BSC_PARSE_REPLY; }
	"DRAINING" eol                    { r->kind = BSC_REPLY_DRAINING; return BSC_PARSE_REPLY; }
	"OUT_OF_MEMORY" eol               { r->kind = BSC_REPLY_OUT_OF_MEMORY; return BSC_PARSE_REPLY; }
	"INTERNAL_ERROR" eol              { r->kind = BSC_REPLY_INTERNAL_ERROR; return BSC_PARSE_REPLY; }
	"BAD_FORMAT" eol                  { r->kind = BSC_REPLY_BAD_FORMAT; return BSC_PARSE_REPLY; }
	"UNKNOWN_COMMAND" eol             { r->kind = BSC_REPLY_UNKNOWN_COMMAND; return BSC_PARSE_REPLY; }
	*                                 { return parser_fail(p, "unexpected reply", line, len); }
	*/

id:
	return take_number(p, r, n1, n2, true, line, len);

count:
	return take_number(p, r, n1, n2, false, line, len);

word:
	if ((size_t)(n2 - w1) > BSC_TUBE_MAX) {
		return parser_fail(p, "tube name too long", line, len);
	}
	r->word = w1;
	r->word_len = (size_t)(n2 - w1);
	return BSC_PARSE_REPLY;

id_body:
	if (take_number(p, r, n1, w1 - 1, true, line, len) != BSC_PARSE_REPLY) {
		return BSC_PARSE_ERROR;
	}
	/* fall through */
body:
	*has_body = true;
	return take_body_length(p, w1, n2, body_len, line, len);
}

bsc_parse_status bsc_parser_next(bsc_parser *p, bsc_reply *reply)
{
	if (p->failed) {
		return BSC_PARSE_ERROR;
	}
	parser_drop_consumed(p);
	if (p->end == p->start) {
		return BSC_PARSE_MORE;  /* and buf may still be NULL: no pointer into it */
	}

	const char *data = p->buf + p->start;
	size_t avail = p->end - p->start;
	size_t scan = avail < BSC_REPLY_LINE_MAX ? avail : BSC_REPLY_LINE_MAX;
	const char *nl = memchr(data, '\n', scan);

	if (!nl) {
		if (avail >= BSC_REPLY_LINE_MAX) {
			return parser_fail(p, "reply line too long", data, avail);
		}
		return BSC_PARSE_MORE;
	}

	size_t line_len = (size_t)(nl - data) + 1;
	uint64_t body_len = 0;
	bool has_body;
	bsc_reply r;

	memset(&r, 0, sizeof(r));
	if (lex_line(p, data, line_len, &r, &body_len, &has_body) != BSC_PARSE_REPLY) {
		return BSC_PARSE_ERROR;
	}
	if (has_body) {
		/* No adding to body_len: a caller's body_max may let it come near
		 * SIZE_MAX, and body_len + 2 would wrap around. */
		size_t after = avail - line_len;
		if (after < 2 || after - 2 < body_len) {
			p->need = body_len < SIZE_MAX - line_len - 2 ? line_len + (size_t)body_len + 2 : SIZE_MAX;
			return BSC_PARSE_MORE;
		}
		const char *body = data + line_len;
		if (body[body_len] != '\r' || body[body_len + 1] != '\n') {
			return parser_fail(p, "body not followed by CRLF", data, line_len);
		}
		r.body = body;
		r.body_len = (size_t)body_len;
		line_len += (size_t)body_len + 2;
	}
	p->consume = line_len;
	p->need = 0;
	*reply = r;
	return BSC_PARSE_REPLY;
}

bool bsc_tube_valid(const char *name, size_t len)
{
	if (len == 0 || len > BSC_TUBE_MAX || name[0] == '-') {
		return false;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
				|| strchr("-+/;.$_()", c) != NULL) || c == '\0') {
			return false;
		}
	}
	return true;
}

void bsc_line_start(bsc_line *l, const char *verb)
{
	size_t n = strlen(verb);

	memcpy(l->buf, verb, n);
	l->len = n;
}

void bsc_line_u64(bsc_line *l, uint64_t n)
{
	char digits[20];
	size_t k = 0;

	do {
		digits[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	l->buf[l->len++] = ' ';
	while (k) {
		l->buf[l->len++] = digits[--k];
	}
}

void bsc_line_word(bsc_line *l, const char *word, size_t len)
{
	l->buf[l->len++] = ' ';
	memcpy(l->buf + l->len, word, len);
	l->len += len;
}

void bsc_line_end(bsc_line *l)
{
	l->buf[l->len++] = '\r';
	l->buf[l->len++] = '\n';
}
