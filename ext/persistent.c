/*
 * beanstalk: connections kept across the requests of one PHP process
 * (php-fpm), in EG(persistent_list).
 *
 * A persistent connection belongs to one Queue at a time. When that Queue
 * goes (end of request), the connection is handed back only in a state the
 * next owner can trust: no reply pending but those to puts that did not
 * wait (which the next owner reads), no job reserved (the server would
 * release that job only when the connection closes, which a persistent one
 * never does). Otherwise its socket is closed and the next owner
 * reconnects. The next owner's tube state is set on it lazily, and its
 * liveness is checked by the first command (src/client/conn.c: an idle connection the
 * server closed is replaced before anything is written).
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifdef HAVE_CONFIG_H
# include "config.h"
#endif

#include "php.h"
#include "beanstalk_private.h"

struct php_beanstalk_pconn {
	bsc_conn *conn;
	bool in_use;
};

static int le_beanstalk_pconn;

static ZEND_RSRC_DTOR_FUNC(pconn_dtor)
{
	php_beanstalk_pconn *slot = res->ptr;

	if (slot) {
		php_beanstalk_async_conn_end(slot->conn);
		bsc_conn_free(slot->conn);
		free(slot);
		res->ptr = NULL;
	}
}

void php_beanstalk_persistent_minit(int module_number)
{
	le_beanstalk_pconn = zend_register_list_destructors_ex(NULL, pconn_dtor, "beanstalk persistent connection", module_number);
}

bsc_conn *php_beanstalk_persistent_take(zend_string *key, const char *address, size_t len, const bsc_conn_options *opt, char errbuf[BSC_ERRSTR_LEN], php_beanstalk_pconn **out)
{
	zend_resource *res = zend_hash_find_ptr(&EG(persistent_list), key);
	php_beanstalk_pconn *slot;

	*out = NULL;
	errbuf[0] = '\0';
	if (res && res->type == le_beanstalk_pconn && res->ptr) {
		slot = res->ptr;
		if (slot->in_use) {
			return NULL;  /* another Queue of this request has it */
		}
		/* Made before a fork: in the child, the parent's state on it is
		 * forgotten before anyone looks. */
		bsc_conn_own(slot->conn);
		bsc_conn_set_timeouts(slot->conn, opt->connect_timeout, opt->timeout);
		if (!bsc_tubes_reset(bsc_conn_tubes(slot->conn))) {
			snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
			return NULL;
		}
	} else {
		slot = calloc(1, sizeof(*slot));
		if (!slot) {
			snprintf(errbuf, BSC_ERRSTR_LEN, "out of memory");
			return NULL;
		}
		slot->conn = bsc_conn_new(address, len, opt, errbuf);
		if (!slot->conn) {
			free(slot);
			return NULL;
		}
		/* The list outlives the request: its key is made persistent there. */
		zend_register_persistent_resource(ZSTR_VAL(key), ZSTR_LEN(key), slot, le_beanstalk_pconn);
	}
	slot->in_use = true;
	*out = slot;
	return slot->conn;
}

void php_beanstalk_persistent_give_back(php_beanstalk_pconn *slot)
{
	/* Replies to puts that did not wait go with it (ext/async.c). */
	if (!bsc_conn_owes_only_async(slot->conn)) {
		bsc_conn_close(slot->conn);
	}
	slot->in_use = false;
}

zend_long php_beanstalk_persistent_count(void)
{
	zend_resource *res;
	zend_long n = 0;

	ZEND_HASH_FOREACH_PTR(&EG(persistent_list), res) {
		if (res->type == le_beanstalk_pconn && res->ptr && bsc_conn_is_connected(((php_beanstalk_pconn *)res->ptr)->conn)) {
			n++;
		}
	} ZEND_HASH_FOREACH_END();
	return n;
}
