--TEST--
Queue::release() puts a reserved job back, with its new priority, or delayed
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('release_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('again', 50);
$job = $q->reserve(0);
var_dump($q->release($job, 7));
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['pri'], $stats['releases']);

// Released with a delay, the job is out of sight for that long...
$job = $q->reserve(0);
$q->release($job, 7, 2);
var_dump(bs_stat($server, "stats-job $id", 'state'));
var_dump($q->reserve(0));
// ...and comes back after it (bounded wait).
$back = $q->reserve(5);
var_dump($back?->id === $id, $back?->data);
$back->delete();
?>
--EXPECT--
NULL
string(5) "ready"
string(1) "7"
string(1) "1"
string(7) "delayed"
NULL
bool(true)
string(5) "again"
