/*
 * The C unit test runner for src/: runs every suite, or those whose
 * "suite.test" name contains the first argument.
 *
 * SPDX-License-Identifier: BSD-3-Clause
 */
#include "unit.h"

extern const unit_suite proto_suite;
extern const unit_suite tubes_suite;
extern const unit_suite conn_suite;
extern const unit_suite failure_suite;
extern const unit_suite stream_suite;
extern const unit_suite command_suite;
extern const unit_suite inspect_suite;
extern const unit_suite stats_suite;
extern const unit_suite batch_suite;
extern const unit_suite server_suite;
extern const unit_suite server_inspect_suite;
extern const unit_suite pool_suite;
extern const unit_suite worker_suite;
extern const unit_suite watchdog_suite;
extern const unit_suite async_suite;
extern const unit_suite prefetch_suite;
extern const unit_suite status_suite;
extern const unit_suite statsd_suite;
extern const unit_suite grow_suite;
extern const unit_suite tubewait_suite;

int main(int argc, char **argv)
{
	static const unit_suite *const suites[] = {
		&proto_suite, &tubes_suite, &conn_suite, &failure_suite, &stream_suite, &command_suite, &inspect_suite,
		&stats_suite, &batch_suite, &server_suite, &server_inspect_suite,
		&pool_suite, &worker_suite, &watchdog_suite, &async_suite, &prefetch_suite, &status_suite, &statsd_suite, &grow_suite,
		&tubewait_suite,
	};

	return unit_run(suites, sizeof(suites) / sizeof(suites[0]), argc > 1 ? argv[1] : NULL);
}
