/*
 * A histogram of durations in bounded memory, for percentiles over millions
 * of samples: log-linear buckets (HdrHistogram's layout, 16 linear
 * sub-buckets per power of two), so any value is kept to within 1/16 of
 * itself and the table never grows. Values are microseconds.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_HISTOGRAM_H
#define BSC_HISTOGRAM_H

#include <stdint.h>

#define BSC_HIST_SUB_BITS 4
#define BSC_HIST_SUB (1u << BSC_HIST_SUB_BITS)
/* Values up to 2^40 µs (12.7 days); longer ones count in the last bucket. */
#define BSC_HIST_MAX_BITS 40
#define BSC_HIST_BUCKETS (BSC_HIST_SUB * (BSC_HIST_MAX_BITS - BSC_HIST_SUB_BITS + 1))

typedef struct {
	uint64_t count;
	uint64_t min, max;      /* exact */
	double sum;             /* for the mean */
	uint64_t buckets[BSC_HIST_BUCKETS];
} bsc_histogram;

void bsc_hist_reset(bsc_histogram *h);
void bsc_hist_add(bsc_histogram *h, uint64_t us);
/* The value below which a fraction p (0..1) of the samples lie: the middle
 * of the bucket that holds it, never above the largest sample. 0 when
 * empty. */
uint64_t bsc_hist_percentile(const bsc_histogram *h, double p);

/* The bucket of a value, and the smallest value and width of a bucket. */
unsigned bsc_hist_index(uint64_t us);
uint64_t bsc_hist_bucket_low(unsigned index);
uint64_t bsc_hist_bucket_width(unsigned index);

#endif
