/*
 * Beanstalk\Job: a reserved job, bound to the Queue (connection) it came from.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"

/* Slots of the declared properties, in stub order. */
#define JOB_PROP_ID 0
#define JOB_PROP_DATA 1
#define JOB_PROP_SERVER 2

typedef struct {
	zval queue;            /* the Queue object, or UNDEF */
	size_t server;         /* which of the queue's servers it came from */
	uint64_t generation;   /* of that server's connection when the job came */
	zend_object std;
} php_beanstalk_job;

static zend_object_handlers job_handlers;

static inline php_beanstalk_job *job_from_obj(zend_object *obj)
{
	return (php_beanstalk_job *)((char *)obj - XtOffsetOf(php_beanstalk_job, std));
}

static zend_object *job_create(zend_class_entry *ce)
{
	php_beanstalk_job *job = zend_object_alloc(sizeof(php_beanstalk_job), ce);

	zend_object_std_init(&job->std, ce);
	object_properties_init(&job->std, ce);
	job->std.handlers = &job_handlers;
	ZVAL_UNDEF(&job->queue);
	return &job->std;
}

static void job_free(zend_object *obj)
{
	php_beanstalk_job *job = job_from_obj(obj);

	zval_ptr_dtor(&job->queue);
	zend_object_std_dtor(obj);
}

static HashTable *job_get_gc(zend_object *obj, zval **table, int *n)
{
	php_beanstalk_job *job = job_from_obj(obj);

	*table = &job->queue;
	*n = Z_ISUNDEF(job->queue) ? 0 : 1;
	return zend_std_get_properties(obj);
}

void php_beanstalk_job_minit(zend_class_entry *ce)
{
	ce->create_object = job_create;
	memcpy(&job_handlers, zend_get_std_object_handlers(), sizeof(job_handlers));
	job_handlers.offset = XtOffsetOf(php_beanstalk_job, std);
	job_handlers.free_obj = job_free;
	job_handlers.get_gc = job_get_gc;
	job_handlers.clone_obj = NULL;
}

void php_beanstalk_job_create(zval *out, zend_object *queue, size_t server, bsc_conn *conn, uint64_t id, const char *data, size_t len)
{
	object_init_ex(out, php_beanstalk_job_ce);
	php_beanstalk_job *job = job_from_obj(Z_OBJ_P(out));

	ZVAL_LONG(OBJ_PROP_NUM(&job->std, JOB_PROP_ID), (zend_long)id);
	ZVAL_STRINGL_FAST(OBJ_PROP_NUM(&job->std, JOB_PROP_DATA), data, len);
	ZVAL_STRING(OBJ_PROP_NUM(&job->std, JOB_PROP_SERVER), bsc_conn_name(conn));
	GC_ADDREF(queue);
	ZVAL_OBJ(&job->queue, queue);
	job->server = server;
	job->generation = bsc_conn_generation(conn);
}

/* The Job from a RESERVED or FOUND answer; null for NOT_FOUND. */
void php_beanstalk_return_job(zval *return_value, zend_object *queue, size_t server, bsc_conn *conn, bsc_status st, const bsc_job *job, const char *verb, uint64_t id)
{
	if (st == BSC_OK) {
		php_beanstalk_job_create(return_value, queue, server, conn, job->id, job->body, job->body_len);
	} else if (st == BSC_NOT_FOUND) {
		RETVAL_NULL();
	} else {
		php_beanstalk_throw(conn, st, verb, id);
	}
}

static uint64_t job_id(zend_object *obj)
{
	zval *id = OBJ_PROP_NUM(obj, JOB_PROP_ID);

	return Z_TYPE_P(id) == IS_LONG ? (uint64_t)Z_LVAL_P(id) : 0;
}

/* The server of queue by this name ("host:port"), or SIZE_MAX. */
static size_t find_server(zend_object *queue, const char *name)
{
	php_beanstalk_queue *q = php_beanstalk_queue_from_obj(queue);

	for (size_t i = 0; i < q->n; i++) {
		if (strcmp(bsc_conn_name(q->conns[i]), name) == 0) {
			return i;
		}
	}
	return SIZE_MAX;
}

void php_beanstalk_ids_are_per_server(uint32_t arg_num)
{
	zend_argument_value_error(arg_num, "must be a Beanstalk\\Job on a Queue of several servers: a job id alone does not say which server has it");
}

uint64_t php_beanstalk_job_target(zend_object *obj, zend_long id, uint32_t arg_num, zend_object *queue, size_t *server, uint64_t *generation)
{
	*generation = 0;
	*server = 0;
	if (obj) {
		php_beanstalk_job *job = job_from_obj(obj);
		if (Z_TYPE(job->queue) == IS_OBJECT && Z_OBJ(job->queue) == queue) {
			*generation = job->generation;
			*server = job->server;
		} else if (php_beanstalk_queue_servers(queue) > 1) {
			/* A job of another Queue: by the name of its server. */
			zval *name = OBJ_PROP_NUM(obj, JOB_PROP_SERVER);
			*server = Z_TYPE_P(name) == IS_STRING ? find_server(queue, Z_STRVAL_P(name)) : SIZE_MAX;
			if (*server == SIZE_MAX) {
				zend_argument_value_error(arg_num, "is a job of a server this Queue does not have");
				return 0;
			}
		}
		return job_id(obj);
	}
	if (id <= 0) {
		zend_argument_value_error(arg_num, "must be a Beanstalk\\Job or a job id greater than 0");
		return 0;
	}
	if (php_beanstalk_queue_servers(queue) > 1) {
		php_beanstalk_ids_are_per_server(arg_num);
		return 0;
	}
	return (uint64_t)id;
}

bool php_beanstalk_job_command(bsc_conn *conn, php_beanstalk_job_op op, uint64_t id, uint64_t generation, zend_long priority, zend_long delay)
{
	static const char *const verbs[] = { "delete", "release", "bury", "touch" };
	bsc_status st;

	bsc_conn_pin(conn, generation);
	switch (op) {
	case PHP_BEANSTALK_DELETE:
		st = bsc_delete(conn, id);
		break;
	case PHP_BEANSTALK_RELEASE:
		st = bsc_release(conn, id, (uint32_t)priority, (uint32_t)delay);
		break;
	case PHP_BEANSTALK_BURY:
		st = bsc_bury(conn, id, (uint32_t)priority);
		break;
	default:
		st = bsc_touch(conn, id);
		break;
	}
	if (UNEXPECTED(st == BSC_NOT_FOUND && bsc_conn_inherited(conn, generation))) {
		php_beanstalk_throw_not_found(verbs[op], "job %" PRIu64 " was reserved by the process this one was forked from: it is that process's to %s",
			id, verbs[op]);
		return false;
	}
	if (UNEXPECTED(st == BSC_NOT_FOUND && generation != 0 && bsc_conn_generation(conn) != generation)) {
		php_beanstalk_throw_not_found(verbs[op], "job %" PRIu64 " was reserved on a connection to %s that is gone; the server has put it back",
			id, bsc_conn_name(conn));
		return false;
	}
	if (UNEXPECTED(st != BSC_OK)) {
		php_beanstalk_throw(conn, st, verbs[op], id);
		return false;
	}
	return true;
}

/* Runs op for this job on the connection it came from. */
static void job_command(INTERNAL_FUNCTION_PARAMETERS, php_beanstalk_job_op op, uint32_t max_args)
{
	zend_long priority = BSC_DEFAULT_PRIORITY, delay = 0;

	ZEND_PARSE_PARAMETERS_START(0, max_args)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(priority)
		Z_PARAM_LONG(delay)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_u32(priority, 1) || !php_beanstalk_check_u32(delay, 2)) {
		RETURN_THROWS();
	}
	php_beanstalk_job *job = job_from_obj(Z_OBJ_P(ZEND_THIS));
	if (Z_ISUNDEF(job->queue)) {
		zend_throw_error(NULL, "Beanstalk\\Job was not created by a Queue");
		RETURN_THROWS();
	}
	if (!php_beanstalk_queue_servers(Z_OBJ(job->queue))) {
		RETURN_THROWS();
	}
	bsc_conn *conn = php_beanstalk_queue_server(Z_OBJ(job->queue), job->server);
	if (!php_beanstalk_job_command(conn, op, job_id(&job->std), job->generation, priority, delay)) {
		RETURN_THROWS();
	}
}

/* {{{ Job::__construct(): jobs come from Queue::reserve() */
PHP_METHOD(Beanstalk_Job, __construct)
{
	ZEND_PARSE_PARAMETERS_NONE();
}
/* }}} */

/* {{{ Job::delete(): void */
PHP_METHOD(Beanstalk_Job, delete)
{
	job_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, PHP_BEANSTALK_DELETE, 0);
}
/* }}} */

/* {{{ Job::release(int $priority = 1024, int $delay = 0): void */
PHP_METHOD(Beanstalk_Job, release)
{
	job_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, PHP_BEANSTALK_RELEASE, 2);
}
/* }}} */

/* {{{ Job::bury(int $priority = 1024): void */
PHP_METHOD(Beanstalk_Job, bury)
{
	job_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, PHP_BEANSTALK_BURY, 1);
}
/* }}} */

/* {{{ Job::stats(): array */
PHP_METHOD(Beanstalk_Job, stats)
{
	bsc_yaml yaml;

	ZEND_PARSE_PARAMETERS_NONE();
	php_beanstalk_job *job = job_from_obj(Z_OBJ_P(ZEND_THIS));
	if (Z_ISUNDEF(job->queue)) {
		zend_throw_error(NULL, "Beanstalk\\Job was not created by a Queue");
		RETURN_THROWS();
	}
	if (!php_beanstalk_queue_servers(Z_OBJ(job->queue))) {
		RETURN_THROWS();
	}
	bsc_conn *conn = php_beanstalk_queue_server(Z_OBJ(job->queue), job->server);
	uint64_t id = job_id(&job->std);
	bsc_status st = bsc_stats_job(conn, id, &yaml);
	if (st == BSC_NOT_FOUND) {
		/* Not "or not reserved by this connection": any connection may ask. */
		php_beanstalk_throw_not_found("stats", "job %" PRIu64 " not found on %s", id, bsc_conn_name(conn));
		RETURN_THROWS();
	}
	if (st != BSC_OK) {
		php_beanstalk_throw(conn, st, "stats", id);
		RETURN_THROWS();
	}
	if (!php_beanstalk_stats_to_array(return_value, yaml.body, yaml.len, BSC_STATS_JOB)) {
		php_beanstalk_bad_yaml(conn, "stats");
		RETURN_THROWS();
	}
}
/* }}} */

/* {{{ Job::touch(): void */
PHP_METHOD(Beanstalk_Job, touch)
{
	job_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, PHP_BEANSTALK_TOUCH, 0);
}
/* }}} */
