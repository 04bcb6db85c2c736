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
#include "php_beanstalk.h"
#include "proto.h"
#include "beanstalk_arginfo.h"

zend_class_entry *php_beanstalk_queue_ce;
zend_class_entry *php_beanstalk_job_ce;
zend_class_entry *php_beanstalk_exception_ce;
zend_class_entry *php_beanstalk_connection_exception_ce;
zend_class_entry *php_beanstalk_timeout_exception_ce;
zend_class_entry *php_beanstalk_server_exception_ce;
zend_class_entry *php_beanstalk_job_too_big_exception_ce;
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

static PHP_MINIT_FUNCTION(beanstalk)
{
	php_beanstalk_exception_ce = register_class_Beanstalk_Exception(spl_ce_RuntimeException);
	php_beanstalk_connection_exception_ce = register_class_Beanstalk_ConnectionException(php_beanstalk_exception_ce);
	php_beanstalk_timeout_exception_ce = register_class_Beanstalk_TimeoutException(php_beanstalk_connection_exception_ce);
	php_beanstalk_server_exception_ce = register_class_Beanstalk_ServerException(php_beanstalk_exception_ce);
	php_beanstalk_job_too_big_exception_ce = register_class_Beanstalk_JobTooBigException(php_beanstalk_server_exception_ce);
	php_beanstalk_not_found_exception_ce = register_class_Beanstalk_NotFoundException(php_beanstalk_exception_ce);
	php_beanstalk_protocol_exception_ce = register_class_Beanstalk_ProtocolException(php_beanstalk_exception_ce);
	php_beanstalk_deadline_soon_exception_ce = register_class_Beanstalk_DeadlineSoonException(php_beanstalk_exception_ce);
	php_beanstalk_batch_exception_ce = register_class_Beanstalk_BatchException(php_beanstalk_exception_ce);

	php_beanstalk_queue_ce = register_class_Beanstalk_Queue();
	php_beanstalk_queue_minit(php_beanstalk_queue_ce);
	php_beanstalk_job_ce = register_class_Beanstalk_Job();
	php_beanstalk_job_minit(php_beanstalk_job_ce);
	return SUCCESS;
}

static PHP_MINFO_FUNCTION(beanstalk)
{
	php_info_print_table_start();
	php_info_print_table_row(2, "beanstalk support", "enabled");
	php_info_print_table_row(2, "Version", PHP_BEANSTALK_VERSION);
	php_info_print_table_end();
}

zend_module_entry beanstalk_module_entry = {
	STANDARD_MODULE_HEADER,
	"beanstalk",
	NULL,
	PHP_MINIT(beanstalk),
	NULL,
	NULL,
	NULL,
	PHP_MINFO(beanstalk),
	PHP_BEANSTALK_VERSION,
	STANDARD_MODULE_PROPERTIES
};

#ifdef COMPILE_DL_BEANSTALK
ZEND_GET_MODULE(beanstalk)
#endif
