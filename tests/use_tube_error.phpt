--TEST--
Queue::useTube() rejects names beanstalkd would refuse, and changes nothing then
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('use_tube_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);

foreach (['', str_repeat('t', 201), '-leading-dash', 'with space', "new\nline", "nul\0byte", 'caf\u{e9}', 'a*b', 'x:y'] as $name) {
    bs_catch(fn() => $q->useTube($name));
}
bs_catch(fn() => $q->useTube([]));
bs_catch(fn() => $q->useTube());

// Still the tube from before, on the client and on the server.
var_dump($q->usedTube() === $tube);
$id = $q->put('x');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $tube);
$q->delete($id);
?>
--EXPECT--
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) must not be empty
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) must be at most 200 bytes long
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) must not start with "-"
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
ValueError: Beanstalk\Queue::useTube(): Argument #1 ($tube) may contain only A-Z a-z 0-9 and - + / ; . $ _ ( )
TypeError: Beanstalk\Queue::useTube(): Argument #1 ($tube) must be of type string, array given
ArgumentCountError: Beanstalk\Queue::useTube() expects exactly 1 argument, 0 given
bool(true)
bool(true)
