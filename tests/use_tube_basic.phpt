--TEST--
Queue::useTube() returns the queue and is sent with the next command
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('use_tube_basic');
$q = new Beanstalk\Queue($server, ['watch' => [$tube]]);

$same = $q->useTube($tube);
var_dump($same === $q, $q->usedTube() === $tube);
// Nothing sent yet: the server has no such tube.
var_dump(bs_call($server, "stats-tube $tube"));

// The next command, whatever it is, brings the "use" along.
var_dump($q->reserve(0));
var_dump(bs_stat($server, "stats-tube $tube", 'current-using'));

// And puts land there.
$id = $q->put('into the used tube');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $tube);
$q->delete($id);

// Chaining.
$other = bs_tube('use_tube_basic_2');
$id = $q->useTube($other)->put('chained');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $other);
$q->delete($id);
?>
--EXPECT--
bool(true)
bool(true)
string(11) "NOT_FOUND
"
NULL
string(1) "1"
bool(true)
bool(true)
