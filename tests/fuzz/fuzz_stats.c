/*
 * libFuzzer target: the stats and list YAML parsers (src/stats.h).
 *
 * The input is the body of an OK reply. It goes through bsc_stats_parse()
 * as each kind of stats and through bsc_list_parse(). Every key, string and
 * item must point inside the input. Each parse runs twice: to the end, then
 * told to stop halfway by its callback, which must see the same first
 * half and no more.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/proto/stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_stats: %s\n", why);
	abort();
}

#define CHECK(cond) do { if (!(cond)) { fail(#cond); } } while (0)

/* One callback's view: what the first run saw, and the second run's place. */
typedef struct {
	const char *ptr;
	size_t len;
	const char *ptr2;
	size_t len2;
	int type;
} seen;

typedef struct {
	const char *in;
	size_t size;
	seen *items;
	size_t count, cap;
	bool replay;      /* the second run: compare with items */
	size_t stop_at;   /* the second run stops after this many callbacks */
	size_t calls;
} walk;

/* True when [s, s + len) lies inside the input. */
static bool in_input(const walk *w, const char *s, size_t len)
{
	return s >= w->in && s <= w->in + w->size && len <= (size_t)(w->in + w->size - s);
}

static bool visit(walk *w, const seen *item)
{
	if (w->replay) {
		CHECK(w->calls < w->stop_at);
		const seen *first = &w->items[w->calls];
		CHECK(first->ptr == item->ptr && first->len == item->len);
		CHECK(first->ptr2 == item->ptr2 && first->len2 == item->len2);
		CHECK(first->type == item->type);
		return ++w->calls < w->stop_at;
	}
	if (w->count == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 64;
		seen *items = realloc(w->items, cap * sizeof(*items));
		if (!items) {
			fail("out of memory");
		}
		w->items = items;
		w->cap = cap;
	}
	w->items[w->count++] = *item;
	w->calls++;
	return true;
}

static bool on_stat(const bsc_stat *st, void *ctx)
{
	walk *w = ctx;

	CHECK(st->key != NULL && st->key_len > 0);
	CHECK(in_input(w, st->key, st->key_len));
	CHECK(st->type == BSC_VALUE_INT || st->type == BSC_VALUE_FLOAT || st->type == BSC_VALUE_BOOL || st->type == BSC_VALUE_STRING);
	/* The key ends its line's "key:"; no newline inside it. */
	CHECK(memchr(st->key, '\n', st->key_len) == NULL);
	if (st->type == BSC_VALUE_BOOL) {
		CHECK(st->i == 0 || st->i == 1);
	}
	if (st->str) {
		CHECK(in_input(w, st->str, st->str_len));
		CHECK(memchr(st->str, '\n', st->str_len) == NULL);
	}
	if (st->type == BSC_VALUE_STRING) {
		CHECK(st->str != NULL);
	}
	seen item = { st->key, st->key_len, st->str, st->str ? st->str_len : 0, (int)st->type };
	return visit(w, &item);
}

static bool on_item(const char *item, size_t len, void *ctx)
{
	walk *w = ctx;

	CHECK(item != NULL);
	CHECK(in_input(w, item, len));
	CHECK(memchr(item, '\n', len) == NULL);
	seen s = { item, len, NULL, 0, -1 };
	return visit(w, &s);
}

/* Parses twice, the second time stopping halfway; kind < 0: the list parser. */
static void parse_twice(walk *w, int kind)
{
	bool ok;

	w->count = w->calls = 0;
	w->replay = false;
	ok = kind < 0 ? bsc_list_parse(w->in, w->size, on_item, w)
		: bsc_stats_parse(w->in, w->size, (bsc_stats_kind)kind, on_stat, w);
	CHECK(w->calls == w->count);
	if (!ok && w->count == 0) {
		return;
	}
	if (w->count == 0) {
		return;
	}
	w->replay = true;
	w->stop_at = (w->count + 1) / 2;
	w->calls = 0;
	ok = kind < 0 ? bsc_list_parse(w->in, w->size, on_item, w)
		: bsc_stats_parse(w->in, w->size, (bsc_stats_kind)kind, on_stat, w);
	/* A callback that says stop ends the parse, which is not a failure. */
	CHECK(ok);
	CHECK(w->calls == w->stop_at);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	walk w;

	memset(&w, 0, sizeof(w));
	w.in = (const char *)data;
	w.size = size;
	parse_twice(&w, BSC_STATS_SERVER);
	parse_twice(&w, BSC_STATS_TUBE);
	parse_twice(&w, BSC_STATS_JOB);
	parse_twice(&w, -1);
	free(w.items);
	return 0;
}
