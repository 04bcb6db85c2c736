/*
 * The test framework: check recording, the runner, a watchdog. See unit.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "unit.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
# include <sanitizer/lsan_interface.h>
#endif

/* No test takes more than a few seconds; one that hangs is stopped here. */
#define UNIT_TEST_LIMIT_S 20

/* The state of the running test. The runner is single-threaded: helper
 * threads of a test (fake peers) report through their own structs. */
static const char *current_suite;
static const char *current_test;
static int current_failures;
static bool current_skipped;

static void print_test_name(FILE *out)
{
	fprintf(out, "%s.%s", current_suite, current_test);
}

bool unit_check(bool ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		return true;
	}
	current_failures++;
	printf("  %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	return false;
}

bool unit_check_u64(uint64_t got, uint64_t want, const char *expr, const char *file, int line)
{
	return unit_check(got == want, file, line, "%s is %llu, want %llu", expr,
		(unsigned long long)got, (unsigned long long)want);
}

const char *unit_escape(const void *s, size_t len, char *out, size_t out_size)
{
	const unsigned char *p = s;
	size_t n = 0;

	for (size_t i = 0; i < len && n + 5 < out_size; i++) {
		unsigned char ch = p[i];
		if (ch == '\r') {
			n += (size_t)snprintf(out + n, out_size - n, "\\r");
		} else if (ch == '\n') {
			n += (size_t)snprintf(out + n, out_size - n, "\\n");
		} else if (ch == '\\' || ch == '"') {
			n += (size_t)snprintf(out + n, out_size - n, "\\%c", ch);
		} else if (ch < 0x20 || ch >= 0x7f) {
			n += (size_t)snprintf(out + n, out_size - n, "\\x%02x", ch);
		} else {
			out[n++] = (char)ch;
		}
	}
	out[n] = '\0';
	return out;
}

bool unit_check_mem(const void *got, size_t got_len, const void *want, size_t want_len,
	const char *expr, const char *file, int line)
{
	/* Long values are shown cut short: the start tells enough. */
	char g[400], w[400];

	if (got_len == want_len && (want_len == 0 || memcmp(got, want, want_len) == 0)) {
		return true;
	}
	if (!got) {
		return unit_check(false, file, line, "%s is NULL, want \"%s\" (%zu bytes)", expr,
			unit_escape(want, want_len, w, sizeof(w)), want_len);
	}
	return unit_check(false, file, line, "%s is \"%s\" (%zu bytes), want \"%s\" (%zu bytes)", expr,
		unit_escape(got, got_len, g, sizeof(g)), got_len,
		unit_escape(want, want_len, w, sizeof(w)), want_len);
}

void unit_skip(const char *fmt, ...)
{
	va_list ap;

	current_skipped = true;
	printf("SKIP ");
	print_test_name(stdout);
	printf(": ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

static void watchdog_fired(int sig)
{
	static const char msg[] = "FAIL: a test ran past the watchdog limit; stopping\n";

	(void)sig;
	/* Only async-signal-safe calls here; the name was printed before. */
	if (write(STDOUT_FILENO, msg, sizeof(msg) - 1) < 0) {
		_exit(3);
	}
	_exit(3);
}

static double elapsed_ms(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static bool name_matches(const char *suite, const char *test, const char *filter)
{
	char full[256];

	if (!filter) {
		return true;
	}
	snprintf(full, sizeof(full), "%s.%s", suite, test);
	return strstr(full, filter) != NULL;
}

/* With ASan, leaks are looked for before the summary, so that they count as
 * a failure in it and the summary stays the last line of the output. */
static bool leak_check_failed(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return __lsan_do_recoverable_leak_check() != 0;
#else
	return false;
#endif
}

int unit_run(const unit_suite *const *suites, size_t count, const char *filter)
{
	struct sigaction sa;
	int passed = 0, failed = 0, skipped = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = watchdog_fired;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);

	for (size_t s = 0; s < count; s++) {
		for (size_t t = 0; t < suites[s]->count; t++) {
			const unit_test *test = &suites[s]->tests[t];
			struct timespec t0;

			if (!name_matches(suites[s]->name, test->name, filter)) {
				continue;
			}
			current_suite = suites[s]->name;
			current_test = test->name;
			current_failures = 0;
			current_skipped = false;
			printf("---- ");
			print_test_name(stdout);
			printf("\n");
			fflush(stdout);

			clock_gettime(CLOCK_MONOTONIC, &t0);
			alarm(UNIT_TEST_LIMIT_S);
			test->fn();
			alarm(0);

			if (current_failures > 0) {
				failed++;
				printf("FAIL ");
			} else if (current_skipped) {
				skipped++;
				continue;
			} else {
				passed++;
				printf("ok   ");
			}
			print_test_name(stdout);
			printf(" (%.0f ms)\n", elapsed_ms(&t0));
			fflush(stdout);
		}
	}

	bool leaked = false;
	if (!filter || strstr("unit.no_leaks", filter)) {
		leaked = leak_check_failed();
		if (leaked) {
			failed++;
			printf("FAIL unit.no_leaks (LeakSanitizer's report is above)\n");
		} else {
			passed++;
			printf("ok   unit.no_leaks\n");
		}
	}
	if (skipped > 0) {
		printf("%d skipped\n", skipped);
	}
	printf("%d passed, %d failed\n", passed, failed);
	fflush(stdout);
	fflush(stderr);
	if (leaked) {
		/* The leaks are reported; skip the exit-time report of the same. */
		_exit(1);
	}
	return failed > 0 ? 1 : 0;
}
