/*
 * Tests of src/tubes: the client's tube state against the server's, and
 * the commands that bring one to the other; no sockets.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/tubes.h"
#include "unit.h"

#include <stdio.h>
#include <string.h>

/* The commands a sync emits, as "use a|watch b|ignore c|". */
typedef struct {
	char out[8192];
	size_t len;
	int fail_after;              /* emit fails on this call (1-based); 0: never */
	int calls;
} emitted;

static bool record(void *ctx, const char *verb, const bsc_tube_name *tube)
{
	emitted *e = ctx;

	e->calls++;
	if (e->fail_after && e->calls >= e->fail_after) {
		return false;
	}
	int n = snprintf(e->out + e->len, sizeof(e->out) - e->len, "%s %s|", verb, tube->name);
	if (n > 0 && (size_t)n < sizeof(e->out) - e->len) {
		e->len += (size_t)n;
	}
	return true;
}

/* The commands the next sync emits. */
#define CHECK_SYNC(t, want) do { \
	emitted e_ = { .fail_after = 0 }; \
	CHECK(bsc_tubes_sync((t), record, &e_)); \
	CHECK_STR(e_.out, (want)); \
} while (0)

static void test_defaults(void)
{
	bsc_tubes t;
	size_t len;

	if (!CHECK(bsc_tubes_init(&t))) {
		return;
	}
	CHECK_STR(bsc_tubes_used(&t, &len), "default");
	CHECK_U64(len, 7);
	CHECK_U64(bsc_tubes_watch_count(&t), 1);
	CHECK_STR(bsc_tubes_watched(&t, 0, &len), "default");
	CHECK_SYNC(&t, "");
	bsc_tubes_free(&t);
}

static void test_changes_are_sent_once(void)
{
	bsc_tubes t;

	if (!CHECK(bsc_tubes_init(&t))) {
		return;
	}
	bsc_tubes_use(&t, "mail", 4);
	CHECK(bsc_tubes_watch(&t, "mail", 4));
	CHECK(bsc_tubes_watch(&t, "mail", 4));         /* twice: once in the list */
	CHECK(bsc_tubes_ignore(&t, "default", 7));
	CHECK_U64(bsc_tubes_watch_count(&t), 1);
	/* Watches before ignores: the server's list is never empty. */
	CHECK_SYNC(&t, "use mail|watch mail|ignore default|");
	CHECK_SYNC(&t, "");
	/* Changed and changed back before a command: nothing to send. */
	bsc_tubes_use(&t, "other", 5);
	bsc_tubes_use(&t, "mail", 4);
	CHECK(bsc_tubes_watch(&t, "x", 1));
	CHECK(bsc_tubes_ignore(&t, "x", 1));
	CHECK_SYNC(&t, "");
	bsc_tubes_free(&t);
}

static void test_last_watched_tube_stays(void)
{
	bsc_tubes t;

	if (!CHECK(bsc_tubes_init(&t))) {
		return;
	}
	CHECK(!bsc_tubes_ignore(&t, "default", 7));
	CHECK_U64(bsc_tubes_watch_count(&t), 1);
	CHECK(bsc_tubes_ignore(&t, "never-watched", 13));
	CHECK(bsc_tubes_watch(&t, "a", 1));
	CHECK(bsc_tubes_ignore(&t, "default", 7));
	CHECK(!bsc_tubes_ignore(&t, "a", 1));
	CHECK_SYNC(&t, "watch a|ignore default|");
	bsc_tubes_free(&t);
}

/* A new connection starts from the server's defaults: the whole state is
 * sent again. A new owner starts from the client's defaults. */
static void test_server_and_owner_reset(void)
{
	bsc_tubes t;
	size_t len;

	if (!CHECK(bsc_tubes_init(&t))) {
		return;
	}
	bsc_tubes_use(&t, "u", 1);
	CHECK(bsc_tubes_watch(&t, "w", 1));
	CHECK(bsc_tubes_ignore(&t, "default", 7));
	CHECK_SYNC(&t, "use u|watch w|ignore default|");
	bsc_tubes_server_reset(&t);
	CHECK_SYNC(&t, "use u|watch w|ignore default|");

	CHECK(bsc_tubes_reset(&t));
	CHECK_STR(bsc_tubes_used(&t, &len), "default");
	CHECK_U64(bsc_tubes_watch_count(&t), 1);
	CHECK_SYNC(&t, "use default|watch default|ignore w|");
	bsc_tubes_free(&t);
}

/* Many tubes: the lists grow; the longest name fits. */
static void test_many_and_long_names(void)
{
	char name[BSC_TUBE_MAX + 1];
	bsc_tubes t;
	size_t len;

	if (!CHECK(bsc_tubes_init(&t))) {
		return;
	}
	for (int i = 0; i < 100; i++) {
		int n = snprintf(name, sizeof(name), "tube-%d", i);
		CHECK(bsc_tubes_watch(&t, name, (size_t)n));
	}
	CHECK_U64(bsc_tubes_watch_count(&t), 101);
	memset(name, 'z', BSC_TUBE_MAX);
	bsc_tubes_use(&t, name, BSC_TUBE_MAX);
	const char *used = bsc_tubes_used(&t, &len);
	CHECK_U64(len, BSC_TUBE_MAX);
	CHECK(used[BSC_TUBE_MAX] == '\0' && memcmp(used, name, BSC_TUBE_MAX) == 0);
	emitted e = { .fail_after = 0 };
	CHECK(bsc_tubes_sync(&t, record, &e));
	CHECK_U64((uint64_t)e.calls, 101);
	bsc_tubes_free(&t);
}

/* An emit that fails stops the sync, which says so. */
static void test_emit_failure(void)
{
	bsc_tubes t;
	emitted e = { .fail_after = 2 };

	if (!CHECK(bsc_tubes_init(&t))) {
		return;
	}
	bsc_tubes_use(&t, "u", 1);
	CHECK(bsc_tubes_watch(&t, "w", 1));
	CHECK(!bsc_tubes_sync(&t, record, &e));
	CHECK_U64((uint64_t)e.calls, 2);
	bsc_tubes_free(&t);
}

static const unit_test tests[] = {
	UNIT_TEST(test_defaults),
	UNIT_TEST(test_changes_are_sent_once),
	UNIT_TEST(test_last_watched_tube_stays),
	UNIT_TEST(test_server_and_owner_reset),
	UNIT_TEST(test_many_and_long_names),
	UNIT_TEST(test_emit_failure),
};

const unit_suite tubes_suite = UNIT_SUITE("tubes", tests);
