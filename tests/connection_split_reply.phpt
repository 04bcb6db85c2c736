--TEST--
Replies that arrive one byte at a time are put together
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$fake = new BsFakeServer([
    ['use t', ['split', "USING t\r\n"]],
    ['put 1024 0 60 5', ['split', "INSERTED 12\r\n"]],
    ['reserve-with-timeout 0', ['split', "RESERVED 12 7\r\nhe\r\nllo\r\n"]],
    ['delete 12', ['split', "DELETED\r\n"]],
]);
$q = new Beanstalk\Queue($fake->address, ['tube' => 't']);
var_dump($q->put('hello'));
$job = $q->reserve(0);
var_dump($job->id, $job->data);
$job->delete();
var_dump($fake->connections());
?>
--EXPECT--
int(12)
int(12)
string(7) "he
llo"
int(1)
