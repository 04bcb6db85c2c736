/*
 * A very small test framework for the C unit tests of src/.
 *
 * A test is a void function listed in its file's unit_suite. CHECK and
 * friends record a failure with file:line and let the test go on; each
 * returns whether the check held, so a test that cannot go on after a
 * failed check says so itself: `if (!CHECK(p != NULL)) { return; }`.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
	const char *name;
	void (*fn)(void);
} unit_test;

typedef struct {
	const char *name;
	const unit_test *tests;
	size_t count;
} unit_suite;

#define UNIT_TEST(fn) { #fn, fn }
#define UNIT_SUITE(name, tests) { name, tests, sizeof(tests) / sizeof(tests[0]) }

bool unit_check(bool ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool unit_check_u64(uint64_t got, uint64_t want, const char *expr, const char *file, int line);
bool unit_check_mem(const void *got, size_t got_len, const void *want, size_t want_len,
	const char *expr, const char *file, int line);
/* Marks the running test as skipped (it returns by itself): it then counts
 * neither as passed nor as failed, unless a check had failed already. */
void unit_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes [s, s + len) into out (at least 4 * len + 1 bytes when all of it
 * must fit) with non-printable bytes escaped, for failure messages. */
const char *unit_escape(const void *s, size_t len, char *out, size_t out_size);

#define CHECK(cond) unit_check((cond), __FILE__, __LINE__, "%s", #cond)
#define CHECK_MSG(cond, ...) unit_check((cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_U64(got, want) unit_check_u64((got), (want), #got, __FILE__, __LINE__)
#define CHECK_MEM(got, got_len, want, want_len) \
	unit_check_mem((got), (got_len), (want), (want_len), #got, __FILE__, __LINE__)
/* A NUL-terminated string against a literal or another string. */
#define CHECK_STR(got, want) CHECK_MEM((got), strlen(got), (want), strlen(want))

/* Runs the suites; the return value is the process exit status. A filter
 * (NULL for all) keeps the tests whose "suite.test" name contains it. */
int unit_run(const unit_suite *const *suites, size_t count, const char *filter);

#endif
