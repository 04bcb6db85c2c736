/*
 * beanstalk: a native beanstalkd client and worker loop for PHP.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef PHP_BEANSTALK_H
#define PHP_BEANSTALK_H

#include "php.h"
#include "conn.h"
#include "stats.h"
#include "command.h"

#define PHP_BEANSTALK_VERSION "0.2.0"

ZEND_BEGIN_MODULE_GLOBALS(beanstalk)
	double connect_timeout;   /* beanstalk.connect_timeout */
	double timeout;           /* beanstalk.timeout */
ZEND_END_MODULE_GLOBALS(beanstalk)

ZEND_EXTERN_MODULE_GLOBALS(beanstalk)
#define BEANSTALK_G(v) ZEND_MODULE_GLOBALS_ACCESSOR(beanstalk, v)

extern zend_module_entry beanstalk_module_entry;
#define phpext_beanstalk_ptr &beanstalk_module_entry

extern zend_class_entry *php_beanstalk_queue_ce;
extern zend_class_entry *php_beanstalk_job_ce;
extern zend_class_entry *php_beanstalk_exception_ce;
extern zend_class_entry *php_beanstalk_connection_exception_ce;
extern zend_class_entry *php_beanstalk_timeout_exception_ce;
extern zend_class_entry *php_beanstalk_server_exception_ce;
extern zend_class_entry *php_beanstalk_job_too_big_exception_ce;
extern zend_class_entry *php_beanstalk_draining_exception_ce;
extern zend_class_entry *php_beanstalk_not_found_exception_ce;
extern zend_class_entry *php_beanstalk_protocol_exception_ce;
extern zend_class_entry *php_beanstalk_deadline_soon_exception_ce;
extern zend_class_entry *php_beanstalk_batch_exception_ce;
extern zend_class_entry *php_beanstalk_worker_ce;
extern zend_class_entry *php_beanstalk_ttr_exceeded_exception_ce;

/* ext/queue.c */
/* The body of the Queue methods that take (int $id) and answer with a job
 * or null: reserveJob and peek. */
typedef bsc_status (*php_beanstalk_id_command)(bsc_conn *conn, uint64_t id, bsc_job *job);
void php_beanstalk_queue_job_by_id(INTERNAL_FUNCTION_PARAMETERS, php_beanstalk_id_command command, const char *verb);
void php_beanstalk_queue_minit(zend_class_entry *ce);
/* The connection of a Queue object; throws and returns NULL when the
 * object was never constructed. */
bsc_conn *php_beanstalk_queue_conn(zend_object *queue);

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
typedef struct php_beanstalk_pconn php_beanstalk_pconn;
void php_beanstalk_persistent_minit(int module_number);
/* The persistent connection kept under key, taken by the caller (created
 * on first use). NULL with *slot NULL when another Queue of this request
 * holds it, or on error (message in errbuf). */
bsc_conn *php_beanstalk_persistent_take(zend_string *key, const char *address, size_t len, const bsc_conn_options *opt, char errbuf[BSC_ERRSTR_LEN], php_beanstalk_pconn **slot);
void php_beanstalk_persistent_give_back(php_beanstalk_pconn *slot);
/* Persistent connections of this process that are open now. */
zend_long php_beanstalk_persistent_count(void);

/* ext/job.c */
void php_beanstalk_job_minit(zend_class_entry *ce);
/* A new Job in *out, bound to the queue (and connection) it came from. */
void php_beanstalk_job_create(zval *out, zend_object *queue, bsc_conn *conn, uint64_t id, const char *data, size_t len);
/* A Job|int argument given to queue: the id (0 after throwing for a bad
 * value), and in *generation the connection generation to act under (0 when
 * the job did not come from this queue). */
uint64_t php_beanstalk_job_target(zend_object *job, zend_long id, uint32_t arg_num, zend_object *queue, uint64_t *generation);
/* The Job of a RESERVED or FOUND answer in return_value, null for
 * NOT_FOUND, or the exception for any other status. */
void php_beanstalk_return_job(zval *return_value, zend_object *queue, bsc_conn *conn, bsc_status st, const bsc_job *job, const char *verb, uint64_t id);
/* Marks a Job as deleted, released or buried (NULL: nothing to mark). */
void php_beanstalk_job_settle(zend_object *job);
/* Whether the job was deleted, released or buried through the API. */
bool php_beanstalk_job_settled(zend_object *job);

/* ext/stats.c: the YAML of a stats or list answer as an array in *out;
 * false (out UNDEF) when it is not what beanstalkd sends. */
bool php_beanstalk_stats_to_array(zval *out, const char *body, size_t len, bsc_stats_kind kind);
bool php_beanstalk_list_to_array(zval *out, const char *body, size_t len);
/* After a false from those: drops the connection, throws ProtocolException. */
void php_beanstalk_bad_yaml(bsc_conn *conn, const char *verb);

/* ext/exceptions.c */
/* Throws the exception that a failed command's status calls for. */
void php_beanstalk_throw(bsc_conn *c, bsc_status status, const char *verb, uint64_t id);
/* JobTooBigException for a job of size bytes ("the job", "the job at index
 * 3"), refused here or by the server: one wording, with the limit when it
 * is known. */
void php_beanstalk_throw_too_big(bsc_conn *c, const char *verb, const char *which, size_t size);
void php_beanstalk_connection_exception_minit(zend_class_entry *ce);
void php_beanstalk_batch_exception_minit(zend_class_entry *ce);
/* Sets a BatchException's readonly $inserted and $failed (copies both). */
void php_beanstalk_batch_exception_fill(zend_object *obj, zval *inserted, zval *failed);

/* Argument checks shared by the classes: false after throwing ValueError. */
bool php_beanstalk_check_u32(zend_long value, uint32_t arg_num);
bool php_beanstalk_check_tube(const zend_string *tube, uint32_t arg_num, const char *option);

/* ext/worker.c */
void php_beanstalk_worker_minit(zend_class_entry *ce);
void php_beanstalk_worker_mshutdown(void);

#endif
