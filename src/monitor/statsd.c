/*
 * A worker's metrics over StatsD. See statsd.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/monitor/statsd.h"
#include "src/monitor/tubewait.h"

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

/* {{{ addresses and names */
bool bsc_statsd_address_parse(bsc_statsd_address *a, const char *s, size_t len, char errbuf[BSC_ERRSTR_LEN])
{
	static const char usage[] = "must be \"host\", \"host:port\", \"[v6]\" or \"[v6]:port\", bare or after \"udp://\"";
	char why[BSC_ERRSTR_LEN];

	if (len >= 6 && strncasecmp(s, "udp://", 6) == 0) {
		s += 6;
		len -= 6;
	} else if (memmem(s, len, "://", 3)) {
		memset(a, 0, sizeof(*a));
		snprintf(errbuf, BSC_ERRSTR_LEN, "%s: StatsD is spoken over UDP only", usage);
		return false;
	}
	if (!bsc_host_port_parse(a, s, len, BSC_STATSD_PORT, NULL, why)) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "%s: %.150s", usage, why);
		return false;
	}
	return true;
}

static bool name_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
}

bool bsc_statsd_prefix_valid(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (!name_char((unsigned char)s[i]) && s[i] != '.') {
			return false;
		}
	}
	return true;
}

size_t bsc_statsd_name_part(char *out, size_t size, const char *s)
{
	size_t n = 0;

	if (size == 0) {
		return 0;
	}
	for (; s[n] && n + 1 < size; n++) {
		out[n] = name_char((unsigned char)s[n]) ? s[n] : '_';
	}
	if (n == 0 && size > 1) {
		out[n++] = '_';
	}
	out[n] = '\0';
	return n;
}
/* }}} */

/* {{{ lines */
/* "0.1", "0.00810045": six significant digits, never an exponent (a
 * daemon reads the rate with /@([\d.]+)/). */
static void format_rate(char *buf, size_t size, double rate)
{
	if (rate < 0.000001) {
		rate = 0.000001;
	}
	int decimals = 5 - (int)floor(log10(rate));
	snprintf(buf, size, "%.*f", decimals, rate);
	char *end = buf + strlen(buf) - 1;
	while (end > buf && *end == '0') {
		*end-- = '\0';
	}
	if (*end == '.') {
		*end = '\0';
	}
}

size_t bsc_statsd_line(char *buf, size_t size, const char *prefix, const char *part, const char *metric, double value,
	bsc_statsd_type type, double rate)
{
	static const char *const types[] = { "c", "ms", "g" };
	char rate_text[24] = "";
	int n;

	if (rate < 1) {
		rate_text[0] = '|';
		rate_text[1] = '@';
		format_rate(rate_text + 2, sizeof(rate_text) - 2, rate);
	}
	n = snprintf(buf, size, type == BSC_STATSD_TIMER ? "%s%s%s%s:%.3f|%s%s\n" : "%s%s%s%s:%.0f|%s%s\n",
		prefix, part, part[0] ? "." : "", metric, value, types[type], rate_text);
	if (n < 0 || (size_t)n >= size) {
		return 0;
	}
	return (size_t)n;
}
/* }}} */

/* {{{ sampling */
static uint64_t xorshift(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545F4914F6CDD1DULL;
}

void bsc_statsd_reservoir_add(bsc_statsd_reservoir *r, double value, uint64_t *rng)
{
	r->seen++;
	if (r->len < r->cap) {
		r->v[r->len++] = value;
		return;
	}
	uint64_t j = xorshift(rng) % r->seen;
	if (j < r->cap) {
		r->v[j] = value;
	}
}

double bsc_statsd_reservoir_rate(const bsc_statsd_reservoir *r)
{
	return r->seen > r->len ? (double)r->len / (double)r->seen : 1.0;
}

void bsc_statsd_reservoir_reset(bsc_statsd_reservoir *r)
{
	r->len = 0;
	r->seen = 0;
}
/* }}} */

/* {{{ datagrams */
void bsc_statsd_packer_init(bsc_statsd_packer *p, int fd)
{
	p->fd = fd;
	p->len = 0;
	p->sent = p->errors = 0;
	p->last_errno = 0;
}

void bsc_statsd_packer_flush(bsc_statsd_packer *p)
{
	if (p->len == 0) {
		return;
	}
	if (p->fd < 0) {
		p->errors++;
		p->last_errno = ENOTCONN;
	} else {
		ssize_t n = send(p->fd, p->buf, p->len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n == (ssize_t)p->len) {
			p->sent++;
		} else {
			p->errors++;
			p->last_errno = n < 0 ? errno : EMSGSIZE;
		}
	}
	p->len = 0;
}

void bsc_statsd_packer_add(bsc_statsd_packer *p, const char *line, size_t len)
{
	if (len == 0 || len > sizeof(p->buf)) {
		return;
	}
	if (p->len + len > sizeof(p->buf)) {
		bsc_statsd_packer_flush(p);
	}
	memcpy(p->buf + p->len, line, len);
	p->len += len;
}
/* }}} */

/* {{{ a worker's metrics */
enum { C_PROCESSED, C_FAILED, C_RELEASED, C_BURIED, C_DELETED, COUNTERS };
static const char *const counter_names[COUNTERS] = { "processed", "failed", "released", "buried", "deleted" };

typedef struct {
	uint64_t counts[COUNTERS];
	bsc_statsd_reservoir durations;
} tube_acc;

/* What the loop records in an interval. */
typedef struct {
	tube_acc *tubes;            /* by slot */
	bsc_statsd_reservoir wait;
} acc_set;

struct bsc_statsd {
	pthread_mutex_t lock;       /* acc[cur], cur, last_slot, rng, last_error */
	acc_set acc[2];
	int cur;
	size_t last_slot;
	uint64_t rng;
	char last_error[BSC_ERRSTR_LEN];

	/* Set at the start, read only after. */
	char *prefix;
	char address_name[280];
	char worker[128];           /* name part */
	double interval;
	size_t slots;               /* the watched tubes, then the other */
	char **names;               /* as watched, to match; NULL for the other */
	char **parts;               /* as sent */
	double *samples;            /* the reservoirs' storage */

	/* The monitor thread's. */
	double next;
	bsc_statsd_packer packer;
	atomic_uint_fast64_t sent, errors;
	bsc_tubewait *wait;         /* the watched tubes' wait_time; NULL: none */
	double wait_next;           /* when the next probe may begin */
	double *waits;              /* a probe's figures, by watched tube */
};

static int open_socket(const bsc_statsd_address *a, char errbuf[BSC_ERRSTR_LEN])
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV }, *res = NULL;
	int gai = getaddrinfo(a->host, a->port, &hints, &res), fd = -1, err = 0;

	if (gai != 0 || !res) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "cannot resolve %.60s: %.60s", a->name, gai ? gai_strerror(gai) : "no address");
		return -1;
	}
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		/* Connected: an ICMP unreachable comes back as an error of a
		 * later send, so a daemon that is down shows in the count. */
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
			err = errno;
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "cannot open a UDP socket to %.160s: %.60s", a->name, strerror(err));
	}
	return fd;
}

bsc_statsd *bsc_statsd_new(const bsc_statsd_config *cfg, char errbuf[BSC_ERRSTR_LEN])
{
	bsc_statsd *s = calloc(1, sizeof(*s));
	size_t cap;

	errbuf[0] = '\0';
	if (!s) {
		return NULL;
	}
	pthread_mutex_init(&s->lock, NULL);
	s->interval = cfg->interval > 0 ? cfg->interval : BSC_STATSD_INTERVAL;
	cap = (size_t)ceil(BSC_STATSD_SAMPLES_PER_SEC * s->interval);
	s->slots = cfg->tube_count + 1;
	s->prefix = strdup(cfg->prefix ? cfg->prefix : BSC_STATSD_PREFIX);
	s->names = calloc(s->slots, sizeof(char *));
	s->parts = calloc(s->slots, sizeof(char *));
	/* Two sets, each a reservoir per slot and one of the wait. */
	s->samples = calloc(2 * (s->slots + 1) * cap, sizeof(double));
	for (int k = 0; k < 2; k++) {
		s->acc[k].tubes = calloc(s->slots, sizeof(tube_acc));
	}
	if (!s->prefix || !s->names || !s->parts || !s->samples || !s->acc[0].tubes || !s->acc[1].tubes) {
		bsc_statsd_free(s);
		return NULL;
	}
	double *storage = s->samples;
	for (int k = 0; k < 2; k++) {
		for (size_t i = 0; i < s->slots; i++) {
			s->acc[k].tubes[i].durations = (bsc_statsd_reservoir){ .v = storage, .cap = cap };
			storage += cap;
		}
		s->acc[k].wait = (bsc_statsd_reservoir){ .v = storage, .cap = cap };
		storage += cap;
	}
	for (size_t i = 0; i < s->slots; i++) {
		const char *name = i < cfg->tube_count ? cfg->tubes[i] : BSC_STATSD_OTHER_TUBE;
		char part[BSC_STATSD_LINE_MAX];
		bsc_statsd_name_part(part, 256, name);
		s->parts[i] = strdup(part);
		s->names[i] = i < cfg->tube_count ? strdup(name) : NULL;
		if (!s->parts[i] || (i < cfg->tube_count && !s->names[i])) {
			bsc_statsd_free(s);
			return NULL;
		}
	}
	if (cfg->servers && cfg->tube_count > 0) {
		s->wait = bsc_tubewait_new(cfg->servers, cfg->tubes, cfg->tube_count);
		s->waits = calloc(cfg->tube_count, sizeof(double));
		if (!s->wait || !s->waits) {
			bsc_statsd_free(s);
			return NULL;
		}
	}
	bsc_statsd_name_part(s->worker, sizeof(s->worker), cfg->worker ? cfg->worker : "");
	snprintf(s->address_name, sizeof(s->address_name), "%s", cfg->address->name);
	s->rng = cfg->seed;
	if (s->rng == 0) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		s->rng = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 16) ^ 0x9E3779B97F4A7C15ULL;
	}
	bsc_statsd_packer_init(&s->packer, open_socket(cfg->address, errbuf));
	if (s->packer.fd < 0) {
		snprintf(s->last_error, sizeof(s->last_error), "%s", errbuf);
	}
	return s;
}

void bsc_statsd_free(bsc_statsd *s)
{
	if (!s) {
		return;
	}
	if (s->packer.fd >= 0) {
		close(s->packer.fd);
	}
	for (size_t i = 0; i < s->slots; i++) {
		if (s->names) {
			free(s->names[i]);
		}
		if (s->parts) {
			free(s->parts[i]);
		}
	}
	free(s->names);
	free(s->parts);
	free(s->acc[0].tubes);
	free(s->acc[1].tubes);
	free(s->samples);
	free(s->prefix);
	bsc_tubewait_free(s->wait);
	free(s->waits);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

/* Under the lock. */
static size_t slot_of(bsc_statsd *s, const char *tube)
{
	size_t other = s->slots - 1;

	if (!tube || !tube[0]) {
		return other;
	}
	if (s->last_slot < other && strcmp(s->names[s->last_slot], tube) == 0) {
		return s->last_slot;
	}
	for (size_t i = 0; i < other; i++) {
		if (strcmp(s->names[i], tube) == 0) {
			s->last_slot = i;
			return i;
		}
	}
	return other;
}

size_t bsc_statsd_job(bsc_statsd *s, const char *tube, const bsc_statsd_job_end *e)
{
	pthread_mutex_lock(&s->lock);
	size_t slot = slot_of(s, tube);
	acc_set *a = &s->acc[s->cur];
	tube_acc *t = &a->tubes[slot];
	t->counts[C_PROCESSED]++;
	t->counts[C_FAILED] += e->failed;
	t->counts[C_RELEASED] += e->released;
	t->counts[C_BURIED] += e->buried;
	bsc_statsd_reservoir_add(&t->durations, e->duration * 1e3, &s->rng);
	bsc_statsd_reservoir_add(&a->wait, e->wait * 1e3, &s->rng);
	pthread_mutex_unlock(&s->lock);
	return slot;
}

void bsc_statsd_deleted(bsc_statsd *s, size_t slot)
{
	pthread_mutex_lock(&s->lock);
	if (slot < s->slots) {
		s->acc[s->cur].tubes[slot].counts[C_DELETED]++;
	}
	pthread_mutex_unlock(&s->lock);
}

static void add_line(bsc_statsd *s, const char *part, const char *metric, double value, bsc_statsd_type type, double rate)
{
	char line[BSC_STATSD_LINE_MAX];
	size_t n = bsc_statsd_line(line, sizeof(line), s->prefix, part, metric, value, type, rate);

	bsc_statsd_packer_add(&s->packer, line, n);
}

static void add_samples(bsc_statsd *s, const char *part, const char *metric, bsc_statsd_reservoir *r)
{
	double rate = bsc_statsd_reservoir_rate(r);

	for (size_t i = 0; i < r->len; i++) {
		add_line(s, part, metric, r->v[i], BSC_STATSD_TIMER, rate);
	}
	bsc_statsd_reservoir_reset(r);
}

void bsc_statsd_send(bsc_statsd *s, const bsc_statsd_gauges *g)
{
	char worker[sizeof(s->worker) + 8];

	/* The loop goes on into the other set while this one is sent. */
	pthread_mutex_lock(&s->lock);
	acc_set *a = &s->acc[s->cur];
	s->cur = 1 - s->cur;
	pthread_mutex_unlock(&s->lock);

	for (size_t i = 0; i < s->slots; i++) {
		tube_acc *t = &a->tubes[i];
		for (int c = 0; c < COUNTERS; c++) {
			if (t->counts[c]) {
				add_line(s, s->parts[i], counter_names[c], (double)t->counts[c], BSC_STATSD_COUNTER, 1);
				t->counts[c] = 0;
			}
		}
	}
	snprintf(worker, sizeof(worker), "worker.%s", s->worker);
	if (g && g->memory) {
		add_line(s, worker, "memory", (double)g->memory, BSC_STATSD_GAUGE, 1);
	}
	if (g && g->rss) {
		add_line(s, worker, "rss", (double)g->rss, BSC_STATSD_GAUGE, 1);
	}
	/* The last probe's waits, each once (the other tube has none). */
	if (s->wait && bsc_tubewait_take(s->wait, s->waits)) {
		for (size_t i = 0; i + 1 < s->slots; i++) {
			if (s->waits[i] >= 0) {
				add_line(s, s->parts[i], "wait_time", s->waits[i] * 1e3, BSC_STATSD_GAUGE, 1);
			}
		}
	}
	for (size_t i = 0; i < s->slots; i++) {
		add_samples(s, s->parts[i], "duration", &a->tubes[i].durations);
	}
	add_samples(s, "", "wait", &a->wait);
	bsc_statsd_packer_flush(&s->packer);

	/* Without a socket, the last error stays why there is none. */
	if (s->packer.fd >= 0 && s->packer.errors != atomic_load(&s->errors)) {
		pthread_mutex_lock(&s->lock);
		snprintf(s->last_error, sizeof(s->last_error), "send to %.160s: %.60s", s->address_name, strerror(s->packer.last_errno));
		pthread_mutex_unlock(&s->lock);
	}
	atomic_store(&s->sent, s->packer.sent);
	atomic_store(&s->errors, s->packer.errors);
}

double bsc_statsd_due(const bsc_statsd *s, double now)
{
	return s->next == 0 ? now + s->interval : s->next;
}

/* The probe's part of a pass: one begins when due, and goes on as far as
 * it can; when the next pass is wanted. */
static double wait_run(bsc_statsd *s, double now, int *fd, short *events)
{
	int wfd;
	short wevents;
	double deadline;

	if (!s->wait) {
		return INFINITY;
	}
	/* A probe that runs late (servers that do not answer) ends before the
	 * next begins: each server's part has its deadline. */
	bool busy = bsc_tubewait_run(s->wait, now, &wfd, &wevents, &deadline);
	if (!busy && now >= s->wait_next) {
		bsc_tubewait_begin(s->wait, now);
		s->wait_next = now + (s->interval > BSC_STATSD_WAIT_PERIOD ? s->interval : BSC_STATSD_WAIT_PERIOD);
		busy = bsc_tubewait_run(s->wait, now, &wfd, &wevents, &deadline);
	}
	if (!busy) {
		return s->wait_next;
	}
	if (*fd < 0) {
		*fd = wfd;
		*events = wevents;
		return deadline;
	}
	return now + BSC_STATSD_WAIT_LOOK;
}

double bsc_statsd_run(bsc_statsd *s, double now, const bsc_statsd_gauges *g, int *fd, short *events)
{
	if (s->next == 0) {
		s->next = now + s->interval;
	} else if (now >= s->next) {
		bsc_statsd_send(s, g);
		s->next += s->interval;
		if (s->next <= now) {
			s->next = now + s->interval;
		}
	}
	return fmin(s->next, wait_run(s, now, fd, events));
}

void bsc_statsd_counts_get(bsc_statsd *s, bsc_statsd_counts *out)
{
	out->sent = atomic_load(&s->sent);
	out->errors = atomic_load(&s->errors);
	pthread_mutex_lock(&s->lock);
	memcpy(out->last_error, s->last_error, sizeof(out->last_error));
	pthread_mutex_unlock(&s->lock);
}
/* }}} */
