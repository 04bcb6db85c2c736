/*
 * The wait time of a worker's tubes. See tubewait.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/monitor/tubewait.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "src/grow.h"
#include "src/proto/proto.h"
#include "src/proto/stats.h"

typedef enum {
	LINK_CLOSED,
	LINK_CONNECTING,
	LINK_IDLE,                  /* connected, nothing asked */
	LINK_SENDING,
	LINK_READING
} link_state;

/* A server, and the connection to it. */
typedef struct {
	struct sockaddr_storage addr;
	socklen_t addr_len;
	int fd;
	link_state state;
} server_link;

struct bsc_tubewait {
	char **tubes;
	size_t count;
	server_link *servers;
	size_t nservers;
	bsc_parser parser;
	/* The requests of the step under way. */
	char *out;
	size_t out_len, out_sent, out_cap;
	bool out_failed;

	/* The probe under way. */
	bool busy;
	size_t at;                  /* the server asked now */
	bool peeking;               /* its first write's replies come, or its second's */
	size_t expected, replies;
	size_t stat_tube;           /* the tube of the next stats-job reply */
	double deadline;            /* of this server's part (monotonic) */
	uint64_t *ids;              /* per tube: the job peek-ready found on this server; 0: none */
	double *probe;              /* per tube: the longest wait told so far; -1: none told */
	double *result;             /* the last probe's */
	bool fresh;
};

/* {{{ setting up */
/* Resolves an address into a link; false when it does not parse or resolve. */
static bool link_resolve(server_link *l, const char *address, size_t len)
{
	bsc_endpoint ep;
	char errbuf[BSC_ERRSTR_LEN];

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	if (!bsc_endpoint_parse(&ep, address, len, errbuf)) {
		return false;
	}
	if (ep.is_unix) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&l->addr;
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, ep.path, strlen(ep.path) + 1);
		l->addr_len = sizeof(*sun);
		return true;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res = NULL;
	if (getaddrinfo(ep.host, ep.port, &hints, &res) != 0 || !res) {
		return false;
	}
	memcpy(&l->addr, res->ai_addr, res->ai_addrlen);
	l->addr_len = res->ai_addrlen;
	freeaddrinfo(res);
	return true;
}

/* The servers of a list "a, b,c": each that resolves. */
static bool resolve_servers(bsc_tubewait *t, const char *servers)
{
	size_t most = 1;

	for (const char *p = servers; *p; p++) {
		most += *p == ',';
	}
	t->servers = calloc(most, sizeof(*t->servers));
	if (!t->servers) {
		return false;
	}
	for (const char *p = servers; *p;) {
		p += strspn(p, ", ");
		size_t len = strcspn(p, ",");
		while (len && p[len - 1] == ' ') {
			len--;
		}
		if (len && link_resolve(&t->servers[t->nservers], p, len)) {
			t->nservers++;
		}
		p += strcspn(p, ",");
	}
	return true;
}

bsc_tubewait *bsc_tubewait_new(const char *servers, const char *const *tubes, size_t count)
{
	bsc_tubewait *t = calloc(1, sizeof(*t));

	if (!t) {
		return NULL;
	}
	bsc_parser_init(&t->parser, BSC_TUBEWAIT_BODY_MAX);
	t->tubes = calloc(count ? count : 1, sizeof(char *));
	t->ids = calloc(count ? count : 1, sizeof(uint64_t));
	t->probe = calloc(count ? count : 1, sizeof(double));
	t->result = calloc(count ? count : 1, sizeof(double));
	bool ok = t->tubes && t->ids && t->probe && t->result && resolve_servers(t, servers ? servers : "");
	for (size_t i = 0; ok && i < count; i++) {
		ok = (t->tubes[i] = strdup(tubes[i])) != NULL;
		t->count++;
	}
	if (!ok) {
		bsc_tubewait_free(t);
		return NULL;
	}
	return t;
}

static void link_close(server_link *l)
{
	if (l->fd >= 0) {
		close(l->fd);
		l->fd = -1;
	}
	l->state = LINK_CLOSED;
}

void bsc_tubewait_free(bsc_tubewait *t)
{
	if (!t) {
		return;
	}
	for (size_t i = 0; i < t->nservers; i++) {
		link_close(&t->servers[i]);
	}
	for (size_t i = 0; i < t->count; i++) {
		free(t->tubes[i]);
	}
	free(t->servers);
	free(t->tubes);
	free(t->ids);
	free(t->probe);
	free(t->result);
	free(t->out);
	bsc_parser_free(&t->parser);
	free(t);
}
/* }}} */

/* {{{ requests */
static void out_line(bsc_tubewait *t, const bsc_line *l)
{
	if (!bsc_grow(&t->out, &t->out_cap, t->out_len + l->len, 1, 1024)) {
		t->out_failed = true;
		return;
	}
	memcpy(t->out + t->out_len, l->buf, l->len);
	t->out_len += l->len;
}

static void out_reset(bsc_tubewait *t)
{
	t->out_len = t->out_sent = 0;
	t->out_failed = false;
	t->replies = 0;
}

/* The first write: the next ready job of every tube. */
static void ask_peeks(bsc_tubewait *t)
{
	bsc_line l;

	out_reset(t);
	for (size_t i = 0; i < t->count; i++) {
		bsc_line_start(&l, "use");
		bsc_line_word(&l, t->tubes[i], strlen(t->tubes[i]));
		bsc_line_end(&l);
		out_line(t, &l);
		bsc_line_start(&l, "peek-ready");
		bsc_line_end(&l);
		out_line(t, &l);
		t->ids[i] = 0;
	}
	t->expected = 2 * t->count;
	t->peeking = true;
}

/* The second: the stats of each job found. */
static void ask_stats(bsc_tubewait *t)
{
	bsc_line l;

	out_reset(t);
	t->expected = 0;
	for (size_t i = 0; i < t->count; i++) {
		if (t->ids[i]) {
			bsc_line_start(&l, "stats-job");
			bsc_line_u64(&l, t->ids[i]);
			bsc_line_end(&l);
			out_line(t, &l);
			t->expected++;
		}
	}
	t->stat_tube = 0;
	t->peeking = false;
}
/* }}} */

/* {{{ replies */
static void note_wait(bsc_tubewait *t, size_t tube, double seconds)
{
	if (seconds > t->probe[tube]) {
		t->probe[tube] = seconds;
	}
}

/* A reply of the step under way; false when it is not one the request
 * can have. */
static bool take_reply(bsc_tubewait *t, const bsc_reply *r)
{
	if (t->peeking) {
		size_t tube = t->replies / 2;
		if (t->replies % 2 == 0) {
			return r->kind == BSC_REPLY_USING;
		}
		if (r->kind == BSC_REPLY_FOUND) {
			t->ids[tube] = r->num;
		} else if (r->kind == BSC_REPLY_NOT_FOUND) {
			note_wait(t, tube, 0);
		} else {
			return false;
		}
		return true;
	}
	while (t->stat_tube < t->count && !t->ids[t->stat_tube]) {
		t->stat_tube++;
	}
	size_t tube = t->stat_tube++;
	if (r->kind == BSC_REPLY_NOT_FOUND) {
		return true;            /* taken and deleted between the two writes */
	}
	bsc_job_stats js;
	if (r->kind != BSC_REPLY_OK || tube >= t->count || !bsc_job_stats_parse(r->body, r->body_len, &js)) {
		return false;
	}
	/* Reserved meanwhile: its wait is over, and the next one's unknown. */
	if (strcmp(js.state, "ready") == 0 && js.age >= 0) {
		note_wait(t, tube, (double)(js.age > js.delay ? js.age - (js.delay > 0 ? js.delay : 0) : 0));
	}
	return true;
}

/* Reads what has come: 1 once every reply of the step is in, 0 when more
 * must come, -1 when the server is of no use this time. */
static int read_replies(bsc_tubewait *t, server_link *l)
{
	for (;;) {
		size_t avail;
		char *buf = bsc_parser_space(&t->parser, 4096, &avail);
		if (!buf) {
			return -1;
		}
		ssize_t n = recv(l->fd, buf, avail, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			return 0;
		}
		if (n <= 0) {
			return -1;
		}
		bsc_parser_commit(&t->parser, (size_t)n);
		for (;;) {
			bsc_reply r;
			bsc_parse_status st = bsc_parser_next(&t->parser, &r);
			if (st == BSC_PARSE_MORE) {
				break;
			}
			if (st == BSC_PARSE_ERROR || !take_reply(t, &r)) {
				return -1;
			}
			if (++t->replies == t->expected) {
				return 1;
			}
		}
	}
}
/* }}} */

/* {{{ the probe */
/* Starts a non-blocking connect; false when it fails at once. */
static bool link_connect(server_link *l)
{
	l->fd = socket(l->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		return false;
	}
	if (l->addr.ss_family != AF_UNIX) {
		int on = 1;
		setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	}
	if (connect(l->fd, (struct sockaddr *)&l->addr, l->addr_len) == 0) {
		l->state = LINK_SENDING;
		return true;
	}
	if (errno != EINPROGRESS && errno != EAGAIN) {
		link_close(l);
		return false;
	}
	l->state = LINK_CONNECTING;
	return true;
}

/* An idle connection with bytes to read, or closed by the server, is not
 * to be trusted with the next step. */
static bool link_usable(const server_link *l)
{
	char c;
	ssize_t n = recv(l->fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

/* The part of the next server that answers, or the probe's end. */
static void next_server(bsc_tubewait *t, double now)
{
	for (; t->count > 0 && t->at < t->nservers; t->at++) {
		server_link *l = &t->servers[t->at];
		if (l->state == LINK_IDLE && !link_usable(l)) {
			link_close(l);
		}
		bsc_parser_reset(&t->parser);
		ask_peeks(t);
		t->deadline = now + BSC_TUBEWAIT_TIMEOUT;
		if (t->out_failed) {
			continue;
		}
		if (l->state == LINK_IDLE) {
			l->state = LINK_SENDING;
			return;
		}
		if (link_connect(l)) {
			return;
		}
	}
	memcpy(t->result, t->probe, t->count * sizeof(double));
	t->fresh = true;
	t->busy = false;
}

/* This server's part is over: its connection is kept if it is in step. */
static void server_done(bsc_tubewait *t, double now, bool ok)
{
	server_link *l = &t->servers[t->at];

	if (ok && bsc_parser_pending(&t->parser) == 0) {
		l->state = LINK_IDLE;
	} else {
		link_close(l);
	}
	t->at++;
	next_server(t, now);
}

void bsc_tubewait_begin(bsc_tubewait *t, double now)
{
	if (t->busy) {
		link_close(&t->servers[t->at]);
	}
	for (size_t i = 0; i < t->count; i++) {
		t->probe[i] = -1;
	}
	t->busy = true;
	t->at = 0;
	next_server(t, now);
}

/* Sends what is left of the step's requests: 1 when all went, 0 when the
 * socket is full, -1 on an error. */
static int send_requests(bsc_tubewait *t, server_link *l)
{
	while (t->out_sent < t->out_len) {
		ssize_t n = send(l->fd, t->out + t->out_sent, t->out_len - t->out_sent, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n < 0) {
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		}
		t->out_sent += (size_t)n;
	}
	return 1;
}

/* A step of the server asked now; false when it must wait for its socket. */
static bool advance(bsc_tubewait *t, double now)
{
	server_link *l = &t->servers[t->at];
	int done;

	if (now >= t->deadline) {
		server_done(t, now, false);
		return true;
	}
	switch (l->state) {
	case LINK_CONNECTING: {
		struct pollfd pfd = { .fd = l->fd, .events = POLLOUT };
		int soerr = 0;
		socklen_t len = sizeof(soerr);
		if (poll(&pfd, 1, 0) <= 0) {
			return false;
		}
		if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &soerr, &len) < 0 || soerr) {
			server_done(t, now, false);
		} else {
			l->state = LINK_SENDING;
		}
		return true;
	}
	case LINK_SENDING:
		done = send_requests(t, l);
		if (done < 0) {
			server_done(t, now, false);
		} else if (done > 0) {
			l->state = LINK_READING;
		}
		return done != 0;
	case LINK_READING:
		done = read_replies(t, l);
		if (done < 0) {
			server_done(t, now, false);
		} else if (done > 0 && t->peeking) {
			ask_stats(t);
			if (t->out_failed || t->expected == 0) {
				server_done(t, now, !t->out_failed);
			} else {
				l->state = LINK_SENDING;
			}
		} else if (done > 0) {
			server_done(t, now, true);
		}
		return done != 0;
	default:
		server_done(t, now, false);
		return true;
	}
}

bool bsc_tubewait_run(bsc_tubewait *t, double now, int *fd, short *events, double *deadline)
{
	while (t->busy && advance(t, now)) {
	}
	if (!t->busy) {
		return false;
	}
	const server_link *l = &t->servers[t->at];
	*fd = l->fd;
	*events = l->state == LINK_READING ? POLLIN : POLLOUT;
	*deadline = t->deadline;
	return true;
}

bool bsc_tubewait_take(bsc_tubewait *t, double *seconds)
{
	if (!t->fresh) {
		return false;
	}
	memcpy(seconds, t->result, t->count * sizeof(double));
	t->fresh = false;
	return true;
}
/* }}} */
