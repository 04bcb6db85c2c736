--TEST--
Queue::delete() removes a job given as Job or as id
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('delete_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$first = $q->put('one');
$second = $q->put('two');
$job = $q->reserve(0);
var_dump($job->id === $first);
var_dump($q->delete($job));
var_dump(bs_call($server, "stats-job $first"));

$q->reserve(0);
$q->delete($second);
var_dump(bs_call($server, "stats-job $second"));
$stats = bs_stats($server, "stats-tube $tube");
var_dump($stats['cmd-delete'], $stats['current-jobs-ready'], $stats['current-jobs-reserved']);
?>
--EXPECT--
bool(true)
NULL
string(11) "NOT_FOUND
"
string(11) "NOT_FOUND
"
string(1) "2"
string(1) "0"
string(1) "0"
