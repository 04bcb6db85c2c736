/*
 * The beanstalkd commands over one connection. See command.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "command.h"

/* Sends one request and receives its reply. */
static bsc_status call(bsc_conn *c, const bsc_line *line, const char *body, size_t body_len, bool has_body, double timeout, bsc_reply *reply)
{
	bsc_request req = { line->buf, line->len, body, body_len, has_body };
	bsc_status st = bsc_conn_send(c, &req, 1);

	if (st != BSC_OK) {
		return st;
	}
	return bsc_conn_recv(c, reply, timeout);
}

/* What a reply other than the expected success means. */
static bsc_status unexpected(bsc_conn *c, const bsc_reply *reply, const char *verb)
{
	if (reply->kind == BSC_REPLY_NOT_FOUND) {
		return BSC_NOT_FOUND;
	}
	if (bsc_reply_is_error(reply->kind)) {
		return bsc_conn_refused(c, reply->kind);
	}
	return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered %s with %s", bsc_conn_name(c), verb, bsc_reply_name(reply->kind));
}

static bsc_status simple(bsc_conn *c, const bsc_line *line, const char *verb, bsc_reply_kind success)
{
	bsc_reply reply;
	bsc_status st = call(c, line, NULL, 0, false, bsc_conn_timeout(c), &reply);

	if (st != BSC_OK) {
		return st;
	}
	return reply.kind == success ? BSC_OK : unexpected(c, &reply, verb);
}

bsc_status bsc_put(bsc_conn *c, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len, uint64_t *id)
{
	bsc_line line;
	bsc_reply reply;

	bsc_line_start(&line, "put");
	bsc_line_u64(&line, pri);
	bsc_line_u64(&line, delay);
	bsc_line_u64(&line, ttr);
	bsc_line_u64(&line, len);
	bsc_line_end(&line);
	bsc_status st = call(c, &line, data, len, true, bsc_conn_timeout(c), &reply);
	if (st != BSC_OK) {
		return st;
	}
	if ((reply.kind == BSC_REPLY_INSERTED || reply.kind == BSC_REPLY_BURIED) && reply.has_num) {
		*id = reply.num;
		return reply.kind == BSC_REPLY_INSERTED ? BSC_OK : BSC_BURIED;
	}
	return unexpected(c, &reply, "put");
}

bsc_status bsc_reserve(bsc_conn *c, int64_t timeout, bsc_job *job)
{
	bsc_line line;
	bsc_reply reply;
	double wait = 0;  /* a blocking reserve waits for ever */

	if (timeout < 0) {
		bsc_line_start(&line, "reserve");
	} else {
		bsc_line_start(&line, "reserve-with-timeout");
		bsc_line_u64(&line, (uint64_t)timeout);
		/* The server answers after the reserve timeout at the latest. */
		if (bsc_conn_timeout(c) > 0) {
			wait = bsc_conn_timeout(c) + (double)timeout;
		}
	}
	bsc_line_end(&line);
	bsc_status st = call(c, &line, NULL, 0, false, wait, &reply);
	if (st != BSC_OK) {
		return st;
	}
	switch (reply.kind) {
	case BSC_REPLY_RESERVED:
		job->id = reply.num;
		job->body = reply.body;
		job->body_len = reply.body_len;
		return BSC_OK;
	case BSC_REPLY_TIMED_OUT:
		return BSC_TIMED_OUT;
	case BSC_REPLY_DEADLINE_SOON:
		return BSC_DEADLINE_SOON;
	default:
		return unexpected(c, &reply, "reserve");
	}
}

bsc_status bsc_delete(bsc_conn *c, uint64_t id)
{
	bsc_line line;

	bsc_line_start(&line, "delete");
	bsc_line_u64(&line, id);
	bsc_line_end(&line);
	return simple(c, &line, "delete", BSC_REPLY_DELETED);
}

bsc_status bsc_release(bsc_conn *c, uint64_t id, uint32_t pri, uint32_t delay)
{
	bsc_line line;
	bsc_reply reply;

	bsc_line_start(&line, "release");
	bsc_line_u64(&line, id);
	bsc_line_u64(&line, pri);
	bsc_line_u64(&line, delay);
	bsc_line_end(&line);
	bsc_status st = call(c, &line, NULL, 0, false, bsc_conn_timeout(c), &reply);
	if (st != BSC_OK) {
		return st;
	}
	if (reply.kind == BSC_REPLY_RELEASED) {
		return BSC_OK;
	}
	if (reply.kind == BSC_REPLY_BURIED && !reply.has_num) {
		return BSC_BURIED;
	}
	return unexpected(c, &reply, "release");
}

bsc_status bsc_bury(bsc_conn *c, uint64_t id, uint32_t pri)
{
	bsc_line line;

	bsc_line_start(&line, "bury");
	bsc_line_u64(&line, id);
	bsc_line_u64(&line, pri);
	bsc_line_end(&line);
	return simple(c, &line, "bury", BSC_REPLY_BURIED);
}

bsc_status bsc_touch(bsc_conn *c, uint64_t id)
{
	bsc_line line;

	bsc_line_start(&line, "touch");
	bsc_line_u64(&line, id);
	bsc_line_end(&line);
	return simple(c, &line, "touch", BSC_REPLY_TOUCHED);
}
