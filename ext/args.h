/*
 * beanstalk: the checks of arguments and options that the classes share.
 * Each returns false after throwing ValueError (or TypeError), as
 * zend_argument_value_error() words it, before a byte is sent. A leaf: it
 * calls nothing of ext/ (ext/args.c).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BEANSTALK_ARGS_H
#define BEANSTALK_ARGS_H

#include "php.h"

/* A priority, delay, ttr or count of argument arg_num: 0 to 2^32-1. */
bool php_beanstalk_check_u32(zend_long value, uint32_t arg_num);
/* The ($priority, $delay, $ttr) of put and putMany, arguments 2 to 4. */
bool php_beanstalk_check_put_args(zend_long priority, zend_long delay, zend_long ttr);
/* A tube name as beanstalkd takes it; option: the option it was given in,
 * or NULL for the argument itself. */
bool php_beanstalk_check_tube(const zend_string *tube, uint32_t arg_num, const char *option);
/* A number of seconds in [0, a year]; above 0 when positive is set. */
#define PHP_BEANSTALK_SECONDS_MAX 31536000
bool php_beanstalk_seconds_valid(double seconds, bool positive);
/* An option of argument arg_num given in seconds, as an int or a float. */
bool php_beanstalk_option_seconds(zval *value, uint32_t arg_num, const char *name, bool positive, double *out);

#endif
