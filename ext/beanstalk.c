/*
 * beanstalk: module entry, class registration, phpinfo.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "ext/standard/info.h"
#include "ext/spl/spl_exceptions.h"
#include "beanstalk_private.h"
#include "src/proto/proto.h"
#include "beanstalk_arginfo.h"

/* The re2c that generated src/proto/proto.c (configure says; a tarball build
 * without re2c uses the shipped file). */
#ifndef BEANSTALK_RE2C
# define BEANSTALK_RE2C "re2c"
#endif

ZEND_DECLARE_MODULE_GLOBALS(beanstalk)

zend_class_entry *php_beanstalk_queue_ce;
zend_class_entry *php_beanstalk_job_ce;
zend_class_entry *php_beanstalk_exception_ce;
zend_class_entry *php_beanstalk_connection_exception_ce;
zend_class_entry *php_beanstalk_timeout_exception_ce;
zend_class_entry *php_beanstalk_server_exception_ce;
zend_class_entry *php_beanstalk_job_too_big_exception_ce;
zend_class_entry *php_beanstalk_draining_exception_ce;
zend_class_entry *php_beanstalk_not_found_exception_ce;
zend_class_entry *php_beanstalk_protocol_exception_ce;
zend_class_entry *php_beanstalk_deadline_soon_exception_ce;
zend_class_entry *php_beanstalk_batch_exception_ce;

bool php_beanstalk_check_u32(zend_long value, uint32_t arg_num)
{
	if (UNEXPECTED(value < 0 || (uint64_t)value > UINT32_MAX)) {
		zend_argument_value_error(arg_num, "must be between 0 and %" PRIu32, UINT32_MAX);
		return false;
	}
	return true;
}

bool php_beanstalk_check_put_args(zend_long priority, zend_long delay, zend_long ttr)
{
	return php_beanstalk_check_u32(priority, 2) && php_beanstalk_check_u32(delay, 3) && php_beanstalk_check_u32(ttr, 4);
}

bool php_beanstalk_check_tube(const zend_string *tube, uint32_t arg_num, const char *option)
{
	if (EXPECTED(bsc_tube_valid(ZSTR_VAL(tube), ZSTR_LEN(tube)))) {
		return true;
	}
	const char *why = ZSTR_LEN(tube) == 0 ? "must not be empty"
		: ZSTR_LEN(tube) > BSC_TUBE_MAX ? "must be at most 200 bytes long"
		: ZSTR_VAL(tube)[0] == '-' ? "must not start with \"-\""
		: "may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )";
	if (option) {
		zend_argument_value_error(arg_num, "option \"%s\": tube name %s", option, why);
	} else {
		zend_argument_value_error(arg_num, "%s", why);
	}
	return false;
}

bool php_beanstalk_seconds_valid(double seconds, bool positive)
{
	return seconds >= 0 && seconds <= PHP_BEANSTALK_SECONDS_MAX && !(positive && seconds == 0);
}

bool php_beanstalk_option_seconds(zval *value, uint32_t arg_num, const char *name, bool positive, double *out)
{
	double d;

	if (Z_TYPE_P(value) == IS_LONG) {
		d = (double)Z_LVAL_P(value);
	} else if (Z_TYPE_P(value) == IS_DOUBLE) {
		d = Z_DVAL_P(value);
	} else {
		zend_argument_type_error(arg_num, "option \"%s\" must be of type int|float, %s given", name, zend_zval_type_name(value));
		return false;
	}
	if (!php_beanstalk_seconds_valid(d, positive)) {
		zend_argument_value_error(arg_num, "option \"%s\" must be a number of seconds %s %d", name,
			positive ? "above 0, at most" : "from 0 to", PHP_BEANSTALK_SECONDS_MAX);
		return false;
	}
	*out = d;
	return true;
}

/* The INI settings in seconds: an int or a float, as the options. */
static ZEND_INI_MH(OnUpdateSeconds)
{
	double d;
	uint8_t type = is_numeric_string(ZSTR_VAL(new_value), ZSTR_LEN(new_value), NULL, &d, false);

	if (type == IS_LONG) {
		d = (double)ZEND_STRTOL(ZSTR_VAL(new_value), NULL, 10);
	} else if (type != IS_DOUBLE) {
		return FAILURE;
	}
	if (!php_beanstalk_seconds_valid(d, false)) {
		return FAILURE;
	}
	*(double *)ZEND_INI_GET_ADDR() = d;
	return SUCCESS;
}

PHP_INI_BEGIN()
	STD_PHP_INI_ENTRY("beanstalk.connect_timeout", "1.0", PHP_INI_ALL, OnUpdateSeconds, connect_timeout, zend_beanstalk_globals, beanstalk_globals)
	STD_PHP_INI_ENTRY("beanstalk.timeout", "5.0", PHP_INI_ALL, OnUpdateSeconds, timeout, zend_beanstalk_globals, beanstalk_globals)
PHP_INI_END()

static PHP_GINIT_FUNCTION(beanstalk)
{
#if defined(COMPILE_DL_BEANSTALK) && defined(ZTS)
	ZEND_TSRMLS_CACHE_UPDATE();
#endif
	beanstalk_globals->connect_timeout = 1.0;
	beanstalk_globals->timeout = 5.0;
}

static PHP_MINIT_FUNCTION(beanstalk)
{
	REGISTER_INI_ENTRIES();
	php_beanstalk_persistent_minit(module_number);

	php_beanstalk_exception_ce = register_class_Beanstalk_Exception(spl_ce_RuntimeException);
	php_beanstalk_connection_exception_ce = register_class_Beanstalk_ConnectionException(php_beanstalk_exception_ce);
	/* Before its subclasses are registered: they inherit the hook. */
	php_beanstalk_connection_exception_minit(php_beanstalk_connection_exception_ce);
	php_beanstalk_timeout_exception_ce = register_class_Beanstalk_TimeoutException(php_beanstalk_connection_exception_ce);
	php_beanstalk_server_exception_ce = register_class_Beanstalk_ServerException(php_beanstalk_exception_ce);
	php_beanstalk_job_too_big_exception_ce = register_class_Beanstalk_JobTooBigException(php_beanstalk_server_exception_ce);
	php_beanstalk_draining_exception_ce = register_class_Beanstalk_DrainingException(php_beanstalk_server_exception_ce);
	php_beanstalk_not_found_exception_ce = register_class_Beanstalk_NotFoundException(php_beanstalk_exception_ce);
	php_beanstalk_protocol_exception_ce = register_class_Beanstalk_ProtocolException(php_beanstalk_exception_ce);
	php_beanstalk_deadline_soon_exception_ce = register_class_Beanstalk_DeadlineSoonException(php_beanstalk_exception_ce);
	php_beanstalk_batch_exception_ce = register_class_Beanstalk_BatchException(php_beanstalk_exception_ce);
	php_beanstalk_batch_exception_minit(php_beanstalk_batch_exception_ce);

	php_beanstalk_queue_ce = register_class_Beanstalk_Queue();
	php_beanstalk_queue_minit(php_beanstalk_queue_ce);
	php_beanstalk_job_ce = register_class_Beanstalk_Job();
	php_beanstalk_job_minit(php_beanstalk_job_ce);
	php_beanstalk_ttr_exceeded_exception_ce = register_class_Beanstalk_TtrExceededException(php_beanstalk_exception_ce);
	php_beanstalk_worker_ce = register_class_Beanstalk_Worker();
	php_beanstalk_worker_minit(php_beanstalk_worker_ce);
	return SUCCESS;
}

static PHP_MSHUTDOWN_FUNCTION(beanstalk)
{
	php_beanstalk_worker_mshutdown();
	UNREGISTER_INI_ENTRIES();
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(beanstalk)
{
	char count[32];

	php_info_print_table_start();
	php_info_print_table_row(2, "beanstalk support", "enabled");
	php_info_print_table_row(2, "Version", PHP_BEANSTALK_VERSION);
	php_info_print_table_row(2, "Protocol", "beanstalkd 1.12 and 1.13 (reply lexer generated by " BEANSTALK_RE2C ")");
	snprintf(count, sizeof(count), ZEND_LONG_FMT, php_beanstalk_persistent_count());
	php_info_print_table_row(2, "Persistent connections open", count);
#ifdef BEANSTALK_HIREDIS
	php_info_print_table_row(2, "Redis status support", "yes");
	php_info_print_table_row(2, "Redis client", BEANSTALK_HIREDIS);
#else
	php_info_print_table_row(2, "Redis status support", "no");
#endif
	php_info_print_table_end();

	DISPLAY_INI_ENTRIES();
}

zend_module_entry beanstalk_module_entry = {
	STANDARD_MODULE_HEADER,
	"beanstalk",
	NULL,
	PHP_MINIT(beanstalk),
	PHP_MSHUTDOWN(beanstalk),
	NULL,
	NULL,
	PHP_MINFO(beanstalk),
	PHP_BEANSTALK_VERSION,
	PHP_MODULE_GLOBALS(beanstalk),
	PHP_GINIT(beanstalk),
	NULL,
	NULL,
	STANDARD_MODULE_PROPERTIES_EX
};

#ifdef COMPILE_DL_BEANSTALK
# ifdef ZTS
ZEND_TSRMLS_CACHE_DEFINE()
# endif
ZEND_GET_MODULE(beanstalk)
#endif
