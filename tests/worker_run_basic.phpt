--TEST--
Worker::run(): the handler gets (Job, Worker); a job it returns from is deleted, one it settled itself is left alone
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, Worker};

$server = bs_server();
$tube = bs_tube('worker_run_basic');
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);

$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$ids = [];
foreach (['plain', 'delete', 'release', 'bury', 'by-id', 'plain too'] as $data) {
    $ids[$data] = $q->put($data, 100);
}
$w = new Worker($q, ['max_jobs' => 6, 'name' => 'basic']);
$seen = [];
$reason = $w->run(function (Job $job, Worker $worker) use ($w, $q, &$seen) {
    $seen[] = $job->data;
    if ($worker !== $w) {
        echo "not the same worker\n";
    }
    switch ($job->data) {
    case 'delete':
        $job->delete();
        break;
    case 'release':
        $job->release(7, 30);
        break;
    case 'bury':
        $q->bury($job, 9);
        break;
    case 'by-id':
        $q->delete($job->id);
        break;
    }
    return 'ignored';
});
var_dump($reason === Worker::STOP_MAX_JOBS);
echo implode(', ', $seen), "\n";

// What the server has now.
foreach ($ids as $data => $id) {
    $st = bs_stats($server, "stats-job $id");
    printf("%-9s %s\n", $data, $st ? $st['state'] . ' pri ' . $st['pri'] : 'deleted');
}
$s = $w->stats();
foreach (['processed', 'failed', 'released', 'buried', 'deleted', 'lost', 'stop_reason', 'stop_signal', 'state'] as $k) {
    echo "$k: ", var_export($s[$k], true), "\n";
}
var_dump($s['rtt'] > 0 && $s['rtt'] < 1, $s['rtt_samples'] >= 3, $s['job_duration_p50'] > 0, $s['job_duration_p99'] >= $s['job_duration_p50']);
var_dump($s['uptime'] > 0 && $s['jobs_per_sec'] > 0, $s['memory'] > 0 || bs_under_valgrind(), $s['rss'] > 0, $s['started_at'] <= microtime(true));
echo file_get_contents($log) === '' ? "no log\n" : preg_replace('/^\[[^]]+\] /m', '', file_get_contents($log));

// The queue is usable after run(): nothing is left pending on it.
var_dump($q->put('after') > 0, $q->reserve(0)?->data);
// A second run() starts from fresh figures.
for ($i = 0; $i < 6; $i++) {
    $q->put("again $i");
}
$reason = $w->run(fn () => null);
var_dump($reason, $w->stats()['processed']);
unlink($log);
?>
--EXPECTF--
bool(true)
plain, delete, release, bury, by-id, plain too
plain     deleted
delete    deleted
release   delayed pri 7
bury      buried pri 9
by-id     deleted
plain too deleted
processed: 6
failed: 0
released: 0
buried: 0
deleted: 2
lost: 0
stop_reason: 11
stop_signal: 0
state: 'idle'
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
beanstalk worker basic: running, pid %d, server 127.0.0.1:%d, tubes worker_run_basic-%s; caps: max_jobs 6; max_attempts 3, backoff 1,5,30 s; status: off
beanstalk worker basic: stopping on max_jobs after 6 jobs (0 failed, 0 buried) in %f s, %f jobs/s (exit code 11)
bool(true)
string(5) "after"
int(11)
int(6)
