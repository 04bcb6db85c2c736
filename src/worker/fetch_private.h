/*
 * What fetch.c and reconnect.c share of the fetching: the wait a stop
 * signal may end, and the reconnects. Not for the rest of the worker.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#ifndef BSC_WORKER_FETCH_PRIVATE_H
#define BSC_WORKER_FETCH_PRIVATE_H

#include "src/worker/fetch.h"

/* The stop reason the arrived signals give. */
bsc_stop_reason bsc_fetch_arrived_reason(const bsc_fetch *f);
/* Counts server s's connection's new generations after the first as
 * reconnects. */
void bsc_fetch_note_generation(bsc_fetch *f, size_t s);
/* The servers whose back-off is over are connected to; when none is up,
 * the worker first waits for the earliest (*paused: the caller looks at
 * its caps before going on), or gives up after reconnect_timeout. */
bsc_stop_reason bsc_fetch_reconnect_due(bsc_fetch *f, bool *paused);

#endif
