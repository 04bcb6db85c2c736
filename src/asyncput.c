/*
 * The puts a connection sent without waiting. See asyncput.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "asyncput.h"

#include <stdlib.h>
#include <string.h>

bool bsc_async_add(bsc_async_ledger *l, const char *tube, size_t tube_len)
{
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		bsc_async_put *puts = realloc(l->puts, cap * sizeof(*puts));
		if (!puts) {
			return false;
		}
		l->puts = puts;
		l->cap = cap;
	}
	bsc_async_put *p = &l->puts[l->len++];
	p->state = BSC_ASYNC_PENDING;
	p->id = 0;
	p->refused = BSC_REPLY_KIND_COUNT;
	memcpy(p->tube, tube, tube_len);
	p->tube[tube_len] = '\0';
	return true;
}

void bsc_async_unadd(bsc_async_ledger *l)
{
	l->len--;
	if (l->resolved > l->len) {
		l->resolved = l->len;  /* a close on the failed send marked it unconfirmed */
	}
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
	l->resolved++;
	return true;
}

void bsc_async_lose_pending(bsc_async_ledger *l)
{
	for (; l->resolved < l->len; l->resolved++) {
		l->puts[l->resolved].state = BSC_ASYNC_UNCONFIRMED;
	}
}

size_t bsc_async_pending(const bsc_async_ledger *l)
{
	return l->len - l->resolved;
}

void bsc_async_take(bsc_async_ledger *l, bsc_async_put *out, size_t n)
{
	memcpy(out, l->puts, n * sizeof(*out));
	memmove(l->puts, l->puts + n, (l->len - n) * sizeof(*l->puts));
	l->len -= n;
	l->resolved -= n;
}

void bsc_async_free(bsc_async_ledger *l)
{
	free(l->puts);
	l->puts = NULL;
	l->len = l->cap = l->resolved = 0;
}
