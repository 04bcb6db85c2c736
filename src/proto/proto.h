/*
 * beanstalkd protocol: the reply parser and the request line writer.
 *
 * No I/O happens here. Bytes go into a bsc_parser (either copied in with
 * bsc_parser_feed() or read straight into bsc_parser_space()), and
 * bsc_parser_next() hands out one typed reply at a time. A reply's body and
 * word point into the parser's buffer and stay valid until the next call
 * that changes the parser.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_PROTO_H
#define BSC_PROTO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Tube names: 1..200 bytes of A-Za-z0-9 and -+/;.$_(), not starting with '-'. */
#define BSC_TUBE_MAX 200

/* The longest request line we build: "pause-tube <200 bytes> 4294967295\r\n". */
#define BSC_LINE_MAX 256

/* The longest reply line we accept. The longest legal one is "USING <200>\r\n". */
#define BSC_REPLY_LINE_MAX 256

/* Largest body the parser accepts by default: beanstalkd's own ceiling for
 * -z (1 GiB). The connection sets a tighter limit for each reply. */
#define BSC_BODY_MAX_DEFAULT ((size_t)1 << 30)

/* What a job gets when the caller says nothing else. */
#define BSC_DEFAULT_PRIORITY 1024
#define BSC_DEFAULT_TTR 60

/* Job ids are 1..INT64_MAX: beanstalkd counts them in a uint64 from 1, and
 * PHP's int must hold them. Anything else in a reply is not an id. */
#define BSC_JOB_ID_MAX ((uint64_t)INT64_MAX)

typedef enum {
	BSC_REPLY_INSERTED,        /* INSERTED <id> */
	BSC_REPLY_BURIED,          /* BURIED [<id>] (has_num tells) */
	BSC_REPLY_USING,           /* USING <tube> */
	BSC_REPLY_RESERVED,        /* RESERVED <id> <bytes> + body */
	BSC_REPLY_FOUND,           /* FOUND <id> <bytes> + body */
	BSC_REPLY_OK,              /* OK <bytes> + body */
	BSC_REPLY_WATCHING,        /* WATCHING <count> */
	BSC_REPLY_KICKED,          /* KICKED [<count>] (has_num tells) */
	BSC_REPLY_DELETED,
	BSC_REPLY_RELEASED,
	BSC_REPLY_TOUCHED,
	BSC_REPLY_PAUSED,
	BSC_REPLY_NOT_FOUND,
	BSC_REPLY_NOT_IGNORED,
	BSC_REPLY_TIMED_OUT,
	BSC_REPLY_DEADLINE_SOON,
	/* The error words: the server refused the command. */
	BSC_REPLY_EXPECTED_CRLF,
	BSC_REPLY_JOB_TOO_BIG,
	BSC_REPLY_DRAINING,
	BSC_REPLY_OUT_OF_MEMORY,
	BSC_REPLY_INTERNAL_ERROR,
	BSC_REPLY_BAD_FORMAT,
	BSC_REPLY_UNKNOWN_COMMAND,
	BSC_REPLY_KIND_COUNT
} bsc_reply_kind;

typedef struct {
	bsc_reply_kind kind;
	bool has_num;
	uint64_t num;          /* job id (1..BSC_JOB_ID_MAX), or count for WATCHING/KICKED (0..INT64_MAX) */
	const char *word;      /* USING: the tube name */
	size_t word_len;
	const char *body;      /* RESERVED/FOUND/OK: the body, without its CRLF */
	size_t body_len;
} bsc_reply;

typedef enum {
	BSC_PARSE_REPLY = 0,   /* *reply holds a complete reply */
	BSC_PARSE_MORE,        /* need more bytes */
	BSC_PARSE_ERROR        /* garbage or over a limit: see errstr; the parser is stuck */
} bsc_parse_status;

typedef struct {
	char *buf;
	size_t cap;            /* allocated size of buf */
	size_t start;          /* first unconsumed byte */
	size_t end;            /* one past the last byte fed */
	size_t consume;        /* bytes of the reply last handed out, dropped on the next call */
	size_t body_max;       /* largest body accepted */
	size_t need;           /* bytes from start that the reply under way needs in all; 0: not known */
	bool failed;
	char errstr[160];
} bsc_parser;

void bsc_parser_init(bsc_parser *p, size_t body_max);
void bsc_parser_free(bsc_parser *p);
/* Drops all buffered bytes and any error: for a fresh connection. */
void bsc_parser_reset(bsc_parser *p);
/* The largest body the next replies may carry (0: BSC_BODY_MAX_DEFAULT). */
void bsc_parser_set_body_max(bsc_parser *p, size_t body_max);

/* Copies bytes in. False when memory runs out. */
bool bsc_parser_feed(bsc_parser *p, const char *data, size_t len);
/* A writable area of at least min bytes at the end of the buffer (NULL when
 * memory runs out); after reading n bytes into it, call bsc_parser_commit().
 * A reply whose body is under way gets a buffer of exactly the size it needs
 * (not the next power of two), and a large buffer is let go as soon as it
 * is empty, so one big job does not stay resident for the life of a worker. */
char *bsc_parser_space(bsc_parser *p, size_t min, size_t *avail);
void bsc_parser_commit(bsc_parser *p, size_t n);
/* Bytes fed but not yet handed out as replies. */
size_t bsc_parser_pending(const bsc_parser *p);

bsc_parse_status bsc_parser_next(bsc_parser *p, bsc_reply *reply);

/* The server's word for a reply kind ("INSERTED", "NOT_FOUND", ...). */
const char *bsc_reply_name(bsc_reply_kind kind);
/* True for the kinds that are the server refusing a command. */
bool bsc_reply_is_error(bsc_reply_kind kind);

/* Tube name rules of beanstalkd (prot.c is_valid_tube). */
bool bsc_tube_valid(const char *name, size_t len);

/* Request lines: built into a fixed buffer, always ending in CRLF. */
typedef struct {
	char buf[BSC_LINE_MAX];
	size_t len;
} bsc_line;

void bsc_line_start(bsc_line *l, const char *verb);
void bsc_line_u64(bsc_line *l, uint64_t n);
/* The caller has checked the word (a valid tube name). */
void bsc_line_word(bsc_line *l, const char *word, size_t len);
void bsc_line_end(bsc_line *l);

#endif
