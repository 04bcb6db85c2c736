--TEST--
Queue::bury() buries a reserved job; a kick brings it back
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('bury_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('broken', 10);
$job = $q->reserve(0);
var_dump($q->bury($job, 20));
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['pri'], $stats['buries']);
// A buried job is not handed out.
var_dump($q->reserve(0));

// Kicked over a connection of our own (Queue::kick() comes later), it is
// ready again and reserved once more.
var_dump(str_ends_with(bs_raw($server, "use $tube\r\nkick 10\r\n"), "\r\nKICKED 1\r\n"));
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['kicks']);
$again = $q->reserve(0);
var_dump($again->id === $id, $again->data);
$q->delete($again);
?>
--EXPECT--
NULL
string(6) "buried"
string(2) "20"
string(1) "1"
NULL
bool(true)
string(5) "ready"
string(1) "1"
bool(true)
string(6) "broken"
