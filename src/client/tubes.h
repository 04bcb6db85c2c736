/*
 * The tube state of a connection: the tube the client uses and the tubes it
 * watches, against what the server has now. Changes are kept here and sent
 * only when the next command goes out (bsc_tubes_sync), so a use/watch that
 * changes nothing costs nothing, and a new connection is brought back to
 * the client's state before its first command.
 *
 * No I/O and no protocol here beyond the verbs' names.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_TUBES_H
#define BSC_TUBES_H

#include <stddef.h>
#include <stdbool.h>

#include "src/proto/proto.h"

#define BSC_DEFAULT_TUBE "default"

typedef struct {
	size_t len;
	char name[BSC_TUBE_MAX + 1];
} bsc_tube_name;

typedef struct {
	bsc_tube_name *items;
	size_t count, cap;
} bsc_tube_list;

typedef struct {
	/* What the client wants, and what the server has now. */
	bsc_tube_name used, srv_used;
	bsc_tube_list watched, srv_watched;
	bool changed;               /* since the last sync: else it has nothing to do */
} bsc_tubes;

/* Both sides on "default". False when memory runs out. */
bool bsc_tubes_init(bsc_tubes *t);
void bsc_tubes_free(bsc_tubes *t);

/* The caller has checked the names (bsc_tube_valid). */
void bsc_tubes_use(bsc_tubes *t, const char *name, size_t len);
const char *bsc_tubes_used(const bsc_tubes *t, size_t *len);
bool bsc_tubes_watch(bsc_tubes *t, const char *name, size_t len);
/* False when it is the only watched tube: nothing changes then (the server
 * would answer NOT_IGNORED). Ignoring a tube not watched is a no-op. */
bool bsc_tubes_ignore(bsc_tubes *t, const char *name, size_t len);
size_t bsc_tubes_watch_count(const bsc_tubes *t);
const char *bsc_tubes_watched(const bsc_tubes *t, size_t i, size_t *len);
/* The client's side back to "default" used and watched (a new owner). */
bool bsc_tubes_reset(bsc_tubes *t);
/* The server's side back to "default": a new connection starts there. */
void bsc_tubes_server_reset(bsc_tubes *t);
/* The server uses this tube now: a "use" went out with other bytes. */
void bsc_tubes_server_uses(bsc_tubes *t, const char *name, size_t len);

/* Called once for each command that brings the server to the client's
 * state: verb is "use", "watch" or "ignore". False: stop (out of memory). */
typedef bool (*bsc_tube_command_fn)(void *ctx, const char *verb, const bsc_tube_name *tube);
/* Emits the commands and takes the server's side as done. Watches come
 * before ignores, so the server's watch list is never empty. False when
 * memory runs out or emit said so. */
bool bsc_tubes_sync(bsc_tubes *t, bsc_tube_command_fn emit, void *ctx);

#endif
