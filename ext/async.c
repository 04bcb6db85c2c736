/*
 * Beanstalk\Queue, puts that do not wait: putAsync writes a put and
 * returns; flush reads what is still owed and says what became of each
 * put, in order. Meanwhile the connection takes their replies in ahead of
 * any other command's (src/client/asyncput.h), so they cost that command no wait.
 *
 * A connection is never closed with replies unread: closing a socket with
 * unread data resets the stream, and can lose puts the server had not read
 * yet. So close() reads them first, and so does the Queue's end; a
 * persistent connection instead goes back to the process with the replies
 * that have not come yet, and whichever request takes it next reads them.
 * No failure is silent: what no flush() reported is a warning naming the
 * tube, the server, the reason and how many, and every outcome counts in
 * Queue::clientStats().
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"
#include "src/client/pool.h"

/* {{{ failures reported apart from flush(): tallied by tube and reason */
typedef struct {
	char tube[BSC_TUBE_MAX + 1];
	bsc_async_state state;
	bsc_reply_kind refused;
	size_t count;
} failure_count;

typedef struct {
	failure_count *counts;
	size_t len, cap;
} failure_tally;

static void tally_visit(void *ctx, const bsc_async_put *put, const char *tube)
{
	failure_tally *t = ctx;

	if (put->state == BSC_ASYNC_INSERTED) {
		return;
	}
	for (size_t i = 0; i < t->len; i++) {
		failure_count *f = &t->counts[i];
		if (f->state == put->state && f->refused == put->refused && strcmp(f->tube, tube) == 0) {
			f->count++;
			return;
		}
	}
	if (t->len == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 4;
		t->counts = erealloc(t->counts, t->cap * sizeof(*t->counts));
	}
	failure_count *f = &t->counts[t->len++];
	strlcpy(f->tube, tube, sizeof(f->tube));
	f->state = put->state;
	f->refused = put->refused;
	f->count = 1;
}

static const char *failure_reason(const failure_count *f, char *buf, size_t size)
{
	switch (f->state) {
	case BSC_ASYNC_BURIED:
		return "buried by a server out of memory";
	case BSC_ASYNC_UNCONFIRMED:
		return "not confirmed: the connection was lost before the reply (the job may be stored)";
	case BSC_ASYNC_UNSENT:
		return "not sent: the server could not be reached (the job is not stored)";
	default:
		snprintf(buf, size, "refused with %s", bsc_reply_name(f->refused));
		return buf;
	}
}

/* One line per tube and reason, as a warning or (log) to the error log,
 * when there is no request to warn in. */
static void tally_report(failure_tally *t, bsc_conn *conn, bool log)
{
	char buf[64];

	for (size_t i = 0; i < t->len; i++) {
		const failure_count *f = &t->counts[i];
		char *line;
		zend_spprintf(&line, 0, "Beanstalk\\Queue: %zu job%s put with putAsync() into tube \"%s\" on %s %s %s", f->count,
			f->count == 1 ? "" : "s", f->tube, bsc_conn_name(conn), f->count == 1 ? "was" : "were", failure_reason(f, buf, sizeof(buf)));
		if (log) {
			php_log_err(line);
		} else {
			zend_error(E_WARNING, "%s", line);
		}
		efree(line);
	}
	efree(t->counts);
	t->counts = NULL;
	t->len = t->cap = 0;
}

/* Takes the first n outcomes of conn into the tally. */
static void tally_take(failure_tally *t, bsc_conn *conn, size_t n)
{
	bsc_conn_async_take(conn, n, tally_visit, t);
}
/* }}} */

static bsc_conn *conn_of(zend_object *queue, size_t i)
{
	return php_beanstalk_queue_from_obj(queue)->conns[i];
}

void php_beanstalk_async_adopt(zend_object *queue)
{
	php_beanstalk_queue *q = php_beanstalk_queue_from_obj(queue);
	php_beanstalk_async *a = &q->async;

	a->inherited = ecalloc(q->n, sizeof(*a->inherited));
	for (size_t i = 0; i < q->n; i++) {
		if (q->pconns[i]) {
			bsc_conn *conn = q->conns[i];
			a->inherited[i] = bsc_conn_async_outcomes(conn) + bsc_conn_async_pending(conn);
		}
	}
}

/* Reports the earlier request's outcomes on server i that have come. */
static void report_inherited(php_beanstalk_async *a, zend_object *queue, size_t i)
{
	bsc_conn *conn = conn_of(queue, i);
	size_t n = MIN(a->inherited[i], bsc_conn_async_outcomes(conn));
	failure_tally t = { 0 };

	if (n > 0) {
		tally_take(&t, conn, n);
		a->inherited[i] -= n;
		tally_report(&t, conn, false);
	}
}

void php_beanstalk_async_read(zend_object *queue, size_t i, bool may_keep)
{
	bsc_conn *conn = conn_of(queue, i);

	/* Held puts go out first (coalesce): before a close, a flush, the
	 * Queue's end. A failure is theirs to report, as a read's; those that
	 * could not go out at all are reported here as not sent, never later
	 * among another flush's puts. */
	bsc_conn_settle_held(conn);
	if (bsc_conn_async_pending(conn) == 0) {
		return;
	}
	/* A failure here closes the connection: the puts still owed are then
	 * unconfirmed, and reported as such. */
	if (may_keep && bsc_conn_owes_only_async(conn)) {
		bsc_conn_collect(conn);
	} else {
		bsc_conn_flush_async(conn, bsc_conn_timeout(conn));
	}
}

void php_beanstalk_async_settle(zend_object *queue)
{
	php_beanstalk_queue *q = php_beanstalk_queue_from_obj(queue);
	php_beanstalk_async *a = &q->async;

	for (size_t i = 0; i < q->n; i++) {
		bsc_conn *conn = q->conns[i];
		bool persistent = q->pconns[i] != NULL;
		php_beanstalk_async_read(queue, i, persistent);
		report_inherited(a, queue, i);
		/* This request's, never flushed: only their failures are news. */
		failure_tally t = { 0 };
		tally_take(&t, conn, bsc_conn_async_outcomes(conn));
		tally_report(&t, conn, false);
		/* What is still owed goes to the next owner with the connection. */
		a->inherited[i] = bsc_conn_async_pending(conn);
	}
	a->len = 0;
}

void php_beanstalk_async_free(php_beanstalk_async *a)
{
	if (a->order) {
		efree(a->order);
	}
	if (a->inherited) {
		efree(a->inherited);
	}
	memset(a, 0, sizeof(*a));
}

void php_beanstalk_async_conn_end(bsc_conn *conn)
{
	failure_tally t = { 0 };

	bsc_conn_own(conn);   /* in a forked child, the puts are the parent's */
	if (bsc_conn_async_pending(conn) > 0) {
		bsc_conn_flush_async(conn, bsc_conn_timeout(conn));
	}
	tally_take(&t, conn, bsc_conn_async_outcomes(conn));
	tally_report(&t, conn, true);
}

/* {{{ Queue::putAsync(string $data, int $priority = 1024, int $delay = 0, int $ttr = 60): void */
PHP_METHOD(Beanstalk_Queue, putAsync)
{
	zend_string *data;
	zend_long priority = BSC_DEFAULT_PRIORITY, delay = 0, ttr = BSC_DEFAULT_TTR;

	ZEND_PARSE_PARAMETERS_START(1, 4)
		Z_PARAM_STR(data)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(priority)
		Z_PARAM_LONG(delay)
		Z_PARAM_LONG(ttr)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_put_args(priority, delay, ttr)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	zend_object *queue = Z_OBJ_P(ZEND_THIS);
	bsc_pool *pool = php_beanstalk_queue_pool(queue);
	size_t server = 0;
	bsc_status st = pool ? bsc_pool_put_async(pool, (uint32_t)priority, (uint32_t)delay, (uint32_t)ttr, ZSTR_VAL(data), ZSTR_LEN(data), &server)
		: bsc_put_async(php_beanstalk_queue_server(queue, 0), (uint32_t)priority, (uint32_t)delay, (uint32_t)ttr, ZSTR_VAL(data), ZSTR_LEN(data));
	if (UNEXPECTED(st != BSC_OK)) {
		php_beanstalk_throw_put(queue, server, st, "putAsync", ZSTR_LEN(data), 0);
		RETURN_THROWS();
	}
	if (pool) {
		php_beanstalk_async *a = &php_beanstalk_queue_from_obj(queue)->async;
		if (a->len == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 64;
			a->order = safe_erealloc(a->order, a->cap, sizeof(*a->order), 0);
		}
		a->order[a->len++] = (uint32_t)server;
	}
}
/* }}} */

/* {{{ Queue::flush(): array */
typedef struct {
	bsc_async_put *puts;
	size_t len, next;
} own_outcomes;

static void own_visit(void *ctx, const bsc_async_put *put, const char *tube)
{
	own_outcomes *o = ctx;

	(void)tube;
	o->puts[o->len++] = *put;
}

static const char *flush_failure(const bsc_async_put *put)
{
	switch (put->state) {
	case BSC_ASYNC_BURIED:
		return "BURIED";
	case BSC_ASYNC_REFUSED:
		return bsc_reply_name(put->refused);
	case BSC_ASYNC_UNSENT:
		return "NOT_SENT";
	default:
		return "NOT_CONFIRMED";
	}
}

/* The exception of the first failed put, which the BatchException takes
 * as its previous one. */
static void throw_flush_cause(bsc_conn *conn, const bsc_async_put *put, zend_long index)
{
	switch (put->state) {
	case BSC_ASYNC_BURIED:
		zend_throw_exception_ex(php_beanstalk_server_exception_ce, 0, "flush: %s was out of memory and buried job %" PRIu64,
			bsc_conn_name(conn), put->id);
		break;
	case BSC_ASYNC_REFUSED:
		zend_throw_exception_ex(php_beanstalk_server_exception(put->refused), 0, "flush: %s answered %s to the put at index " ZEND_LONG_FMT,
			bsc_conn_name(conn), bsc_reply_name(put->refused), index);
		break;
	case BSC_ASYNC_UNSENT: {
		char *why;
		const char *err = bsc_conn_errstr(conn);
		zend_spprintf(&why, 0, "the put at index " ZEND_LONG_FMT " could not be sent to %s (%s): the job is not stored",
			index, bsc_conn_name(conn), err[0] ? err : "not reached");
		php_beanstalk_throw_transport(BSC_ERR_CONNECT, "flush", why, false);
		efree(why);
		break;
	}
	default: {
		char *why;
		zend_spprintf(&why, 0, "the connection to %s was lost before it answered the put at index " ZEND_LONG_FMT " (the job may be stored)",
			bsc_conn_name(conn), index);
		php_beanstalk_throw_transport(BSC_ERR_EOF, "flush", why, true);
		efree(why);
		break;
	}
	}
}

PHP_METHOD(Beanstalk_Queue, flush)
{
	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	zend_object *queue = Z_OBJ_P(ZEND_THIS);
	php_beanstalk_async *a = &php_beanstalk_queue_from_obj(queue)->async;
	own_outcomes *own = safe_emalloc(n, sizeof(*own), 0);
	size_t total = 0;

	for (size_t i = 0; i < n; i++) {
		bsc_conn *conn = conn_of(queue, i);
		php_beanstalk_async_read(queue, i, false);
		report_inherited(a, queue, i);
		own[i].len = own[i].next = 0;
		own[i].puts = safe_emalloc(bsc_conn_async_outcomes(conn), sizeof(*own[i].puts), 0);
		bsc_conn_async_take(conn, bsc_conn_async_outcomes(conn), own_visit, &own[i]);
		total += own[i].len;
	}
	ZEND_ASSERT(!php_beanstalk_queue_pool(queue) || total == a->len);

	zval inserted, failed, job;
	zend_long first = -1;
	array_init_size(return_value, (uint32_t)total);
	array_init(&inserted);
	array_init(&failed);
	for (size_t k = 0; k < total; k++) {
		size_t s = php_beanstalk_queue_pool(queue) ? a->order[k] : 0;
		const bsc_async_put *put = &own[s].puts[own[s].next++];
		if (put->state == BSC_ASYNC_INSERTED || put->state == BSC_ASYNC_BURIED) {
			php_beanstalk_put_result(&job, queue, s, put->id);
			Z_TRY_ADDREF(job);
			add_next_index_zval(return_value, &job);
			add_index_zval(&inserted, (zend_ulong)k, &job);
		}
		if (put->state == BSC_ASYNC_INSERTED) {
			continue;
		}
		if (first < 0) {
			first = (zend_long)k;
			throw_flush_cause(conn_of(queue, s), put, first);
		}
		add_index_string(&failed, (zend_ulong)k, flush_failure(put));
	}
	a->len = 0;
	if (first >= 0) {
		php_beanstalk_throw_batch("flush", &inserted, &failed, (zend_long)total, first);
		zval_ptr_dtor(return_value);
		ZVAL_UNDEF(return_value);
	}
	zval_ptr_dtor(&inserted);
	zval_ptr_dtor(&failed);
	for (size_t i = 0; i < n; i++) {
		efree(own[i].puts);
	}
	efree(own);
}
/* }}} */

/* {{{ Queue::clientStats(): array */
static void client_stats(zval *out, bsc_conn *conn)
{
	const uint64_t *counts = bsc_conn_async_counts(conn);

	array_init_size(out, 7);
	add_assoc_long(out, "async-puts", (zend_long)counts[BSC_ASYNC_PENDING]);
	add_assoc_long(out, "async-inserted", (zend_long)counts[BSC_ASYNC_INSERTED]);
	add_assoc_long(out, "async-buried", (zend_long)counts[BSC_ASYNC_BURIED]);
	add_assoc_long(out, "async-refused", (zend_long)counts[BSC_ASYNC_REFUSED]);
	add_assoc_long(out, "async-unconfirmed", (zend_long)counts[BSC_ASYNC_UNCONFIRMED]);
	add_assoc_long(out, "async-unsent", (zend_long)counts[BSC_ASYNC_UNSENT]);
	add_assoc_long(out, "async-pending", (zend_long)bsc_conn_async_pending(conn));
}

PHP_METHOD(Beanstalk_Queue, clientStats)
{
	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	zend_object *queue = Z_OBJ_P(ZEND_THIS);

	if (!php_beanstalk_queue_pool(queue)) {
		client_stats(return_value, conn_of(queue, 0));
		return;
	}
	array_init_size(return_value, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		zval one;
		bsc_conn *conn = conn_of(queue, i);
		client_stats(&one, conn);
		add_assoc_zval(return_value, bsc_conn_name(conn), &one);
	}
}
/* }}} */
