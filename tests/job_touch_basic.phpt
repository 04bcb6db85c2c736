--TEST--
Job::touch() gives the job its full time-to-run again
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_touch_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('x', 0, 0, 10);
$job = $q->reserve(0);
usleep(1200000);
$before = (int)bs_stat($server, "stats-job $id", 'time-left');
var_dump($job->touch());
$after = (int)bs_stat($server, "stats-job $id", 'time-left');
// The server counts whole seconds: 8 left before, 9 after.
var_dump($before <= 8, $after >= 9);
$job->delete();
?>
--EXPECT--
NULL
bool(true)
bool(true)
