--TEST--
Queue::ignore() of the only watched tube, or of a bad name, throws ValueError and changes nothing
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('ignore_error');

// The server would answer NOT_IGNORED: refused on the client instead.
$q = new Beanstalk\Queue($server);
bs_catch(fn() => $q->ignore('default'));
var_dump($q->watchedTubes());

$q = new Beanstalk\Queue($server, ['watch' => [$tube]]);
bs_catch(fn() => $q->ignore($tube));
foreach (['', str_repeat('t', 201), '-x', 'a b'] as $name) {
    bs_catch(fn() => $q->ignore($name));
}
bs_catch(fn() => $q->ignore([$tube]));

// Still watching the tube, on the client and on the server.
var_dump($q->watchedTubes() === [$tube]);
$id = (new Beanstalk\Queue($server, ['tube' => $tube]))->put('still watched');
$job = $q->reserve(0);
var_dump($job->id === $id);
$job->delete();
?>
--EXPECTF--
ValueError: Beanstalk\Queue::ignore(): Argument #1 ($tube) cannot ignore "default": it is the only watched tube (watch another one first)
array(1) {
  [0]=>
  string(7) "default"
}
ValueError: Beanstalk\Queue::ignore(): Argument #1 ($tube) cannot ignore "ignore_error-%s": it is the only watched tube (watch another one first)
ValueError: Beanstalk\Queue::ignore(): Argument #1 ($tube) must not be empty
ValueError: Beanstalk\Queue::ignore(): Argument #1 ($tube) must be at most 200 bytes long
ValueError: Beanstalk\Queue::ignore(): Argument #1 ($tube) must not start with "-"
ValueError: Beanstalk\Queue::ignore(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
TypeError: Beanstalk\Queue::ignore(): Argument #1 ($tube) must be of type string, array given
bool(true)
bool(true)
