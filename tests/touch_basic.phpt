--TEST--
Queue::touch() gives a reserved job its full time-to-run again
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('touch_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('slow work', 0, 0, 10);
$job = $q->reserve(0);
// Let some of the ten seconds pass (the server counts whole seconds).
usleep(1200000);
$before = (int)bs_stat($server, "stats-job $id", 'time-left');
var_dump($q->touch($job));
$after = (int)bs_stat($server, "stats-job $id", 'time-left');
var_dump($before <= 8, $after >= 9, $after > $before);
var_dump(bs_stat($server, "stats-job $id", 'state'));

// By id as well.
$q->touch($id);
var_dump((int)bs_stat($server, "stats-job $id", 'time-left') >= 9);
$q->delete($job);
?>
--EXPECT--
NULL
bool(true)
bool(true)
bool(true)
string(8) "reserved"
bool(true)
