/*
 * The state of a connection, shared by the files that make it: conn.c
 * (life cycle, state), send.c (writing) and reply.c (reading the replies).
 * Not for use outside them.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_CONN_PRIVATE_H
#define BSC_CONN_PRIVATE_H

#include <signal.h>
#include <sys/uio.h>
#include <time.h>

#include "src/client/asyncput.h"
#include "src/client/conn.h"
#include "src/client/expect.h"
#include "src/client/jobset.h"

struct bsc_conn {
	int fd;
	bsc_status err;
	bool err_sent;            /* the failure came after a request had (partly) left */
	bool request_out;         /* bytes of a caller's request left; replies not all taken */
	bsc_reply_kind server_error;
	char errstr[BSC_ERRSTR_LEN];

	bsc_endpoint ep;

	bsc_conn_options opt;
	bsc_parser parser;
	uint64_t generation;
	uint64_t epoch;           /* bsc_fork_epoch() of the process whose connection this is */
	uint64_t inherited_below; /* generations below this were the process's this one was forked from */
	size_t max_job_size;      /* the server's -z, once known; 0 until then */
	uint64_t pinned;          /* the next send must go out under this generation (0: any) */

	/* Jobs reserved over this connection and not yet given up: a connection
	 * holding one must not be handed to someone else. */
	bsc_jobset held;
	bsc_interrupt_fn interrupt;
	void *interrupt_ctx;
	bsc_conn_event_fn event;
	void *event_ctx;
	int rcvtimeo_ms;          /* SO_RCVTIMEO now set on the socket; -1: none */
	int rcvlowat;             /* SO_RCVLOWAT now set on the socket (reply.c) */
	/* Keeping the stream in step without a look per command (reply.c):
	 * over TCP, each read says when its bytes arrived (SO_TIMESTAMPNS), and
	 * none may have arrived before the write that ended the last idle
	 * spell (no reply owed), whose time is kept here. */
	bool rx_stamps;
	struct timespec busy_real;  /* CLOCK_REALTIME just before that write */
	bool first_read_due;        /* since that write, no byte was read: the next read waits for no more than comes */
	double busy_mono;           /* the same moment, monotonic: a clock step between shows */
	double idle_since;          /* monotonic: the last owed reply was taken then */
	bool keep_dead;           /* a dead idle connection fails the command instead of being replaced */
	const sigset_t *wait_mask;  /* the caller's: waits run in ppoll() with it; NULL: poll() */

	bsc_tubes tubes;

	bsc_expect expect;        /* replies owed, oldest first */
	bsc_async_ledger async;   /* the puts that did not wait, and their outcomes */
	bsc_prefetch prefetch;          /* reserves sent ahead, and the jobs they brought */

	/* Puts that did not wait, held for one write (bsc_conn_set_coalesce):
	 * their bytes, a run that stands on its own (it begins with the "use"
	 * of its first put's tube, whatever the server uses now, so it can go
	 * out again on a new connection), and the replies they will be owed. */
	size_t coalesce;            /* write them out past this many bytes; 0: no holding */
	char *out;
	size_t out_len, out_cap;
	uint8_t *out_tags;          /* the bsc_expect_tag of each reply owed, in order */
	size_t out_tags_len, out_tags_cap;
	bsc_tube_name out_use;      /* the tube their last "use" names */
	size_t out_in_write;        /* of the write under way, the held bytes in front */

	/* Scratch for one write: the tube commands, and the iovecs. */
	char *sync;
	size_t sync_len, sync_cap;
	struct iovec *iov;
	size_t iov_cap;
};

/* A transport failure with errno's message. */
bsc_status bsc_conn_fail_errno(bsc_conn *c, bsc_status status, const char *what, int errnum);
/* A wait on the socket (net.h: bsc_net_wait), with the caller's wait mask;
 * may_end: a reply wait that a signal may end (the interrupt function is
 * looked at before it, free of races). */
int bsc_conn_poll(bsc_conn *c, short events, double deadline, bool may_end);
/* Before the socket is read or written, or what was read is taken: in a
 * forked child, what the parent had on the connection is forgotten first
 * (conn.h: bsc_conn_own). No system call. */
static inline void bsc_conn_check_owner(bsc_conn *c)
{
	if (c->epoch != bsc_fork_epoch()) {
		bsc_conn_own(c);
	}
}
/* Whether a signal may end a reply wait, and, once one came, whether it
 * does. */
bool bsc_conn_reply_wait_may_end(const bsc_conn *c);
bool bsc_conn_reply_wait_interrupted(bsc_conn *c);

#endif
