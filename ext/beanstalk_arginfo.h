/* This is a generated file, edit the .stub.php file instead.
 * Stub hash: 4d83290201ef8f672cd0c5e20b1958fb20f0a123 */

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Beanstalk_Queue___construct, 0, 0, 0)
	ZEND_ARG_TYPE_MASK(0, servers, MAY_BE_STRING|MAY_BE_ARRAY, "\"127.0.0.1:11300\"")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_put, 0, 1, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, data, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, priority, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_PRIORITY")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delay, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, ttr, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_TTR")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_putMany, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, data, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, priority, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_PRIORITY")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delay, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, ttr, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_TTR")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_putAsync, 0, 1, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, data, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, priority, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_PRIORITY")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delay, IS_LONG, 0, "0")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, ttr, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_TTR")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_flush, 0, 0, IS_ARRAY, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_useTube, 0, 1, IS_STATIC, 0)
	ZEND_ARG_TYPE_INFO(0, tube, IS_STRING, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_usedTube, 0, 0, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Queue_watch arginfo_class_Beanstalk_Queue_useTube

#define arginfo_class_Beanstalk_Queue_ignore arginfo_class_Beanstalk_Queue_useTube

#define arginfo_class_Beanstalk_Queue_watchedTubes arginfo_class_Beanstalk_Queue_flush

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Beanstalk_Queue_reserve, 0, 0, Beanstalk\\Job, 1)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, timeout, IS_LONG, 1, "null")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Beanstalk_Queue_reserveJob, 0, 1, Beanstalk\\Job, 1)
	ZEND_ARG_TYPE_INFO(0, id, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_delete, 0, 1, IS_VOID, 0)
	ZEND_ARG_OBJ_TYPE_MASK(0, job, Beanstalk\\Job, MAY_BE_LONG, NULL)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_release, 0, 1, IS_VOID, 0)
	ZEND_ARG_OBJ_TYPE_MASK(0, job, Beanstalk\\Job, MAY_BE_LONG, NULL)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, priority, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_PRIORITY")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delay, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_bury, 0, 1, IS_VOID, 0)
	ZEND_ARG_OBJ_TYPE_MASK(0, job, Beanstalk\\Job, MAY_BE_LONG, NULL)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, priority, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_PRIORITY")
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Queue_touch arginfo_class_Beanstalk_Queue_delete

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_kick, 0, 1, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, bound, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_kickJob, 0, 1, _IS_BOOL, 0)
	ZEND_ARG_OBJ_TYPE_MASK(0, job, Beanstalk\\Job, MAY_BE_LONG, NULL)
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Queue_peek arginfo_class_Beanstalk_Queue_reserveJob

ZEND_BEGIN_ARG_WITH_RETURN_OBJ_INFO_EX(arginfo_class_Beanstalk_Queue_peekReady, 0, 0, Beanstalk\\Job, 1)
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Queue_peekDelayed arginfo_class_Beanstalk_Queue_peekReady

#define arginfo_class_Beanstalk_Queue_peekBuried arginfo_class_Beanstalk_Queue_peekReady

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_statsJob, 0, 1, IS_ARRAY, 1)
	ZEND_ARG_OBJ_TYPE_MASK(0, job, Beanstalk\\Job, MAY_BE_LONG, NULL)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_statsTube, 0, 1, IS_ARRAY, 1)
	ZEND_ARG_TYPE_INFO(0, tube, IS_STRING, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Queue_stats arginfo_class_Beanstalk_Queue_flush

#define arginfo_class_Beanstalk_Queue_listTubes arginfo_class_Beanstalk_Queue_flush

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_pauseTube, 0, 2, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO(0, tube, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO(0, seconds, IS_LONG, 0)
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Queue_close, 0, 0, IS_VOID, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Queue_clientStats arginfo_class_Beanstalk_Queue_flush

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Beanstalk_Job___construct, 0, 0, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Job_delete arginfo_class_Beanstalk_Queue_close

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Job_release, 0, 0, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, priority, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_PRIORITY")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, delay, IS_LONG, 0, "0")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Job_bury, 0, 0, IS_VOID, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, priority, IS_LONG, 0, "Beanstalk\\Queue::DEFAULT_PRIORITY")
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Job_touch arginfo_class_Beanstalk_Queue_close

#define arginfo_class_Beanstalk_Job_stats arginfo_class_Beanstalk_Queue_flush

ZEND_BEGIN_ARG_INFO_EX(arginfo_class_Beanstalk_Worker___construct, 0, 0, 1)
	ZEND_ARG_OBJ_INFO(0, queue, Beanstalk\\Queue, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, options, IS_ARRAY, 0, "[]")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Worker_run, 0, 1, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, handler, IS_CALLABLE, 0)
ZEND_END_ARG_INFO()

#define arginfo_class_Beanstalk_Worker_stop arginfo_class_Beanstalk_Queue_close

#define arginfo_class_Beanstalk_Worker_stats arginfo_class_Beanstalk_Queue_flush

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Worker_fleet, 0, 1, IS_ARRAY, 0)
	ZEND_ARG_TYPE_INFO(0, redis, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, prefix, IS_STRING, 0, "\"beanstalk:\"")
ZEND_END_ARG_INFO()

ZEND_BEGIN_ARG_WITH_RETURN_TYPE_INFO_EX(arginfo_class_Beanstalk_Worker_restartAll, 0, 1, IS_LONG, 0)
	ZEND_ARG_TYPE_INFO(0, redis, IS_STRING, 0)
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, name, IS_STRING, 1, "null")
	ZEND_ARG_TYPE_INFO_WITH_DEFAULT_VALUE(0, prefix, IS_STRING, 0, "\"beanstalk:\"")
ZEND_END_ARG_INFO()


ZEND_METHOD(Beanstalk_Queue, __construct);
ZEND_METHOD(Beanstalk_Queue, put);
ZEND_METHOD(Beanstalk_Queue, putMany);
ZEND_METHOD(Beanstalk_Queue, putAsync);
ZEND_METHOD(Beanstalk_Queue, flush);
ZEND_METHOD(Beanstalk_Queue, useTube);
ZEND_METHOD(Beanstalk_Queue, usedTube);
ZEND_METHOD(Beanstalk_Queue, watch);
ZEND_METHOD(Beanstalk_Queue, ignore);
ZEND_METHOD(Beanstalk_Queue, watchedTubes);
ZEND_METHOD(Beanstalk_Queue, reserve);
ZEND_METHOD(Beanstalk_Queue, reserveJob);
ZEND_METHOD(Beanstalk_Queue, delete);
ZEND_METHOD(Beanstalk_Queue, release);
ZEND_METHOD(Beanstalk_Queue, bury);
ZEND_METHOD(Beanstalk_Queue, touch);
ZEND_METHOD(Beanstalk_Queue, kick);
ZEND_METHOD(Beanstalk_Queue, kickJob);
ZEND_METHOD(Beanstalk_Queue, peek);
ZEND_METHOD(Beanstalk_Queue, peekReady);
ZEND_METHOD(Beanstalk_Queue, peekDelayed);
ZEND_METHOD(Beanstalk_Queue, peekBuried);
ZEND_METHOD(Beanstalk_Queue, statsJob);
ZEND_METHOD(Beanstalk_Queue, statsTube);
ZEND_METHOD(Beanstalk_Queue, stats);
ZEND_METHOD(Beanstalk_Queue, listTubes);
ZEND_METHOD(Beanstalk_Queue, pauseTube);
ZEND_METHOD(Beanstalk_Queue, close);
ZEND_METHOD(Beanstalk_Queue, clientStats);
ZEND_METHOD(Beanstalk_Job, __construct);
ZEND_METHOD(Beanstalk_Job, delete);
ZEND_METHOD(Beanstalk_Job, release);
ZEND_METHOD(Beanstalk_Job, bury);
ZEND_METHOD(Beanstalk_Job, touch);
ZEND_METHOD(Beanstalk_Job, stats);
ZEND_METHOD(Beanstalk_Worker, __construct);
ZEND_METHOD(Beanstalk_Worker, run);
ZEND_METHOD(Beanstalk_Worker, stop);
ZEND_METHOD(Beanstalk_Worker, stats);
ZEND_METHOD(Beanstalk_Worker, fleet);
ZEND_METHOD(Beanstalk_Worker, restartAll);


static const zend_function_entry class_Beanstalk_Queue_methods[] = {
	ZEND_ME(Beanstalk_Queue, __construct, arginfo_class_Beanstalk_Queue___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, put, arginfo_class_Beanstalk_Queue_put, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, putMany, arginfo_class_Beanstalk_Queue_putMany, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, putAsync, arginfo_class_Beanstalk_Queue_putAsync, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, flush, arginfo_class_Beanstalk_Queue_flush, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, useTube, arginfo_class_Beanstalk_Queue_useTube, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, usedTube, arginfo_class_Beanstalk_Queue_usedTube, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, watch, arginfo_class_Beanstalk_Queue_watch, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, ignore, arginfo_class_Beanstalk_Queue_ignore, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, watchedTubes, arginfo_class_Beanstalk_Queue_watchedTubes, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, reserve, arginfo_class_Beanstalk_Queue_reserve, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, reserveJob, arginfo_class_Beanstalk_Queue_reserveJob, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, delete, arginfo_class_Beanstalk_Queue_delete, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, release, arginfo_class_Beanstalk_Queue_release, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, bury, arginfo_class_Beanstalk_Queue_bury, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, touch, arginfo_class_Beanstalk_Queue_touch, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, kick, arginfo_class_Beanstalk_Queue_kick, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, kickJob, arginfo_class_Beanstalk_Queue_kickJob, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, peek, arginfo_class_Beanstalk_Queue_peek, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, peekReady, arginfo_class_Beanstalk_Queue_peekReady, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, peekDelayed, arginfo_class_Beanstalk_Queue_peekDelayed, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, peekBuried, arginfo_class_Beanstalk_Queue_peekBuried, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, statsJob, arginfo_class_Beanstalk_Queue_statsJob, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, statsTube, arginfo_class_Beanstalk_Queue_statsTube, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, stats, arginfo_class_Beanstalk_Queue_stats, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, listTubes, arginfo_class_Beanstalk_Queue_listTubes, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, pauseTube, arginfo_class_Beanstalk_Queue_pauseTube, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, close, arginfo_class_Beanstalk_Queue_close, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Queue, clientStats, arginfo_class_Beanstalk_Queue_clientStats, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_Job_methods[] = {
	ZEND_ME(Beanstalk_Job, __construct, arginfo_class_Beanstalk_Job___construct, ZEND_ACC_PRIVATE)
	ZEND_ME(Beanstalk_Job, delete, arginfo_class_Beanstalk_Job_delete, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Job, release, arginfo_class_Beanstalk_Job_release, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Job, bury, arginfo_class_Beanstalk_Job_bury, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Job, touch, arginfo_class_Beanstalk_Job_touch, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Job, stats, arginfo_class_Beanstalk_Job_stats, ZEND_ACC_PUBLIC)
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_Exception_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_ConnectionException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_TimeoutException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_ServerException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_JobTooBigException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_DrainingException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_NotFoundException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_ProtocolException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_DeadlineSoonException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_BatchException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_TtrExceededException_methods[] = {
	ZEND_FE_END
};


static const zend_function_entry class_Beanstalk_Worker_methods[] = {
	ZEND_ME(Beanstalk_Worker, __construct, arginfo_class_Beanstalk_Worker___construct, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Worker, run, arginfo_class_Beanstalk_Worker_run, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Worker, stop, arginfo_class_Beanstalk_Worker_stop, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Worker, stats, arginfo_class_Beanstalk_Worker_stats, ZEND_ACC_PUBLIC)
	ZEND_ME(Beanstalk_Worker, fleet, arginfo_class_Beanstalk_Worker_fleet, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_ME(Beanstalk_Worker, restartAll, arginfo_class_Beanstalk_Worker_restartAll, ZEND_ACC_PUBLIC|ZEND_ACC_STATIC)
	ZEND_FE_END
};

static zend_class_entry *register_class_Beanstalk_Queue(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "Queue", class_Beanstalk_Queue_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;

	zval const_DEFAULT_PRIORITY_value;
	ZVAL_LONG(&const_DEFAULT_PRIORITY_value, 1024);
	zend_string *const_DEFAULT_PRIORITY_name = zend_string_init_interned("DEFAULT_PRIORITY", sizeof("DEFAULT_PRIORITY") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_DEFAULT_PRIORITY_name, &const_DEFAULT_PRIORITY_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_DEFAULT_PRIORITY_name);

	zval const_DEFAULT_TTR_value;
	ZVAL_LONG(&const_DEFAULT_TTR_value, 60);
	zend_string *const_DEFAULT_TTR_name = zend_string_init_interned("DEFAULT_TTR", sizeof("DEFAULT_TTR") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_DEFAULT_TTR_name, &const_DEFAULT_TTR_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_DEFAULT_TTR_name);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_Job(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "Job", class_Beanstalk_Job_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;

	zval property_id_default_value;
	ZVAL_UNDEF(&property_id_default_value);
	zend_string *property_id_name = zend_string_init("id", sizeof("id") - 1, 1);
	zend_declare_typed_property(class_entry, property_id_name, &property_id_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_LONG));
	zend_string_release(property_id_name);

	zval property_data_default_value;
	ZVAL_UNDEF(&property_data_default_value);
	zend_string *property_data_name = zend_string_init("data", sizeof("data") - 1, 1);
	zend_declare_typed_property(class_entry, property_data_name, &property_data_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_data_name);

	zval property_server_default_value;
	ZVAL_UNDEF(&property_server_default_value);
	zend_string *property_server_name = zend_string_init("server", sizeof("server") - 1, 1);
	zend_declare_typed_property(class_entry, property_server_name, &property_server_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_STRING));
	zend_string_release(property_server_name);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_Exception(zend_class_entry *class_entry_RuntimeException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "Exception", class_Beanstalk_Exception_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_RuntimeException);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_ConnectionException(zend_class_entry *class_entry_Beanstalk_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "ConnectionException", class_Beanstalk_ConnectionException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_Exception);

	zval property_sent_default_value;
	ZVAL_UNDEF(&property_sent_default_value);
	zend_string *property_sent_name = zend_string_init("sent", sizeof("sent") - 1, 1);
	zend_declare_typed_property(class_entry, property_sent_name, &property_sent_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_BOOL));
	zend_string_release(property_sent_name);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_TimeoutException(zend_class_entry *class_entry_Beanstalk_ConnectionException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "TimeoutException", class_Beanstalk_TimeoutException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_ConnectionException);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_ServerException(zend_class_entry *class_entry_Beanstalk_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "ServerException", class_Beanstalk_ServerException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_Exception);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_JobTooBigException(zend_class_entry *class_entry_Beanstalk_ServerException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "JobTooBigException", class_Beanstalk_JobTooBigException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_ServerException);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_DrainingException(zend_class_entry *class_entry_Beanstalk_ServerException)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "DrainingException", class_Beanstalk_DrainingException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_ServerException);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_NotFoundException(zend_class_entry *class_entry_Beanstalk_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "NotFoundException", class_Beanstalk_NotFoundException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_Exception);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_ProtocolException(zend_class_entry *class_entry_Beanstalk_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "ProtocolException", class_Beanstalk_ProtocolException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_Exception);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_DeadlineSoonException(zend_class_entry *class_entry_Beanstalk_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "DeadlineSoonException", class_Beanstalk_DeadlineSoonException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_Exception);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_BatchException(zend_class_entry *class_entry_Beanstalk_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "BatchException", class_Beanstalk_BatchException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_Exception);
	class_entry->ce_flags |= ZEND_ACC_NO_DYNAMIC_PROPERTIES;

	zval property_inserted_default_value;
	ZVAL_UNDEF(&property_inserted_default_value);
	zend_string *property_inserted_name = zend_string_init("inserted", sizeof("inserted") - 1, 1);
	zend_declare_typed_property(class_entry, property_inserted_name, &property_inserted_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_ARRAY));
	zend_string_release(property_inserted_name);

	zval property_failed_default_value;
	ZVAL_UNDEF(&property_failed_default_value);
	zend_string *property_failed_name = zend_string_init("failed", sizeof("failed") - 1, 1);
	zend_declare_typed_property(class_entry, property_failed_name, &property_failed_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_MASK(MAY_BE_ARRAY));
	zend_string_release(property_failed_name);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_TtrExceededException(zend_class_entry *class_entry_Beanstalk_Exception)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "TtrExceededException", class_Beanstalk_TtrExceededException_methods);
	class_entry = zend_register_internal_class_ex(&ce, class_entry_Beanstalk_Exception);

	return class_entry;
}

static zend_class_entry *register_class_Beanstalk_Worker(void)
{
	zend_class_entry ce, *class_entry;

	INIT_NS_CLASS_ENTRY(ce, "Beanstalk", "Worker", class_Beanstalk_Worker_methods);
	class_entry = zend_register_internal_class_ex(&ce, NULL);
	class_entry->ce_flags |= ZEND_ACC_FINAL|ZEND_ACC_NO_DYNAMIC_PROPERTIES|ZEND_ACC_NOT_SERIALIZABLE;

	zval const_STOP_SIGNAL_value;
	ZVAL_LONG(&const_STOP_SIGNAL_value, 0);
	zend_string *const_STOP_SIGNAL_name = zend_string_init_interned("STOP_SIGNAL", sizeof("STOP_SIGNAL") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_STOP_SIGNAL_name, &const_STOP_SIGNAL_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_STOP_SIGNAL_name);

	zval const_STOP_RESTART_value;
	ZVAL_LONG(&const_STOP_RESTART_value, 10);
	zend_string *const_STOP_RESTART_name = zend_string_init_interned("STOP_RESTART", sizeof("STOP_RESTART") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_STOP_RESTART_name, &const_STOP_RESTART_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_STOP_RESTART_name);

	zval const_STOP_MAX_JOBS_value;
	ZVAL_LONG(&const_STOP_MAX_JOBS_value, 11);
	zend_string *const_STOP_MAX_JOBS_name = zend_string_init_interned("STOP_MAX_JOBS", sizeof("STOP_MAX_JOBS") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_STOP_MAX_JOBS_name, &const_STOP_MAX_JOBS_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_STOP_MAX_JOBS_name);

	zval const_STOP_MAX_RUNTIME_value;
	ZVAL_LONG(&const_STOP_MAX_RUNTIME_value, 12);
	zend_string *const_STOP_MAX_RUNTIME_name = zend_string_init_interned("STOP_MAX_RUNTIME", sizeof("STOP_MAX_RUNTIME") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_STOP_MAX_RUNTIME_name, &const_STOP_MAX_RUNTIME_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_STOP_MAX_RUNTIME_name);

	zval const_STOP_MEMORY_value;
	ZVAL_LONG(&const_STOP_MEMORY_value, 13);
	zend_string *const_STOP_MEMORY_name = zend_string_init_interned("STOP_MEMORY", sizeof("STOP_MEMORY") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_STOP_MEMORY_name, &const_STOP_MEMORY_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_STOP_MEMORY_name);

	zval const_STOP_REQUESTED_value;
	ZVAL_LONG(&const_STOP_REQUESTED_value, 14);
	zend_string *const_STOP_REQUESTED_name = zend_string_init_interned("STOP_REQUESTED", sizeof("STOP_REQUESTED") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_STOP_REQUESTED_name, &const_STOP_REQUESTED_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_STOP_REQUESTED_name);

	zval const_STOP_CONNECTION_value;
	ZVAL_LONG(&const_STOP_CONNECTION_value, 15);
	zend_string *const_STOP_CONNECTION_name = zend_string_init_interned("STOP_CONNECTION", sizeof("STOP_CONNECTION") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_STOP_CONNECTION_name, &const_STOP_CONNECTION_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_STOP_CONNECTION_name);

	zval const_EXIT_TTR_OVERRUN_value;
	ZVAL_LONG(&const_EXIT_TTR_OVERRUN_value, 16);
	zend_string *const_EXIT_TTR_OVERRUN_name = zend_string_init_interned("EXIT_TTR_OVERRUN", sizeof("EXIT_TTR_OVERRUN") - 1, 1);
	zend_declare_class_constant_ex(class_entry, const_EXIT_TTR_OVERRUN_name, &const_EXIT_TTR_OVERRUN_value, ZEND_ACC_PUBLIC, NULL);
	zend_string_release(const_EXIT_TTR_OVERRUN_name);

	zend_string *property_queue_class_Beanstalk_Queue = zend_string_init("Beanstalk\\Queue", sizeof("Beanstalk\\Queue")-1, 1);
	zval property_queue_default_value;
	ZVAL_UNDEF(&property_queue_default_value);
	zend_string *property_queue_name = zend_string_init("queue", sizeof("queue") - 1, 1);
	zend_declare_typed_property(class_entry, property_queue_name, &property_queue_default_value, ZEND_ACC_PUBLIC|ZEND_ACC_READONLY, NULL, (zend_type) ZEND_TYPE_INIT_CLASS(property_queue_class_Beanstalk_Queue, 0, 0));
	zend_string_release(property_queue_name);

	return class_entry;
}
