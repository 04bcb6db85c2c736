--TEST--
Queue::watch() returns the queue, is sent with the next command, and reserve takes from the tube
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$a = bs_tube('watch_basic_a');
$b = bs_tube('watch_basic_b');
$q = new Beanstalk\Queue($server, ['watch' => [$a]]);

$same = $q->watch($b);
var_dump($same === $q, $q->watchedTubes() === [$a, $b]);
// Nothing sent yet: the server has no such tube.
var_dump(bs_call($server, "stats-tube $b"));

// The next command brings the "watch" along.
var_dump($q->reserve(0));
var_dump(bs_stat($server, "stats-tube $b", 'current-watching'));

// A job put in the newly watched tube is reserved.
$id = (new Beanstalk\Queue($server, ['tube' => $b]))->put('from b');
$job = $q->reserve(0);
var_dump($job->id === $id, $job->data);
$job->delete();
?>
--EXPECT--
bool(true)
bool(true)
string(11) "NOT_FOUND
"
NULL
string(1) "1"
bool(true)
string(6) "from b"
