/*
 * beanstalk: what the files of ext/ share, and nothing else sees: the
 * module globals, the classes' internal entry points, the argument checks
 * (args.h) and the mapping of src/'s statuses to exceptions.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BEANSTALK_PRIVATE_H
#define BEANSTALK_PRIVATE_H

/* What ext/ uses of the C library, said here rather than left to php.h:
 * PHP 8.3 trimmed the headers the Zend headers bring in. */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "php.h"
#include "php_beanstalk.h"
#include "args.h"
#include "src/client/command.h"
#include "src/client/conn.h"
#include "src/client/pool.h"
#include "src/monitor/redis.h"
#include "src/proto/stats.h"
#include "src/monitor/statsd.h"
#include "src/worker/worker.h"

ZEND_BEGIN_MODULE_GLOBALS(beanstalk)
	double connect_timeout;   /* beanstalk.connect_timeout */
	double timeout;           /* beanstalk.timeout */
ZEND_END_MODULE_GLOBALS(beanstalk)

ZEND_EXTERN_MODULE_GLOBALS(beanstalk)
#define BEANSTALK_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(beanstalk, v)

/* ext/async.c: a Queue's puts that do not wait, beside its connections. */
typedef struct {
	uint32_t *order;     /* on a pool: the server of each putAsync since the last flush */
	size_t len, cap;
	size_t *inherited;   /* per server: the oldest puts on its connection are an earlier request's */
} php_beanstalk_async;

typedef struct php_beanstalk_pconn php_beanstalk_pconn;

/* ext/queue.c: Beanstalk\Queue. */
typedef struct {
	size_t n;                     /* servers: 1, or several (a pool); 0 before construction */
	bsc_conn **conns;             /* one per server */
	php_beanstalk_pconn **pconns; /* the persistent slot of each, or NULL: the Queue's own */
	bsc_pool *pool;               /* the engine over the n servers: reserve on several, and a Worker's */
	php_beanstalk_async async;    /* the puts that did not wait (ext/async.c) */
	uint64_t epoch;               /* bsc_fork_epoch() of the process it was made or last used in */
	zend_object std;
} php_beanstalk_queue;

static inline php_beanstalk_queue *php_beanstalk_queue_from_obj(zend_object *obj)
{
	return (php_beanstalk_queue *)((char *)obj - XtOffsetOf(php_beanstalk_queue, std));
}

/* The pool of a Queue of several servers, as its API sees it (puts spread,
 * ids per server); NULL for one server. */
static inline bsc_pool *php_beanstalk_queue_pool(zend_object *obj)
{
	php_beanstalk_queue *q = php_beanstalk_queue_from_obj(obj);

	return q->n > 1 ? q->pool : NULL;
}

/* Server i's connection. */
static inline bsc_conn *php_beanstalk_queue_server(zend_object *obj, size_t i)
{
	return php_beanstalk_queue_from_obj(obj)->conns[i];
}

/* The body of the Queue methods that take (int $id) and answer with a job
 * or null: reserveJob and peek. */
typedef bsc_status (*php_beanstalk_id_command)(bsc_conn *conn, uint64_t id, bsc_job *job);
void php_beanstalk_queue_job_by_id(INTERNAL_FUNCTION_PARAMETERS, php_beanstalk_id_command command, const char *verb);
void php_beanstalk_queue_minit(zend_class_entry *ce);
/* How many servers a Queue has: 1, or more for a pool; 0 after throwing
 * the Error that it was never constructed. In a forked child, the Queue
 * first forgets what its connections had in the parent (bsc_conn_own). */
size_t php_beanstalk_queue_servers(zend_object *queue);
/* The failed put's exception, as put throws it (the job of len bytes,
 * server: where it went on a pool). */
void php_beanstalk_throw_put(zend_object *queue, size_t server, bsc_status st, const char *verb, size_t len, uint64_t id);
/* A Queue has its connections: the puts on a persistent one that an earlier
 * request did not wait for are that request's, to be reported apart. */
void php_beanstalk_async_adopt(zend_object *queue);
/* Reads server i's owed replies to puts that did not wait, before its
 * connection is closed or handed on; may_keep: on a persistent connection
 * that will be kept, only what has arrived. */
void php_beanstalk_async_read(zend_object *queue, size_t i, bool may_keep);
/* The Queue goes: reads what is owed (php_beanstalk_async_read) and warns
 * of every failure that no flush() reported. */
void php_beanstalk_async_settle(zend_object *queue);
void php_beanstalk_async_free(php_beanstalk_async *a);
/* A persistent connection ends with the process: its owed replies are
 * read, and failures go to the log. */
void php_beanstalk_async_conn_end(bsc_conn *conn);

/* In a Queue method: declares n, its number of servers, or returns after
 * the Error that the Queue was never constructed (the prologue of every
 * method that talks to a server, as php-memcached's
 * MEMC_METHOD_FETCH_OBJECT). */
#define PHP_BEANSTALK_QUEUE_SERVERS(n) \
	size_t n = php_beanstalk_queue_servers(Z_OBJ_P(ZEND_THIS)); \
	if (UNEXPECTED(n == 0)) { \
		RETURN_THROWS(); \
	}

/* The per-job commands, shared by Queue and Job: false after throwing. */
typedef enum {
	PHP_BEANSTALK_DELETE,
	PHP_BEANSTALK_RELEASE,
	PHP_BEANSTALK_BURY,
	PHP_BEANSTALK_TOUCH
} php_beanstalk_job_op;
/* generation: that of the connection the job was reserved on (0: any). A
 * job is only acted on over that same connection: once it was lost, the
 * server gave the job back (and after a restart without a binlog its id may
 * name another job), so nothing is sent and NotFoundException is thrown. */
bool php_beanstalk_job_command(bsc_conn *conn, php_beanstalk_job_op op, uint64_t id, uint64_t generation, zend_long priority, zend_long delay);

/* ext/persistent.c */
void php_beanstalk_persistent_minit(int module_number);
/* The persistent connection kept under key, taken by the caller (created
 * on first use). NULL with *slot NULL when another Queue of this request
 * holds it, or on error (message in errbuf). */
bsc_conn *php_beanstalk_persistent_take(zend_string *key, const char *address, size_t len, const bsc_conn_options *opt, char errbuf[BSC_ERRSTR_LEN], php_beanstalk_pconn **slot);
void php_beanstalk_persistent_give_back(php_beanstalk_pconn *slot);
/* Persistent connections of this process that are open now. */
zend_long php_beanstalk_persistent_count(void);

/* ext/job.c; the per-job commands above are there too */
void php_beanstalk_job_minit(zend_class_entry *ce);
/* A new Job in *out, bound to the queue, and to the server (and connection)
 * of it that it came from. */
void php_beanstalk_job_create(zval *out, zend_object *queue, size_t server, bsc_conn *conn, uint64_t id, const char *data, size_t len);
/* A Job|int argument given to queue: the id (0 after throwing for a bad
 * value), in *server the queue's server it lives on, and in *generation the
 * connection generation to act under (0 when the job did not come from
 * this queue). On a pool a bare id names no server: ValueError. */
uint64_t php_beanstalk_job_target(zend_object *job, zend_long id, uint32_t arg_num, zend_object *queue, size_t *server, uint64_t *generation);
/* The Job of a RESERVED or FOUND answer in return_value, null for
 * NOT_FOUND, or the exception for any other status. */
void php_beanstalk_return_job(zval *return_value, zend_object *queue, size_t server, bsc_conn *conn, bsc_status st, const bsc_job *job, const char *verb, uint64_t id);
/* The ValueError for a bare job id given to a Queue of several servers. */
void php_beanstalk_ids_are_per_server(uint32_t arg_num);

/* ext/stats.c: the YAML of a stats or list answer as an array in *out;
 * false (out UNDEF) when it is not what beanstalkd sends. */
bool php_beanstalk_stats_to_array(zval *out, const char *body, size_t len, bsc_stats_kind kind);
bool php_beanstalk_list_to_array(zval *out, const char *body, size_t len);
/* After a false from those: drops the connection, throws ProtocolException. */
void php_beanstalk_bad_yaml(bsc_conn *conn, const char *verb);

/* ext/exceptions.c */
/* Throws the exception that a failed command's status calls for. */
void php_beanstalk_throw(bsc_conn *c, bsc_status status, const char *verb, uint64_t id);
/* NotFoundException, "verb: " and the rest as printf. */
void php_beanstalk_throw_not_found(const char *verb, const char *fmt, ...) ZEND_ATTRIBUTE_FORMAT(printf, 2, 3);
/* JobTooBigException for a job of size bytes ("the job", "the job at index
 * 3"), refused here or by the server: one wording, with the limit when it
 * is known. */
void php_beanstalk_throw_too_big(bsc_conn *c, const char *verb, const char *which, size_t size);
/* The exception for a pool call's transport failure (bsc_pool_errstr). */
void php_beanstalk_throw_pool(const bsc_pool *pool, bsc_status status, const char *verb);
void php_beanstalk_connection_exception_minit(zend_class_entry *ce);
void php_beanstalk_batch_exception_minit(zend_class_entry *ce);
/* Sets a BatchException's readonly $inserted and $failed (copies both). */
void php_beanstalk_batch_exception_fill(zend_object *obj, zval *inserted, zval *failed);
/* ConnectionException (TimeoutException, ProtocolException as status
 * says): "verb: errstr", and whether the request had (partly) left. */
void php_beanstalk_throw_transport(bsc_status status, const char *verb, const char *errstr, bool sent);
/* The exception class for a server's error word. */
zend_class_entry *php_beanstalk_server_exception(bsc_reply_kind word);

/* ext/batch.c: Queue::putMany and its BatchException */
/* BatchException ("verb: 3 of 5 jobs inserted; ...") over the exception
 * in flight, the cause of the first failure. */
void php_beanstalk_throw_batch(const char *verb, zval *inserted, zval *failed, zend_long n, zend_long first);
/* A job the server took, as putMany and flush return it: its id, or on a
 * pool its id and server. */
void php_beanstalk_put_result(zval *out, zend_object *queue, size_t server, uint64_t id);

/* ext/queue_options.c */
/* Queue::__construct()'s options. */
typedef struct {
	bsc_conn_options conn;
	zend_string *tube;
	HashTable *watch;
	bool persistent;
	zend_string *pool_id;         /* persistent => "id": a separate slot */
	size_t coalesce;              /* putAsync held for one write up to this many bytes; 0: none */
} php_beanstalk_queue_options;
/* The options array into *out; false with a ValueError or TypeError
 * thrown. */
bool php_beanstalk_queue_options_parse(HashTable *options, php_beanstalk_queue_options *out);
/* The server addresses of a string or a list; *n of them, emalloc'ed (NULL
 * after throwing). */
zend_string **php_beanstalk_server_addresses(zend_string *str, HashTable *list, size_t *n);

/* ext/worker.c */
void php_beanstalk_worker_minit(zend_class_entry *ce);
void php_beanstalk_worker_mshutdown(void);

/* ext/worker_options.c */
/* Worker::__construct()'s options array into *opt (the backoff list is
 * emalloc'ed: free it); false with a ValueError or TypeError thrown. */
bool php_beanstalk_worker_options(HashTable *options, bsc_worker_options *opt, uint32_t **backoff,
	bsc_redis_address *status, bsc_statsd_address *statsd);
/* PHP's own way to set the process title, where the SAPI has it. */
zend_function *php_beanstalk_title_function(void);
/* A name for log lines, the process title and the status keys: printable,
 * so that it cannot forge a log line or a terminal escape, and short. what
 * is 'option "name"', or NULL for the argument itself. */
bool php_beanstalk_printable(const zend_string *str, uint32_t arg_num, const char *what, size_t max);
/* Redis's address, for the status or for fleet() and restartAll(); throws
 * when it is not one, or when the build has no Redis support. The message
 * never repeats the address: it may hold a password. */
bool php_beanstalk_redis_address(const zend_string *str, uint32_t arg_num, const char *what, bsc_redis_address *out);

#endif
