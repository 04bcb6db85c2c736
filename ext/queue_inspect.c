/*
 * Beanstalk\Queue, managing and inspecting: kick, peek, stats, tubes.
 * (The class's object, construction and job commands are in queue.c.)
 *
 * On a Queue of several servers, what concerns the queue as a whole goes to
 * every server: kick and pauseTube act on each (kick counts them all),
 * stats and statsTube answer per server (a server that fails with its
 * exception), listTubes gives the union, and the peeks return the first job
 * any server has. What concerns one job goes to
 * the server the Job came from.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"

#define THIS_QUEUE Z_OBJ_P(ZEND_THIS)

/* {{{ Queue::kick(int $bound): int */
PHP_METHOD(Beanstalk_Queue, kick)
{
	zend_long bound;
	uint64_t total = 0;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_LONG(bound)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_u32(bound, 1)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	for (size_t i = 0; i < n; i++) {
		bsc_conn *conn = php_beanstalk_queue_server(THIS_QUEUE, i);
		uint64_t kicked = 0;
		bsc_status st = bsc_kick(conn, (uint32_t)bound, &kicked);
		if (st != BSC_OK) {
			php_beanstalk_throw(conn, st, "kick", 0);
			RETURN_THROWS();
		}
		total += kicked;
	}
	RETURN_LONG((zend_long)total);
}
/* }}} */

/* {{{ Queue::kickJob(Job|int $job): bool */
PHP_METHOD(Beanstalk_Queue, kickJob)
{
	zend_object *job_obj = NULL;
	zend_long job_id = 0;
	uint64_t generation;
	size_t server;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_OBJ_OF_CLASS_OR_LONG(job_obj, php_beanstalk_job_ce, job_id)
	ZEND_PARSE_PARAMETERS_END();

	uint64_t id = php_beanstalk_job_target(job_obj, job_id, 1, THIS_QUEUE, &server, &generation);
	if (!id) {
		RETURN_THROWS();
	}
	bsc_conn *conn = php_beanstalk_queue_server(THIS_QUEUE, server);
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

/* The first job any server has in that state. */
static void queue_peek_next(INTERNAL_FUNCTION_PARAMETERS, bsc_peek_which which, const char *verb)
{
	bsc_job job;

	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	for (size_t i = 0; i < n; i++) {
		bsc_conn *conn = php_beanstalk_queue_server(THIS_QUEUE, i);
		bsc_status st = bsc_peek_next(conn, which, &job);
		if (st != BSC_NOT_FOUND || i == n - 1) {
			php_beanstalk_return_job(return_value, THIS_QUEUE, i, conn, st, &job, verb, 0);
			return;
		}
	}
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

/* A stats answer as an array in *out; null for NOT_FOUND. False after
 * throwing. */
static bool stats_answer(zval *out, bsc_conn *conn, bsc_status st, const bsc_yaml *yaml, bsc_stats_kind kind, const char *verb, uint64_t id)
{
	if (st == BSC_NOT_FOUND) {
		ZVAL_NULL(out);
		return true;
	}
	if (st != BSC_OK) {
		php_beanstalk_throw(conn, st, verb, id);
		return false;
	}
	if (!php_beanstalk_stats_to_array(out, yaml->body, yaml->len, kind)) {
		php_beanstalk_bad_yaml(conn, verb);
		return false;
	}
	return true;
}

/* A stats command of the queue as a whole: one server's answer, or on a
 * pool an array of every server's keyed by its name. */
typedef bsc_status (*queue_stats_command)(bsc_conn *conn, const zend_string *tube, bsc_yaml *out);

/* A server's failure as its entry in a pool's answer, so that one server
 * away costs a dashboard that server's figures only: the exception it
 * would have thrown alone, taken out of flight. */
static void failure_entry(zval *out)
{
	ZVAL_OBJ_COPY(out, EG(exception));
	zend_clear_exception();
}

static void queue_stats(INTERNAL_FUNCTION_PARAMETERS, queue_stats_command command, const zend_string *tube, bsc_stats_kind kind, const char *verb)
{
	bsc_yaml yaml;
	zval answer;

	PHP_BEANSTALK_QUEUE_SERVERS(n);
	if (n == 1) {
		bsc_conn *conn = php_beanstalk_queue_server(THIS_QUEUE, 0);
		if (stats_answer(return_value, conn, command(conn, tube, &yaml), &yaml, kind, verb, 0)) {
			return;
		}
		RETURN_THROWS();
	}
	array_init_size(return_value, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		bsc_conn *conn = php_beanstalk_queue_server(THIS_QUEUE, i);
		if (!stats_answer(&answer, conn, command(conn, tube, &yaml), &yaml, kind, verb, 0)) {
			failure_entry(&answer);
		}
		add_assoc_zval(return_value, bsc_conn_name(conn), &answer);
	}
}

static bsc_status server_stats(bsc_conn *conn, const zend_string *tube, bsc_yaml *out)
{
	(void)tube;
	return bsc_stats(conn, out);
}

static bsc_status tube_stats(bsc_conn *conn, const zend_string *tube, bsc_yaml *out)
{
	return bsc_stats_tube(conn, ZSTR_VAL(tube), ZSTR_LEN(tube), out);
}

/* {{{ Queue::statsJob(Job|int $job): ?array */
PHP_METHOD(Beanstalk_Queue, statsJob)
{
	zend_object *job_obj = NULL;
	zend_long job_id = 0;
	uint64_t generation;
	size_t server;
	bsc_yaml yaml;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_OBJ_OF_CLASS_OR_LONG(job_obj, php_beanstalk_job_ce, job_id)
	ZEND_PARSE_PARAMETERS_END();

	uint64_t id = php_beanstalk_job_target(job_obj, job_id, 1, THIS_QUEUE, &server, &generation);
	if (!id) {
		RETURN_THROWS();
	}
	bsc_conn *conn = php_beanstalk_queue_server(THIS_QUEUE, server);
	if (!stats_answer(return_value, conn, bsc_stats_job(conn, id, &yaml), &yaml, BSC_STATS_JOB, "statsJob", id)) {
		RETURN_THROWS();
	}
}
/* }}} */

/* {{{ Queue::statsTube(string $tube): ?array */
PHP_METHOD(Beanstalk_Queue, statsTube)
{
	zend_string *tube;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(tube)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_tube(tube, 1, NULL)) {
		RETURN_THROWS();
	}
	queue_stats(INTERNAL_FUNCTION_PARAM_PASSTHRU, tube_stats, tube, BSC_STATS_TUBE, "statsTube");
}
/* }}} */

/* {{{ Queue::stats(): array */
PHP_METHOD(Beanstalk_Queue, stats)
{
	ZEND_PARSE_PARAMETERS_NONE();
	queue_stats(INTERNAL_FUNCTION_PARAM_PASSTHRU, server_stats, NULL, BSC_STATS_SERVER, "stats");
}
/* }}} */

/* {{{ Queue::listTubes(): array */
PHP_METHOD(Beanstalk_Queue, listTubes)
{
	bsc_yaml yaml;
	zval tubes, *name;
	HashTable seen;

	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	array_init(return_value);
	zend_hash_init(&seen, 8, NULL, NULL, 0);
	for (size_t i = 0; i < n; i++) {
		bsc_conn *conn = php_beanstalk_queue_server(THIS_QUEUE, i);
		bsc_status st = bsc_list_tubes(conn, &yaml);
		if (st != BSC_OK || !php_beanstalk_list_to_array(&tubes, yaml.body, yaml.len)) {
			if (st != BSC_OK) {
				php_beanstalk_throw(conn, st, "listTubes", 0);
			} else {
				php_beanstalk_bad_yaml(conn, "listTubes");
			}
			zend_hash_destroy(&seen);
			RETURN_THROWS();
		}
		/* The union, in the order the names first come. */
		ZEND_HASH_FOREACH_VAL(Z_ARRVAL(tubes), name) {
			if (zend_hash_add_empty_element(&seen, Z_STR_P(name))) {
				Z_ADDREF_P(name);
				add_next_index_zval(return_value, name);
			}
		} ZEND_HASH_FOREACH_END();
		zval_ptr_dtor(&tubes);
	}
	zend_hash_destroy(&seen);
}
/* }}} */

/* {{{ Queue::pauseTube(string $tube, int $seconds): void */
PHP_METHOD(Beanstalk_Queue, pauseTube)
{
	zend_string *tube;
	zend_long seconds;
	size_t found = 0;

	ZEND_PARSE_PARAMETERS_START(2, 2)
		Z_PARAM_STR(tube)
		Z_PARAM_LONG(seconds)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_tube(tube, 1, NULL) || !php_beanstalk_check_u32(seconds, 2)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	for (size_t i = 0; i < n; i++) {
		bsc_conn *conn = php_beanstalk_queue_server(THIS_QUEUE, i);
		bsc_status st = bsc_pause_tube(conn, ZSTR_VAL(tube), ZSTR_LEN(tube), (uint32_t)seconds);
		if (st != BSC_OK && st != BSC_NOT_FOUND) {
			php_beanstalk_throw(conn, st, "pauseTube", 0);
			RETURN_THROWS();
		}
		found += st == BSC_OK;
	}
	if (found == 0 && n == 1) {
		php_beanstalk_throw_not_found("pauseTube", "%s has no tube \"%s\"", bsc_conn_name(php_beanstalk_queue_server(THIS_QUEUE, 0)), ZSTR_VAL(tube));
		RETURN_THROWS();
	}
	if (found == 0) {
		php_beanstalk_throw_not_found("pauseTube", "no server has a tube \"%s\"", ZSTR_VAL(tube));
		RETURN_THROWS();
	}
}
/* }}} */
