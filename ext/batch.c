/*
 * Beanstalk\Queue, batches: putMany, and the BatchException that says what
 * became of each job when some were not taken.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"

/* {{{ Queue::putMany(array $data, int $priority = 1024, int $delay = 0, int $ttr = 60): array */
/* What became of a job that the server did not simply take. */
static const char *batch_failure(const bsc_put_result *r)
{
	if (r->status == BSC_BURIED) {
		return "BURIED";
	}
	if (r->status == BSC_SERVER_ERROR) {
		return bsc_reply_name(r->refused);
	}
	return r->sent ? "NOT_CONFIRMED" : "NOT_SENT";
}

/* The exception of the first failed job, which the BatchException takes
 * as its previous one. */
static void throw_batch_cause(bsc_conn *conn, const bsc_put_result *r, zend_long index, const bsc_body *body, bsc_status st)
{
	if (r->status == BSC_SERVER_ERROR && r->refused == BSC_REPLY_JOB_TOO_BIG) {
		char which[64];
		snprintf(which, sizeof(which), "the job at index " ZEND_LONG_FMT, index);
		php_beanstalk_throw_too_big(conn, "putMany", which, body->len);
	} else if (r->status == BSC_SERVER_ERROR) {
		zend_throw_exception_ex(r->refused == BSC_REPLY_DRAINING ? php_beanstalk_draining_exception_ce
			: php_beanstalk_server_exception_ce, 0, "putMany: %s answered %s to the job at index " ZEND_LONG_FMT,
			bsc_conn_name(conn), bsc_reply_name(r->refused), index);
	} else if (r->status == BSC_BURIED) {
		zend_throw_exception_ex(php_beanstalk_server_exception_ce, 0, "putMany: %s was out of memory and buried job %" PRIu64,
			bsc_conn_name(conn), r->id);
	} else {
		php_beanstalk_throw(conn, bsc_status_is_failure(r->status) ? r->status : st, "putMany", 0);
	}
}

void php_beanstalk_put_result(zval *out, zend_object *queue, size_t server, uint64_t id)
{
	if (!php_beanstalk_queue_pool(queue)) {
		ZVAL_LONG(out, (zend_long)id);
		return;
	}
	array_init_size(out, 2);
	add_assoc_long(out, "id", (zend_long)id);
	add_assoc_string(out, "server", bsc_conn_name(php_beanstalk_queue_server(queue, server)));
}

void php_beanstalk_throw_batch(const char *verb, zval *inserted, zval *failed, zend_long n, zend_long first)
{
	zval *why = zend_hash_index_find(Z_ARRVAL_P(failed), first);
	zend_object *batch = zend_throw_exception_ex(php_beanstalk_batch_exception_ce, 0,
		"%s: " ZEND_LONG_FMT " of " ZEND_LONG_FMT " jobs inserted; the first failure is at index " ZEND_LONG_FMT " (%s)",
		verb, (zend_long)zend_hash_num_elements(Z_ARRVAL_P(inserted)), n, first, Z_STRVAL_P(why));
	php_beanstalk_batch_exception_fill(batch, inserted, failed);
}

static void throw_batch(zend_object *queue, const size_t *servers, zend_long n, const bsc_put_result *results, const bsc_body *bodies,
	bsc_status st)
{
	zval inserted, failed, job;
	zend_long first = -1;

	array_init(&inserted);
	array_init(&failed);
	for (zend_long i = 0; i < n; i++) {
		const bsc_put_result *r = &results[i];
		if (r->status == BSC_OK || r->status == BSC_BURIED) {
			php_beanstalk_put_result(&job, queue, servers ? servers[i] : 0, r->id);
			add_index_zval(&inserted, i, &job);
		}
		if (r->status == BSC_OK) {
			continue;
		}
		if (first < 0) {
			first = i;
		}
		add_index_string(&failed, i, batch_failure(r));
	}
	bsc_pool *pool = php_beanstalk_queue_pool(queue);
	bsc_conn *conn = php_beanstalk_queue_server(queue, servers && first >= 0 ? servers[first] : 0);
	if (first < 0 && pool) {
		php_beanstalk_throw_pool(pool, st, "putMany");
	} else if (first < 0) {
		/* Every job in, yet the call failed: say so plainly. */
		php_beanstalk_throw(conn, st, "putMany", 0);
	} else if (pool && bsc_status_is_failure(results[first].status)) {
		php_beanstalk_throw_pool(pool, results[first].status, "putMany");
	} else {
		throw_batch_cause(conn, &results[first], first, &bodies[first], st);
	}
	if (first >= 0) {
		php_beanstalk_throw_batch("putMany", &inserted, &failed, n, first);
	}
	zval_ptr_dtor(&inserted);
	zval_ptr_dtor(&failed);
}

PHP_METHOD(Beanstalk_Queue, putMany)
{
	HashTable *data;
	zend_long priority = BSC_DEFAULT_PRIORITY, delay = 0, ttr = BSC_DEFAULT_TTR;
	zval *item;
	zend_ulong index;
	zend_string *key;

	ZEND_PARSE_PARAMETERS_START(1, 4)
		Z_PARAM_ARRAY_HT(data)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(priority)
		Z_PARAM_LONG(delay)
		Z_PARAM_LONG(ttr)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_put_args(priority, delay, ttr)) {
		RETURN_THROWS();
	}
	uint32_t n = zend_hash_num_elements(data);
	ZEND_HASH_FOREACH_KEY_VAL(data, index, key, item) {
		ZVAL_DEREF(item);
		if (Z_TYPE_P(item) != IS_STRING) {
			if (key) {
				zend_argument_type_error(1, "must be an array of strings, %s given at key \"%s\"", zend_zval_type_name(item), ZSTR_VAL(key));
			} else {
				zend_argument_type_error(1, "must be an array of strings, %s given at key " ZEND_ULONG_FMT, zend_zval_type_name(item), index);
			}
			RETURN_THROWS();
		}
	} ZEND_HASH_FOREACH_END();
	PHP_BEANSTALK_QUEUE_SERVERS(servers_n);
	if (n == 0) {
		RETURN_EMPTY_ARRAY();
	}
	zend_object *queue = Z_OBJ_P(ZEND_THIS);
	bsc_pool *pool = php_beanstalk_queue_pool(queue);
	bsc_body *bodies = safe_emalloc(n, sizeof(*bodies), 0);
	bsc_put_result *results = safe_emalloc(n, sizeof(*results), 0);
	size_t *servers = pool ? safe_emalloc(n, sizeof(*servers), 0) : NULL;
	uint32_t i = 0;
	ZEND_HASH_FOREACH_VAL(data, item) {
		ZVAL_DEREF(item);
		bodies[i].data = Z_STRVAL_P(item);
		bodies[i].len = Z_STRLEN_P(item);
		i++;
	} ZEND_HASH_FOREACH_END();

	bsc_status st = pool ? bsc_pool_put_many(pool, (uint32_t)priority, (uint32_t)delay, (uint32_t)ttr, bodies, n, results, servers)
		: bsc_put_many(php_beanstalk_queue_server(queue, 0), (uint32_t)priority, (uint32_t)delay, (uint32_t)ttr, bodies, n, results);
	bool all_in = st == BSC_OK;
	for (i = 0; i < n && all_in; i++) {
		all_in = results[i].status == BSC_OK;
	}
	if (all_in) {
		zval job;
		array_init_size(return_value, n);
		for (i = 0; i < n; i++) {
			php_beanstalk_put_result(&job, queue, servers ? servers[i] : 0, results[i].id);
			add_next_index_zval(return_value, &job);
		}
	} else {
		throw_batch(queue, servers, n, results, bodies, st);
	}
	efree(bodies);
	efree(results);
	if (servers) {
		efree(servers);
	}
}
/* }}} */
