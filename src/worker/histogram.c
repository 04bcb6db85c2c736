/*
 * Log-linear histogram. See histogram.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/worker/histogram.h"

#include <string.h>

void bsc_hist_reset(bsc_histogram *h)
{
	memset(h, 0, sizeof(*h));
}

/* Values below BSC_HIST_SUB have a bucket each; above, the power of two a
 * value falls in picks a row of BSC_HIST_SUB buckets, and the bits just
 * below its top bit pick the bucket in the row. */
unsigned bsc_hist_index(uint64_t us)
{
	if (us < BSC_HIST_SUB) {
		return (unsigned)us;
	}
	unsigned top = 63u - (unsigned)__builtin_clzll(us);
	if (top >= BSC_HIST_MAX_BITS) {
		return BSC_HIST_BUCKETS - 1;
	}
	unsigned shift = top - BSC_HIST_SUB_BITS;
	unsigned sub = (unsigned)(us >> shift) & (BSC_HIST_SUB - 1);
	return (top - BSC_HIST_SUB_BITS + 1) * BSC_HIST_SUB + sub;
}

uint64_t bsc_hist_bucket_low(unsigned index)
{
	if (index < BSC_HIST_SUB) {
		return index;
	}
	unsigned row = index / BSC_HIST_SUB, sub = index % BSC_HIST_SUB;
	return (uint64_t)(BSC_HIST_SUB + sub) << (row - 1);
}

uint64_t bsc_hist_bucket_width(unsigned index)
{
	return index < BSC_HIST_SUB ? 1 : (uint64_t)1 << (index / BSC_HIST_SUB - 1);
}

void bsc_hist_add(bsc_histogram *h, uint64_t us)
{
	if (h->count == 0 || us < h->min) {
		h->min = us;
	}
	if (us > h->max) {
		h->max = us;
	}
	h->count++;
	h->sum += (double)us;
	h->buckets[bsc_hist_index(us)]++;
}

uint64_t bsc_hist_percentile(const bsc_histogram *h, double p)
{
	if (h->count == 0) {
		return 0;
	}
	if (p <= 0) {
		return h->min;
	}
	if (p >= 1) {
		return h->max;
	}
	/* The rank of the sample wanted, 1-based: the smallest with at least a
	 * fraction p of the samples at or below it. */
	double want = p * (double)h->count;
	uint64_t rank = (uint64_t)want;
	if ((double)rank < want || rank == 0) {
		rank++;
	}
	uint64_t seen = 0;
	for (unsigned i = 0; i < BSC_HIST_BUCKETS; i++) {
		seen += h->buckets[i];
		if (seen >= rank) {
			uint64_t v = bsc_hist_bucket_low(i) + bsc_hist_bucket_width(i) / 2;
			if (v > h->max) {
				v = h->max;
			}
			if (v < h->min) {
				v = h->min;
			}
			return v;
		}
	}
	return h->max;
}
