--TEST--
Queue::watch() rejects names beanstalkd would refuse, and changes nothing then
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('watch_error');
$q = new Beanstalk\Queue($server, ['watch' => [$tube]]);

foreach (['', str_repeat('t', 201), '-x', 'a b', "tab\t", 'caf\u{e9}', 'q?'] as $name) {
    bs_catch(fn() => $q->watch($name));
}
bs_catch(fn() => $q->watch(new stdClass()));
bs_catch(fn() => $q->watch());

var_dump($q->watchedTubes() === [$tube]);
// Still watching just the one tube on the server.
var_dump($q->reserve(0));
var_dump(bs_stat($server, "stats-tube $tube", 'current-watching'));
?>
--EXPECT--
ValueError: Beanstalk\Queue::watch(): Argument #1 ($tube) must not be empty
ValueError: Beanstalk\Queue::watch(): Argument #1 ($tube) must be at most 200 bytes long
ValueError: Beanstalk\Queue::watch(): Argument #1 ($tube) must not start with "-"
ValueError: Beanstalk\Queue::watch(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::watch(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::watch(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::watch(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
TypeError: Beanstalk\Queue::watch(): Argument #1 ($tube) must be of type string, stdClass given
ArgumentCountError: Beanstalk\Queue::watch() expects exactly 1 argument, 0 given
bool(true)
NULL
string(1) "1"
