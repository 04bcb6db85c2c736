/*
 * What becomes of a job once its handler returned. See settle.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/worker/settle.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const connection_lost = "the connection was lost meanwhile, so the server gave the job back";

/* Says what became of the failed job's release or bury. */
static void report_failure(const bsc_settle *s, bsc_conn *c, const char *head, const bsc_failure_plan *plan, bsc_status st, uint64_t gen)
{
	if (st == BSC_OK && plan->bury) {
		s->f->buried++;
		bsc_log_line(s->log, "%s; buried", head);
	} else if (st == BSC_OK) {
		s->f->released++;
		bsc_log_line(s->log, "%s; released with delay %" PRIu32 " s", head, plan->delay);
	} else if (st == BSC_BURIED) {
		s->f->buried++;
		bsc_log_line(s->log, "%s; buried by the server, out of memory to release it", head);
	} else if (st == BSC_NOT_FOUND) {
		s->f->lost++;
		bsc_log_line(s->log, "%s; %s", head, bsc_conn_generation(c) != gen ? connection_lost : "it was no longer reserved by this worker");
	} else {
		bsc_log_line(s->log, "%s; could not be %s (%s): it comes back when the connection closes", head,
			plan->bury ? "buried" : "released", bsc_conn_errstr(c));
	}
}

/* The handler threw: release the job with the back-off and its priority,
 * or bury it once it has had max_attempts tries (policy.h). The job's tube,
 * when the server told it, goes into tube if that is still "". */
static void job_failed(const bsc_settle *s, bsc_conn *c, uint64_t id, uint64_t gen, bool held, bool same, const char *why, char *tube, size_t tube_size)
{
	bsc_job_stats js;
	bsc_failure_plan plan;
	char head[1280];

	if (!held) {
		if (!same) {
			s->f->lost++;
		}
		bsc_log_line(s->log, "job %" PRIu64 " failed: %s; %s", id, why, same ? "the handler had deleted, released or buried it already" : connection_lost);
		return;
	}
	double sent = bsc_now();
	/* Pinned: on a connection found dead and replaced, nothing goes out. */
	bsc_conn_pin(c, gen);
	bsc_status st = bsc_job_stats_get(c, id, &js);
	if (st == BSC_OK) {
		bsc_fetch_rtt_sample(s->fetch, sent);
	}
	if (bsc_conn_generation(c) != gen) {
		s->f->lost++;
		bsc_log_line(s->log, "job %" PRIu64 " failed: %s; %s", id, why, connection_lost);
		return;
	}
	if (st == BSC_NOT_FOUND || (st == BSC_OK && strcmp(js.state, "reserved") != 0)) {
		bsc_conn_let_go(c, id);
		s->f->lost++;
		bsc_log_line(s->log, "job %" PRIu64 " failed: %s; its time-to-run had run out, so it is no longer this worker's", id, why);
		return;
	}
	if (st != BSC_OK) {
		bsc_log_line(s->log, "job %" PRIu64 " failed: %s; the server could not be asked about it (%s), so it comes back when the connection closes or its time-to-run runs out",
			id, why, bsc_conn_errstr(c));
		return;
	}
	if (!tube[0]) {
		snprintf(tube, tube_size, "%s", js.tube);
	}
	bsc_failure_plan_make(s->retry, &js, &plan);
	snprintf(head, sizeof(head), "job %" PRIu64 " (tube %s) failed on attempt %" PRIu32 " of %" PRIu32 ": %s",
		id, js.tube, plan.attempt, s->retry->max_attempts, why);
	bsc_conn_pin(c, gen);
	st = plan.bury ? bsc_bury(c, id, plan.priority) : bsc_release(c, id, plan.priority, plan.delay);
	report_failure(s, c, head, &plan, st, gen);
}

const char *bsc_settle_job(const bsc_settle *s, bsc_conn *c, bsc_job_result result, uint64_t id, uint64_t gen, const char *why,
	char *tube, size_t tube_size, bool *done)
{
	/* Still ours unless the handler gave it up, or the connection it came
	 * over was lost (and with it the job). */
	bool same = bsc_conn_is_connected(c) && bsc_conn_generation(c) == gen;
	bool held = same && bsc_conn_holds(c, id);

	*done = false;
	if (result == BSC_JOB_THREW) {
		s->f->failed++;
		job_failed(s, c, id, gen, held, same, why, tube, tube_size);
		return "failed";
	}
	if (held) {
		*done = true;
		return "done";
	}
	if (!same) {
		s->f->lost++;
		bsc_log_line(s->log, "job %" PRIu64 ": the connection was lost while the handler ran; unless the handler had deleted it, the server gave the job back and it may run again", id);
		return "lost with the connection";
	}
	return "settled by the handler";
}
