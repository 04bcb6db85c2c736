/*
 * The addresses of a Redis server the worker's status takes: host:port,
 * unix:///path and redis://[[user]:password@]host[:port][/db], with the
 * user and password percent-decoded. See redis.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/monitor/redis.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* {{{ addresses */
#define REDIS_FORMS "host:port, unix:///path or redis://[[user]:password@]host[:port][/db]"

static bool address_error(char errbuf[BSC_ERRSTR_LEN], const char *why)
{
	snprintf(errbuf, BSC_ERRSTR_LEN, "%.150s; accepted: " REDIS_FORMS, why);
	return false;
}

static int hex_value(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* Percent-decodes [s, s + len) into out (size bytes with the NUL). */
static bool percent_decode(const char *s, size_t len, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '%') {
			if (len - i < 3 || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2])) {
				return false;
			}
			c = (unsigned char)(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
			i += 2;
		}
		if (c == '\0' || n + 1 >= size) {
			return false;
		}
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return true;
}

/* "[[user]:password@]": the user and the password of a redis:// URL. */
static bool parse_userinfo(bsc_redis_address *a, const char *s, size_t len, char errbuf[BSC_ERRSTR_LEN])
{
	const char *colon = memchr(s, ':', len);

	if (!colon) {
		return address_error(errbuf, "a user name in the address needs a password (redis://user:password@host)");
	}
	if (!percent_decode(s, (size_t)(colon - s), a->user, sizeof(a->user))) {
		return address_error(errbuf, "the user name in the address is too long or badly percent-encoded");
	}
	if (!percent_decode(colon + 1, len - (size_t)(colon + 1 - s), a->password, sizeof(a->password)) || a->password[0] == '\0') {
		return address_error(errbuf, "the password in the address is empty, too long or badly percent-encoded");
	}
	return true;
}

/* "/db" after the host: digits, or nothing. */
static bool parse_db(bsc_redis_address *a, const char *s, size_t len, char errbuf[BSC_ERRSTR_LEN])
{
	long db = 0;

	if (len == 0) {
		return true;
	}
	if (len > 9) {
		return address_error(errbuf, "the database number in the address is too large");
	}
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9') {
			return address_error(errbuf, "the path of the address must be a database number");
		}
		db = db * 10 + (s[i] - '0');
	}
	a->db = (int)db;
	return true;
}

/* "host", "host:port", "[v6]" or "[v6]:port", with Redis's port when none
 * is given. */
static bool parse_host_port(bsc_redis_address *a, const char *s, size_t len, char errbuf[BSC_ERRSTR_LEN])
{
	char why[BSC_ERRSTR_LEN];

	if (!bsc_host_port_parse(&a->ep, s, len, BSC_REDIS_DEFAULT_PORT, NULL, why)) {
		return address_error(errbuf, why);
	}
	return true;
}

bool bsc_redis_address_parse(bsc_redis_address *a, const char *s, size_t len, char errbuf[BSC_ERRSTR_LEN])
{
	const char *end = s + len;

	memset(a, 0, sizeof(*a));
	a->db = -1;
	if (len == 0 || memchr(s, '\0', len)) {
		return address_error(errbuf, len ? "the address contains a NUL byte" : "the address is empty");
	}
	if ((len > 7 && strncasecmp(s, "unix://", 7) == 0) || s[0] == '/') {
		if (!bsc_endpoint_parse(&a->ep, s, len, errbuf)) {
			return false;
		}
		snprintf(a->name, sizeof(a->name), "%s", a->ep.name);
		return true;
	}
	const char *scheme_end = memmem(s, len, "://", 3);
	bool url = scheme_end != NULL;
	if (url) {
		size_t slen = (size_t)(scheme_end - s);
		if (slen == 6 && strncasecmp(s, "rediss", 6) == 0) {
			return address_error(errbuf, "TLS (rediss://) is not supported");
		}
		if (slen != 5 || strncasecmp(s, "redis", 5) != 0) {
			return address_error(errbuf, "unknown scheme");
		}
		s = scheme_end + 3;
		if (memchr(s, '?', (size_t)(end - s)) || memchr(s, '#', (size_t)(end - s))) {
			return address_error(errbuf, "a query string or fragment in the address is not read");
		}
		/* The last '@' ends the user information: a password may hold one. */
		const char *at = memrchr(s, '@', (size_t)(end - s));
		if (at) {
			if (!parse_userinfo(a, s, (size_t)(at - s), errbuf)) {
				return false;
			}
			s = at + 1;
		}
	}
	const char *slash = url ? memchr(s, '/', (size_t)(end - s)) : NULL;
	if (slash && !parse_db(a, slash + 1, (size_t)(end - slash - 1), errbuf)) {
		return false;
	}
	if (!parse_host_port(a, s, (size_t)((slash ? slash : end) - s), errbuf)) {
		return false;
	}
	if (!url) {
		snprintf(a->name, sizeof(a->name), "%s", a->ep.name);
	} else {
		char db[16] = "";
		if (a->db >= 0) {
			snprintf(db, sizeof(db), "/%d", a->db);
		}
		snprintf(a->name, sizeof(a->name), "redis://%.100s%s%s%s", a->user, a->user[0] ? "@" : "", a->ep.name, db);
	}
	return true;
}
/* }}} */
