/*
 * Endpoints and sockets. See net.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/net.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

_Static_assert(sizeof(((bsc_endpoint *)0)->path) == sizeof(((struct sockaddr_un *)0)->sun_path), "path fits sun_path");

static _Atomic uint64_t fork_epoch;
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

static void child_after_fork(void)
{
	atomic_fetch_add_explicit(&fork_epoch, 1, memory_order_relaxed);
}

static void watch_forks(void)
{
	pthread_atfork(NULL, NULL, child_after_fork);
}

void bsc_fork_watch(void)
{
	pthread_once(&fork_once, watch_forks);
}

uint64_t bsc_fork_epoch(void)
{
	return atomic_load_explicit(&fork_epoch, memory_order_relaxed);
}

double bsc_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double bsc_deadline_after(double seconds)
{
	return seconds > 0 ? bsc_now() + seconds : 0;
}

int bsc_poll_ms(double deadline)
{
	if (deadline <= 0) {
		return -1;
	}
	double left = deadline - bsc_now();
	if (left <= 0) {
		return 0;
	}
	double ms = left * 1000.0 + 0.999;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

int bsc_net_wait(struct pollfd *fds, size_t n, double deadline, const sigset_t *wait_mask, bsc_interrupt_fn interrupt, void *ctx)
{
	int ms = bsc_poll_ms(deadline);
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };
	const struct timespec *until = ms < 0 ? NULL : &ts;

	if (wait_mask) {
		return ppoll(fds, n, until, wait_mask);
	}
	if (!interrupt) {
		return poll(fds, n, ms);
	}
	sigset_t all, outside;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &outside);
	int r = -1, e = EINTR;
	if (!interrupt(ctx)) {
		r = ppoll(fds, n, until, &outside);
		e = errno;
	}
	pthread_sigmask(SIG_SETMASK, &outside, NULL);
	errno = e;
	return r;
}

/* {{{ address */
/* What bsc_endpoint_parse takes, for the messages that refuse the rest. */
#define ADDRESS_FORMS "host[:port], [ipv6][:port], tcp|beanstalk|beanstalkd://host[:port], unix:///path or /path"
#define NOT_AN_ADDRESS "not a server address; accepted: " ADDRESS_FORMS
#define UNKNOWN_SCHEME "unknown scheme; accepted: " ADDRESS_FORMS
#define PATH_NOT_ALLOWED "a path after host:port is not allowed in the address"
_Static_assert(sizeof(NOT_AN_ADDRESS) <= BSC_ERRSTR_LEN, "the message fits errbuf");

/* The schemes of a TCP server: "beanstalkd://" is the DSN of Symfony
 * Messenger and of Laravel's configuration. */
static const char *const tcp_schemes[] = { "tcp://", "beanstalk://", "beanstalkd://" };

static unsigned long parse_port(const char *port, size_t len)
{
	unsigned long p = 0;

	if (len == 0 || len > 5) {
		return 0;
	}
	for (size_t i = 0; i < len; i++) {
		if (port[i] < '0' || port[i] > '9') {
			return 0;
		}
		p = p * 10 + (unsigned long)(port[i] - '0');
	}
	return p;
}

static bool has_prefix(const char *a, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && strncasecmp(a, prefix, plen) == 0;
}

/* Length of a URL scheme followed by "://" at a, or 0. */
static size_t scheme_length(const char *a, size_t len)
{
	size_t i = 0;

	while (i < len && (isalnum((unsigned char)a[i]) || a[i] == '+' || a[i] == '-' || a[i] == '.')) {
		i++;
	}
	return i > 0 && isalpha((unsigned char)a[0]) && len - i >= 3 && memcmp(a + i, "://", 3) == 0 ? i + 3 : 0;
}

/* A host name or IPv4 address; in brackets, an IPv6 address with an
 * optional zone ("fe80::1%eth0"). */
static bool host_chars_ok(const char *host, size_t len, bool bracketed)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)host[i];
		if (!isalnum(c) && c != '.' && c != '-' && c != '_' && !(bracketed && (c == ':' || c == '%'))) {
			return false;
		}
	}
	return true;
}

static bool parse_unix(bsc_endpoint *ep, const char *path, size_t plen, char errbuf[BSC_ERRSTR_LEN])
{
	if (plen == 0 || path[0] != '/' || plen >= sizeof(ep->path)) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "unix socket address needs an absolute path shorter than %zu bytes", sizeof(ep->path));
		return false;
	}
	ep->is_unix = true;
	memcpy(ep->path, path, plen);
	ep->path[plen] = '\0';
	snprintf(ep->name, sizeof(ep->name), "unix://%s", ep->path);
	return true;
}

/* Drops a known scheme ("tcp://", a DSN's "beanstalkd://") and the empty
 * path a URL may end with; false for a scheme we do not speak, a path or a
 * query string. */
static bool strip_scheme(const char **a, const char **end, char errbuf[BSC_ERRSTR_LEN])
{
	size_t slen = scheme_length(*a, (size_t)(*end - *a));

	if (slen > 0) {
		bool known = false;
		for (size_t i = 0; i < sizeof(tcp_schemes) / sizeof(tcp_schemes[0]); i++) {
			known = known || (slen == strlen(tcp_schemes[i]) && has_prefix(*a, (size_t)(*end - *a), tcp_schemes[i]));
		}
		if (!known) {
			snprintf(errbuf, BSC_ERRSTR_LEN, UNKNOWN_SCHEME);
			return false;
		}
		*a += slen;
	}
	if (memchr(*a, '?', (size_t)(*end - *a))) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "a query string in the address is not read: options go in the second argument");
		return false;
	}
	if (slen > 0) {
		/* A URL may end its authority with the empty path "/". */
		if (*end > *a && (*end)[-1] == '/') {
			(*end)--;
		}
		if (memchr(*a, '/', (size_t)(*end - *a))) {
			snprintf(errbuf, BSC_ERRSTR_LEN, PATH_NOT_ALLOWED);
			return false;
		}
	}
	return true;
}

/* Splits "host", "host:port", "[v6]" or "[v6]:port" ([a, end)): the host
 * in [*host, *host_end), the port from *port to end (NULL: none). */
static bool split_host_port(const char *a, const char *end, const char **host, const char **host_end, const char **port,
	bool *bracketed, char errbuf[BSC_ERRSTR_LEN])
{
	*port = NULL;
	*bracketed = a < end && *a == '[';
	if (*bracketed) {
		*host = a + 1;
		*host_end = memchr(*host, ']', (size_t)(end - *host));
		if (!*host_end) {
			snprintf(errbuf, BSC_ERRSTR_LEN, "missing ']' in address");
			return false;
		}
		if (*host_end + 1 < end) {
			if ((*host_end)[1] != ':') {
				snprintf(errbuf, BSC_ERRSTR_LEN, "expected ':' after ']' in address");
				return false;
			}
			*port = *host_end + 2;
		}
		return true;
	}
	const char *colon = memchr(a, ':', (size_t)(end - a));
	*host = a;
	*host_end = colon ? colon : end;
	*port = colon ? colon + 1 : NULL;
	if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1))) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "an IPv6 address must be written in brackets: [addr]:port");
		return false;
	}
	return true;
}

/* The port from port to end: a number from 1 to 65535, or a refusal that
 * says a path followed it ("h:11300/x"). */
static bool parse_port_part(bsc_endpoint *ep, const char *port, const char *end, unsigned long default_port, char errbuf[BSC_ERRSTR_LEN])
{
	unsigned long p = port ? parse_port(port, (size_t)(end - port)) : default_port;

	if (p == 0 || p > 65535) {
		const char *slash = port ? memchr(port, '/', (size_t)(end - port)) : NULL;
		unsigned long before = slash ? parse_port(port, (size_t)(slash - port)) : 0;
		snprintf(errbuf, BSC_ERRSTR_LEN, "%s", before > 0 && before <= 65535 ? PATH_NOT_ALLOWED : "port must be a number from 1 to 65535");
		return false;
	}
	snprintf(ep->port, sizeof(ep->port), "%lu", p);
	return true;
}

bool bsc_host_port_parse(bsc_endpoint *ep, const char *a, size_t len, unsigned default_port, const char *forms, char errbuf[BSC_ERRSTR_LEN])
{
	const char *end = a + len, *host, *host_end, *port;
	bool bracketed;

	memset(ep, 0, sizeof(*ep));
	/* Before the split, whose colons it would take for an IPv6 address. */
	if (memchr(a, '@', len)) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "user information (user:password@) is not supported in the address");
		return false;
	}
	if (!split_host_port(a, end, &host, &host_end, &port, &bracketed, errbuf)) {
		return false;
	}
	size_t hlen = (size_t)(host_end - host);
	if (hlen == 0 || hlen >= sizeof(ep->host)) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "missing or too long host name in address");
		return false;
	}
	if (!host_chars_ok(host, hlen, bracketed)) {
		if (forms) {
			snprintf(errbuf, BSC_ERRSTR_LEN, "not a server address; accepted: %s", forms);
		} else {
			snprintf(errbuf, BSC_ERRSTR_LEN, "the host has a character a host name cannot have");
		}
		return false;
	}
	memcpy(ep->host, host, hlen);
	ep->host[hlen] = '\0';
	if (!parse_port_part(ep, port, end, default_port, errbuf)) {
		return false;
	}
	snprintf(ep->name, sizeof(ep->name), bracketed ? "[%s]:%s" : "%s:%s", ep->host, ep->port);
	return true;
}

bool bsc_endpoint_parse(bsc_endpoint *ep, const char *a, size_t len, char errbuf[BSC_ERRSTR_LEN])
{
	const char *end = a + len;

	memset(ep, 0, sizeof(*ep));
	if (memchr(a, '\0', len)) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "address contains a NUL byte");
		return false;
	}
	if (has_prefix(a, len, "unix://")) {
		return parse_unix(ep, a + 7, len - 7, errbuf);
	}
	if (len > 0 && a[0] == '/') {
		return parse_unix(ep, a, len, errbuf);
	}
	if (!strip_scheme(&a, &end, errbuf)) {
		return false;
	}
	return bsc_host_port_parse(ep, a, (size_t)(end - a), BSC_DEFAULT_PORT, ADDRESS_FORMS, errbuf);
}
/* }}} */

/* {{{ connecting */
static void set_socket_options(int fd, bool is_tcp)
{
	int on = 1;

	if (is_tcp) {
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
#ifdef TCP_KEEPIDLE
		/* Find a dead peer of an idle worker in about a minute, not two hours. */
		int idle = 30, interval = 10, count = 3;
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
		setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &count, sizeof(count));
#endif
	}
}

/* Waits for a non-blocking connect; 0 or an errno. */
static int wait_connected(int fd, double deadline, bsc_interrupt_fn interrupt, void *ctx)
{
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	for (;;) {
		int n = poll(&pfd, 1, bsc_poll_ms(deadline));
		if (n > 0) {
			int soerr = 0;
			socklen_t slen = sizeof(soerr);
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &slen) < 0) {
				return errno;
			}
			return soerr;
		}
		if (n == 0) {
			return ETIMEDOUT;
		}
		if (errno != EINTR) {
			return errno;
		}
		if (interrupt && interrupt(ctx)) {
			return EINTR;
		}
	}
}

/* Creates a socket and connects it; 0 or an errno. */
static int connect_one(int family, const struct sockaddr *sa, socklen_t salen, double deadline, bsc_interrupt_fn interrupt, void *ctx, int *out)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return errno;
	}
	set_socket_options(fd, family != AF_UNIX);
	int rc = 0;
	if (connect(fd, sa, salen) < 0) {
		rc = (errno == EINPROGRESS || errno == EAGAIN) ? wait_connected(fd, deadline, interrupt, ctx) : errno;
	}
	if (rc) {
		close(fd);
		return rc;
	}
	*out = fd;
	return 0;
}

/* A numeric address needs no resolver (no NSS, no netlink query); a name
 * goes through getaddrinfo() in full. */
static int resolve(const bsc_endpoint *ep, struct addrinfo **res)
{
	struct addrinfo hints;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	int gai = getaddrinfo(ep->host, ep->port, &hints, res);
	if (gai == EAI_NONAME) {
		hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
		gai = getaddrinfo(ep->host, ep->port, &hints, res);
	}
	return gai;
}

int bsc_net_connect(const bsc_endpoint *ep, double deadline, bsc_interrupt_fn interrupt, void *ctx, int *fd, char errbuf[BSC_ERRSTR_LEN])
{
	int rc;

	if (ep->is_unix) {
		struct sockaddr_un sun;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, ep->path, strlen(ep->path) + 1);
		return connect_one(AF_UNIX, (struct sockaddr *)&sun, sizeof(sun), deadline, interrupt, ctx, fd);
	}
	struct addrinfo *res = NULL;
	int gai = resolve(ep, &res);
	if (gai != 0) {
		snprintf(errbuf, BSC_ERRSTR_LEN, "cannot resolve %.60s: %.40s", ep->name, gai_strerror(gai));
		return EHOSTUNREACH;
	}
	rc = ENOENT;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		rc = connect_one(ai->ai_family, ai->ai_addr, ai->ai_addrlen, deadline, interrupt, ctx, fd);
		if (rc == 0 || rc == ETIMEDOUT || rc == EINTR) {
			break;
		}
	}
	freeaddrinfo(res);
	return rc;
}
/* }}} */
