--TEST--
Queue::ignore(): of "default", of a tube not watched, and undone before it was sent
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

$fake = new BsFakeServer([
    ['watch a', "WATCHING 2\r\n"],
    ['ignore default', "WATCHING 1\r\n"],
    ['reserve-with-timeout 0', "TIMED_OUT\r\n"],
    ['reserve-with-timeout 0', "TIMED_OUT\r\n"],
]);
$q = new Beanstalk\Queue($fake->address);

// A watch goes before the ignore, so the server's list is never empty.
$q->ignore('never-watched')->watch('a')->ignore('default');
var_dump($q->watchedTubes());
var_dump($q->reserve(0));

// Watched and ignored again before any command: nothing to send.
$q->watch('b')->ignore('b');
// Ignored and watched again: nothing to send either.
$q->watch('c')->ignore('a')->watch('a')->ignore('c');
var_dump($q->watchedTubes());
var_dump($q->reserve(0));
echo implode("\n", $fake->requests()), "\n";
?>
--EXPECT--
array(1) {
  [0]=>
  string(1) "a"
}
NULL
array(1) {
  [0]=>
  string(1) "a"
}
NULL
watch a
ignore default
reserve-with-timeout 0
reserve-with-timeout 0
