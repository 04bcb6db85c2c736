--TEST--
Worker: a handler that throws gets its job released with the back-off delay of the attempt and its own priority, and buried after max_attempts
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, Worker};

$server = bs_server();
$tube = bs_tube('worker_failure');
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

// Always fails: attempts 1 and 2 are released (delays 1 and 2 s), the
// third is buried. Fails once: the second try succeeds and is deleted.
$always = $q->put('always', 77);
$once = $q->put('once', 200);
$w = new Worker($q, ['max_attempts' => 3, 'backoff' => [1, 2], 'max_jobs' => 5]);
$tries = [];
$start = microtime(true);
$reason = $w->run(function (Job $job) use (&$tries, $start) {
    // Whole seconds, rounded down: a release delay is never short, but it
    // may run late on a busy machine (under valgrind most of all).
    $tries[] = sprintf('%s at %d s, releases %d', $job->data, (int)floor(microtime(true) - $start), $job->stats()['releases']);
    if ($job->data === 'always') {
        throw new RuntimeException('the mail server said no');
    }
    if (count(array_filter($tries, fn ($t) => str_starts_with($t, 'once'))) === 1) {
        strlen();   // an Error is a failure like any other
    }
});
var_dump($reason === Worker::STOP_MAX_JOBS);
echo implode("\n", $tries), "\n";
$st = bs_stats($server, "stats-job $always");
echo "always: {$st['state']}, pri {$st['pri']}, releases {$st['releases']}, buries {$st['buries']}\n";
var_dump(bs_call($server, "stats-job $once"));
$s = $w->stats();
echo "processed {$s['processed']}, failed {$s['failed']}, released {$s['released']}, buried {$s['buried']}, deleted {$s['deleted']}\n";
echo preg_replace('/^\[[^]]+\] /m', '', file_get_contents($log));

// An int back-off is the delay of every attempt; max_attempts 1 buries at once.
$id = $q->put('no retry', 5);
$w = new Worker($q, ['max_attempts' => 1, 'backoff' => 0, 'max_jobs' => 1, 'name' => 'strict']);
file_put_contents($log, '');
$w->run(function () { throw new LogicException('bad payload'); });
echo bs_stat($server, "stats-job $id", 'state'), "\n";
echo preg_replace('/^\[[^]]+\] /m', '', file_get_contents($log));
unlink($log);
?>
--EXPECTF--
bool(true)
always at 0 s, releases 0
once at 0 s, releases 0
always at 1 s, releases 1
once at 1 s, releases 1
always at 3 s, releases 2
always: buried, pri 77, releases 2, buries 1
string(11) "NOT_FOUND
"
processed 5, failed 4, released 3, buried 1, deleted 1
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes worker_failure-%s; caps: max_jobs 5; max_attempts 3, backoff 1,2 s; status: off
beanstalk worker: job %d (tube worker_failure-%s) failed on attempt 1 of 3: RuntimeException: the mail server said no in %sworker_failure.php:%d; released with delay 1 s
beanstalk worker: job %d (tube worker_failure-%s) failed on attempt 1 of 3: ArgumentCountError: strlen() expects exactly 1 argument, 0 given in %sworker_failure.php:%d (#0 %sworker_failure.php(%d): strlen()); released with delay 1 s
beanstalk worker: job %d (tube worker_failure-%s) failed on attempt 2 of 3: RuntimeException: the mail server said no in %sworker_failure.php:%d; released with delay 2 s
beanstalk worker: job %d (tube worker_failure-%s) failed on attempt 3 of 3: RuntimeException: the mail server said no in %sworker_failure.php:%d; buried
beanstalk worker: stopping on max_jobs after 5 jobs (4 failed, 1 buried) in %f s, %f jobs/s (exit code 11)
buried
beanstalk worker strict: running, pid %d, server 127.0.0.1:%d, tubes worker_failure-%s; caps: max_jobs 1; max_attempts 1, backoff 0 s; status: off
beanstalk worker strict: job %d (tube worker_failure-%s) failed on attempt 1 of 1: LogicException: bad payload in %sworker_failure.php:%d; buried
beanstalk worker strict: stopping on max_jobs after 1 jobs (1 failed, 1 buried) in %f s, %f jobs/s (exit code 11)
