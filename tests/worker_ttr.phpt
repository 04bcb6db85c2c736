--TEST--
Worker: a job is not worked on past its TTR: TtrExceededException in the handler, unless it touch()es the job
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, TtrExceededException, Worker};

$server = bs_server();
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);

echo "-- a handler that sleeps past the limit gets the exception; the job is released\n";
$tube = bs_tube('worker_ttr');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('sleepy', 50, 0, 2);   // ttr 2 s: margin min(1, 2/2) = 1 s
$w = new Worker($q, ['max_jobs' => 1, 'backoff' => 3]);
$w->run(function (Job $job) {
    $start = microtime(true);
    try {
        sleep(10);          // the watchdog's signal ends the sleep
        echo "slept on\n";
    } catch (TtrExceededException $e) {
        $t = microtime(true) - $start;
        printf("caught after %s: %s\n", $t > 0.8 && $t < 1 + bs_seconds(0.3) ? 'about 1 s' : "$t s", $e->getMessage());
        throw $e;
    }
});
$st = bs_stats($server, "stats-job $id");
echo "state {$st['state']}, delay {$st['delay']}, pri {$st['pri']}, releases {$st['releases']}, timeouts {$st['timeouts']}\n";
$s = $w->stats();
echo "failed {$s['failed']}, released {$s['released']}, ttr_exceeded {$s['ttr_exceeded']}\n";
echo preg_replace(['/^\[[^]]+\] /m', '/in \S+:\d+/'], ['', 'in …'], file_get_contents($log));
file_put_contents($log, '');

echo "-- touch() gives the job more time\n";
// Each part on a tube of its own: the released job comes back after 3 s.
$q->useTube($tube = bs_tube('worker_ttr'))->watch($tube)->ignore($q->watchedTubes()[0]);
$id = $q->put('long', 50, 0, 2);
$w->run(function (Job $job) {
    $start = microtime(true);
    for ($i = 0; $i < 8; $i++) {
        usleep(400000);
        $job->touch();
    }
    printf("done after %s with ttr 2\n", microtime(true) - $start > 3.2 ? 'more than 3.2 s' : 'too little time');
});
var_dump(bs_call($server, "stats-job $id"), $w->stats()['ttr_exceeded']);

echo "-- a handler that deletes its job first is not held to the TTR\n";
file_put_contents($log, '');
$q->useTube($tube = bs_tube('worker_ttr'))->watch($tube)->ignore($q->watchedTubes()[0]);
$id = $q->put('at most once', 50, 0, 1);
$w->run(function (Job $job) use ($q) {
    $q->delete($job->id);
    usleep(1600000);
    echo "done\n";
});
echo file_get_contents($log) === '' ? "" : preg_replace('/^\[[^]]+\] /m', '', file_get_contents($log));
file_put_contents($log, '');

unlink($log);
?>
--EXPECTF--
-- a handler that sleeps past the limit gets the exception; the job is released
caught after about 1 s: job %d has %f s left of its 2 s time-to-run: give it up, or touch() it for more time
state delayed, delay 3, pri 50, releases 1, timeouts 0
failed 1, released 1, ttr_exceeded 1
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: job %d (tube worker_ttr-%s) failed on attempt 1 of 3: Beanstalk\TtrExceededException: job %d has %f s left of its 2 s time-to-run: give it up, or touch() it for more time in …; released with delay 3 s
beanstalk worker: stopping on max_jobs after 1 jobs (%d failed, %d buried) in %f s, %f jobs/s (exit code 11)
-- touch() gives the job more time
done after more than 3.2 s with ttr 2
string(11) "NOT_FOUND
"
int(0)
-- a handler that deletes its job first is not held to the TTR
done
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: stopping on max_jobs after 1 jobs (%d failed, %d buried) in %f s, %f jobs/s (exit code 11)
