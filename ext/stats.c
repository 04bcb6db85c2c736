/*
 * beanstalk: the server's stats and tube lists as PHP arrays.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "beanstalk_private.h"

static bool add_stat(const bsc_stat *st, void *ctx)
{
	zval *arr = ctx, v;

	switch (st->type) {
	case BSC_VALUE_INT:
		ZVAL_LONG(&v, (zend_long)st->i);
		break;
	case BSC_VALUE_FLOAT:
		ZVAL_DOUBLE(&v, st->d);
		break;
	case BSC_VALUE_BOOL:
		ZVAL_BOOL(&v, st->i != 0);
		break;
	case BSC_VALUE_STRING:
		ZVAL_STRINGL_FAST(&v, st->str, st->str_len);
		break;
	}
	zend_symtable_str_update(Z_ARRVAL_P(arr), st->key, st->key_len, &v);
	return true;
}

bool php_beanstalk_stats_to_array(zval *out, const char *body, size_t len, bsc_stats_kind kind)
{
	array_init(out);
	if (!bsc_stats_parse(body, len, kind, add_stat, out)) {
		zval_ptr_dtor(out);
		ZVAL_UNDEF(out);
		return false;
	}
	return true;
}

static bool add_item(const char *item, size_t len, void *ctx)
{
	add_next_index_stringl((zval *)ctx, item, len);
	return true;
}

bool php_beanstalk_list_to_array(zval *out, const char *body, size_t len)
{
	array_init(out);
	if (!bsc_list_parse(body, len, add_item, out)) {
		zval_ptr_dtor(out);
		ZVAL_UNDEF(out);
		return false;
	}
	return true;
}

void php_beanstalk_bad_yaml(bsc_conn *conn, const char *verb)
{
	/* The reply was framed right, but a server that sends this may send
	 * anything next: the connection goes, as after any reply that makes no
	 * sense. */
	bsc_conn_fail(conn, BSC_ERR_PROTOCOL, "%s sent YAML that is not a stats list", bsc_conn_name(conn));
	php_beanstalk_throw(conn, BSC_ERR_PROTOCOL, verb, 0);
}
