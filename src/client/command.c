/*
 * The beanstalkd commands over one connection. See command.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/client/command.h"
#include "src/proto/stats.h"

#include <stdlib.h>
#include <string.h>

/* Replies to a batch are read after each chunk of this many requests, so
 * that the server never blocks on a full socket while we are still writing. */
#define PUT_MANY_CHUNK 1024

/* Sends one request and receives its reply, whose body may be up to
 * reply_body_max bytes (0: BSC_SMALL_BODY_MAX). */
static bsc_status call(bsc_conn *c, const bsc_line *line, const char *body, size_t body_len, bool has_body,
	size_t reply_body_max, double timeout, bsc_reply *reply)
{
	bsc_request req = { line->buf, line->len, body, body_len, has_body, reply_body_max, BSC_FOR_CALLER };
	bsc_status st = bsc_conn_send(c, &req, 1);

	if (st != BSC_OK) {
		return st;
	}
	return bsc_conn_recv(c, reply, timeout);
}

/* What a reply other than the expected success means. NOT_FOUND is an
 * answer only to the commands that name a job or a tube. */
static bsc_status unexpected_reply(bsc_conn *c, const bsc_reply *reply, const char *verb, bool may_be_missing)
{
	if (reply->kind == BSC_REPLY_NOT_FOUND && may_be_missing) {
		return BSC_NOT_FOUND;
	}
	if (bsc_reply_is_error(reply->kind)) {
		return bsc_conn_refused(c, reply->kind);
	}
	return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered %s with %s", bsc_conn_name(c), verb, bsc_reply_name(reply->kind));
}

/* A command without a body, answered by one success word or NOT_FOUND. */
static bsc_status simple_command(bsc_conn *c, const bsc_line *line, const char *verb, bsc_reply_kind success)
{
	bsc_reply reply;
	bsc_status st = call(c, line, NULL, 0, false, 0, bsc_conn_timeout(c), &reply);

	if (st != BSC_OK) {
		return st;
	}
	/* The word alone: "BURIED <id>" answers a put and "KICKED <n>" a kick,
	 * so with a number it is a reply out of step with our requests. */
	return reply.kind == success && !reply.has_num ? BSC_OK : unexpected_reply(c, &reply, verb, true);
}

void bsc_job_from_reply(bsc_conn *c, const bsc_reply *reply, bsc_job *job)
{
	job->id = reply->num;
	job->body = reply->body;
	job->body_len = reply->body_len;
	if (reply->kind == BSC_REPLY_RESERVED) {
		bsc_conn_hold(c, job->id);
	}
}

/* A command answered with a job (RESERVED or FOUND) or NOT_FOUND. */
static bsc_status job_command(bsc_conn *c, const bsc_line *line, const char *verb, bsc_reply_kind success, bsc_job *job)
{
	bsc_reply reply;
	bsc_status st = call(c, line, NULL, 0, false, bsc_conn_job_body_max(c), bsc_conn_timeout(c), &reply);

	if (st != BSC_OK) {
		return st;
	}
	if (reply.kind != success) {
		return unexpected_reply(c, &reply, verb, true);
	}
	bsc_job_from_reply(c, &reply, job);
	return BSC_OK;
}

/* A command answered with YAML (OK <bytes>) of up to body_max bytes, or
 * NOT_FOUND when may_be_missing. */
static bsc_status yaml_command(bsc_conn *c, const bsc_line *line, const char *verb, bool may_be_missing, size_t body_max, bsc_yaml *out)
{
	bsc_reply reply;
	bsc_status st = call(c, line, NULL, 0, false, body_max, bsc_conn_timeout(c), &reply);

	if (st != BSC_OK) {
		return st;
	}
	if (reply.kind != BSC_REPLY_OK) {
		return unexpected_reply(c, &reply, verb, may_be_missing);
	}
	out->body = reply.body;
	out->len = reply.body_len;
	return BSC_OK;
}

/* After delete/release/bury: the job is no longer ours once the server
 * says done, or NOT_FOUND (it was not ours any more anyway). */
static bsc_status let_go_after(bsc_conn *c, uint64_t id, bsc_status st)
{
	if (st == BSC_OK || st == BSC_BURIED || st == BSC_NOT_FOUND) {
		bsc_conn_let_go(c, id);
	}
	return st;
}

static void put_line(bsc_line *line, uint32_t pri, uint32_t delay, uint32_t ttr, size_t len)
{
	bsc_line_start(line, "put");
	bsc_line_u64(line, pri);
	bsc_line_u64(line, delay);
	bsc_line_u64(line, ttr);
	bsc_line_u64(line, len);
	bsc_line_end(line);
}

static bool too_big(const bsc_conn *c, size_t len)
{
	size_t max = bsc_conn_max_job_size(c);

	return max > 0 && len > max;
}

/* INSERTED and BURIED carry the new job's id. */
static bsc_status put_outcome(bsc_conn *c, const bsc_reply *reply, uint64_t *id)
{
	if ((reply->kind == BSC_REPLY_INSERTED || reply->kind == BSC_REPLY_BURIED) && reply->has_num) {
		*id = reply->num;
		return reply->kind == BSC_REPLY_INSERTED ? BSC_OK : BSC_BURIED;
	}
	return unexpected_reply(c, reply, "put", false);
}

bsc_status bsc_put(bsc_conn *c, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len, uint64_t *id)
{
	bsc_line line;
	bsc_reply reply;

	if (too_big(c, len)) {
		return bsc_conn_refused(c, BSC_REPLY_JOB_TOO_BIG);
	}
	put_line(&line, pri, delay, ttr, len);
	bsc_status st = call(c, &line, data, len, true, 0, bsc_conn_timeout(c), &reply);
	if (st != BSC_OK) {
		return st;
	}
	return put_outcome(c, &reply, id);
}

bsc_status bsc_put_async(bsc_conn *c, uint32_t pri, uint32_t delay, uint32_t ttr, const char *data, size_t len)
{
	bsc_line line;

	if (too_big(c, len)) {
		return bsc_conn_refused(c, BSC_REPLY_JOB_TOO_BIG);
	}
	put_line(&line, pri, delay, ttr, len);
	bsc_request req = { line.buf, line.len, data, len, true, 0, BSC_FOR_CALLER };
	return bsc_conn_send_async_put(c, &req);
}

/* Sends chunk [from, to) of a batch and reads its replies, all by one
 * deadline: a server that trickles its answers cannot stretch the chunk to
 * a timeout per job. */
static bsc_status put_chunk(bsc_conn *c, const bsc_line *lines, bsc_request *reqs, const bsc_body *bodies, size_t from, size_t to, bsc_put_result *results)
{
	double deadline = bsc_deadline_after(bsc_conn_timeout(c));
	size_t n = 0;

	for (size_t i = from; i < to; i++) {
		if (results[i].status == BSC_SERVER_ERROR) {
			continue;  /* refused before sending */
		}
		reqs[n++] = (bsc_request){ lines[i - from].buf, lines[i - from].len, bodies[i].data, bodies[i].len, true, 0, BSC_FOR_CALLER };
	}
	bsc_status st = bsc_conn_send(c, reqs, n);
	bool sent = st == BSC_OK || bsc_conn_err_sent(c);
	for (size_t i = from; i < to; i++) {
		results[i].sent = sent && results[i].status != BSC_SERVER_ERROR;
	}
	if (st != BSC_OK) {
		return st;
	}
	for (size_t i = from; i < to; i++) {
		bsc_reply reply;
		if (results[i].status == BSC_SERVER_ERROR) {
			continue;
		}
		st = bsc_conn_recv_by(c, &reply, deadline, bsc_conn_timeout(c));
		if (st != BSC_OK) {
			return st;
		}
		results[i].status = put_outcome(c, &reply, &results[i].id);
		if (results[i].status == BSC_SERVER_ERROR) {
			results[i].refused = bsc_conn_server_error(c);
		}
		if (bsc_status_is_failure(results[i].status) || !bsc_conn_is_connected(c)) {
			/* A reply that makes no sense, or BAD_FORMAT/EXPECTED_CRLF:
			 * the rest of the stream cannot be trusted. */
			return bsc_status_is_failure(results[i].status) ? results[i].status
				: bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered a put with %s; the batch was cut short",
					bsc_conn_name(c), bsc_reply_name(results[i].refused));
		}
	}
	return BSC_OK;
}

bsc_status bsc_put_many(bsc_conn *c, uint32_t pri, uint32_t delay, uint32_t ttr, const bsc_body *bodies, size_t n, bsc_put_result *results)
{
	size_t chunk = n < PUT_MANY_CHUNK ? n : PUT_MANY_CHUNK;
	bsc_status st = BSC_OK;

	/* Until its reply is read, a job's outcome is not known; until its
	 * chunk goes out, it is not sent. */
	for (size_t i = 0; i < n; i++) {
		results[i] = (bsc_put_result){ BSC_ERR_IO, BSC_REPLY_KIND_COUNT, false, 0 };
	}
	if (n == 0) {
		return BSC_OK;
	}
	bsc_line *lines = malloc(chunk * sizeof(*lines));
	bsc_request *reqs = malloc(chunk * sizeof(*reqs));
	if (!lines || !reqs) {
		st = bsc_conn_fail(c, BSC_ERR_NOMEM, "out of memory");
	}
	for (size_t from = 0; from < n && st == BSC_OK; from += chunk) {
		size_t to = from + chunk < n ? from + chunk : n;
		for (size_t i = from; i < to; i++) {
			if (too_big(c, bodies[i].len)) {
				results[i].status = BSC_SERVER_ERROR;
				results[i].refused = BSC_REPLY_JOB_TOO_BIG;
			}
			put_line(&lines[i - from], pri, delay, ttr, bodies[i].len);
		}
		st = put_chunk(c, lines, reqs, bodies, from, to, results);
	}
	if (st != BSC_OK) {
		/* Whatever has no answer failed with the batch: it may be on the
		 * server if it was sent, and certainly is not if it was not. */
		for (size_t i = 0; i < n; i++) {
			if (results[i].status == BSC_ERR_IO) {
				results[i].status = st;
			}
		}
	}
	free(lines);
	free(reqs);
	return st;
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
	bsc_status st = call(c, &line, NULL, 0, false, bsc_conn_job_body_max(c), wait, &reply);
	if (st != BSC_OK) {
		return st;
	}
	switch (reply.kind) {
	case BSC_REPLY_RESERVED:
		bsc_job_from_reply(c, &reply, job);
		return BSC_OK;
	case BSC_REPLY_TIMED_OUT:
		return BSC_TIMED_OUT;
	case BSC_REPLY_DEADLINE_SOON:
		return BSC_DEADLINE_SOON;
	default:
		return unexpected_reply(c, &reply, "reserve", false);
	}
}

bsc_status bsc_reserve_job(bsc_conn *c, uint64_t id, bsc_job *job)
{
	bsc_line line;

	bsc_line_start(&line, "reserve-job");
	bsc_line_u64(&line, id);
	bsc_line_end(&line);
	return job_command(c, &line, "reserve-job", BSC_REPLY_RESERVED, job);
}

bsc_status bsc_delete(bsc_conn *c, uint64_t id)
{
	bsc_line line;

	bsc_line_start(&line, "delete");
	bsc_line_u64(&line, id);
	bsc_line_end(&line);
	return let_go_after(c, id, simple_command(c, &line, "delete", BSC_REPLY_DELETED));
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
	bsc_status st = call(c, &line, NULL, 0, false, 0, bsc_conn_timeout(c), &reply);
	if (st != BSC_OK) {
		return st;
	}
	if (reply.kind == BSC_REPLY_RELEASED) {
		return let_go_after(c, id, BSC_OK);
	}
	if (reply.kind == BSC_REPLY_BURIED && !reply.has_num) {
		return let_go_after(c, id, BSC_BURIED);
	}
	return let_go_after(c, id, unexpected_reply(c, &reply, "release", true));
}

bsc_status bsc_bury(bsc_conn *c, uint64_t id, uint32_t pri)
{
	bsc_line line;

	bsc_line_start(&line, "bury");
	bsc_line_u64(&line, id);
	bsc_line_u64(&line, pri);
	bsc_line_end(&line);
	return let_go_after(c, id, simple_command(c, &line, "bury", BSC_REPLY_BURIED));
}

bsc_status bsc_touch(bsc_conn *c, uint64_t id)
{
	bsc_line line;

	bsc_line_start(&line, "touch");
	bsc_line_u64(&line, id);
	bsc_line_end(&line);
	bsc_status st = simple_command(c, &line, "touch", BSC_REPLY_TOUCHED);
	if (st == BSC_OK) {
		bsc_conn_touched(c, id);
	}
	return st;
}

bsc_status bsc_kick(bsc_conn *c, uint32_t bound, uint64_t *kicked)
{
	bsc_line line;
	bsc_reply reply;

	bsc_line_start(&line, "kick");
	bsc_line_u64(&line, bound);
	bsc_line_end(&line);
	bsc_status st = call(c, &line, NULL, 0, false, 0, bsc_conn_timeout(c), &reply);
	if (st != BSC_OK) {
		return st;
	}
	if (reply.kind != BSC_REPLY_KICKED || !reply.has_num) {
		return unexpected_reply(c, &reply, "kick", false);
	}
	*kicked = reply.num;
	return BSC_OK;
}

bsc_status bsc_kick_job(bsc_conn *c, uint64_t id)
{
	bsc_line line;

	bsc_line_start(&line, "kick-job");
	bsc_line_u64(&line, id);
	bsc_line_end(&line);
	return simple_command(c, &line, "kick-job", BSC_REPLY_KICKED);
}

bsc_status bsc_peek(bsc_conn *c, uint64_t id, bsc_job *job)
{
	bsc_line line;

	bsc_line_start(&line, "peek");
	bsc_line_u64(&line, id);
	bsc_line_end(&line);
	return job_command(c, &line, "peek", BSC_REPLY_FOUND, job);
}

bsc_status bsc_peek_next(bsc_conn *c, bsc_peek_which which, bsc_job *job)
{
	static const char *const verbs[] = {
		[BSC_PEEK_READY] = "peek-ready",
		[BSC_PEEK_DELAYED] = "peek-delayed",
		[BSC_PEEK_BURIED] = "peek-buried",
	};
	bsc_line line;

	bsc_line_start(&line, verbs[which]);
	bsc_line_end(&line);
	return job_command(c, &line, verbs[which], BSC_REPLY_FOUND, job);
}

static bool note_max_job_size(const bsc_stat *stat, void *ctx)
{
	if (stat->type == BSC_VALUE_INT && stat->i > 0 && bsc_stat_key_is(stat, "max-job-size")) {
		bsc_conn_set_max_job_size(ctx, (size_t)stat->i);
		return false;
	}
	return true;
}

bsc_status bsc_stats(bsc_conn *c, bsc_yaml *out)
{
	bsc_line line;

	bsc_line_start(&line, "stats");
	bsc_line_end(&line);
	bsc_status st = yaml_command(c, &line, "stats", false, 0, out);
	if (st == BSC_OK) {
		bsc_stats_parse(out->body, out->len, BSC_STATS_SERVER, note_max_job_size, c);
	}
	return st;
}

bsc_status bsc_stats_job(bsc_conn *c, uint64_t id, bsc_yaml *out)
{
	bsc_line line;

	bsc_line_start(&line, "stats-job");
	bsc_line_u64(&line, id);
	bsc_line_end(&line);
	return yaml_command(c, &line, "stats-job", true, 0, out);
}

bsc_status bsc_job_stats_get(bsc_conn *c, uint64_t id, bsc_job_stats *out)
{
	bsc_yaml yaml;
	bsc_status st = bsc_stats_job(c, id, &yaml);

	if (st == BSC_OK && !bsc_job_stats_parse(yaml.body, yaml.len, out)) {
		return bsc_conn_fail(c, BSC_ERR_PROTOCOL, "%s answered stats-job with something else", bsc_conn_name(c));
	}
	return st;
}

bsc_status bsc_stats_tube(bsc_conn *c, const char *tube, size_t len, bsc_yaml *out)
{
	bsc_line line;

	bsc_line_start(&line, "stats-tube");
	bsc_line_word(&line, tube, len);
	bsc_line_end(&line);
	return yaml_command(c, &line, "stats-tube", true, 0, out);
}

bsc_status bsc_list_tubes(bsc_conn *c, bsc_yaml *out)
{
	bsc_line line;

	bsc_line_start(&line, "list-tubes");
	bsc_line_end(&line);
	return yaml_command(c, &line, "list-tubes", false, BSC_LIST_BODY_MAX, out);
}

bsc_status bsc_pause_tube(bsc_conn *c, const char *tube, size_t len, uint32_t seconds)
{
	bsc_line line;

	bsc_line_start(&line, "pause-tube");
	bsc_line_word(&line, tube, len);
	bsc_line_u64(&line, seconds);
	bsc_line_end(&line);
	return simple_command(c, &line, "pause-tube", BSC_REPLY_PAUSED);
}
