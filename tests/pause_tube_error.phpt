--TEST--
Queue::pauseTube(): bad names and seconds throw ValueError/TypeError before a byte is sent; a tube the server does not have throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('pause_tube_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);
$q->put('x');

echo "-- arguments --\n";
foreach (['', str_repeat('t', 201), '-x', 'a b', "$tube 1\r\npause-tube x"] as $name) {
    bs_catch(fn() => $q->pauseTube($name, 10));
}
bs_catch(fn() => $q->pauseTube($tube, -1));
bs_catch(fn() => $q->pauseTube($tube, 4294967296));
bs_catch(fn() => $q->pauseTube($tube, 'x'));
bs_catch(fn() => $q->pauseTube($tube));
// Nothing was sent.
var_dump(bs_stat($server, "stats-tube $tube", 'cmd-pause-tube'));

echo "-- no such tube --\n";
$missing = bs_tube('pause_tube_error_none');
bs_catch(fn() => $q->pauseTube($missing, 10));
// The connection is still in step.
$q->pauseTube($tube, 4294967295);
var_dump(bs_stat($server, "stats-tube $tube", 'pause'));
$q->pauseTube($tube, 0);
$q->delete($q->peekReady());
?>
--EXPECTF--
-- arguments --
ValueError: Beanstalk\Queue::pauseTube(): Argument #1 ($tube) must not be empty
ValueError: Beanstalk\Queue::pauseTube(): Argument #1 ($tube) must be at most 200 bytes long
ValueError: Beanstalk\Queue::pauseTube(): Argument #1 ($tube) must not start with "-"
ValueError: Beanstalk\Queue::pauseTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::pauseTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::pauseTube(): Argument #2 ($seconds) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::pauseTube(): Argument #2 ($seconds) must be between 0 and 4294967295
TypeError: Beanstalk\Queue::pauseTube(): Argument #2 ($seconds) must be of type int, string given
ArgumentCountError: Beanstalk\Queue::pauseTube() expects exactly 2 arguments, 1 given
string(1) "0"
-- no such tube --
Beanstalk\NotFoundException: pauseTube: %s has no tube "pause_tube_error_none-%s"
string(10) "4294967295"
