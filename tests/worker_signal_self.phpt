--TEST--
Worker: signals to the worker's own process (run in the test itself, so valgrind sees the signal paths too)
--EXTENSIONS--
beanstalk
pcntl
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
error_log=/dev/null
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, Worker};

/* Sends this process a signal after a while, from a shell in the background. */
function signal_later(string $signal, float $after): void
{
    exec(sprintf('(sleep %.2f; kill -%s %d) >/dev/null 2>&1 &', $after, $signal, getmypid()));
}

$server = bs_server();
$tube = bs_tube('worker_signal_self');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

// A TERM handler of ext/pcntl, from before run().
$got = false;
pcntl_signal(SIGTERM, function () use (&$got) { echo "pcntl's TERM handler\n"; $got = true; });

echo "-- waiting: the signal ends the 30 s slice\n";
$w = new Worker($q, ['reserve_timeout' => 30]);
signal_later('TERM', 0.5);
$start = microtime(true);
$reason = $w->run(fn () => null);
$took = microtime(true) - $start;
var_dump($reason === Worker::STOP_SIGNAL, $w->stats()['stop_signal'] === SIGTERM);
echo $took < 5 ? "well before the end of the slice\n" : "after $took s\n";

echo "-- while a job runs: it finishes first\n";
$id = $q->put('job');
signal_later('HUP', 0.3);
$reason = $w->run(function (Job $job) {
    $until = microtime(true) + 1.0;
    while (microtime(true) < $until) {
        usleep(10000);
    }
    echo "job finished\n";
});
var_dump($reason === Worker::STOP_RESTART, bs_call($server, "stats-job $id"));

echo "-- after run(): pcntl's handler is back\n";
signal_later('TERM', 0.1);
$until = microtime(true) + 10;
while (microtime(true) < $until && !$got) {
    usleep(10000);
    pcntl_signal_dispatch();
}
?>
--EXPECT--
-- waiting: the signal ends the 30 s slice
bool(true)
bool(true)
well before the end of the slice
-- while a job runs: it finishes first
job finished
bool(true)
string(11) "NOT_FOUND
"
-- after run(): pcntl's handler is back
pcntl's TERM handler
