/*
 * beanstalk: the argument checks the classes share. See args.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "zend_exceptions.h"
#include "args.h"
#include "src/proto/proto.h"

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
