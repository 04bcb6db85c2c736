--TEST--
ConnectionException::$sent: false when not a byte of the request left (safe to send again), true when its reply was lost (a put may be stored)
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

function sent(callable $fn): void
{
    try {
        $fn();
        echo "no exception\n";
    } catch (Beanstalk\ConnectionException $e) {
        echo $e::class, ', sent: ', var_export($e->sent, true), "\n";
    }
}

// Nothing listens: the put never left.
$port = bs_free_port();
$q = new Beanstalk\Queue("127.0.0.1:$port", ['connect_timeout' => 1]);
sent(fn() => $q->put('x'));

// The server takes the put and closes without a word: it may be stored.
$fake = new BsFakeServer([['put', ['close']]]);
$q = new Beanstalk\Queue($fake->address);
sent(fn() => $q->put('x'));

// The server takes the put and says nothing: a timeout after sending.
$fake = new BsFakeServer([['put', ['silence']]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 0.3]);
sent(fn() => $q->put('x'));

// Made with new: readable, false.
$e = new Beanstalk\ConnectionException('made here');
var_dump($e->sent);
$e = new Beanstalk\TimeoutException('made here');
var_dump($e->sent);
try {
    $e->sent = true;
} catch (Error $err) {
    echo $err::class, ': ', $err->getMessage(), "\n";
}
?>
--EXPECT--
Beanstalk\ConnectionException, sent: false
Beanstalk\ConnectionException, sent: true
Beanstalk\TimeoutException, sent: true
bool(false)
bool(false)
Error: Cannot modify readonly property Beanstalk\ConnectionException::$sent
