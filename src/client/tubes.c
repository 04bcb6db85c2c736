/*
 * The tube state of a connection. See tubes.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/tubes.h"
#include "src/grow.h"

#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

static void tube_set(bsc_tube_name *t, const char *name, size_t len)
{
	memcpy(t->name, name, len);
	t->name[len] = '\0';
	t->len = len;
}

static bool tube_eq(const bsc_tube_name *t, const char *name, size_t len)
{
	return t->len == len && memcmp(t->name, name, len) == 0;
}

static ssize_t list_find(const bsc_tube_list *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->count; i++) {
		if (tube_eq(&l->items[i], name, len)) {
			return (ssize_t)i;
		}
	}
	return -1;
}

static bool list_add(bsc_tube_list *l, const char *name, size_t len)
{
	if (list_find(l, name, len) >= 0) {
		return true;
	}
	if (!bsc_grow(&l->items, &l->cap, l->count + 1, sizeof(*l->items), 4)) {
		return false;
	}
	tube_set(&l->items[l->count++], name, len);
	return true;
}

static void list_remove(bsc_tube_list *l, size_t i)
{
	memmove(&l->items[i], &l->items[i + 1], (l->count - i - 1) * sizeof(l->items[0]));
	l->count--;
}

static bool list_reset(bsc_tube_list *l)
{
	l->count = 0;
	return list_add(l, BSC_DEFAULT_TUBE, strlen(BSC_DEFAULT_TUBE));
}

bool bsc_tubes_init(bsc_tubes *t)
{
	memset(t, 0, sizeof(*t));
	tube_set(&t->used, BSC_DEFAULT_TUBE, strlen(BSC_DEFAULT_TUBE));
	t->srv_used = t->used;
	return list_reset(&t->watched) && list_reset(&t->srv_watched);
}

void bsc_tubes_free(bsc_tubes *t)
{
	free(t->watched.items);
	free(t->srv_watched.items);
	t->watched.items = t->srv_watched.items = NULL;
	t->watched.count = t->watched.cap = t->srv_watched.count = t->srv_watched.cap = 0;
}

void bsc_tubes_use(bsc_tubes *t, const char *name, size_t len)
{
	tube_set(&t->used, name, len);
	t->changed = true;
}

const char *bsc_tubes_used(const bsc_tubes *t, size_t *len)
{
	*len = t->used.len;
	return t->used.name;
}

bool bsc_tubes_watch(bsc_tubes *t, const char *name, size_t len)
{
	t->changed = true;
	return list_add(&t->watched, name, len);
}

bool bsc_tubes_ignore(bsc_tubes *t, const char *name, size_t len)
{
	ssize_t i = list_find(&t->watched, name, len);

	if (i < 0) {
		return true;
	}
	if (t->watched.count == 1) {
		return false;
	}
	list_remove(&t->watched, (size_t)i);
	t->changed = true;
	return true;
}

size_t bsc_tubes_watch_count(const bsc_tubes *t)
{
	return t->watched.count;
}

const char *bsc_tubes_watched(const bsc_tubes *t, size_t i, size_t *len)
{
	*len = t->watched.items[i].len;
	return t->watched.items[i].name;
}

bool bsc_tubes_reset(bsc_tubes *t)
{
	t->changed = true;
	tube_set(&t->used, BSC_DEFAULT_TUBE, strlen(BSC_DEFAULT_TUBE));
	return list_reset(&t->watched);
}

void bsc_tubes_server_reset(bsc_tubes *t)
{
	t->changed = true;
	tube_set(&t->srv_used, BSC_DEFAULT_TUBE, strlen(BSC_DEFAULT_TUBE));
	/* Never fails: the list had room for at least one name since init. */
	list_reset(&t->srv_watched);
}

void bsc_tubes_server_uses(bsc_tubes *t, const char *name, size_t len)
{
	if (!tube_eq(&t->srv_used, name, len)) {
		tube_set(&t->srv_used, name, len);
		t->changed = true;
	}
}

bool bsc_tubes_sync(bsc_tubes *t, bsc_tube_command_fn emit, void *ctx)
{
	if (!t->changed) {
		return true;  /* the common case: a command with no tube change before it */
	}
	if (!tube_eq(&t->srv_used, t->used.name, t->used.len)) {
		if (!emit(ctx, "use", &t->used)) {
			return false;
		}
		t->srv_used = t->used;
	}
	for (size_t i = 0; i < t->watched.count; i++) {
		const bsc_tube_name *w = &t->watched.items[i];
		if (list_find(&t->srv_watched, w->name, w->len) < 0) {
			if (!emit(ctx, "watch", w) || !list_add(&t->srv_watched, w->name, w->len)) {
				return false;
			}
		}
	}
	for (size_t i = 0; i < t->srv_watched.count;) {
		const bsc_tube_name *w = &t->srv_watched.items[i];
		if (list_find(&t->watched, w->name, w->len) < 0) {
			if (!emit(ctx, "ignore", w)) {
				return false;
			}
			list_remove(&t->srv_watched, i);
		} else {
			i++;
		}
	}
	t->changed = false;
	return true;
}
