/*
 * Beanstalk\Worker::fleet() and Worker::restartAll(): the workers' status in
 * Redis, read and steered from any process (src/monitor/status.h). The Worker's own
 * heartbeats are written by its monitor thread (src/worker/report.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"
#include "src/monitor/status.h"

/* The wait for Redis, per round trip (s). */
#define STATUS_CALL_TIMEOUT 2.0

/* A field of a worker's hash, typed by what it holds. */
static void add_field(zval *worker, const char *field, size_t flen, const char *value, size_t vlen)
{
	zval v;
	zend_long lval;
	double dval;
	uint8_t type = vlen ? is_numeric_string(value, vlen, &lval, &dval, false) : 0;

	switch (bsc_status_field(field, flen)) {
	case BSC_FIELD_INT:
	case BSC_FIELD_UNKNOWN:
		if (type == IS_LONG) {
			ZVAL_LONG(&v, lval);
		} else if (vlen == 0 && bsc_status_field(field, flen) == BSC_FIELD_INT) {
			ZVAL_NULL(&v);
		} else {
			ZVAL_STRINGL(&v, value, vlen);
		}
		break;
	case BSC_FIELD_FLOAT:
		if (type == IS_LONG || type == IS_DOUBLE) {
			ZVAL_DOUBLE(&v, type == IS_LONG ? (double)lval : dval);
		} else if (vlen == 0) {
			ZVAL_NULL(&v);
		} else {
			ZVAL_STRINGL(&v, value, vlen);
		}
		break;
	case BSC_FIELD_LIST:
		array_init(&v);
		for (const char *p = value, *end = value + vlen; vlen && p <= end;) {
			const char *comma = memchr(p, ',', (size_t)(end - p));
			const char *stop = comma ? comma : end;
			add_next_index_stringl(&v, p, (size_t)(stop - p));
			p = stop + 1;
		}
		break;
	default:
		ZVAL_STRINGL(&v, value, vlen);
	}
	zend_hash_str_update(Z_ARRVAL_P(worker), field, flen, &v);
}

static bool status_prefix_arg(const zend_string *prefix, uint32_t arg_num)
{
	return php_beanstalk_printable(prefix, arg_num, NULL, BSC_STATUS_PREFIX_MAX);
}

/* A worker's hash as an array: the known fields first, in their order,
 * then any other. */
static void worker_array(zval *worker, const bsc_redis_reply *h)
{
	const char *name;

	array_init_size(worker, (uint32_t)(h->elements / 2));
	for (size_t k = 0; (name = bsc_status_field_name(k)) != NULL; k++) {
		for (size_t j = 0; j + 1 < h->elements; j += 2) {
			if (strcmp(h->element[j]->str, name) == 0) {
				add_field(worker, h->element[j]->str, h->element[j]->len, h->element[j + 1]->str, h->element[j + 1]->len);
				break;
			}
		}
	}
	for (size_t j = 0; j + 1 < h->elements; j += 2) {
		if (!zend_hash_str_exists(Z_ARRVAL_P(worker), h->element[j]->str, h->element[j]->len)) {
			add_field(worker, h->element[j]->str, h->element[j]->len, h->element[j + 1]->str, h->element[j + 1]->len);
		}
	}
}

/* {{{ Worker::fleet(string $redis, string $prefix = "beanstalk:"): array */
PHP_METHOD(Beanstalk_Worker, fleet)
{
	zend_string *redis, *prefix = NULL;
	bsc_redis_address address;
	bsc_status_fleet fleet;
	char errbuf[BSC_ERRSTR_LEN];

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_STR(redis)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR(prefix)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_redis_address(redis, 1, "must be a Redis address", &address) || (prefix && !status_prefix_arg(prefix, 2))) {
		RETURN_THROWS();
	}
	bool ok = bsc_status_fleet_get(&address, prefix ? ZSTR_VAL(prefix) : BSC_STATUS_PREFIX, STATUS_CALL_TIMEOUT, &fleet, errbuf);
	ZEND_SECURE_ZERO(&address, sizeof(address));
	if (!ok) {
		zend_throw_exception_ex(php_beanstalk_exception_ce, 0, "Beanstalk\\Worker::fleet(): %s", errbuf);
		RETURN_THROWS();
	}
	array_init_size(return_value, (uint32_t)fleet.count);
	for (size_t i = 0; i < fleet.count; i++) {
		zval worker;
		worker_array(&worker, fleet.workers[i]);
		add_next_index_zval(return_value, &worker);
	}
	bsc_status_fleet_free(&fleet);
}
/* }}} */

/* {{{ Worker::restartAll(string $redis, ?string $name = null, string $prefix = "beanstalk:"): int */
PHP_METHOD(Beanstalk_Worker, restartAll)
{
	zend_string *redis, *name = NULL, *prefix = NULL;
	bsc_redis_address address;
	char errbuf[BSC_ERRSTR_LEN];
	uint64_t asked = 0;

	ZEND_PARSE_PARAMETERS_START(1, 3)
		Z_PARAM_STR(redis)
		Z_PARAM_OPTIONAL
		Z_PARAM_STR_OR_NULL(name)
		Z_PARAM_STR(prefix)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_redis_address(redis, 1, "must be a Redis address", &address)
		|| (name && !php_beanstalk_printable(name, 2, NULL, 60)) || (prefix && !status_prefix_arg(prefix, 3))) {
		RETURN_THROWS();
	}
	bool ok = bsc_status_restart_all(&address, prefix ? ZSTR_VAL(prefix) : BSC_STATUS_PREFIX, name ? ZSTR_VAL(name) : NULL,
		STATUS_CALL_TIMEOUT, &asked, errbuf);
	ZEND_SECURE_ZERO(&address, sizeof(address));
	if (!ok) {
		zend_throw_exception_ex(php_beanstalk_exception_ce, 0, "Beanstalk\\Worker::restartAll(): %s", errbuf);
		RETURN_THROWS();
	}
	RETURN_LONG((zend_long)asked);
}
/* }}} */
