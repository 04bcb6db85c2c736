/*
 * The puts a connection sent without waiting. See asyncput.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/asyncput.h"
#include "src/grow.h"

#include <stdlib.h>
#include <string.h>

/* A tube name shared by the puts into it, freed with the last. */
struct bsc_async_tube {
	size_t refs;
	char name[];
};

static void tube_release(bsc_async_tube *t)
{
	if (t && --t->refs == 0) {
		free(t);
	}
}

bool bsc_async_prepare(bsc_async_ledger *l, const char *tube, size_t tube_len)
{
	if (!bsc_grow(&l->puts, &l->cap, l->len + 1, sizeof(*l->puts), 64)) {
		return false;
	}
	if (l->tube && strlen(l->tube->name) == tube_len && memcmp(l->tube->name, tube, tube_len) == 0) {
		return true;
	}
	bsc_async_tube *t = malloc(sizeof(*t) + tube_len + 1);
	if (!t) {
		return false;
	}
	t->refs = 1;  /* the ledger's own, while it is the next put's tube */
	memcpy(t->name, tube, tube_len);
	t->name[tube_len] = '\0';
	tube_release(l->tube);
	l->tube = t;
	return true;
}

void bsc_async_add(bsc_async_ledger *l)
{
	bsc_async_put *p = &l->puts[l->len++];

	p->state = BSC_ASYNC_PENDING;
	p->id = 0;
	p->refused = BSC_REPLY_KIND_COUNT;
	p->tube = l->tube;
	p->tube->refs++;
	l->counts[BSC_ASYNC_PENDING]++;
}

bool bsc_async_resolve(bsc_async_ledger *l, const bsc_reply *reply)
{
	bsc_async_put *p = &l->puts[l->resolved];

	if ((reply->kind == BSC_REPLY_INSERTED || reply->kind == BSC_REPLY_BURIED) && reply->has_num) {
		p->state = reply->kind == BSC_REPLY_INSERTED ? BSC_ASYNC_INSERTED : BSC_ASYNC_BURIED;
		p->id = reply->num;
	} else if (bsc_reply_is_error(reply->kind)) {
		p->state = BSC_ASYNC_REFUSED;
		p->refused = reply->kind;
	} else {
		return false;
	}
	l->counts[p->state]++;
	l->resolved++;
	return true;
}

void bsc_async_hold(bsc_async_ledger *l)
{
	bsc_async_add(l);
	l->unsent++;
}

void bsc_async_sent(bsc_async_ledger *l)
{
	l->unsent = 0;
}

void bsc_async_lose_pending(bsc_async_ledger *l)
{
	for (; l->resolved < l->len - l->unsent; l->resolved++) {
		l->puts[l->resolved].state = BSC_ASYNC_UNCONFIRMED;
		l->counts[BSC_ASYNC_UNCONFIRMED]++;
	}
}

void bsc_async_drop_unsent(bsc_async_ledger *l)
{
	for (; l->resolved < l->len; l->resolved++) {
		l->puts[l->resolved].state = BSC_ASYNC_UNSENT;
		l->counts[BSC_ASYNC_UNSENT]++;
	}
	l->unsent = 0;
}

size_t bsc_async_pending(const bsc_async_ledger *l)
{
	return l->len - l->resolved;
}

void bsc_async_take(bsc_async_ledger *l, size_t n, bsc_async_visit_fn fn, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		if (fn) {
			fn(ctx, &l->puts[i], l->puts[i].tube->name);
		}
		tube_release(l->puts[i].tube);
	}
	memmove(l->puts, l->puts + n, (l->len - n) * sizeof(*l->puts));
	l->len -= n;
	l->resolved = l->resolved > n ? l->resolved - n : 0;
}

void bsc_async_forget(bsc_async_ledger *l)
{
	bsc_async_take(l, l->len, NULL, NULL);
	l->unsent = 0;
	memset(l->counts, 0, sizeof(l->counts));
}

void bsc_async_free(bsc_async_ledger *l)
{
	for (size_t i = 0; i < l->len; i++) {
		tube_release(l->puts[i].tube);
	}
	tube_release(l->tube);
	free(l->puts);
	memset(l, 0, sizeof(*l));
}
