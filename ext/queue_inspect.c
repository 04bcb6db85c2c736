/*
 * Beanstalk\Queue, managing and inspecting: kick, peek, stats, tubes.
 * (The class's object, construction and job commands are in queue.c.)
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"

/* {{{ Queue::kick(int $bound): int */
PHP_METHOD(Beanstalk_Queue, kick)
{
	zend_long bound;
	uint64_t kicked = 0;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_LONG(bound)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_u32(bound, 1)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_CONN(conn);
	bsc_status st = bsc_kick(conn, (uint32_t)bound, &kicked);
	if (st != BSC_OK) {
		php_beanstalk_throw(conn, st, "kick", 0);
		RETURN_THROWS();
	}
	RETURN_LONG((zend_long)kicked);
}
/* }}} */

/* {{{ Queue::kickJob(Job|int $job): bool */
PHP_METHOD(Beanstalk_Queue, kickJob)
{
	zend_object *job_obj = NULL;
	zend_long job_id = 0;
	uint64_t generation;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_OBJ_OF_CLASS_OR_LONG(job_obj, php_beanstalk_job_ce, job_id)
	ZEND_PARSE_PARAMETERS_END();

	uint64_t id = php_beanstalk_job_target(job_obj, job_id, 1, Z_OBJ_P(ZEND_THIS), &generation);
	if (!id) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_CONN(conn);
	/* kick-job works from any connection: no generation to keep to. */
	bsc_status st = bsc_kick_job(conn, id);
	if (st == BSC_OK || st == BSC_NOT_FOUND) {
		RETURN_BOOL(st == BSC_OK);
	}
	php_beanstalk_throw(conn, st, "kickJob", id);
	RETURN_THROWS();
}
/* }}} */

/* {{{ Queue::peek(int $id): ?Job */
PHP_METHOD(Beanstalk_Queue, peek)
{
	php_beanstalk_queue_job_by_id(INTERNAL_FUNCTION_PARAM_PASSTHRU, bsc_peek, "peek");
}
/* }}} */

static void queue_peek_next(INTERNAL_FUNCTION_PARAMETERS, bsc_peek_which which, const char *verb)
{
	bsc_job job;

	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_CONN(conn);
	bsc_status st = bsc_peek_next(conn, which, &job);
	php_beanstalk_return_job(return_value, Z_OBJ_P(ZEND_THIS), conn, st, &job, verb, 0);
}

/* {{{ Queue::peekReady(): ?Job */
PHP_METHOD(Beanstalk_Queue, peekReady)
{
	queue_peek_next(INTERNAL_FUNCTION_PARAM_PASSTHRU, BSC_PEEK_READY, "peekReady");
}
/* }}} */

/* {{{ Queue::peekDelayed(): ?Job */
PHP_METHOD(Beanstalk_Queue, peekDelayed)
{
	queue_peek_next(INTERNAL_FUNCTION_PARAM_PASSTHRU, BSC_PEEK_DELAYED, "peekDelayed");
}
/* }}} */

/* {{{ Queue::peekBuried(): ?Job */
PHP_METHOD(Beanstalk_Queue, peekBuried)
{
	queue_peek_next(INTERNAL_FUNCTION_PARAM_PASSTHRU, BSC_PEEK_BURIED, "peekBuried");
}
/* }}} */

/* A stats answer as an array; null for NOT_FOUND when allowed. */
static void return_stats(zval *return_value, bsc_conn *conn, bsc_status st, const bsc_yaml *yaml, bsc_stats_kind kind, const char *verb, uint64_t id)
{
	if (st == BSC_NOT_FOUND) {
		RETURN_NULL();
	}
	if (st != BSC_OK) {
		php_beanstalk_throw(conn, st, verb, id);
		return;
	}
	if (!php_beanstalk_stats_to_array(return_value, yaml->body, yaml->len, kind)) {
		php_beanstalk_bad_yaml(conn, verb);
	}
}

/* {{{ Queue::statsJob(Job|int $job): ?array */
PHP_METHOD(Beanstalk_Queue, statsJob)
{
	zend_object *job_obj = NULL;
	zend_long job_id = 0;
	uint64_t generation;
	bsc_yaml yaml;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_OBJ_OF_CLASS_OR_LONG(job_obj, php_beanstalk_job_ce, job_id)
	ZEND_PARSE_PARAMETERS_END();

	uint64_t id = php_beanstalk_job_target(job_obj, job_id, 1, Z_OBJ_P(ZEND_THIS), &generation);
	if (!id) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_CONN(conn);
	bsc_status st = bsc_stats_job(conn, id, &yaml);
	return_stats(return_value, conn, st, &yaml, BSC_STATS_JOB, "statsJob", id);
}
/* }}} */

/* {{{ Queue::statsTube(string $tube): ?array */
PHP_METHOD(Beanstalk_Queue, statsTube)
{
	zend_string *tube;
	bsc_yaml yaml;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(tube)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_tube(tube, 1, NULL)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_CONN(conn);
	bsc_status st = bsc_stats_tube(conn, ZSTR_VAL(tube), ZSTR_LEN(tube), &yaml);
	return_stats(return_value, conn, st, &yaml, BSC_STATS_TUBE, "statsTube", 0);
}
/* }}} */

/* {{{ Queue::stats(): array */
PHP_METHOD(Beanstalk_Queue, stats)
{
	bsc_yaml yaml;

	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_CONN(conn);
	bsc_status st = bsc_stats(conn, &yaml);
	return_stats(return_value, conn, st, &yaml, BSC_STATS_SERVER, "stats", 0);
}
/* }}} */

/* {{{ Queue::listTubes(): array */
PHP_METHOD(Beanstalk_Queue, listTubes)
{
	bsc_yaml yaml;

	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_CONN(conn);
	bsc_status st = bsc_list_tubes(conn, &yaml);
	if (st != BSC_OK) {
		php_beanstalk_throw(conn, st, "listTubes", 0);
		RETURN_THROWS();
	}
	if (!php_beanstalk_list_to_array(return_value, yaml.body, yaml.len)) {
		php_beanstalk_bad_yaml(conn, "listTubes");
		RETURN_THROWS();
	}
}
/* }}} */

/* {{{ Queue::pauseTube(string $tube, int $seconds): void */
PHP_METHOD(Beanstalk_Queue, pauseTube)
{
	zend_string *tube;
	zend_long seconds;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(tube)
		Z_PARAM_LONG(seconds)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_tube(tube, 1, NULL) || !php_beanstalk_check_u32(seconds, 2)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_CONN(conn);
	bsc_status st = bsc_pause_tube(conn, ZSTR_VAL(tube), ZSTR_LEN(tube), (uint32_t)seconds);
	if (st == BSC_NOT_FOUND) {
		php_beanstalk_throw_not_found("pauseTube", "%s has no tube \"%s\"", bsc_conn_name(conn), ZSTR_VAL(tube));
		RETURN_THROWS();
	}
	if (st != BSC_OK) {
		php_beanstalk_throw(conn, st, "pauseTube", 0);
		RETURN_THROWS();
	}
}
/* }}} */
