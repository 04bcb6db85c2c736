--TEST--
Queue::usedTube() tells the tube puts go to
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('used_tube_basic');

$q = new Beanstalk\Queue($server);
var_dump($q->usedTube());

$q = new Beanstalk\Queue($server, ['tube' => $tube]);
var_dump($q->usedTube() === $tube);

// Known on the client before anything is sent, and after a refused change.
$q->useTube('elsewhere');
var_dump($q->usedTube());
try {
    $q->useTube('not valid');
} catch (ValueError $e) {
}
var_dump($q->usedTube());

// It survives a reconnect, and agrees with where the server puts jobs.
$q->useTube($tube);
$q->close();
var_dump($q->usedTube() === $tube);
$id = $q->put('x');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $tube);
$q->delete($id);
bs_catch(fn() => $q->usedTube('x'));
?>
--EXPECT--
string(7) "default"
bool(true)
string(9) "elsewhere"
string(9) "elsewhere"
bool(true)
bool(true)
ArgumentCountError: Beanstalk\Queue::usedTube() expects exactly 0 arguments, 1 given
