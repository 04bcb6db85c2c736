/*
 * The worker's policies. See policy.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/policy.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

uint32_t bsc_backoff_delay(const uint32_t *backoff, size_t len, uint32_t attempt)
{
	if (len == 0) {
		return 0;
	}
	size_t i = attempt == 0 ? 0 : attempt - 1;
	return backoff[i < len ? i : len - 1];
}

void bsc_failure_plan_make(const bsc_retry_policy *retry, const bsc_job_stats *js, bsc_failure_plan *plan)
{
	uint32_t releases = js->releases >= 0 && js->releases < UINT32_MAX ? (uint32_t)js->releases : 0;

	plan->attempt = releases + 1;
	plan->priority = js->pri >= 0 && js->pri <= UINT32_MAX ? (uint32_t)js->pri : BSC_DEFAULT_PRIORITY;
	plan->bury = plan->attempt >= retry->max_attempts;
	plan->delay = plan->bury ? 0 : bsc_backoff_delay(retry->backoff, retry->backoff_len, plan->attempt);
}

double bsc_jitter(double max)
{
	uint64_t r;

	if (!(max > 0)) {
		return 0;
	}
	if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		/* No kernel generator (a very old kernel): the clock and the pid
		 * still tell workers started together apart. */
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		r = ((uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull) ^ ((uint64_t)getpid() << 32) ^ (uint64_t)ts.tv_sec;
	}
	/* 53 random bits over 2^53 - 1: both ends can come out. */
	return max * ((double)(r >> 11) / (double)((1ull << 53) - 1));
}

/* The resident set from an open /proc/self/statm ("size resident ...", in
 * pages); pread() makes the kernel write it afresh. */
size_t bsc_rss_read(int fd)
{
	char buf[128];
	unsigned long long size, resident;
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0) {
		return 0;
	}
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &size, &resident) != 2) {
		return 0;
	}
	return (size_t)resident * (size_t)sysconf(_SC_PAGESIZE);
}

size_t bsc_rss_bytes(void)
{
	int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		return 0;
	}
	size_t rss = bsc_rss_read(fd);
	close(fd);
	return rss;
}

bsc_stop_reason bsc_worker_decide(const bsc_caps *opt, const bsc_worker_gauges *g)
{
	if (g->signals & (BSC_SIGNAL_TERM | BSC_SIGNAL_INT | BSC_SIGNAL_QUIT)) {
		return BSC_STOP_SIGNAL;
	}
	if (g->signals & BSC_SIGNAL_HUP) {
		return BSC_STOP_RESTART;
	}
	if (g->stop_requested) {
		return BSC_STOP_REQUESTED;
	}
	if ((opt->memory_limit && g->heap >= opt->memory_limit) || (opt->rss_limit && g->rss >= opt->rss_limit)) {
		return BSC_STOP_MEMORY;
	}
	if (opt->max_jobs && g->processed >= opt->max_jobs) {
		return BSC_STOP_MAX_JOBS;
	}
	if (g->deadline > 0 && g->now >= g->deadline) {
		return BSC_STOP_MAX_RUNTIME;
	}
	return BSC_STOP_NONE;
}
