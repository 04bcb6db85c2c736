--TEST--
The 'connect_timeout' option bounds the wait for a server that does not accept
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
// A listener with a backlog of 0 that never accepts: once its queue is full,
// the kernel ignores new connection attempts, which then hang.
$listener = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr, STREAM_SERVER_BIND | STREAM_SERVER_LISTEN,
    stream_context_create(['socket' => ['backlog' => 0]]));
$address = stream_socket_get_name($listener, false);
$held = [];
for ($i = 0; $i < 8; $i++) {
    $c = @stream_socket_client("tcp://$address", $errno, $errstr, 0.2);
    if (!$c) {
        break;   // full: this attempt timed out
    }
    $held[] = $c;
}
var_dump($i < 8);

foreach ([0.3, 1] as $connect_timeout) {
    $q = new Beanstalk\Queue($address, ['connect_timeout' => $connect_timeout, 'timeout' => 10]);
    $t = microtime(true);
    try {
        $q->put('x');
    } catch (Beanstalk\ConnectionException $e) {
        $waited = microtime(true) - $t;
        echo get_class($e), ': ', str_replace($address, 'ADDR', $e->getMessage()), "\n";
        var_dump($waited >= $connect_timeout - 0.05 && $waited < $connect_timeout + 3);
    }
}
?>
--EXPECT--
bool(true)
Beanstalk\TimeoutException: put: connect to ADDR timed out after 0.300 s
bool(true)
Beanstalk\TimeoutException: put: connect to ADDR timed out after 1.000 s
bool(true)
