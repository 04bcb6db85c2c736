--TEST--
Worker option prefetch: jobs reserved ahead run once each, in order, with the handler's own commands answered at once; a stop hands the jobs reserved ahead back at once; a job reserved ahead whose time-to-run would run out first is released untouched
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, Worker};

$srv = new BsServer();
$server = $srv->address;
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);

echo "-- 200 jobs at prefetch 8: each once, in order; the handler's own put is answered at once --\n";
$tube = bs_tube('prefetch');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$q->putMany(array_map(fn ($i) => "job $i", range(0, 199)));
$seen = [];
$slowest = 0.0;
$w = new Worker($q, ['prefetch' => 8, 'max_jobs' => 200, 'reserve_timeout' => 1]);
$reason = $w->run(function (Job $job) use ($q, &$seen, &$slowest) {
    $seen[] = $job->data;
    if (count($seen) % 50 === 0) {
        // With reserves out on the connection, a command of the handler's
        // is still answered within a round trip, never behind a wait.
        $t = microtime(true);
        $q->useTube('elsewhere-' . getmypid())->put('side');
        $slowest = max($slowest, microtime(true) - $t);
    }
});
$s = $w->stats();
var_dump($reason === Worker::STOP_MAX_JOBS, $seen === array_map(fn ($i) => "job $i", range(0, 199)));
echo "prefetched > 100: ", $s['prefetched'] > 100 ? 'yes' : "no ({$s['prefetched']})", "; deleted {$s['deleted']}\n";
echo "the handler's put waited less than 0.5 s: ", $slowest < 0.5 ? 'yes' : sprintf('no (%.3f s)', $slowest), "\n";
$t = bs_stats($server, "stats-tube $tube");
echo "left: ready {$t['current-jobs-ready']}, reserved {$t['current-jobs-reserved']}\n";

echo "-- a stop hands the jobs reserved ahead back at once, not at the end of their time-to-run --\n";
$tube = bs_tube('prefetch_stop');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$q->putMany(array_map(fn ($i) => "job $i", range(0, 19)), 1024, 0, 600);
$w = new Worker($q, ['prefetch' => 8, 'reserve_timeout' => 1]);
$ran = 0;
$w->run(function (Job $job, Worker $worker) use (&$ran) {
    $ran++;
    usleep(100000);   // the reserves ahead come back meanwhile
    $worker->stop();
});
$back = microtime(true);
do {
    $t = bs_stats($server, "stats-tube $tube");
} while ($t['current-jobs-reserved'] > 0 && microtime(true) - $back < 5 && usleep(5000) === null);
$s = $w->stats();
echo "ran $ran; handed back {$s['prefetch_released']}; ready {$t['current-jobs-ready']}, reserved {$t['current-jobs-reserved']}, within 0.1 s: ",
    microtime(true) - $back < 0.1 || bs_under_valgrind() ? 'yes' : 'no', "\n";

echo "-- a job reserved ahead behind a slow one, with a short time-to-run, is released untouched and runs later --\n";
$tube = bs_tube('prefetch_ttr');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$slow = $q->put('slow', 1, 0, 60);
$short = $q->put('short', 2, 0, 3);
$runs = [];
$w = new Worker($q, ['prefetch' => 2, 'max_jobs' => 2, 'reserve_timeout' => 1]);
file_put_contents($log, '');
$w->run(function (Job $job) use (&$runs) {
    $runs[] = $job->data . ' with ' . $job->stats()['time-left'] . ' s left';
    if ($job->data === 'slow') {
        sleep(2);   // the short one waits its turn, reserved
    }
});
echo implode("\n", $runs), "\n";
$s = $w->stats();
echo "prefetch_released {$s['prefetch_released']}, processed {$s['processed']}\n";
$st = bs_stats($server, "stats-job $short");
echo "short: ", $st ? "still there ({$st['state']})" : 'deleted', "\n";
echo preg_replace(['/^\[[^]]+\] /m', '/^.*(running,|stopping on) .*\n/m'], '', file_get_contents($log));
unlink($log);
?>
--EXPECTF--
-- 200 jobs at prefetch 8: each once, in order; the handler's own put is answered at once --
bool(true)
bool(true)
prefetched > 100: yes; deleted 200
the handler's put waited less than 0.5 s: yes
left: ready 0, reserved 0
-- a stop hands the jobs reserved ahead back at once, not at the end of their time-to-run --
ran 1; handed back 7; ready 19, reserved 0, within 0.1 s: yes
-- a job reserved ahead behind a slow one, with a short time-to-run, is released untouched and runs later --
slow with 59 s left
short with %d s left
prefetch_released 1, processed 2
short: deleted
beanstalk worker: job %d (tube prefetch_ttr-%s) was reserved ahead and has %d s left of its 3 s time-to-run, less than a run takes: released untouched
