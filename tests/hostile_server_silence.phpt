--TEST--
A server that begins a reply and falls silent (half a line, half a body): reserve() with no timeout, or a long one, gives TimeoutException once 'timeout' has passed since the reply began, and the next reserve works on a new connection
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

function silent(string $title, ?int $timeout, string $begun, string $expect, float $min, float $max): void
{
    echo "-- $title --\n";
    $fake = new BsFakeServer([[$expect, ['hold', $begun]], ['reserve', "RESERVED 9 5\r\nhello\r\n"]]);
    $q = new Beanstalk\Queue($fake->address, ['timeout' => 0.5]);
    $t = microtime(true);
    try {
        $q->reserve($timeout);
        echo "no exception\n";
    } catch (Beanstalk\ConnectionException $e) {
        $took = microtime(true) - $t;
        echo $e::class, ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
        echo 'sent: ', var_export($e->sent, true), '; within bounds: ', bs_within($took, $min, $max), "\n";
    }
    $job = $q->reserve();
    echo "next reserve: job $job->id \"$job->data\"; connections: ", $fake->connections(), "\n";
}

silent('reserve(): "RESE" and silence', null, 'RESE', 'reserve', 0.45, 2.0);
silent('reserve(): a line and half the body, then silence', null, "RESERVED 9 10\r\nhello", 'reserve', 0.45, 2.0);
silent('reserve(): the whole line, then silence', null, "RESERVED 9 10\r\n", 'reserve', 0.45, 2.0);
// The reserve's own 30 s are for the server to find a job; once the reply
// has begun, the rest is due within 'timeout'.
silent('reserve(30): "RESE" and silence', 30, 'RESE', 'reserve-with-timeout 30', 0.45, 2.0);
silent('reserve(30): half the body, then silence', 30, "RESERVED 9 10\r\nhello", 'reserve-with-timeout 30', 0.45, 2.0);
?>
--EXPECT--
-- reserve(): "RESE" and silence --
Beanstalk\TimeoutException: reserve: the reply from FAKE stopped after 4 bytes: the rest did not come within 0.500 s
sent: true; within bounds: yes
next reserve: job 9 "hello"; connections: 2
-- reserve(): a line and half the body, then silence --
Beanstalk\TimeoutException: reserve: the reply from FAKE stopped after 20 bytes: the rest did not come within 0.500 s
sent: true; within bounds: yes
next reserve: job 9 "hello"; connections: 2
-- reserve(): the whole line, then silence --
Beanstalk\TimeoutException: reserve: the reply from FAKE stopped after 15 bytes: the rest did not come within 0.500 s
sent: true; within bounds: yes
next reserve: job 9 "hello"; connections: 2
-- reserve(30): "RESE" and silence --
Beanstalk\TimeoutException: reserve: the reply from FAKE stopped after 4 bytes: the rest did not come within 0.500 s
sent: true; within bounds: yes
next reserve: job 9 "hello"; connections: 2
-- reserve(30): half the body, then silence --
Beanstalk\TimeoutException: reserve: the reply from FAKE stopped after 20 bytes: the rest did not come within 0.500 s
sent: true; within bounds: yes
next reserve: job 9 "hello"; connections: 2
