/*
 * beanstalk: a native beanstalkd client and worker loop for PHP.
 *
 * The extension's public face: its version, its module entry and its
 * classes. The internals shared by the files of ext/ are in
 * beanstalk_private.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef PHP_BEANSTALK_H
#define PHP_BEANSTALK_H

#include "php.h"

#define PHP_BEANSTALK_VERSION "0.2.0"

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

#endif
