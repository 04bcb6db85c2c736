--TEST--
A valid reply followed by bytes nobody asked for: put, putMany, reserve and stats return what their own reply says (a stored job's id is never lost), the connection is dropped and the next command reconnects; a command whose own reply is wrong still throws
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

$stats = "---\npid: 42\n";
$fake = new BsFakeServer([
    ['put', "INSERTED 5\r\nJUNK\r\n"],
    ['put', "INSERTED 6\r\n"],
    ['put', "INSERTED 7\r\n"],
    ['put', "INSERTED 8\r\nINSERTED 9\r\n"],
    ['put', "INSERTED 10\r\n"],
    ['reserve', "RESERVED 11 5\r\nhello\r\nUSING x\r\n"],
    ['stats', "OK " . strlen($stats) . "\r\n$stats\r\nDELETED\r\n"],
    ['put', "DELETED\r\n"],
    ['put', "INSERTED 13\r\n"],
]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 1]);

function attempt(BsFakeServer $fake, string $what, callable $fn): void
{
    try {
        $result = $fn();
        echo $what, ': ', json_encode($result), "\n";
    } catch (Beanstalk\Exception $e) {
        echo $what, ': ', $e::class, ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
    }
}

attempt($fake, 'put with junk after', fn () => $q->put('a'));
attempt($fake, 'the next put, on a new connection', fn () => $q->put('b'));
attempt($fake, 'putMany with a third answer after', fn () => $q->putMany(['c', 'd']));
attempt($fake, 'the next put', fn () => $q->put('e'));
$job = $q->reserve();
echo "reserve with junk after: job {$job->id}, ", json_encode($job->data), "\n";
// The connection it came over is gone, and with it the reservation: the
// server gave the job back. Nothing is sent for it.
attempt($fake, 'its delete', fn () => $job->delete());
attempt($fake, 'stats with junk after', fn () => $q->stats());
attempt($fake, 'a put answered DELETED', fn () => $q->put('f'));
attempt($fake, 'the next put', fn () => $q->put('g'));
echo "connections: ", $fake->connections(), "\n";
echo "requests: ", implode(', ', $fake->requests()), "\n";
?>
--EXPECT--
put with junk after: 5
the next put, on a new connection: 6
putMany with a third answer after: [7,8]
the next put: 10
reserve with junk after: job 11, "hello"
its delete: Beanstalk\NotFoundException: delete: job 11 was reserved on a connection to FAKE that is gone; the server has put it back
stats with junk after: {"pid":42}
a put answered DELETED: Beanstalk\ProtocolException: put: FAKE answered put with DELETED
the next put: 13
connections: 6
requests: put 1024 0 60 1, put 1024 0 60 1, put 1024 0 60 1, put 1024 0 60 1, put 1024 0 60 1, reserve, stats, put 1024 0 60 1, put 1024 0 60 1
