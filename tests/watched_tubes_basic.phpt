--TEST--
Queue::watchedTubes() lists the watched tubes in the order they were watched
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();

$q = new Beanstalk\Queue($server);
var_dump($q->watchedTubes());
$q->watch('x1')->watch('x2')->ignore('default')->watch('x3');
var_dump($q->watchedTubes());
$q = new Beanstalk\Queue($server, ['watch' => ['y2', 'y1']]);
var_dump($q->watchedTubes());

// It is what the server gets: the tubes' watcher counts after a command
// went out ("a" is watched by no one, so the server dropped it: NULL).
$a = bs_tube('watched_a');
$b = bs_tube('watched_b');
$q = new Beanstalk\Queue($server, ['watch' => [$a, $b]]);
$q->reserve(0);
$q->ignore($a);
$q->close();   // a fresh connection replays the list as it is now
$q->reserve(0);
var_dump($q->watchedTubes() === [$b]);
var_dump(bs_stat($server, "stats-tube $a", 'current-watching'), bs_stat($server, "stats-tube $b", 'current-watching'));
bs_catch(fn() => $q->watchedTubes(1));
?>
--EXPECT--
array(1) {
  [0]=>
  string(7) "default"
}
array(3) {
  [0]=>
  string(2) "x1"
  [1]=>
  string(2) "x2"
  [2]=>
  string(2) "x3"
}
array(2) {
  [0]=>
  string(2) "y2"
  [1]=>
  string(2) "y1"
}
bool(true)
NULL
string(1) "1"
ArgumentCountError: Beanstalk\Queue::watchedTubes() expects exactly 0 arguments, 1 given
