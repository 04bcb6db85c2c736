--TEST--
Queue::kickJob() takes a Job from any queue (peeked, or reserved elsewhere); the job keeps its tube and priority
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('kick_job_variation');
$worker = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$worker->put('x', 50);
$job = $worker->reserve(0);
$job->bury(7);

// Another queue kicks the Job object the worker reserved and buried.
$admin = new Beanstalk\Queue($server, ['tube' => $tube]);
var_dump($admin->kickJob($job));
$stats = bs_stats($server, "stats-job {$job->id}");
var_dump($stats['state'], $stats['pri'], $stats['tube'] === $tube);

// A Job found by peeking.
$worker->reserve(0)->bury();
$peeked = $admin->peekBuried();
var_dump($peeked->id === $job->id, $admin->kickJob($peeked), $admin->kickJob($peeked));
$admin->delete($peeked);
?>
--EXPECT--
bool(true)
string(5) "ready"
string(1) "7"
bool(true)
bool(true)
bool(true)
bool(false)
