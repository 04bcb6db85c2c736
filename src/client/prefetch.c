/*
 * Reserves sent ahead, and the jobs they brought. See prefetch.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/prefetch.h"

#include "src/grow.h"

#include <stdlib.h>
#include <string.h>

bool bsc_prefetch_ask(bsc_prefetch *a, double now, bool waits)
{
	if (!bsc_grow(&a->asked, &a->asked_cap, a->asked_len + 1, sizeof(*a->asked), 8)) {
		return false;
	}
	if (a->asked_len == 0) {
		a->waiting = waits;
	}
	a->asked[a->asked_len++] = now;
	return true;
}

bool bsc_prefetch_answer(bsc_prefetch *a, const bsc_reply *reply, bool *brought)
{
	double asked_at = a->asked[0];

	*brought = false;
	memmove(a->asked, a->asked + 1, (a->asked_len - 1) * sizeof(*a->asked));
	a->asked_len--;
	a->waiting = false;   /* only the first of a write may wait */
	if (reply->kind == BSC_REPLY_TIMED_OUT || reply->kind == BSC_REPLY_DEADLINE_SOON) {
		a->deadline_soon += reply->kind == BSC_REPLY_DEADLINE_SOON;
		return true;
	}
	if (reply->kind != BSC_REPLY_RESERVED || !reply->has_num) {
		return false;
	}
	if (!bsc_grow(&a->jobs, &a->cap, a->len + 1, sizeof(*a->jobs), 8)) {
		return false;
	}
	char *body = malloc(reply->body_len ? reply->body_len : 1);
	if (!body) {
		return false;
	}
	if (reply->body_len > 0) {
		memcpy(body, reply->body, reply->body_len);
	}
	a->jobs[a->len++] = (bsc_prefetch_job){ reply->num, body, reply->body_len, asked_at };
	a->brought++;
	*brought = true;
	return true;
}

/* Notes what became of delete id; dropped when memory runs out (the caller's
 * count of that outcome is then short by one). */
static void note_outcome(bsc_prefetch *a, uint64_t id, bsc_delete_outcome_kind kind)
{
	if (!bsc_grow(&a->outcomes, &a->outcomes_cap, a->outcomes_len + 1, sizeof(*a->outcomes), 16)) {
		return;
	}
	a->outcomes[a->outcomes_len++] = (bsc_delete_outcome){ id, kind };
}

bool bsc_prefetch_delete_sent(bsc_prefetch *a, uint64_t id)
{
	if (!bsc_grow(&a->deleting, &a->deleting_cap, a->deleting_len + 1, sizeof(*a->deleting), 16)) {
		return false;
	}
	a->deleting[a->deleting_len++] = id;
	return true;
}

bool bsc_prefetch_delete_answer(bsc_prefetch *a, const bsc_reply *reply, uint64_t *id, bool *let_go)
{
	if (a->deleting_len == 0) {
		return false;
	}
	*id = a->deleting[0];
	memmove(a->deleting, a->deleting + 1, (a->deleting_len - 1) * sizeof(*a->deleting));
	a->deleting_len--;
	*let_go = true;
	if (reply->kind == BSC_REPLY_DELETED && !reply->has_num) {
		a->deleted++;
		note_outcome(a, *id, BSC_DELETE_DONE);
		return true;
	}
	if (reply->kind == BSC_REPLY_NOT_FOUND) {
		note_outcome(a, *id, BSC_DELETE_GONE);
		return true;
	}
	if (bsc_reply_is_error(reply->kind)) {
		/* INTERNAL_ERROR: the binlog could not record it. The job stays
		 * reserved and comes back when its time-to-run runs out. */
		a->refused++;
		note_outcome(a, *id, BSC_DELETE_REFUSED);
		*let_go = false;
		return true;
	}
	return false;
}

size_t bsc_prefetch_take_outcomes(bsc_prefetch *a, bsc_delete_outcome *out, size_t max)
{
	size_t n = a->outcomes_len < max ? a->outcomes_len : max;

	if (n == 0) {
		return 0;
	}
	memcpy(out, a->outcomes, n * sizeof(*out));
	memmove(a->outcomes, a->outcomes + n, (a->outcomes_len - n) * sizeof(*a->outcomes));
	a->outcomes_len -= n;
	return n;
}

bool bsc_prefetch_take(bsc_prefetch *a, bsc_prefetch_job *out)
{
	if (a->len == 0) {
		return false;
	}
	*out = a->jobs[0];
	memmove(a->jobs, a->jobs + 1, (a->len - 1) * sizeof(*a->jobs));
	a->len--;
	return true;
}

size_t bsc_prefetch_drop(bsc_prefetch *a)
{
	size_t n = a->len;

	for (size_t i = 0; i < a->len; i++) {
		free(a->jobs[i].body);
	}
	a->len = 0;
	a->asked_len = 0;
	a->waiting = false;
	a->unconfirmed += a->deleting_len;
	for (size_t i = 0; i < a->deleting_len; i++) {
		note_outcome(a, a->deleting[i], BSC_DELETE_UNCONFIRMED);
	}
	a->deleting_len = 0;
	return n;
}

void bsc_prefetch_forget(bsc_prefetch *a)
{
	bsc_prefetch_drop(a);
	a->outcomes_len = 0;
	a->brought = a->deadline_soon = 0;
	a->deleted = a->refused = a->unconfirmed = 0;
}

void bsc_prefetch_free(bsc_prefetch *a)
{
	bsc_prefetch_drop(a);
	free(a->jobs);
	free(a->asked);
	free(a->deleting);
	free(a->outcomes);
	memset(a, 0, sizeof(*a));
}
