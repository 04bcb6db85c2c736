--TEST--
Worker: max_runtime stops the worker between jobs (or in its wait), whatever max_execution_time says
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
max_execution_time=1
error_log=/dev/null
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Queue, Worker};

$server = bs_server();
$tube = bs_tube('worker_max_runtime');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
for ($i = 0; $i < 40; $i++) {
    $q->put("job $i");
}
// Every job burns a quarter second of CPU: a second of CPU time, the
// limit of max_execution_time, is spent within the first four jobs.
$burn = function (float $seconds) {
    $until = microtime(true) + $seconds;
    while (microtime(true) < $until) {
    }
};
// The second counts from here, not from a start that under valgrind on a
// loaded machine can take near a second of CPU itself.
set_time_limit(1);
$w = new Worker($q, ['max_runtime' => 3]);
$start = microtime(true);
$reason = $w->run(fn () => $burn(0.25));
$took = microtime(true) - $start;
// run() put the time limit back: the rest of this test is not to be timed
// (under valgrind it would run out); worker_max_runtime_restore.phpt checks
// that it is back.
set_time_limit(0);
$s = $w->stats();
var_dump($reason === Worker::STOP_MAX_RUNTIME);
// It stops after the job under way at 3 s (a quarter second), and the
// rest is scaled to the build: valgrind on a loaded machine is slow.
printf("ran %s, %s jobs, limit %.1f s\n", $took >= 3 && $took < 3.25 + bs_seconds(0.35) ? 'for its 3 s' : "for $took s",
    $s['processed'] >= 8 && $s['processed'] <= 13 ? 'about 12' : $s['processed'], $s['runtime_limit']);

// An idle worker stops at its runtime too, in the middle of its wait.
$w = new Worker(new Queue($server, ['watch' => [bs_tube('worker_max_runtime_idle')]]), ['max_runtime' => 0.3, 'reserve_timeout' => 10]);
$start = microtime(true);
var_dump($w->run(fn () => null) === Worker::STOP_MAX_RUNTIME);
$took = microtime(true) - $start;
echo $took >= 0.3 && $took < 0.3 + bs_seconds(0.3) ? "idle: stopped at 0.3 s\n" : "idle: stopped at $took s\n";
$s = $w->stats();
echo $s['wait_time'] > 0.25 ? "waited the whole time\n" : "wait_time {$s['wait_time']}\n";

?>
--EXPECTF--
bool(true)
ran for its 3 s, about 12 jobs, limit 3.0 s
bool(true)
idle: stopped at 0.3 s
waited the whole time
