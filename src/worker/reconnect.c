/*
 * A server away, for the worker: the connects after the pool's back-off,
 * the pause while every server is away, giving up after
 * reconnect_timeout. See fetch.h.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "src/worker/fetch_private.h"

/* Counts the connection's new generations after the first as reconnects. */
void bsc_fetch_note_generation(bsc_fetch *f, size_t s)
{
	bsc_fetch_per_server *sv = &f->servers[s];
	uint64_t gen = bsc_conn_generation(f->conns[s]);

	if (sv->last_gen && gen > sv->last_gen) {
		f->fig.reconnects += gen - sv->last_gen;
	}
	if (gen) {
		sv->last_gen = gen;
	}
}
/* Every server away for reconnect_timeout: the worker gives up. */
static bool give_up(bsc_fetch *f, double now)
{
	for (size_t s = 0; s < f->n; s++) {
		if (!bsc_pool_is_away(f->pool, s) || now < bsc_pool_away_since(f->pool, s) + f->cfg.reconnect_timeout) {
			return false;
		}
	}
	for (size_t s = 0; s < f->n; s++) {
		bsc_conn *c = f->conns[s];
		bsc_log_line(f->cfg.log, "no server at %s for %.1f s (%s): giving up", bsc_conn_name(c),
			now - bsc_pool_away_since(f->pool, s), bsc_conn_errstr(c));
	}
	f->fig.reconnect_backoff = 0;
	return true;
}

/* Connects to server s, whose back-off is over. The connect waits in plain
 * poll(): the stop signals are let in for it (one landing just before it
 * only waits for connect_timeout). */
static bsc_stop_reason reconnect(bsc_fetch *f, size_t s)
{
	bsc_conn *c = f->conns[s];

	bsc_stop_signals_let_in(f->cfg.signals);
	bsc_status st = bsc_pool_reconnect(f->pool, s);
	bsc_stop_signals_keep_out(f->cfg.signals);
	if (bsc_stop_signals_arrived()) {
		bsc_conn_close(c);
		return bsc_fetch_arrived_reason(f);
	}
	if (st != BSC_OK) {
		return BSC_STOP_NONE;
	}
	bsc_fetch_note_generation(f, s);
	f->fig.reconnect_backoff = 0;
	bsc_log_line(f->cfg.log, "reconnected to %s after %.1f s", bsc_conn_name(c), bsc_now() - bsc_pool_away_since(f->pool, s));
	return BSC_STOP_NONE;
}

/* When every server is away: gives up, or pauses until the earliest is
 * due (a stop signal ends the pause). *paused: the caller looks at its
 * caps before going on. */
static bsc_stop_reason pause_for_servers(bsc_fetch *f, double now, double earliest, bool *paused)
{
	double last_call = 0;

	if (give_up(f, now)) {
		return BSC_STOP_CONNECTION;
	}
	for (size_t s = 0; s < f->n; s++) {
		double at = bsc_pool_away_since(f->pool, s) + f->cfg.reconnect_timeout;
		last_call = at > last_call ? at : last_call;
	}
	double pause = (earliest < last_call ? earliest : last_call) - now;
	if (pause <= 0) {
		return BSC_STOP_NONE;
	}
	f->phase = BSC_FETCH_PHASE_RECONNECT;
	bsc_report_title_waiting(f->cfg.report);
	bool undisturbed = bsc_stop_signals_pause(f->cfg.signals, pause);
	f->phase = BSC_FETCH_PHASE_NONE;
	*paused = true;
	return undisturbed ? BSC_STOP_NONE : bsc_fetch_arrived_reason(f);
}

/* The servers whose back-off is over are connected to; when none is up,
 * the worker first waits for the earliest (*paused). */
bsc_stop_reason bsc_fetch_reconnect_due(bsc_fetch *f, bool *paused)
{
	double now, earliest = 0;
	bool any_up = false;

	*paused = false;
	for (size_t s = 0; s < f->n; s++) {
		if (!bsc_pool_is_away(f->pool, s)) {
			any_up = true;
		} else if (earliest == 0 || bsc_pool_retry_at(f->pool, s) < earliest) {
			earliest = bsc_pool_retry_at(f->pool, s);
		}
	}
	if (earliest == 0) {
		return BSC_STOP_NONE;   /* every server is up */
	}
	now = bsc_now();
	if (!any_up) {
		bsc_stop_reason reason = pause_for_servers(f, now, earliest, paused);
		if (reason != BSC_STOP_NONE || *paused) {
			return reason;
		}
	}
	for (size_t s = 0; s < f->n; s++) {
		if (bsc_pool_is_away(f->pool, s) && now >= bsc_pool_retry_at(f->pool, s)) {
			f->phase = BSC_FETCH_PHASE_RECONNECT;
			bsc_stop_reason reason = reconnect(f, s);
			f->phase = BSC_FETCH_PHASE_NONE;
			if (reason != BSC_STOP_NONE) {
				return reason;
			}
		}
	}
	return BSC_STOP_NONE;
}
