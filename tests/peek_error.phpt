--TEST--
Queue::peek*(): bad ids throw ValueError/TypeError; a missing job gives null; a wrong reply is a protocol error
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('peek_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);

echo "-- arguments --\n";
bs_catch(fn() => $q->peek(0));
bs_catch(fn() => $q->peek(-1));
bs_catch(fn() => $q->peek('x'));
bs_catch(fn() => $q->peek());
bs_catch(fn() => $q->peekReady(1));
bs_catch(fn() => $q->peekDelayed($tube));
bs_catch(fn() => $q->peekBuried(null));

echo "-- nothing there --\n";
$id = $q->put('x');
$q->delete($id);
var_dump($q->peek($id), $q->peek(PHP_INT_MAX));
// An empty tube (this one exists while we use it).
var_dump($q->peekReady(), $q->peekDelayed(), $q->peekBuried());

echo "-- replies that make no sense --\n";
$fake = new BsFakeServer([
    ['peek 3', "RESERVED 3 1\r\nx\r\n"],
    ['peek-ready', "FOUND 3\r\n"],
    ['peek-buried', "NOT_FOUND\r\n"],
]);
$odd = new Beanstalk\Queue($fake->address);
foreach ([fn() => $odd->peek(3), fn() => $odd->peekReady(), fn() => $odd->peekBuried()] as $fn) {
    try {
        var_dump($fn());
    } catch (Beanstalk\Exception $e) {
        echo get_class($e), ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
    }
}
// Each protocol error dropped its connection.
var_dump($fake->connections());
?>
--EXPECT--
-- arguments --
ValueError: Beanstalk\Queue::peek(): Argument #1 ($id) must be greater than 0
ValueError: Beanstalk\Queue::peek(): Argument #1 ($id) must be greater than 0
TypeError: Beanstalk\Queue::peek(): Argument #1 ($id) must be of type int, string given
ArgumentCountError: Beanstalk\Queue::peek() expects exactly 1 argument, 0 given
ArgumentCountError: Beanstalk\Queue::peekReady() expects exactly 0 arguments, 1 given
ArgumentCountError: Beanstalk\Queue::peekDelayed() expects exactly 0 arguments, 1 given
ArgumentCountError: Beanstalk\Queue::peekBuried() expects exactly 0 arguments, 1 given
-- nothing there --
NULL
NULL
NULL
NULL
NULL
-- replies that make no sense --
Beanstalk\ProtocolException: peek: FAKE answered peek with RESERVED
Beanstalk\ProtocolException: peekReady: bad reply from FAKE: unexpected reply: "FOUND 3\r\n"
NULL
int(3)
