/*
 * Beanstalk\Worker's options: the array given to Worker::__construct()
 * checked and turned into the C loop's bsc_worker_options, each error a
 * ValueError or TypeError that names its option.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "SAPI.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"
#include "src/monitor/statsd.h"
#include "src/monitor/status.h"
#include "src/worker/worker.h"

#define DEFAULT_MAX_ATTEMPTS 3
#define DEFAULT_RESERVE_TIMEOUT 5
#define DEFAULT_TTR_MARGIN 1.0
#define DEFAULT_RECONNECT_TIMEOUT 60.0
/* The longest server-side wait slice: a worker that never hears from the
 * server for an hour is as good as gone. */
#define RESERVE_SLICE_MAX 3600
/* Jobs a worker may hold at a time: each reserved ahead is one the others
 * cannot have. */
#define PREFETCH_MAX 1000

/* {{{ options */
static bool option_int(zval *value, const char *name, zend_long min, zend_long max, zend_long *out)
{
	if (Z_TYPE_P(value) != IS_LONG) {
		zend_argument_type_error(2, "option \"%s\" must be of type int, %s given", name, zend_zval_type_name(value));
		return false;
	}
	if (Z_LVAL_P(value) < min || Z_LVAL_P(value) > max) {
		zend_argument_value_error(2, "option \"%s\" must be between " ZEND_LONG_FMT " and " ZEND_LONG_FMT, name, min, max);
		return false;
	}
	*out = Z_LVAL_P(value);
	return true;
}

bool php_beanstalk_printable(const zend_string *str, uint32_t arg_num, const char *what, size_t max)
{
	const char *sep = what ? " " : "";

	if (ZSTR_LEN(str) > max) {
		zend_argument_value_error(arg_num, "%s%smust be at most %zu bytes long", what ? what : "", sep, max);
		return false;
	}
	for (size_t i = 0; i < ZSTR_LEN(str); i++) {
		unsigned char ch = (unsigned char)ZSTR_VAL(str)[i];
		if (ch < 0x20 || ch == 0x7f) {
			zend_argument_value_error(arg_num, "%s%smust not contain control characters", what ? what : "", sep);
			return false;
		}
	}
	return true;
}

static bool option_string(zval *value, const char *name, size_t max, const char **out)
{
	char what[64];

	if (Z_TYPE_P(value) != IS_STRING) {
		zend_argument_type_error(2, "option \"%s\" must be of type string, %s given", name, zend_zval_type_name(value));
		return false;
	}
	snprintf(what, sizeof(what), "option \"%s\"", name);
	if (!php_beanstalk_printable(Z_STR_P(value), 2, what, max)) {
		return false;
	}
	*out = Z_STRVAL_P(value);
	return true;
}

static bool option_bool(zval *value, const char *name, bool *out)
{
	if (Z_TYPE_P(value) != IS_TRUE && Z_TYPE_P(value) != IS_FALSE) {
		zend_argument_type_error(2, "option \"%s\" must be of type bool, %s given", name, zend_zval_type_name(value));
		return false;
	}
	*out = Z_TYPE_P(value) == IS_TRUE;
	return true;
}

bool php_beanstalk_redis_address(const zend_string *str, uint32_t arg_num, const char *what, bsc_redis_address *out)
{
	char errbuf[BSC_ERRSTR_LEN];

	if (!bsc_redis_address_parse(out, ZSTR_VAL(str), ZSTR_LEN(str), errbuf)) {
		zend_argument_value_error(arg_num, "%s: %s", what, errbuf);
		return false;
	}
	if (!bsc_redis_available()) {
		zend_throw_exception(php_beanstalk_exception_ce, BSC_REDIS_MISSING, 0);
		return false;
	}
	return true;
}

static bool option_status(zval *value, bsc_redis_address *address, const bsc_redis_address **out)
{
	if (Z_TYPE_P(value) == IS_NULL) {
		*out = NULL;
		return true;
	}
	if (Z_TYPE_P(value) != IS_STRING) {
		zend_argument_type_error(2, "option \"status\" must be of type ?string, %s given", zend_zval_type_name(value));
		return false;
	}
	if (!php_beanstalk_redis_address(Z_STR_P(value), 2, "option \"status\"", address)) {
		return false;
	}
	*out = address;
	return true;
}

static bool option_statsd(zval *value, bsc_statsd_address *address, const bsc_statsd_address **out)
{
	char errbuf[BSC_ERRSTR_LEN];

	if (Z_TYPE_P(value) == IS_NULL) {
		*out = NULL;
		return true;
	}
	if (Z_TYPE_P(value) != IS_STRING) {
		zend_argument_type_error(2, "option \"statsd\" must be of type ?string, %s given", zend_zval_type_name(value));
		return false;
	}
	if (!bsc_statsd_address_parse(address, Z_STRVAL_P(value), Z_STRLEN_P(value), errbuf)) {
		zend_argument_value_error(2, "option \"statsd\" %s", errbuf);
		return false;
	}
	*out = address;
	return true;
}

static bool option_statsd_prefix(zval *value, const char **out)
{
	if (!option_string(value, "statsd_prefix", BSC_STATSD_PREFIX_MAX, out)) {
		return false;
	}
	if (!bsc_statsd_prefix_valid(Z_STRVAL_P(value), Z_STRLEN_P(value))) {
		zend_argument_value_error(2, "option \"statsd_prefix\" may hold only letters, digits, '_', '-' and '.'");
		return false;
	}
	return true;
}

/* PHP's own way to set the process title, where the SAPI has it. */
zend_function *php_beanstalk_title_function(void)
{
	return zend_hash_str_find_ptr(EG(function_table), "cli_set_process_title", sizeof("cli_set_process_title") - 1);
}

static bool option_process_title(zval *value, bool *out)
{
	if (!option_bool(value, "process_title", out)) {
		return false;
	}
	if (*out && !php_beanstalk_title_function()) {
		zend_argument_value_error(2, "option \"process_title\" needs cli_set_process_title(), which the %s SAPI does not have", sapi_module.name);
		return false;
	}
	return true;
}

/* An int, or a non-empty list of ints: seconds before the retry after each
 * failed attempt. *list is emalloc'ed. */
static bool option_backoff(zval *value, uint32_t **list, size_t *len)
{
	zval *entry;
	size_t i = 0;

	if (Z_TYPE_P(value) == IS_LONG) {
		if (Z_LVAL_P(value) < 0 || (uint64_t)Z_LVAL_P(value) > UINT32_MAX) {
			zend_argument_value_error(2, "option \"backoff\" must be between 0 and %" PRIu32 " seconds", UINT32_MAX);
			return false;
		}
		*list = emalloc(sizeof(uint32_t));
		(*list)[0] = (uint32_t)Z_LVAL_P(value);
		*len = 1;
		return true;
	}
	if (Z_TYPE_P(value) != IS_ARRAY) {
		zend_argument_type_error(2, "option \"backoff\" must be of type array|int, %s given", zend_zval_type_name(value));
		return false;
	}
	HashTable *ht = Z_ARRVAL_P(value);
	if (zend_hash_num_elements(ht) == 0 || !zend_array_is_list(ht)) {
		zend_argument_value_error(2, "option \"backoff\" must be an int or a non-empty list of ints");
		return false;
	}
	ZEND_HASH_FOREACH_VAL(ht, entry) {
		ZVAL_DEREF(entry);
		if (Z_TYPE_P(entry) != IS_LONG) {
			zend_argument_type_error(2, "option \"backoff\" must be a list of ints, %s found", zend_zval_type_name(entry));
			return false;
		}
		if (Z_LVAL_P(entry) < 0 || (uint64_t)Z_LVAL_P(entry) > UINT32_MAX) {
			zend_argument_value_error(2, "option \"backoff\": each delay must be between 0 and %" PRIu32, UINT32_MAX);
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	*len = zend_hash_num_elements(ht);
	*list = safe_emalloc(*len, sizeof(uint32_t), 0);
	ZEND_HASH_FOREACH_VAL(ht, entry) {
		ZVAL_DEREF(entry);
		(*list)[i++] = (uint32_t)Z_LVAL_P(entry);
	} ZEND_HASH_FOREACH_END();
	return true;
}

/* The options of the status and the reports. */
static bool parse_report_option(zend_string *key, zval *value, bsc_worker_options *opt, bsc_redis_address *status,
	bsc_statsd_address *statsd, bool *known)
{
	*known = true;
	if (zend_string_equals_literal(key, "status")) {
		return option_status(value, status, &opt->status);
	}
	if (zend_string_equals_literal(key, "status_interval")) {
		if (!php_beanstalk_option_seconds(value, 2, "status_interval", true, &opt->status_interval)) {
			return false;
		}
		if (opt->status_interval < BSC_STATUS_INTERVAL_MIN || opt->status_interval > BSC_STATUS_INTERVAL_MAX) {
			zend_argument_value_error(2, "option \"status_interval\" must be from %.1f to %.0f seconds", BSC_STATUS_INTERVAL_MIN, BSC_STATUS_INTERVAL_MAX);
			return false;
		}
		return true;
	}
	if (zend_string_equals_literal(key, "status_prefix")) {
		return option_string(value, "status_prefix", BSC_STATUS_PREFIX_MAX, &opt->status_prefix);
	}
	if (zend_string_equals_literal(key, "statsd")) {
		return option_statsd(value, statsd, &opt->statsd);
	}
	if (zend_string_equals_literal(key, "statsd_prefix")) {
		return option_statsd_prefix(value, &opt->statsd_prefix);
	}
	if (zend_string_equals_literal(key, "statsd_interval")) {
		if (!php_beanstalk_option_seconds(value, 2, "statsd_interval", true, &opt->statsd_interval)) {
			return false;
		}
		if (opt->statsd_interval < BSC_STATSD_INTERVAL_MIN || opt->statsd_interval > BSC_STATSD_INTERVAL_MAX) {
			zend_argument_value_error(2, "option \"statsd_interval\" must be from %.1f to %.0f seconds", BSC_STATSD_INTERVAL_MIN, BSC_STATSD_INTERVAL_MAX);
			return false;
		}
		return true;
	}
	if (zend_string_equals_literal(key, "process_title")) {
		return option_process_title(value, &opt->process_title);
	}
	if (zend_string_equals_literal(key, "log_jobs")) {
		return option_bool(value, "log_jobs", &opt->log_jobs);
	}
	*known = false;
	return true;
}

static void option_defaults(bsc_worker_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->retry.max_attempts = DEFAULT_MAX_ATTEMPTS;
	opt->reserve_timeout = DEFAULT_RESERVE_TIMEOUT;
	opt->prefetch = 1;
	opt->ttr_margin = DEFAULT_TTR_MARGIN;
	opt->reconnect_timeout = DEFAULT_RECONNECT_TIMEOUT;
	opt->name = "";
	opt->status_interval = BSC_STATUS_INTERVAL;
	opt->status_prefix = BSC_STATUS_PREFIX;
	opt->statsd_interval = BSC_STATSD_INTERVAL;
	opt->statsd_prefix = BSC_STATSD_PREFIX;
	/* The title by default where PHP can set it: the CLI. */
	opt->process_title = strcmp(sapi_module.name, "cli") == 0 && php_beanstalk_title_function() != NULL;
}

/* The options of the run: its caps, its retry policy, its reserves. */
static bool parse_run_option(zend_string *key, zval *value, bsc_worker_options *opt, uint32_t **backoff, bool *known)
{
	zend_long n;
	bool ok;

	*known = true;
	if (zend_string_equals_literal(key, "max_jobs")) {
		ok = option_int(value, "max_jobs", 0, ZEND_LONG_MAX, &n);
		opt->caps.max_jobs = (uint64_t)n;
	} else if (zend_string_equals_literal(key, "max_runtime")) {
		ok = php_beanstalk_option_seconds(value, 2, "max_runtime", false, &opt->caps.max_runtime);
	} else if (zend_string_equals_literal(key, "runtime_jitter")) {
		ok = php_beanstalk_option_seconds(value, 2, "runtime_jitter", false, &opt->caps.runtime_jitter);
	} else if (zend_string_equals_literal(key, "memory_limit")) {
		ok = option_int(value, "memory_limit", 0, ZEND_LONG_MAX, &n);
		opt->caps.memory_limit = (uint64_t)n;
	} else if (zend_string_equals_literal(key, "rss_limit")) {
		ok = option_int(value, "rss_limit", 0, ZEND_LONG_MAX, &n);
		opt->caps.rss_limit = (uint64_t)n;
	} else if (zend_string_equals_literal(key, "max_attempts")) {
		ok = option_int(value, "max_attempts", 1, UINT32_MAX, &n);
		opt->retry.max_attempts = (uint32_t)n;
	} else if (zend_string_equals_literal(key, "backoff")) {
		if (*backoff) {
			efree(*backoff);
			*backoff = NULL;
		}
		ok = option_backoff(value, backoff, &opt->retry.backoff_len);
	} else if (zend_string_equals_literal(key, "prefetch")) {
		ok = option_int(value, "prefetch", 1, PREFETCH_MAX, &n);
		opt->prefetch = (uint32_t)n;
	} else if (zend_string_equals_literal(key, "reserve_timeout")) {
		ok = option_int(value, "reserve_timeout", 1, RESERVE_SLICE_MAX, &n);
		opt->reserve_timeout = (uint32_t)n;
	} else if (zend_string_equals_literal(key, "ttr_margin")) {
		ok = php_beanstalk_option_seconds(value, 2, "ttr_margin", true, &opt->ttr_margin);
	} else if (zend_string_equals_literal(key, "reconnect_timeout")) {
		ok = php_beanstalk_option_seconds(value, 2, "reconnect_timeout", false, &opt->reconnect_timeout);
	} else if (zend_string_equals_literal(key, "name")) {
		ok = option_string(value, "name", 60, &opt->name);
	} else {
		ok = true;
		*known = false;
	}
	return ok;
}

/* Fills opt from the array; the backoff list is emalloc'ed (free it). The
 * status address goes to *status, StatsD's to *statsd. */
bool php_beanstalk_worker_options(HashTable *options, bsc_worker_options *opt, uint32_t **backoff, bsc_redis_address *status,
	bsc_statsd_address *statsd)
{
	static const uint32_t default_backoff[] = { 1, 5, 30 };
	zend_string *key;
	zval *value;

	option_defaults(opt);
	*backoff = NULL;
	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, value) {
		bool ok, known;
		if (!key) {
			zend_argument_value_error(2, "must be an array keyed by option name");
			ok = false;
		} else {
			ZVAL_DEREF(value);
			ok = parse_run_option(key, value, opt, backoff, &known);
			if (ok && !known) {
				ok = parse_report_option(key, value, opt, status, statsd, &known);
			}
			if (ok && !known) {
				zend_argument_value_error(2, "unknown option \"%s\"", ZSTR_VAL(key));
				ok = false;
			}
		}
		if (!ok) {
			if (*backoff) {
				efree(*backoff);
				*backoff = NULL;
			}
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	if (!*backoff) {
		*backoff = safe_emalloc(3, sizeof(uint32_t), 0);
		memcpy(*backoff, default_backoff, sizeof(default_backoff));
		opt->retry.backoff_len = 3;
	}
	opt->retry.backoff = *backoff;
	return true;
}
/* }}} */
