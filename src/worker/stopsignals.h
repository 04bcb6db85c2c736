/*
 * The stop signals of a worker run: TERM, INT and QUIT (stop after the job)
 * and HUP (restart after the job).
 *
 * For the whole run they are blocked, but inside the worker's waits (a
 * ppoll() or a connect with the wait mask), and their handler only records
 * which one came. So a signal is either seen by the check before a wait or
 * ends the wait itself: none can slip in between. Blocked while the handler
 * runs, they never cut its sleep() or its reads short: a graceful stop lets
 * the job finish as written. A child the handler forks gets the signal mask
 * and dispositions the process had before the run, as if the worker were
 * not there.
 *
 * Signals belong to the process, so one run at a time per process: the
 * claim is process-wide.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_STOPSIGNALS_H
#define BSC_STOPSIGNALS_H

#include <signal.h>
#include <stdbool.h>

#include "src/worker/policy.h"

typedef struct {
	sigset_t stop_set;          /* the four stop signals */
	sigset_t run_mask;          /* the caller's mask before the run */
	sigset_t wait_mask;         /* the same less the stop signals: inside waits */
	int interrupt_signal;       /* the watchdog's: ends a blocking call in the handler */
} bsc_stop_signals;

/* Takes the process's stop signals for one run; false when another run
 * has them. */
bool bsc_stop_signals_claim(void);
void bsc_stop_signals_release(void);

/* Blocks the stop signals and installs their handler (and a no-op handler
 * for interrupt_signal, so it ends blocking calls with EINTR); forgets any
 * that arrived before. */
void bsc_stop_signals_install(bsc_stop_signals *s, int interrupt_signal);
/* Puts back the handlers and the mask of before. */
void bsc_stop_signals_restore(bsc_stop_signals *s);

/* The BSC_SIGNAL_* bits of the stop signals that arrived since install. */
int bsc_stop_signals_arrived(void);
/* The first of them as a signal number (SIGTERM...), or 0. */
int bsc_stop_signal_number(int bits);

/* Lets the stop signals in (for a wait that cannot take a mask, such as a
 * connect), and keeps them out again. */
void bsc_stop_signals_let_in(const bsc_stop_signals *s);
void bsc_stop_signals_keep_out(const bsc_stop_signals *s);
/* Takes in the stop signals that came while they were kept out (during
 * the handler): they are counted as arrived now. One system call. */
void bsc_stop_signals_take_pending(const bsc_stop_signals *s);
/* Takes back a stop signal the run sent itself (the monitor thread's
 * SIGHUP for restartAll, which ends the loop's wait) that is still pending,
 * so that the dispositions of before the run, once put back, never get it:
 * SIGHUP's default ends the process. Call once no thread of the run can
 * send it any more, before bsc_stop_signals_restore(). */
void bsc_stop_signals_take_back(const bsc_stop_signals *s, int signo);
/* Sleeps for seconds with the stop signals let in; false when one came. */
bool bsc_stop_signals_pause(const bsc_stop_signals *s, double seconds);

#endif
