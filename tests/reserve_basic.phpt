--TEST--
Queue::reserve() returns a Job and reserves it on the server; null when no job comes in time
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('reserve_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('payload');
$job = $q->reserve(0);
var_dump($job instanceof Beanstalk\Job, $job->id === $id, $job->data);
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['reserves']);

// Nothing ready: a poll answers at once with null.
var_dump($q->reserve(0));
// With a timeout the server waits that long, then null.
$t = microtime(true);
var_dump($q->reserve(1));
$waited = microtime(true) - $t;
var_dump($waited >= 0.9 && $waited < 5);

// A job that is ready before the timeout is returned without waiting it out.
$second = $q->put('second');
$t = microtime(true);
var_dump($q->reserve(30)->id === $second, microtime(true) - $t < 5);

$q->delete($job);
$q->delete($second);
?>
--EXPECT--
bool(true)
bool(true)
string(7) "payload"
string(8) "reserved"
string(1) "1"
NULL
NULL
bool(true)
bool(true)
bool(true)
