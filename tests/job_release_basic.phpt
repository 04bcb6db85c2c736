--TEST--
Job::release() puts the job back with a priority, or delayed for a while
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_release_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('x', 5);
$job = $q->reserve(0);
var_dump($job->release());
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['pri'], $stats['releases']);

$job = $q->reserve(0);
$job->release(3, 2);
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['pri']);
// Out of sight during the delay, back after it (bounded wait).
var_dump($q->reserve(0));
$back = $q->reserve(5);
var_dump($back?->id === $id);
$back->delete();
?>
--EXPECT--
NULL
string(5) "ready"
string(4) "1024"
string(1) "1"
string(7) "delayed"
string(1) "3"
NULL
bool(true)
