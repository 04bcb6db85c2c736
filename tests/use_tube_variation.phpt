--TEST--
Queue::useTube(): every legal name, and "use" is sent only when the tube changed
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$q = new Beanstalk\Queue($server);

echo "-- names at the limits of the server's rules --\n";
$unique = bs_tube('u');
foreach ([
    str_pad($unique, 200, 'x'),                   // the longest
    'A-Za-z0-9+/;.$_()' . $unique,                // every allowed character
    '9' . $unique,                                // a digit first
] as $name) {
    $id = $q->useTube($name)->put('x');
    var_dump(bs_stat($server, "stats-job $id", 'tube') === $name);
    $q->delete($id);
}

echo "-- only the last choice before a command is sent, once --\n";
$fake = new BsFakeServer([
    ['use a', "USING a\r\n"],
    ['put', "INSERTED 1\r\n"],
    ['put', "INSERTED 2\r\n"],
    ['use b', "USING b\r\n"],
    ['put', "INSERTED 3\r\n"],
]);
$q = new Beanstalk\Queue($fake->address);
$q->useTube('b')->useTube('c')->useTube('a');
$q->put('1');
$q->useTube('a');      // no change: nothing to send
$q->put('2');
$q->useTube('b');
$q->put('3');
echo implode("\n", $fake->requests()), "\n";
?>
--EXPECT--
-- names at the limits of the server's rules --
bool(true)
bool(true)
bool(true)
-- only the last choice before a command is sent, once --
use a
put 1024 0 60 1
put 1024 0 60 1
use b
put 1024 0 60 1
