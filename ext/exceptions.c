/*
 * beanstalk: turning a failed command's status into the right exception.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"

static zend_class_entry *transport_exception(bsc_status status)
{
	switch (status) {
	case BSC_ERR_TIMEOUT:
		return php_beanstalk_timeout_exception_ce;
	case BSC_ERR_PROTOCOL:
		return php_beanstalk_protocol_exception_ce;
	default:
		return php_beanstalk_connection_exception_ce;
	}
}

zend_class_entry *php_beanstalk_server_exception(bsc_reply_kind word)
{
	switch (word) {
	case BSC_REPLY_JOB_TOO_BIG:
		return php_beanstalk_job_too_big_exception_ce;
	case BSC_REPLY_DRAINING:
		return php_beanstalk_draining_exception_ce;
	default:
		return php_beanstalk_server_exception_ce;
	}
}

/* The slot of a declared property of an exception object. */
static zval *exception_slot(zend_object *obj, const char *name)
{
	zend_property_info *info = zend_hash_str_find_ptr(&obj->ce->properties_info, name, strlen(name));

	return OBJ_PROP(obj, info->offset);
}

/* ConnectionException (TimeoutException, ProtocolException) with the
 * failure's message; a ConnectionException tells whether it had sent. */
void php_beanstalk_throw_transport(bsc_status status, const char *verb, const char *errstr, bool sent)
{
	zend_class_entry *ce = transport_exception(status);
	zend_object *ex = zend_throw_exception_ex(ce, 0, "%s: %s", verb, errstr);

	if (instanceof_function(ce, php_beanstalk_connection_exception_ce)) {
		ZVAL_BOOL(exception_slot(ex, "sent"), sent);
	}
}

void php_beanstalk_throw_too_big(bsc_conn *c, const char *verb, const char *which, size_t size)
{
	size_t max = bsc_conn_max_job_size(c);

	if (max > 0) {
		/* The limit is known: the job was refused here, never sent. */
		zend_throw_exception_ex(php_beanstalk_job_too_big_exception_ce, 0, "%s: %s (%zu bytes) is larger than the max-job-size of %s (%zu bytes)",
			verb, which, size, bsc_conn_name(c), max);
	} else {
		zend_throw_exception_ex(php_beanstalk_job_too_big_exception_ce, 0, "%s: %s (%zu bytes) is larger than the max-job-size of %s: it answered JOB_TOO_BIG",
			verb, which, size, bsc_conn_name(c));
	}
}

void php_beanstalk_throw_not_found(const char *verb, const char *fmt, ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	zend_vspprintf(&what, 0, fmt, ap);
	va_end(ap);
	zend_throw_exception_ex(php_beanstalk_not_found_exception_ce, 0, "%s: %s", verb, what);
	efree(what);
}

void php_beanstalk_throw(bsc_conn *c, bsc_status status, const char *verb, uint64_t id)
{
	switch (status) {
	case BSC_NOT_FOUND:
		php_beanstalk_throw_not_found(verb, "job %" PRIu64 " not found on %s (or not reserved by this connection)", id, bsc_conn_name(c));
		return;
	case BSC_DEADLINE_SOON:
		zend_throw_exception_ex(php_beanstalk_deadline_soon_exception_ce, 0,
			"%s: a job reserved by this connection is about to reach its time-to-run", verb);
		return;
	case BSC_BURIED:
		zend_throw_exception_ex(php_beanstalk_server_exception_ce, 0,
			"%s: %s was out of memory and buried job %" PRIu64, verb, bsc_conn_name(c), id);
		return;
	case BSC_NOT_IGNORED:
		zend_throw_exception_ex(php_beanstalk_server_exception_ce, 0,
			"%s: the last watched tube cannot be ignored", verb);
		return;
	case BSC_SERVER_ERROR: {
		bsc_reply_kind word = bsc_conn_server_error(c);
		zend_throw_exception_ex(php_beanstalk_server_exception(word), 0, "%s: %s answered %s", verb, bsc_conn_name(c), bsc_reply_name(word));
		return;
	}
	case BSC_OK:
	case BSC_TIMED_OUT:
		ZEND_UNREACHABLE();
		return;
	default:
		php_beanstalk_throw_transport(status, verb, bsc_conn_errstr(c), bsc_conn_err_sent(c));
		return;
	}
}

void php_beanstalk_throw_pool(const bsc_pool *pool, bsc_status status, const char *verb)
{
	php_beanstalk_throw_transport(status, verb, bsc_pool_errstr(pool), bsc_pool_err_sent(pool));
}

/* {{{ properties set from the start: readonly, so that reading them never
 * fails, not even on an instance made with new */
static zend_object *(*exception_create)(zend_class_entry *ce);

static zend_object *connection_exception_create(zend_class_entry *ce)
{
	zend_object *obj = exception_create(ce);

	ZVAL_FALSE(exception_slot(obj, "sent"));
	return obj;
}

void php_beanstalk_connection_exception_minit(zend_class_entry *ce)
{
	exception_create = ce->create_object;
	ce->create_object = connection_exception_create;
}
/* }}} */

/* {{{ BatchException: $inserted and $failed, empty from the start */
static zend_object *batch_exception_create(zend_class_entry *ce)
{
	zend_object *obj = exception_create(ce);

	ZVAL_EMPTY_ARRAY(exception_slot(obj, "inserted"));
	ZVAL_EMPTY_ARRAY(exception_slot(obj, "failed"));
	return obj;
}

void php_beanstalk_batch_exception_minit(zend_class_entry *ce)
{
	exception_create = ce->create_object;
	ce->create_object = batch_exception_create;
}

void php_beanstalk_batch_exception_fill(zend_object *obj, zval *inserted, zval *failed)
{
	zval *slot = exception_slot(obj, "inserted");
	zval_ptr_dtor(slot);
	ZVAL_COPY(slot, inserted);
	slot = exception_slot(obj, "failed");
	zval_ptr_dtor(slot);
	ZVAL_COPY(slot, failed);
}
/* }}} */
