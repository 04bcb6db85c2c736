--TEST--
Queue::ignore() returns the queue, is sent with the next command, and reserve no longer takes from the tube
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$a = bs_tube('ignore_basic_a');
$b = bs_tube('ignore_basic_b');
$q = new Beanstalk\Queue($server, ['watch' => [$a, $b]]);
$q->reserve(0);
// A job in a keeps the tube alive after we stop watching it.
$producer = new Beanstalk\Queue($server, ['tube' => $a]);
$in_a = $producer->put('in a');
var_dump(bs_stat($server, "stats-tube $a", 'current-watching'));

$same = $q->ignore($a);
var_dump($same === $q, $q->watchedTubes() === [$b]);
// Not sent yet.
var_dump(bs_stat($server, "stats-tube $a", 'current-watching'));

// The next command brings the "ignore" along: the job in a is not ours.
var_dump($q->reserve(0));
var_dump(bs_stat($server, "stats-tube $a", 'current-watching'));
var_dump(bs_stat($server, "stats-job $in_a", 'state'));
$producer->delete($in_a);
?>
--EXPECT--
string(1) "1"
bool(true)
bool(true)
string(1) "1"
NULL
string(1) "0"
string(5) "ready"
