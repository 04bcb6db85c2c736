--TEST--
Queue::stats() and listTubes(): no arguments; a reply that is not stats YAML is a protocol error and drops the connection; error words throw ServerException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$q = new Beanstalk\Queue(bs_server());
bs_catch(fn() => $q->stats(1));
bs_catch(fn() => $q->listTubes('x'));

$ok = fn(string $body) => 'OK ' . strlen($body) . "\r\n$body\r\n";
$fake = new BsFakeServer([
    ['stats', "NOT_FOUND\r\n"],
    ['stats', $ok('hello')],
    ['stats', $ok("---\n- a list\n")],
    ['stats', "INTERNAL_ERROR\r\n"],
    ['list-tubes', $ok("---\nkey: value\n")],
    ['list-tubes', $ok('--')],
    ['list-tubes', "USING x\r\n"],
    ['stats', $ok("---\n")],
]);
$odd = new Beanstalk\Queue($fake->address);
foreach ([fn() => $odd->stats(), fn() => $odd->stats(), fn() => $odd->stats(), fn() => $odd->stats(),
    fn() => $odd->listTubes(), fn() => $odd->listTubes(), fn() => $odd->listTubes(), fn() => $odd->stats()] as $fn) {
    try {
        var_dump($fn());
    } catch (Beanstalk\Exception $e) {
        echo get_class($e), ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
    }
}
// Every protocol error dropped its connection; INTERNAL_ERROR did not.
var_dump($fake->connections());
?>
--EXPECT--
ArgumentCountError: Beanstalk\Queue::stats() expects exactly 0 arguments, 1 given
ArgumentCountError: Beanstalk\Queue::listTubes() expects exactly 0 arguments, 1 given
Beanstalk\ProtocolException: stats: FAKE answered stats with NOT_FOUND
Beanstalk\ProtocolException: stats: FAKE sent YAML that is not a stats list
Beanstalk\ProtocolException: stats: FAKE sent YAML that is not a stats list
Beanstalk\ServerException: stats: FAKE answered INTERNAL_ERROR
Beanstalk\ProtocolException: listTubes: FAKE sent YAML that is not a stats list
Beanstalk\ProtocolException: listTubes: FAKE sent YAML that is not a stats list
Beanstalk\ProtocolException: listTubes: FAKE answered list-tubes with USING
array(0) {
}
int(7)
