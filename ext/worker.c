/*
 * Beanstalk\Worker: the worker loop of src/worker/worker.c on a Queue's
 * connection, with a PHP callable as the handler.
 *
 * The loop is C; PHP runs only in the handler, in PHP's own signal handlers
 * (ext/pcntl) between waits, and in the engine's interrupt hook, where the
 * TTR watchdog's request becomes a TtrExceededException in the handler.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "SAPI.h"
#include "zend_exceptions.h"
#include "zend_interfaces.h"
#include "beanstalk_private.h"
#include "src/monitor/statsd.h"
#include "src/monitor/status.h"
#include "src/worker/worker.h"

zend_class_entry *php_beanstalk_worker_ce;
zend_class_entry *php_beanstalk_ttr_exceeded_exception_ce;

/* The stub's constants are these. */
_Static_assert(BSC_STOP_SIGNAL == 0 && BSC_STOP_RESTART == 10 && BSC_STOP_MAX_JOBS == 11
	&& BSC_STOP_MAX_RUNTIME == 12 && BSC_STOP_MEMORY == 13 && BSC_STOP_REQUESTED == 14
	&& BSC_STOP_CONNECTION == 15 && BSC_EXIT_TTR_OVERRUN == 16, "Worker::STOP_* in the stub");

/* Slot of the declared property. */
#define WORKER_PROP_QUEUE 0

/* A failed job's log line shows this many frames of its trace. */
#define TRACE_FRAMES 3

typedef struct {
	bsc_worker *core;
	zend_fcall_info fci;        /* the handler, while run() runs */
	zend_fcall_info_cache fcc;
	bool bailout;               /* a fatal error went through the handler */
	zend_function *title_fn;    /* cli_set_process_title, while run() runs with process_title */
	zend_object std;
} php_beanstalk_worker;

static zend_object_handlers worker_handlers;

/* The Worker in run() on this thread, for the engine's interrupt hook. (One
 * run per process: src/worker/stopsignals.c holds that claim.) */
ZEND_TLS php_beanstalk_worker *running;
/* The engine's interrupt hook before ours (ext/pcntl's, for one). */
static void (*previous_interrupt)(zend_execute_data *execute_data);

static void worker_interrupt(zend_execute_data *execute_data);

static inline php_beanstalk_worker *worker_from_obj(zend_object *obj)
{
	return (php_beanstalk_worker *)((char *)obj - XtOffsetOf(php_beanstalk_worker, std));
}

static zend_object *worker_create(zend_class_entry *ce)
{
	php_beanstalk_worker *w = zend_object_alloc(sizeof(php_beanstalk_worker), ce);

	zend_object_std_init(&w->std, ce);
	object_properties_init(&w->std, ce);
	w->std.handlers = &worker_handlers;
	return &w->std;
}

static void worker_free(zend_object *obj)
{
	php_beanstalk_worker *w = worker_from_obj(obj);

	bsc_worker_free(w->core);
	w->core = NULL;
	zend_object_std_dtor(obj);
}

void php_beanstalk_worker_minit(zend_class_entry *ce)
{
	ce->create_object = worker_create;
	memcpy(&worker_handlers, zend_get_std_object_handlers(), sizeof(worker_handlers));
	worker_handlers.offset = XtOffsetOf(php_beanstalk_worker, std);
	worker_handlers.free_obj = worker_free;
	worker_handlers.clone_obj = NULL;
	/* Hooked for good, as ext/pcntl does: taking the hook in and out around
	 * run() could break a chain that someone else joined meanwhile. */
	previous_interrupt = zend_interrupt_function;
	zend_interrupt_function = worker_interrupt;
}

void php_beanstalk_worker_mshutdown(void)
{
	if (zend_interrupt_function == worker_interrupt) {
		zend_interrupt_function = previous_interrupt;
	}
}

/* {{{ Worker::__construct(Queue $queue, array $options = []) */
PHP_METHOD(Beanstalk_Worker, __construct)
{
	zend_object *queue;
	HashTable *options = NULL;
	bsc_worker_options opt;
	bsc_redis_address status;
	bsc_statsd_address statsd;
	uint32_t *backoff;
	php_beanstalk_worker *w = worker_from_obj(Z_OBJ_P(ZEND_THIS));

	ZEND_PARSE_PARAMETERS_START(1, 2)
		Z_PARAM_OBJ_OF_CLASS(queue, php_beanstalk_queue_ce)
		Z_PARAM_OPTIONAL
		Z_PARAM_ARRAY_HT(options)
	ZEND_PARSE_PARAMETERS_END();

	if (w->core) {
		zend_throw_error(NULL, "Beanstalk\\Worker::__construct() cannot be called twice");
		RETURN_THROWS();
	}
	if (php_beanstalk_queue_servers(queue) == 0) {
		RETURN_THROWS();
	}
	if (!php_beanstalk_worker_options(options ? options : (HashTable *)&zend_empty_array, &opt, &backoff, &status, &statsd)) {
		ZEND_SECURE_ZERO(&status, sizeof(status));
		RETURN_THROWS();
	}
	w->core = bsc_worker_new(&opt);
	ZEND_SECURE_ZERO(&status, sizeof(status));
	efree(backoff);
	if (!w->core) {
		zend_throw_error(NULL, "Out of memory");
		RETURN_THROWS();
	}
	ZVAL_OBJ_COPY(OBJ_PROP_NUM(&w->std, WORKER_PROP_QUEUE), queue);
}
/* }}} */

/* {{{ the host side of the loop */
static const char *frame_string(HashTable *frame, const char *key, size_t len)
{
	zval *v = zend_hash_str_find(frame, key, len);

	return v && Z_TYPE_P(v) == IS_STRING ? Z_STRVAL_P(v) : NULL;
}

/* Whether a frame of the trace is Worker::run(): where the handler was
 * called from. */
static bool frame_is_run(HashTable *frame)
{
	const char *class = frame_string(frame, "class", sizeof("class") - 1);
	const char *function = frame_string(frame, "function", sizeof("function") - 1);

	return class && function && strcmp(class, "Beanstalk\\Worker") == 0 && strcmp(function, "run") == 0;
}

/* " (#0 file(line): Class->function(), ...)": the first frames of the trace
 * that lie inside the handler (not the handler's own call, nor run() and
 * what called it). Arguments are left out: they may hold secrets. */
static void describe_frames(zval *trace, char *out, size_t size)
{
	zval *frame;
	uint32_t inside = 0, shown = 0;
	size_t at = 0;

	out[0] = '\0';
	if (Z_TYPE_P(trace) != IS_ARRAY) {
		return;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(trace), frame) {
		if (Z_TYPE_P(frame) != IS_ARRAY || frame_is_run(Z_ARRVAL_P(frame))) {
			break;
		}
		inside++;
	} ZEND_HASH_FOREACH_END();
	/* The last of them is the handler's own call. */
	uint32_t wanted = inside > 1 ? MIN(inside - 1, TRACE_FRAMES) : 0;
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(trace), frame) {
		if (shown == wanted || at >= size) {
			break;
		}
		HashTable *f = Z_ARRVAL_P(frame);
		const char *file = frame_string(f, "file", sizeof("file") - 1);
		const char *class = frame_string(f, "class", sizeof("class") - 1);
		const char *type = frame_string(f, "type", sizeof("type") - 1);
		const char *function = frame_string(f, "function", sizeof("function") - 1);
		zval *line = zend_hash_str_find(f, "line", sizeof("line") - 1);
		char where[320];
		if (file) {
			snprintf(where, sizeof(where), "%.250s(" ZEND_LONG_FMT ")", file, line && Z_TYPE_P(line) == IS_LONG ? Z_LVAL_P(line) : 0);
		} else {
			snprintf(where, sizeof(where), "[internal function]");
		}
		at += (size_t)snprintf(out + at, size - at, "%s#%u %s: %s%s%s()", shown ? ", " : " (", shown, where,
			class ? class : "", class && type ? type : "", function ? function : "?");
		shown++;
	} ZEND_HASH_FOREACH_END();
	if (shown && at + 1 < size) {
		out[at] = ')';
		out[at + 1] = '\0';
	}
}

/* "Class: message in file:line (#0 frame, ...)" of a throwable. */
static void describe(zend_object *ex, char *out, size_t size)
{
	zend_class_entry *base = zend_get_exception_base(ex);
	zval rv_msg, rv_file, rv_line, rv_trace;
	zval *msg = zend_read_property_ex(base, ex, ZSTR_KNOWN(ZEND_STR_MESSAGE), 1, &rv_msg);
	zval *file = zend_read_property_ex(base, ex, ZSTR_KNOWN(ZEND_STR_FILE), 1, &rv_file);
	zval *line = zend_read_property_ex(base, ex, ZSTR_KNOWN(ZEND_STR_LINE), 1, &rv_line);
	zval *trace = zend_read_property_ex(base, ex, ZSTR_KNOWN(ZEND_STR_TRACE), 1, &rv_trace);
	char frames[640];

	describe_frames(trace, frames, sizeof(frames));
	snprintf(out, size, "%s: %s in %s:" ZEND_LONG_FMT "%s", ZSTR_VAL(ex->ce->name),
		Z_TYPE_P(msg) == IS_STRING ? Z_STRVAL_P(msg) : "",
		Z_TYPE_P(file) == IS_STRING ? Z_STRVAL_P(file) : "?",
		Z_TYPE_P(line) == IS_LONG ? Z_LVAL_P(line) : 0, frames);
}

static bsc_job_result run_handler(void *ctx, const bsc_job *job, char *why, size_t why_size)
{
	php_beanstalk_worker *w = ctx;
	zend_object *queue = Z_OBJ_P(OBJ_PROP_NUM(&w->std, WORKER_PROP_QUEUE));
	zval args[2], retval;

	size_t server = bsc_worker_server(w->core);
	php_beanstalk_job_create(&args[0], queue, server, php_beanstalk_queue_server(queue, server), job->id, job->body, job->body_len);
	ZVAL_OBJ(&args[1], &w->std);
	ZVAL_UNDEF(&retval);
	w->fci.params = args;
	w->fci.param_count = 2;
	w->fci.retval = &retval;
	w->fci.named_params = NULL;
	zend_try {
		zend_call_function(&w->fci, &w->fcc);
	} zend_catch {
		/* A fatal error: the script ends. The job comes back to the ready
		 * queue when the process closes its connection. */
		w->bailout = true;
	} zend_end_try();
	if (w->bailout) {
		return BSC_JOB_ABORTED;
	}
	zval_ptr_dtor(&retval);
	zval_ptr_dtor(&args[0]);
	if (bsc_worker_forked(w->core)) {
		/* A child the handler forked: what it threw is its own, and goes
		 * on out of run() as from any function. */
		return BSC_JOB_ABORTED;
	}
	if (EG(exception)) {
		zend_object *ex = EG(exception);
		if (zend_is_unwind_exit(ex) || zend_is_graceful_exit(ex)) {
			return BSC_JOB_ABORTED;  /* exit(): run() lets it through */
		}
		describe(ex, why, why_size);
		zend_clear_exception();
		return BSC_JOB_THREW;
	}
	return BSC_JOB_RETURNED;
}

static size_t heap_in_use(void *ctx)
{
	return zend_memory_usage(false);
}

/* Between waits: what the engine put off for the next opcode (pcntl's
 * handlers with async signals) runs now, while the connection is idle. */
static bool run_deferred(void *ctx)
{
	php_beanstalk_worker *w = ctx;

	if (!zend_atomic_bool_load_ex(&EG(vm_interrupt)) || zend_atomic_bool_load_ex(&EG(timed_out))) {
		return true;
	}
	zend_atomic_bool_store_ex(&EG(vm_interrupt), false);
	zend_try {
		if (zend_interrupt_function) {
			zend_interrupt_function(EG(current_execute_data));
		}
	} zend_catch {
		w->bailout = true;
	} zend_end_try();
	return !w->bailout && !EG(exception);
}

static void log_line(void *ctx, const char *line)
{
	php_log_err((char *)line);
}

/* Through PHP's cli_set_process_title(), never with an exception pending. */
static void set_title(void *ctx, const char *title)
{
	php_beanstalk_worker *w = ctx;
	zval arg, retval;

	if (!w->title_fn || EG(exception)) {
		return;
	}
	ZVAL_STRING(&arg, title);
	ZVAL_UNDEF(&retval);
	zend_call_known_function(w->title_fn, NULL, NULL, &retval, 1, &arg, NULL);
	if (Z_TYPE(retval) == IS_FALSE) {
		w->title_fn = NULL;   /* it warned once: no title for this run */
	}
	zval_ptr_dtor(&arg);
	zval_ptr_dtor(&retval);
}

/* From the watchdog's thread. */
static void poke_engine(void *flag)
{
	zend_atomic_bool_store((zend_atomic_bool *)flag, true);
}

/* The engine's interrupt hook: while run() runs, the watchdog's request to
 * give a job up becomes an exception in the handler. */
static void worker_interrupt(zend_execute_data *execute_data)
{
	char msg[256];

	if (running) {
		bsc_worker_interrupted(running->core);
	}
	if (running && bsc_worker_take_interrupt(running->core, msg, sizeof(msg)) && !EG(exception)) {
		zend_throw_exception(php_beanstalk_ttr_exceeded_exception_ce, msg, 0);
	}
	if (previous_interrupt) {
		previous_interrupt(execute_data);
	}
}
/* }}} */

static php_beanstalk_worker *constructed(zval *this_ptr)
{
	php_beanstalk_worker *w = worker_from_obj(Z_OBJ_P(this_ptr));

	if (UNEXPECTED(!w->core)) {
		zend_throw_error(NULL, "Beanstalk\\Worker was not constructed");
		return NULL;
	}
	return w;
}

/* Whether w may run here and now; false after throwing. */
static bool may_run(const php_beanstalk_worker *w)
{
#ifdef ZTS
	/* A threaded server's process (Apache's threaded MPMs, FrankenPHP)
	 * serves other requests on other threads, and its signals are its own:
	 * the run's would take them for as long as it runs. */
	if (strcmp(sapi_module.name, "cli") != 0) {
		zend_throw_error(NULL, "Beanstalk\\Worker::run() takes the process's signals: it runs in the CLI, not in the %s SAPI of a thread-safe PHP, whose threads serve other requests", sapi_module.name);
		return false;
	}
#endif
	if (running) {
		zend_throw_error(NULL, running == w ? "Beanstalk\\Worker::run() cannot be called from its own handler"
			: "Another Beanstalk\\Worker is running in this process");
		return false;
	}
	return true;
}

/* {{{ Worker::run(callable $handler): int */
PHP_METHOD(Beanstalk_Worker, run)
{
	zend_fcall_info fci;
	zend_fcall_info_cache fcc;

	ZEND_PARSE_PARAMETERS_START(1, 1)
		Z_PARAM_FUNC(fci, fcc)
	ZEND_PARSE_PARAMETERS_END();

	php_beanstalk_worker *w = constructed(ZEND_THIS);
	if (!w || !may_run(w)) {
		RETURN_THROWS();
	}
	zend_object *queue = Z_OBJ_P(OBJ_PROP_NUM(&w->std, WORKER_PROP_QUEUE));
	if (php_beanstalk_queue_servers(queue) == 0) {
		RETURN_THROWS();
	}
	bsc_worker_host host = {
		.run = run_handler,
		.heap = heap_in_use,
		.idle = run_deferred,
		.log = log_line,
		.poke = poke_engine,
		.poke_ctx = (void *)&EG(vm_interrupt),
		.title = set_title,
	};
	w->title_fn = php_beanstalk_title_function();
	w->fci = fci;
	w->fcc = fcc;
	w->bailout = false;
	running = w;
	/* A worker runs for hours: max_execution_time does not apply. */
	zend_unset_timeout();

	/* The Queue's own engine: a job its reserve keeps ahead comes first. */
	bsc_stop_reason reason = bsc_worker_run(w->core, php_beanstalk_queue_from_obj(queue)->pool, &host, w);

	running = NULL;
	if (reason == BSC_STOP_BUSY) {
		zend_throw_error(NULL, "Another Beanstalk\\Worker is running in this process");
		RETURN_THROWS();
	}
	if (w->bailout) {
		zend_bailout();
	}
	if (reason == BSC_STOP_FORKED) {
		/* In a child the handler forked: it goes on as a plain script
		 * would, with the handler's exception if it threw one. */
		if (EG(exception)) {
			RETURN_THROWS();
		}
		RETURN_LONG(BSC_STOP_REQUESTED);
	}
	if (EG(timeout_seconds)) {
		zend_set_timeout(EG(timeout_seconds), 0);
	}
	if (EG(exception)) {
		RETURN_THROWS();
	}
	RETURN_LONG(reason == BSC_STOP_ABORT ? BSC_STOP_REQUESTED : (zend_long)reason);
}
/* }}} */

/* {{{ Worker::stop(): void */
PHP_METHOD(Beanstalk_Worker, stop)
{
	ZEND_PARSE_PARAMETERS_NONE();
	php_beanstalk_worker *w = constructed(ZEND_THIS);
	if (!w) {
		RETURN_THROWS();
	}
	bsc_worker_stop(w->core);
}
/* }}} */

/* {{{ Worker::stats(): array */
PHP_METHOD(Beanstalk_Worker, stats)
{
	static const char *const states[] = { "idle", "waiting", "working" };
	bsc_worker_figures f;

	ZEND_PARSE_PARAMETERS_NONE();
	php_beanstalk_worker *w = constructed(ZEND_THIS);
	if (!w) {
		RETURN_THROWS();
	}
	bsc_worker_figures_get(w->core, zend_memory_usage(false), &f);
	array_init_size(return_value, 40);
	add_assoc_string(return_value, "name", bsc_worker_name(w->core));
	add_assoc_long(return_value, "pid", (zend_long)getpid());
	add_assoc_string(return_value, "state", (char *)states[f.state]);
	add_assoc_double(return_value, "started_at", f.started_at);
	add_assoc_double(return_value, "uptime", f.uptime);
	add_assoc_long(return_value, "processed", (zend_long)f.processed);
	add_assoc_long(return_value, "failed", (zend_long)f.failed);
	add_assoc_long(return_value, "released", (zend_long)f.released);
	add_assoc_long(return_value, "buried", (zend_long)f.buried);
	add_assoc_long(return_value, "deleted", (zend_long)f.deleted);
	add_assoc_long(return_value, "lost", (zend_long)f.lost);
	add_assoc_long(return_value, "ttr_exceeded", (zend_long)f.ttr_exceeded);
	add_assoc_double(return_value, "jobs_per_sec", f.jobs_per_sec);
	add_assoc_double(return_value, "job_duration_p50", f.duration_p50);
	add_assoc_double(return_value, "job_duration_p95", f.duration_p95);
	add_assoc_double(return_value, "job_duration_p99", f.duration_p99);
	add_assoc_double(return_value, "job_duration_max", f.duration_max);
	add_assoc_double(return_value, "job_duration_mean", f.duration_mean);
	add_assoc_double(return_value, "wait_time", f.wait_time);
	add_assoc_long(return_value, "memory", (zend_long)f.memory);
	add_assoc_long(return_value, "memory_start", (zend_long)f.memory_start);
	add_assoc_long(return_value, "rss", (zend_long)f.rss);
	add_assoc_long(return_value, "rss_start", (zend_long)f.rss_start);
	add_assoc_double(return_value, "rtt", f.rtt);
	add_assoc_double(return_value, "rtt_min", f.rtt_min);
	add_assoc_long(return_value, "rtt_samples", (zend_long)f.rtt_samples);
	add_assoc_long(return_value, "reconnects", (zend_long)f.reconnects);
	add_assoc_long(return_value, "prefetched", (zend_long)f.prefetched);
	add_assoc_long(return_value, "prefetch_released", (zend_long)f.prefetch_released);
	add_assoc_double(return_value, "reconnect_backoff", f.reconnect_backoff);
	add_assoc_double(return_value, "runtime_limit", f.runtime_limit);
	if (f.stop_reason == BSC_STOP_NONE) {
		add_assoc_null(return_value, "stop_reason");
	} else {
		add_assoc_long(return_value, "stop_reason", f.stop_reason == BSC_STOP_ABORT ? BSC_STOP_REQUESTED : f.stop_reason);
	}
	add_assoc_long(return_value, "stop_signal", f.stop_signal);
	add_assoc_long(return_value, "status_beats", (zend_long)f.status_beats);
	add_assoc_long(return_value, "status_errors", (zend_long)f.status_errors);
	add_assoc_string(return_value, "status_last_error", f.status_last_error);
	add_assoc_bool(return_value, "restart_requested", f.restart_requested);
	add_assoc_long(return_value, "statsd_sent", (zend_long)f.statsd_sent);
	add_assoc_long(return_value, "statsd_errors", (zend_long)f.statsd_errors);
	add_assoc_string(return_value, "statsd_last_error", f.statsd_last_error);
}
/* }}} */

