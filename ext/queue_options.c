/*
 * Beanstalk\Queue's constructor arguments: the servers, a string or a
 * list, and the options array checked into the connection's options, each
 * error a ValueError or TypeError that names its option.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "beanstalk_private.h"

/* coalesce => true: puts held until this many bytes. */
#define COALESCE_DEFAULT ((size_t)64 << 10)
#define COALESCE_MAX ((size_t)16 << 20)

static bool option_max_job_size(zval *value, php_beanstalk_queue_options *out)
{
	if (Z_TYPE_P(value) != IS_LONG) {
		zend_argument_type_error(2, "option \"max_job_size\" must be of type int, %s given", zend_zval_type_name(value));
		return false;
	}
	if (Z_LVAL_P(value) < 1 || (uint64_t)Z_LVAL_P(value) > BSC_BODY_MAX_DEFAULT) {
		zend_argument_value_error(2, "option \"max_job_size\" must be between 1 and %zu", BSC_BODY_MAX_DEFAULT);
		return false;
	}
	out->conn.job_size_max = (size_t)Z_LVAL_P(value);
	return true;
}

static bool option_tube(zval *value, php_beanstalk_queue_options *out)
{
	if (Z_TYPE_P(value) != IS_STRING) {
		zend_argument_type_error(2, "option \"tube\" must be of type string, %s given", zend_zval_type_name(value));
		return false;
	}
	if (!php_beanstalk_check_tube(Z_STR_P(value), 2, "tube")) {
		return false;
	}
	out->tube = Z_STR_P(value);
	return true;
}

static bool option_watch(zval *value, php_beanstalk_queue_options *out)
{
	zval *tube;

	if (Z_TYPE_P(value) != IS_ARRAY) {
		zend_argument_type_error(2, "option \"watch\" must be of type array, %s given", zend_zval_type_name(value));
		return false;
	}
	if (zend_hash_num_elements(Z_ARRVAL_P(value)) == 0) {
		zend_argument_value_error(2, "option \"watch\" must name at least one tube");
		return false;
	}
	ZEND_HASH_FOREACH_VAL(Z_ARRVAL_P(value), tube) {
		ZVAL_DEREF(tube);
		if (Z_TYPE_P(tube) != IS_STRING) {
			zend_argument_type_error(2, "option \"watch\" must be a list of strings, %s found", zend_zval_type_name(tube));
			return false;
		}
		if (!php_beanstalk_check_tube(Z_STR_P(tube), 2, "watch")) {
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	out->watch = Z_ARRVAL_P(value);
	return true;
}

static bool option_persistent(zval *value, php_beanstalk_queue_options *out)
{
	if (Z_TYPE_P(value) == IS_TRUE || Z_TYPE_P(value) == IS_FALSE) {
		out->persistent = Z_TYPE_P(value) == IS_TRUE;
		return true;
	}
	if (Z_TYPE_P(value) != IS_STRING) {
		zend_argument_type_error(2, "option \"persistent\" must be of type bool|string, %s given", zend_zval_type_name(value));
		return false;
	}
	if (Z_STRLEN_P(value) == 0 || Z_STRLEN_P(value) > 200) {
		zend_argument_value_error(2, "option \"persistent\" must be a bool or a pool id of 1 to 200 bytes");
		return false;
	}
	out->persistent = true;
	out->pool_id = Z_STR_P(value);
	return true;
}

static bool option_coalesce(zval *value, php_beanstalk_queue_options *out)
{
	if (Z_TYPE_P(value) == IS_TRUE || Z_TYPE_P(value) == IS_FALSE) {
		out->coalesce = Z_TYPE_P(value) == IS_TRUE ? COALESCE_DEFAULT : 0;
		return true;
	}
	if (Z_TYPE_P(value) != IS_LONG) {
		zend_argument_type_error(2, "option \"coalesce\" must be of type bool|int, %s given", zend_zval_type_name(value));
		return false;
	}
	if (Z_LVAL_P(value) < 1 || (uint64_t)Z_LVAL_P(value) > COALESCE_MAX) {
		zend_argument_value_error(2, "option \"coalesce\" must be a bool or a number of bytes from 1 to %zu", COALESCE_MAX);
		return false;
	}
	out->coalesce = (size_t)Z_LVAL_P(value);
	return true;
}

/* One option of Queue::__construct()'s array; false after throwing. */
static bool parse_option(zend_string *key, zval *value, php_beanstalk_queue_options *out)
{
	if (zend_string_equals_literal(key, "connect_timeout")) {
		return php_beanstalk_option_seconds(value, 2, "connect_timeout", false, &out->conn.connect_timeout);
	}
	if (zend_string_equals_literal(key, "timeout")) {
		return php_beanstalk_option_seconds(value, 2, "timeout", false, &out->conn.timeout);
	}
	if (zend_string_equals_literal(key, "max_job_size")) {
		return option_max_job_size(value, out);
	}
	if (zend_string_equals_literal(key, "tube")) {
		return option_tube(value, out);
	}
	if (zend_string_equals_literal(key, "watch")) {
		return option_watch(value, out);
	}
	if (zend_string_equals_literal(key, "persistent")) {
		return option_persistent(value, out);
	}
	if (zend_string_equals_literal(key, "coalesce")) {
		return option_coalesce(value, out);
	}
	zend_argument_value_error(2, "unknown option \"%s\"", ZSTR_VAL(key));
	return false;
}

bool php_beanstalk_queue_options_parse(HashTable *options, php_beanstalk_queue_options *out)
{
	zend_string *key;
	zval *value;

	*out = (php_beanstalk_queue_options){
		.conn = { .connect_timeout = BEANSTALK_G(connect_timeout), .timeout = BEANSTALK_G(timeout) },
	};
	ZEND_HASH_FOREACH_STR_KEY_VAL(options, key, value) {
		if (!key) {
			zend_argument_value_error(2, "must be an array keyed by option name");
			return false;
		}
		ZVAL_DEREF(value);
		if (!parse_option(key, value, out)) {
			return false;
		}
	} ZEND_HASH_FOREACH_END();
	return true;
}

zend_string **php_beanstalk_server_addresses(zend_string *str, HashTable *list, size_t *n)
{
	zval *entry;
	size_t i = 0;

	if (str) {
		zend_string **one = emalloc(sizeof(*one));
		one[0] = str;
		*n = 1;
		return one;
	}
	*n = zend_hash_num_elements(list);
	if (*n == 0) {
		zend_argument_value_error(1, "must name at least one server");
		return NULL;
	}
	zend_string **all = safe_emalloc(*n, sizeof(*all), 0);
	/* Not the array's internal pointer: the caller may have moved it. */
	ZEND_HASH_FOREACH_VAL(list, entry) {
		ZVAL_DEREF(entry);
		if (Z_TYPE_P(entry) != IS_STRING) {
			zend_argument_type_error(1, "must be a string or a list of strings, %s found in the list", zend_zval_type_name(entry));
			efree(all);
			return NULL;
		}
		all[i++] = Z_STR_P(entry);
	} ZEND_HASH_FOREACH_END();
	return all;
}
