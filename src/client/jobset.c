/*
 * A small set of job ids. See jobset.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/jobset.h"
#include "src/grow.h"

#include <stdlib.h>

bool bsc_jobset_add(bsc_jobset *s, uint64_t id)
{
	if (!bsc_grow(&s->ids, &s->cap, s->count + 1, sizeof(*s->ids), 8)) {
		return false;
	}
	s->ids[s->count++] = id;
	return true;
}

bool bsc_jobset_remove(bsc_jobset *s, uint64_t id)
{
	for (size_t i = 0; i < s->count; i++) {
		if (s->ids[i] == id) {
			s->ids[i] = s->ids[--s->count];
			return true;
		}
	}
	return false;
}

bool bsc_jobset_has(const bsc_jobset *s, uint64_t id)
{
	for (size_t i = 0; i < s->count; i++) {
		if (s->ids[i] == id) {
			return true;
		}
	}
	return false;
}

void bsc_jobset_free(bsc_jobset *s)
{
	free(s->ids);
	s->ids = NULL;
	s->count = s->cap = 0;
}
