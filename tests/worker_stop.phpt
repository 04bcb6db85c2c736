--TEST--
Worker::stop() from the handler: the job finishes, then run() returns STOP_REQUESTED; run() cannot be nested
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
error_log=/dev/null
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, Worker};

$server = bs_server();
$tube = bs_tube('worker_stop');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$ids = [$q->put('one'), $q->put('two'), $q->put('three')];
$w = new Worker($q);
$other = new Worker(new Queue($server));
$reason = $w->run(function (Job $job, Worker $worker) use ($other) {
    echo "job {$job->data}\n";
    if ($job->data === 'two') {
        try {
            $worker->run(fn () => null);
        } catch (Error $e) {
            echo get_class($e), ': ', $e->getMessage(), "\n";
        }
        try {
            $other->run(fn () => null);
        } catch (Error $e) {
            echo get_class($e), ': ', $e->getMessage(), "\n";
        }
        $worker->stop();
        echo "stop() returns: the job goes on\n";
    }
});
var_dump($reason === Worker::STOP_REQUESTED);
foreach ($ids as $id) {
    echo $id, ': ', bs_stat($server, "stats-job $id", 'state') ?? 'deleted', "\n";
}
// stop() and a failing job: the failure is handled, then run() returns.
$w = new Worker($q, ['backoff' => 9]);
$reason = $w->run(function (Job $job, Worker $worker) {
    $worker->stop();
    throw new RuntimeException('no');
});
var_dump($reason === Worker::STOP_REQUESTED, bs_stat($server, "stats-job {$ids[2]}", 'state'), $w->stats()['released']);
?>
--EXPECTF--
job one
job two
Error: Beanstalk\Worker::run() cannot be called from its own handler
Error: Another Beanstalk\Worker is running in this process
stop() returns: the job goes on
bool(true)
%d: deleted
%d: deleted
%d: ready
bool(true)
string(7) "delayed"
int(1)
