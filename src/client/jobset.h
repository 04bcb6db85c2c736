/*
 * A small set of job ids: the jobs a connection holds reserved. A
 * connection holds a handful at most, so a list searched from end to end
 * beats anything cleverer.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_JOBSET_H
#define BSC_JOBSET_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct {
	uint64_t *ids;
	size_t count, cap;
} bsc_jobset;

/* False when memory runs out (the set is as it was). */
bool bsc_jobset_add(bsc_jobset *s, uint64_t id);
/* False when id was not in the set. */
bool bsc_jobset_remove(bsc_jobset *s, uint64_t id);
bool bsc_jobset_has(const bsc_jobset *s, uint64_t id);
void bsc_jobset_free(bsc_jobset *s);

#endif
