--TEST--
Queue::pauseTube(): a waiting reserve gets the job when the pause ends; pausing a tube this queue does not use or watch
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('pause_tube_variation');
$producer = new Beanstalk\Queue($server, ['tube' => $tube]);
$id = $producer->put('x');

// An admin queue that neither uses nor watches the tube pauses it.
$admin = new Beanstalk\Queue($server);
$admin->pauseTube($tube, 1);
$worker = new Beanstalk\Queue($server, ['watch' => [$tube]]);
var_dump($worker->reserve(0));
$start = microtime(true);
$job = $worker->reserve(10);
$waited = microtime(true) - $start;
var_dump($job->id === $id, $waited > 0.3 && $waited < 5);
$job->delete();
// A pause on one tube leaves the others alone.
$other = bs_tube('pause_tube_variation_other');
$admin->useTube($other)->put('free');
$admin->pauseTube($tube, 3600);
$worker->watch($other);
$job = $worker->reserve(0);
var_dump($job->data);
$job->delete();
$admin->pauseTube($tube, 0);
?>
--EXPECT--
NULL
bool(true)
bool(true)
string(4) "free"
