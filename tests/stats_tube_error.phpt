--TEST--
Queue::statsTube(): a bad tube name throws ValueError before a byte is sent; a tube the server does not have gives null
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$q = new Beanstalk\Queue($server);

echo "-- arguments --\n";
foreach (['', str_repeat('t', 201), '-x', 'a b', "a\r\nstats", "t\0"] as $name) {
    bs_catch(fn() => $q->statsTube($name));
}
bs_catch(fn() => $q->statsTube([]));
bs_catch(fn() => $q->statsTube());

echo "-- no such tube --\n";
var_dump($q->statsTube(bs_tube('stats_tube_error_none')));
// A tube lives while a job or a client refers to it.
$tube = bs_tube('stats_tube_error');
$user = new Beanstalk\Queue($server, ['tube' => $tube]);
$id = $user->put('x');
var_dump($q->statsTube($tube)['current-jobs-ready']);
$user->delete($id);
$user->close();
// The server may see the close a moment after our next question.
$until = microtime(true) + 2;
while ($q->statsTube($tube) !== null && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
var_dump($q->statsTube($tube));
// The longest name there can be is fine.
var_dump($q->statsTube(str_repeat('t', 200)));
?>
--EXPECT--
-- arguments --
ValueError: Beanstalk\Queue::statsTube(): Argument #1 ($tube) must not be empty
ValueError: Beanstalk\Queue::statsTube(): Argument #1 ($tube) must be at most 200 bytes long
ValueError: Beanstalk\Queue::statsTube(): Argument #1 ($tube) must not start with "-"
ValueError: Beanstalk\Queue::statsTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::statsTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::statsTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
TypeError: Beanstalk\Queue::statsTube(): Argument #1 ($tube) must be of type string, array given
ArgumentCountError: Beanstalk\Queue::statsTube() expects exactly 1 argument, 0 given
-- no such tube --
NULL
int(1)
NULL
NULL
