/*
 * A growing array: room for more elements, its capacity doubled as it
 * fills. The one helper for every array of src/ that grows as it is used.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_GROW_H
#define BSC_GROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Room for need elements of size bytes in the array whose pointer is at
 * items (a T **, given as &array) and whose capacity is *cap. When it has
 * not the room, the array is moved to a capacity doubled from *cap (from
 * first when there is none) until need fits, and the pointer and *cap are
 * set. False when memory runs out, or the size would overflow: the array
 * is then as it was. The pointer is read and written with memcpy(), which
 * may touch a T * as bytes where a cast to void ** may not. */
static inline bool bsc_grow(void *items, size_t *cap, size_t need, size_t size, size_t first)
{
	size_t n = *cap ? *cap : first;
	void *array, *grown;

	if (need <= *cap) {
		return true;
	}
	while (n < need) {
		if (n > SIZE_MAX / 2 / size) {
			return false;
		}
		n *= 2;
	}
	if (n > SIZE_MAX / size) {
		return false;
	}
	memcpy(&array, items, sizeof(array));
	grown = realloc(array, n * size);
	if (!grown) {
		return false;
	}
	memcpy(items, &grown, sizeof(grown));
	*cap = n;
	return true;
}

#endif
