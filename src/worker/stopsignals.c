/*
 * The stop signals of a worker run. See stopsignals.h.
 *
 * The state here is the process's, as signals are: which stop signals
 * arrived (written by the handler only), whether a run has them, the run's
 * thread, and what a forked child must get back.
 *
 * In a process of several threads (a thread-safe PHP's), a stop signal
 * sent to the process goes to any thread that does not block it, which is
 * seldom the run's: the handler, wherever it runs, notes the signal and
 * passes it on to the run's thread (pthread_kill() is async-signal-safe),
 * where it ends the wait in progress or waits, blocked, for the next one.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif
#include "src/worker/stopsignals.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "src/net.h"

static const int stop_signals[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP };
#define STOP_SIGNAL_COUNT (sizeof(stop_signals) / sizeof(stop_signals[0]))

static volatile sig_atomic_t arrived;
static atomic_bool claimed;
static pthread_t run_thread;

/* What the process had before the run: a forked child gets it back. */
static struct sigaction saved[STOP_SIGNAL_COUNT], saved_interrupt;
static sigset_t saved_mask;
static int saved_interrupt_signal;
static atomic_bool installed;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void on_stop_signal(int signo)
{
	int saved_errno = errno;

	arrived |= signo == SIGTERM ? BSC_SIGNAL_TERM : signo == SIGINT ? BSC_SIGNAL_INT
		: signo == SIGQUIT ? BSC_SIGNAL_QUIT : BSC_SIGNAL_HUP;
	if (atomic_load(&installed) && !pthread_equal(pthread_self(), run_thread)) {
		pthread_kill(run_thread, signo);
	}
	errno = saved_errno;
}

/* Only there to end a blocking call with EINTR. */
static void on_interrupt_signal(int signo)
{
	(void)signo;
}

static void put_back(void)
{
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		sigaction(stop_signals[i], &saved[i], NULL);
	}
	if (saved_interrupt_signal) {
		sigaction(saved_interrupt_signal, &saved_interrupt, NULL);
	}
	pthread_sigmask(SIG_SETMASK, &saved_mask, NULL);
}

/* In a child forked during a run (proc_open, pcntl_fork): the worker is the
 * parent's, not the child's. */
static void child_after_fork(void)
{
	if (atomic_load(&installed)) {
		atomic_store(&installed, false);
		atomic_store(&claimed, false);
		put_back();
	}
}

static void register_atfork(void)
{
	pthread_atfork(NULL, NULL, child_after_fork);
}

bool bsc_stop_signals_claim(void)
{
	bool expected = false;

	return atomic_compare_exchange_strong(&claimed, &expected, true);
}

void bsc_stop_signals_release(void)
{
	atomic_store(&claimed, false);
}

void bsc_stop_signals_install(bsc_stop_signals *s, int interrupt_signal)
{
	struct sigaction sa;

	pthread_once(&atfork_once, register_atfork);
	sigemptyset(&s->stop_set);
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		sigaddset(&s->stop_set, stop_signals[i]);
	}
	s->interrupt_signal = interrupt_signal;
	pthread_sigmask(SIG_BLOCK, &s->stop_set, &s->run_mask);
	s->wait_mask = s->run_mask;
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		sigdelset(&s->wait_mask, stop_signals[i]);
	}
	arrived = 0;
	run_thread = pthread_self();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;
	sa.sa_mask = s->stop_set;
	/* Restarted: where a stop signal is let in outside ppoll() (a
	 * connect), a read or write in progress goes on undisturbed. */
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		sigaction(stop_signals[i], &sa, &saved[i]);
	}
	saved_mask = s->run_mask;
	saved_interrupt_signal = interrupt_signal;
	if (interrupt_signal) {
		sa.sa_handler = on_interrupt_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0;
		sigaction(interrupt_signal, &sa, &saved_interrupt);
	}
	atomic_store(&installed, true);
}

void bsc_stop_signals_restore(bsc_stop_signals *s)
{
	atomic_store(&installed, false);
	/* A stop signal the handler passed on from another thread may still
	 * wait, blocked, on this one: it was counted, and must not reach the
	 * dispositions of before (SIGTERM's default would end the process). */
	if (arrived) {
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&s->stop_set, NULL, &zero) > 0) {
		}
	}
	put_back();
}

int bsc_stop_signals_arrived(void)
{
	return arrived;
}

int bsc_stop_signal_number(int bits)
{
	return bits & BSC_SIGNAL_TERM ? SIGTERM : bits & BSC_SIGNAL_INT ? SIGINT
		: bits & BSC_SIGNAL_QUIT ? SIGQUIT : bits & BSC_SIGNAL_HUP ? SIGHUP : 0;
}

void bsc_stop_signals_let_in(const bsc_stop_signals *s)
{
	pthread_sigmask(SIG_SETMASK, &s->wait_mask, NULL);
}

void bsc_stop_signals_keep_out(const bsc_stop_signals *s)
{
	pthread_sigmask(SIG_BLOCK, &s->stop_set, NULL);
}

void bsc_stop_signals_take_pending(const bsc_stop_signals *s)
{
	sigset_t pending;

	if (sigpending(&pending) != 0) {
		return;
	}
	for (size_t i = 0; i < STOP_SIGNAL_COUNT; i++) {
		if (sigismember(&pending, stop_signals[i])) {
			/* Unblocked, a pending signal is delivered before the call
			 * returns: its handler notes it. */
			bsc_stop_signals_let_in(s);
			bsc_stop_signals_keep_out(s);
			return;
		}
	}
}

void bsc_stop_signals_take_back(const bsc_stop_signals *s, int signo)
{
	sigset_t one;
	struct timespec zero = { 0, 0 };

	(void)s;
	sigemptyset(&one);
	sigaddset(&one, signo);
	/* Blocked for the whole run, so sigtimedwait() can take it: once from
	 * the thread's pending set, once from the process's. */
	while (sigtimedwait(&one, NULL, &zero) == signo) {
	}
}

bool bsc_stop_signals_pause(const bsc_stop_signals *s, double seconds)
{
	double until = bsc_now() + seconds;

	while (arrived == 0) {
		double left = until - bsc_now();
		if (left <= 0) {
			break;
		}
		struct timespec ts = { .tv_sec = (time_t)left, .tv_nsec = (long)((left - (double)(time_t)left) * 1e9) };
		ppoll(NULL, 0, &ts, &s->wait_mask);
	}
	return arrived == 0;
}
