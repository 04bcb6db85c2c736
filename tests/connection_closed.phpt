--TEST--
A server that closes the connection, before or in the middle of a reply, gives ConnectionException; a lost put is not repeated
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$fake = new BsFakeServer([
    ['reserve-with-timeout', ['cut', "RESERVED 5 10\r\nhel"]],
    ['put', ['close']],
    ['put', ['cut', "INSER"]],
    ['put', "INSERTED 3\r\n"],
]);
$q = new Beanstalk\Queue($fake->address);

foreach ([fn() => $q->reserve(0), fn() => $q->put('lost'), fn() => $q->put('cut'), fn() => $q->put('ok')] as $fn) {
    try {
        var_dump($fn());
    } catch (Beanstalk\Exception $e) {
        echo get_class($e), ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
    }
}
// The puts whose replies were lost went out once each, and were not
// silently sent again: the server may have stored them.
echo implode("\n", $fake->requests()), "\n";
var_dump($fake->connections());
?>
--EXPECT--
Beanstalk\ConnectionException: reserve: FAKE closed the connection
Beanstalk\ConnectionException: put: FAKE closed the connection
Beanstalk\ConnectionException: put: FAKE closed the connection
int(3)
reserve-with-timeout 0
put 1024 0 60 4
put 1024 0 60 3
put 1024 0 60 2
int(4)
