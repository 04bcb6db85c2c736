/*
 * Beanstalk\Queue: a connection to beanstalkd and its commands.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "beanstalk_private.h"
#include "src/client/pool.h"

#define DEFAULT_SERVER "127.0.0.1:11300"
/* beanstalkd 1.13 takes a reserve timeout up to INT_MAX only. */
#define SERVER_RESERVE_TIMEOUT_MAX 2147483647

static zend_object_handlers queue_handlers;

static inline php_beanstalk_queue *queue_from_obj(zend_object *obj)
{
	return php_beanstalk_queue_from_obj(obj);
}

/* In a child forked since the Queue was last used: its connections, and
 * the puts it did not wait for, are the parent's. Each connection forgets
 * its state (the next command connects anew); the puts are not the
 * child's to flush nor to warn of. */
static void queue_own(php_beanstalk_queue *q)
{
	uint64_t now = bsc_fork_epoch();

	if (EXPECTED(q->epoch == now)) {
		return;
	}
	q->epoch = now;
	for (size_t i = 0; i < q->n; i++) {
		bsc_conn_own(q->conns[i]);
		q->async.inherited[i] = 0;
	}
	q->async.len = 0;
}

size_t php_beanstalk_queue_servers(zend_object *obj)
{
	php_beanstalk_queue *q = queue_from_obj(obj);

	if (UNEXPECTED(q->n == 0)) {
		zend_throw_error(NULL, "Beanstalk\\Queue was not constructed");
	}
	queue_own(q);
	return q->n;
}

/* Server i's tube state: not settled, since tube changes go out with the
 * next command anyway. */
static bsc_tubes *queue_tubes(zend_object *obj, size_t i)
{
	return bsc_conn_tubes(queue_from_obj(obj)->conns[i]);
}

static zend_object *queue_create(zend_class_entry *ce)
{
	php_beanstalk_queue *q = zend_object_alloc(sizeof(php_beanstalk_queue), ce);

	zend_object_std_init(&q->std, ce);
	object_properties_init(&q->std, ce);
	q->std.handlers = &queue_handlers;
	return &q->std;
}

/* Lets go of the connections: a persistent one goes back to the process. */
static void queue_drop_conns(php_beanstalk_queue *q)
{
	bsc_pool_free(q->pool);
	for (size_t i = 0; i < q->n; i++) {
		if (q->pconns[i]) {
			php_beanstalk_persistent_give_back(q->pconns[i]);
		} else {
			bsc_conn_free(q->conns[i]);
		}
	}
	efree(q->conns);
	efree(q->pconns);
	php_beanstalk_async_free(&q->async);
	q->conns = NULL;
	q->pconns = NULL;
	q->pool = NULL;
	q->n = 0;
}

/* The end of the Queue, before it is freed: what it did not wait for is
 * read (or handed on with a persistent connection) and what failed told,
 * while the request can still show a warning. */
static void queue_dtor(zend_object *obj)
{
	if (queue_from_obj(obj)->n) {
		queue_own(queue_from_obj(obj));
		php_beanstalk_async_settle(obj);
	}
	zend_objects_destroy_object(obj);
}

static void queue_free(zend_object *obj)
{
	php_beanstalk_queue *q = queue_from_obj(obj);

	if (q->n) {
		queue_own(q);
		php_beanstalk_async_settle(obj);  /* nothing left, unless no destructor ran */
		queue_drop_conns(q);
	}
	zend_object_std_dtor(obj);
}

void php_beanstalk_queue_minit(zend_class_entry *ce)
{
	ce->create_object = queue_create;
	memcpy(&queue_handlers, zend_get_std_object_handlers(), sizeof(queue_handlers));
	queue_handlers.offset = XtOffsetOf(php_beanstalk_queue, std);
	queue_handlers.dtor_obj = queue_dtor;
	queue_handlers.free_obj = queue_free;
	queue_handlers.clone_obj = NULL;
}

/* {{{ connecting */
/* The tube and watch options, on one connection. */
static void apply_tube_options(bsc_conn *conn, const php_beanstalk_queue_options *opt)
{
	if (opt->tube) {
		bsc_tubes_use(bsc_conn_tubes(conn), ZSTR_VAL(opt->tube), ZSTR_LEN(opt->tube));
	}
	if (opt->watch) {
		zval *tube;
		bool has_default = false;
		ZEND_HASH_FOREACH_VAL(opt->watch, tube) {
			ZVAL_DEREF(tube);
			bsc_tubes_watch(bsc_conn_tubes(conn), Z_STRVAL_P(tube), Z_STRLEN_P(tube));
			has_default = has_default || zend_string_equals_literal(Z_STR_P(tube), "default");
		} ZEND_HASH_FOREACH_END();
		/* The list given is the whole list: "default" only when named. */
		if (!has_default) {
			bsc_tubes_ignore(bsc_conn_tubes(conn), BSC_DEFAULT_TUBE, strlen(BSC_DEFAULT_TUBE));
		}
	}
}

/* One server's connection: the process's persistent one under this
 * address (and pool id), or one of the Queue's own. NULL with errbuf set. */
static bsc_conn *server_conn(const zend_string *address, const php_beanstalk_queue_options *opt, php_beanstalk_pconn **pconn, char errbuf[BSC_ERRSTR_LEN])
{
	bsc_conn *conn = NULL;

	*pconn = NULL;
	errbuf[0] = '\0';
	if (opt->persistent) {
		zend_string *key = zend_strpprintf(0, "beanstalk:%s|%s", ZSTR_VAL(address), opt->pool_id ? ZSTR_VAL(opt->pool_id) : "");
		conn = php_beanstalk_persistent_take(key, ZSTR_VAL(address), ZSTR_LEN(address), &opt->conn, errbuf, pconn);
		zend_string_release(key);
	}
	/* Not persistent, or its persistent connection is taken by another
	 * Queue of this request: a connection of its own. */
	if (!conn && !errbuf[0]) {
		conn = bsc_conn_new(ZSTR_VAL(address), ZSTR_LEN(address), &opt->conn, errbuf);
	}
	if (conn) {
		apply_tube_options(conn, opt);
		bsc_conn_set_coalesce(conn, opt->coalesce);
	}
	return conn;
}

/* Makes the connections (and the pool) of n servers into q. */
static bool queue_connect(php_beanstalk_queue *q, zend_string *const *addresses, size_t n, const php_beanstalk_queue_options *opt)
{
	char errbuf[BSC_ERRSTR_LEN];
	bsc_conn **conns = safe_emalloc(n, sizeof(*conns), 0);
	php_beanstalk_pconn **pconns = safe_emalloc(n, sizeof(*pconns), 0);
	size_t made = 0;

	for (; made < n; made++) {
		conns[made] = server_conn(addresses[made], opt, &pconns[made], errbuf);
		if (!conns[made]) {
			break;
		}
	}
	bsc_pool *pool = made == n ? bsc_pool_new(conns, n) : NULL;
	if (made < n || !pool) {
		if (made == n) {
			snprintf(errbuf, sizeof(errbuf), "out of memory");
		}
		php_beanstalk_queue failed = { .n = made, .conns = conns, .pconns = pconns };
		queue_drop_conns(&failed);
		if (n > 1) {
			zend_argument_value_error(1, "server %zu: %s", made, errbuf);
		} else {
			zend_argument_value_error(1, "%s", errbuf);
		}
		return false;
	}
	if (q->n) {
		php_beanstalk_async_settle(&q->std);
		queue_drop_conns(q);
	}
	q->n = n;
	q->conns = conns;
	q->pconns = pconns;
	q->pool = pool;
	q->epoch = bsc_fork_epoch();
	php_beanstalk_async_adopt(&q->std);
	return true;
}
/* }}} */

/* {{{ Queue::__construct(string|array $servers = "127.0.0.1:11300", array $options = []) */
PHP_METHOD(Beanstalk_Queue, __construct)
{
	zend_string *servers_str = NULL;
	HashTable *servers_list = NULL, *options = NULL;
	php_beanstalk_queue_options opt;
	size_t n;

	ZEND_PARSE_PARAMETERS_START(0, 2)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT_OR_STR(servers_list, servers_str)
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	zend_string *fallback = NULL;
	if (!servers_str && !servers_list) {
		servers_str = fallback = zend_string_init(DEFAULT_SERVER, strlen(DEFAULT_SERVER), 0);
	}
	zend_string **addresses = php_beanstalk_server_addresses(servers_str, servers_list, &n);
	if (addresses && php_beanstalk_queue_options_parse(options ? options : (HashTable *)&zend_empty_array, &opt)) {
		queue_connect(queue_from_obj(Z_OBJ_P(ZEND_THIS)), addresses, n, &opt);
	}
	if (addresses) {
		efree(addresses);
	}
	if (fallback) {
		zend_string_release(fallback);
	}
}
/* }}} */

void php_beanstalk_throw_put(zend_object *queue, size_t server, bsc_status st, const char *verb, size_t len, uint64_t id)
{
	bsc_pool *pool = php_beanstalk_queue_pool(queue);
	bsc_conn *conn = php_beanstalk_queue_server(queue, server);

	if (st == BSC_SERVER_ERROR && bsc_conn_server_error(conn) == BSC_REPLY_JOB_TOO_BIG) {
		php_beanstalk_throw_too_big(conn, verb, "the job", len);
	} else if (pool && bsc_status_is_failure(st)) {
		php_beanstalk_throw_pool(pool, st, verb);
	} else {
		php_beanstalk_throw(conn, st, verb, id);
	}
}

/* {{{ Queue::put(string $data, int $priority = 1024, int $delay = 0, int $ttr = 60): int */
PHP_METHOD(Beanstalk_Queue, put)
{
	zend_string *data;
	zend_long priority = BSC_DEFAULT_PRIORITY, delay = 0, ttr = BSC_DEFAULT_TTR;
	uint64_t id = 0;

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
	bsc_pool *pool = php_beanstalk_queue_pool(Z_OBJ_P(ZEND_THIS));
	size_t server = 0;
	bsc_conn *conn = php_beanstalk_queue_server(Z_OBJ_P(ZEND_THIS), 0);
	bsc_status st = pool ? bsc_pool_put(pool, (uint32_t)priority, (uint32_t)delay, (uint32_t)ttr, ZSTR_VAL(data), ZSTR_LEN(data), &id, &server)
		: bsc_put(conn, (uint32_t)priority, (uint32_t)delay, (uint32_t)ttr, ZSTR_VAL(data), ZSTR_LEN(data), &id);
	if (UNEXPECTED(st != BSC_OK)) {
		php_beanstalk_throw_put(Z_OBJ_P(ZEND_THIS), server, st, "put", ZSTR_LEN(data), id);
		RETURN_THROWS();
	}
	RETURN_LONG((zend_long)id);
}
/* }}} */

/* {{{ Queue::useTube(string $tube): static */
PHP_METHOD(Beanstalk_Queue, useTube)
{
	zend_string *tube;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(tube)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_tube(tube, 1, NULL)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	for (size_t i = 0; i < n; i++) {
		bsc_tubes_use(queue_tubes(Z_OBJ_P(ZEND_THIS), i), ZSTR_VAL(tube), ZSTR_LEN(tube));
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}
/* }}} */

/* {{{ Queue::usedTube(): string */
PHP_METHOD(Beanstalk_Queue, usedTube)
{
	size_t len;

	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	const char *name = bsc_tubes_used(queue_tubes(Z_OBJ_P(ZEND_THIS), 0), &len);
	RETURN_STRINGL(name, len);
}
/* }}} */

/* {{{ Queue::watch(string $tube): static */
PHP_METHOD(Beanstalk_Queue, watch)
{
	zend_string *tube;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(tube)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_tube(tube, 1, NULL)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	for (size_t i = 0; i < n; i++) {
		if (!bsc_tubes_watch(queue_tubes(Z_OBJ_P(ZEND_THIS), i), ZSTR_VAL(tube), ZSTR_LEN(tube))) {
			zend_throw_error(NULL, "Out of memory");
			RETURN_THROWS();
		}
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}
/* }}} */

/* {{{ Queue::ignore(string $tube): static */
PHP_METHOD(Beanstalk_Queue, ignore)
{
	zend_string *tube;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_STR(tube)
	ZEND_PARSE_PARAMETERS_END();

	if (!php_beanstalk_check_tube(tube, 1, NULL)) {
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	/* Every server watches the same tubes: the first one answers for all. */
	for (size_t i = 0; i < n; i++) {
		if (!bsc_tubes_ignore(queue_tubes(Z_OBJ_P(ZEND_THIS), i), ZSTR_VAL(tube), ZSTR_LEN(tube))) {
			zend_argument_value_error(1, "cannot ignore \"%s\": it is the only watched tube (watch another one first)", ZSTR_VAL(tube));
			RETURN_THROWS();
		}
	}
	RETURN_OBJ_COPY(Z_OBJ_P(ZEND_THIS));
}
/* }}} */

/* {{{ Queue::watchedTubes(): array */
PHP_METHOD(Beanstalk_Queue, watchedTubes)
{
	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_SERVERS(servers);
	bsc_tubes *tubes = queue_tubes(Z_OBJ_P(ZEND_THIS), 0);
	size_t n = bsc_tubes_watch_count(tubes);
	array_init_size(return_value, (uint32_t)n);
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *name = bsc_tubes_watched(tubes, i, &len);
		add_next_index_stringl(return_value, name, len);
	}
}
/* }}} */

/* A wait for a job gives way to a signal that PHP code handles (pcntl with
 * async signals, or a time limit): the engine raises vm_interrupt for it. */
static bool php_interrupt_pending(void *ctx)
{
	return zend_atomic_bool_load_ex(&EG(vm_interrupt));
}

/* {{{ Queue::reserve(?int $timeout = null): ?Job */
PHP_METHOD(Beanstalk_Queue, reserve)
{
	zend_long timeout = 0;
	bool timeout_is_null = true;
	bsc_job job;

	ZEND_PARSE_PARAMETERS_START(0, 1)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG_OR_NULL(timeout, timeout_is_null)
	ZEND_PARSE_PARAMETERS_END();

	if (!timeout_is_null && (timeout < 0 || timeout > SERVER_RESERVE_TIMEOUT_MAX)) {
		zend_argument_value_error(1, "must be null or between 0 and %d", SERVER_RESERVE_TIMEOUT_MAX);
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	php_beanstalk_queue *q = queue_from_obj(Z_OBJ_P(ZEND_THIS));
	bsc_pool *pool = q->pool;
	bsc_conn *conn = q->conns[0];
	size_t server = 0;
	bsc_status st;
	/* One server: a plain reserve, unless a Worker's run left a job kept
	 * ahead (the pool hands it out first). */
	if (n > 1 || bsc_pool_has_job(pool)) {
		/* Put back after: a Worker's handler may be the caller. */
		bsc_interrupt before = bsc_pool_set_interrupt(pool, php_interrupt_pending, NULL);
		st = bsc_pool_reserve(pool, timeout_is_null ? -1 : (int64_t)timeout, &job, &server);
		bsc_pool_set_interrupt(pool, before.fn, before.ctx);
		conn = bsc_pool_conn(pool, server);
	} else {
		bsc_interrupt before = bsc_conn_set_interrupt(conn, php_interrupt_pending, NULL);
		st = bsc_reserve(conn, timeout_is_null ? -1 : (int64_t)timeout, &job);
		bsc_conn_set_interrupt(conn, before.fn, before.ctx);
	}
	switch (st) {
	case BSC_OK:
		php_beanstalk_job_create(return_value, Z_OBJ_P(ZEND_THIS), server, conn, job.id, job.body, job.body_len);
		return;
	case BSC_TIMED_OUT:
	/* The connection was closed, so a job the server reserved for us after
	 * the signal went back to the ready queue: nothing is lost. */
	case BSC_ERR_INTERRUPTED:
		RETURN_NULL();
	default:
		if (n > 1 && bsc_status_is_failure(st)) {
			php_beanstalk_throw_pool(pool, st, "reserve");
		} else {
			php_beanstalk_throw(conn, st, "reserve", 0);
		}
		RETURN_THROWS();
	}
}
/* }}} */

/* Parses (Job|int $job [, int $priority [, int $delay]]) and runs op. */
static void queue_job_command(INTERNAL_FUNCTION_PARAMETERS, php_beanstalk_job_op op, uint32_t max_args)
{
	zend_object *job_obj = NULL;
	zend_long job_id = 0, priority = BSC_DEFAULT_PRIORITY, delay = 0;

	ZEND_PARSE_PARAMETERS_START(1, max_args)
		Z_PARAM_OBJ_OF_CLASS_OR_LONG(job_obj, php_beanstalk_job_ce, job_id)
		Z_PARAM_OPTIONAL
		Z_PARAM_LONG(priority)
		Z_PARAM_LONG(delay)
	ZEND_PARSE_PARAMETERS_END();

	uint64_t generation;
	size_t server;
	uint64_t id = php_beanstalk_job_target(job_obj, job_id, 1, Z_OBJ_P(ZEND_THIS), &server, &generation);
	if (!id || !php_beanstalk_check_u32(priority, 2) || !php_beanstalk_check_u32(delay, 3)) {
		RETURN_THROWS();
	}
	bsc_conn *conn = php_beanstalk_queue_server(Z_OBJ_P(ZEND_THIS), server);
	if (!php_beanstalk_job_command(conn, op, id, generation, priority, delay)) {
		RETURN_THROWS();
	}
}

/* {{{ Queue::delete(Job|int $job): void */
PHP_METHOD(Beanstalk_Queue, delete)
{
	queue_job_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, PHP_BEANSTALK_DELETE, 1);
}
/* }}} */

/* {{{ Queue::release(Job|int $job, int $priority = 1024, int $delay = 0): void */
PHP_METHOD(Beanstalk_Queue, release)
{
	queue_job_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, PHP_BEANSTALK_RELEASE, 3);
}
/* }}} */

/* {{{ Queue::bury(Job|int $job, int $priority = 1024): void */
PHP_METHOD(Beanstalk_Queue, bury)
{
	queue_job_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, PHP_BEANSTALK_BURY, 2);
}
/* }}} */

/* {{{ Queue::touch(Job|int $job): void */
PHP_METHOD(Beanstalk_Queue, touch)
{
	queue_job_command(INTERNAL_FUNCTION_PARAM_PASSTHRU, PHP_BEANSTALK_TOUCH, 1);
}
/* }}} */

/* {{{ Queue::close(): void */
PHP_METHOD(Beanstalk_Queue, close)
{
	ZEND_PARSE_PARAMETERS_NONE();
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	for (size_t i = 0; i < n; i++) {
		/* Their outcomes stay for flush(). */
		php_beanstalk_async_read(Z_OBJ_P(ZEND_THIS), i, false);
		bsc_conn_close(queue_from_obj(Z_OBJ_P(ZEND_THIS))->conns[i]);
	}
}
/* }}} */

void php_beanstalk_queue_job_by_id(INTERNAL_FUNCTION_PARAMETERS, php_beanstalk_id_command command, const char *verb)
{
	zend_long id;
	bsc_job job;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_LONG(id)
	ZEND_PARSE_PARAMETERS_END();

	if (id <= 0) {
		zend_argument_value_error(1, "must be greater than 0");
		RETURN_THROWS();
	}
	PHP_BEANSTALK_QUEUE_SERVERS(n);
	if (n > 1) {
		zend_argument_value_error(1, "cannot name a job on a Queue of several servers: a job id alone does not say which server has it");
		RETURN_THROWS();
	}
	bsc_conn *conn = php_beanstalk_queue_server(Z_OBJ_P(ZEND_THIS), 0);
	bsc_status st = command(conn, (uint64_t)id, &job);
	php_beanstalk_return_job(return_value, Z_OBJ_P(ZEND_THIS), 0, conn, st, &job, verb, (uint64_t)id);
}

/* {{{ Queue::reserveJob(int $id): ?Job */
PHP_METHOD(Beanstalk_Queue, reserveJob)
{
	php_beanstalk_queue_job_by_id(INTERNAL_FUNCTION_PARAM_PASSTHRU, bsc_reserve_job, "reserveJob");
}
/* }}} */
