--TEST--
Queue::pauseTube() holds back the tube's jobs from reserves for the given seconds; 0 resumes it (beanstalkd 1.12)
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('pause_tube_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x');

var_dump($q->pauseTube($tube, 3600));
$stats = bs_stats($server, "stats-tube $tube");
var_dump($stats['pause'], $stats['pause-time-left'] > 3500, $stats['cmd-pause-tube']);
// The job is ready, but no one gets it while the tube is paused.
var_dump(bs_stat($server, "stats-job $id", 'state'), $q->reserve(0));
// Puts, peeks and kicks still work.
$other = $q->put('y');
var_dump($q->peekReady()->id === $id);

$q->pauseTube($tube, 0);
var_dump(bs_stat($server, "stats-tube $tube", 'pause'));
$job = $q->reserve(0);
var_dump($job->id === $id);
$job->delete();
$q->delete($other);
?>
--EXPECT--
NULL
string(4) "3600"
bool(true)
string(1) "1"
string(5) "ready"
NULL
bool(true)
string(1) "0"
bool(true)
