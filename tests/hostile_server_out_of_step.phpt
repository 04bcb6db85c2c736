--TEST--
A server that answers one put twice (at once, or the second reply 100 ms later): the put takes its own answer, the stream is out of step, and the next put goes on a new connection and gets its own id, also across persistent connections
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

// The second reply comes this much later (ms), and the next put waits until
// the fake has sent it; under valgrind the first put itself may take 100 ms.
// The fake's replies get 10 s, for a loaded machine.
$late = bs_under_valgrind() ? 500 : 100;

function attempt(BsFakeServer $fake, callable $fn): void
{
    try {
        var_dump($fn());
    } catch (Beanstalk\Exception $e) {
        echo $e::class, ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
    }
}

// The first answer is a valid one to the put: the job is stored, and its id
// is returned. The second leaves the connection out of step: it is dropped.
echo "-- two replies at once --\n";
$fake = new BsFakeServer([['put', "INSERTED 5\r\nINSERTED 6\r\n"], ['put', "INSERTED 7\r\n"]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10]);
attempt($fake, fn() => $q->put('a'));
attempt($fake, fn() => $q->put('b'));
var_dump($fake->connections());

// The first put cannot know that a second reply is on its way: it takes
// its own. The stray one is there when the next command is about to go.
echo "-- the second reply a moment later --\n";
$fake = new BsFakeServer([['put', ['seq', "INSERTED 5\r\n", $late, "INSERTED 6\r\n"]], ['put', "INSERTED 7\r\n"]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10]);
attempt($fake, fn() => $q->put('a'));
$fake->waitSent(1);
attempt($fake, fn() => $q->put('b'));
var_dump($fake->connections());

// Two Queues on one persistent connection stand in for two requests of a
// php-fpm worker: the second must not take the first one's stray reply.
echo "-- persistent: two replies at once --\n";
$fake = new BsFakeServer([['put', "INSERTED 5\r\nINSERTED 6\r\n"], ['put', "INSERTED 7\r\n"]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10, 'persistent' => 'x']);
attempt($fake, fn() => $q->put('a'));
unset($q);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10, 'persistent' => 'x']);
attempt($fake, fn() => $q->put('b'));
unset($q);
var_dump($fake->connections());

echo "-- persistent: the second reply a moment later --\n";
$fake = new BsFakeServer([['put', ['seq', "INSERTED 5\r\n", $late, "INSERTED 6\r\n"]], ['put', "INSERTED 7\r\n"], ['put', "INSERTED 8\r\n"]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10, 'persistent' => 'x']);
attempt($fake, fn() => $q->put('a'));
unset($q);
$fake->waitSent(1);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10, 'persistent' => 'x']);
attempt($fake, fn() => $q->put('b'));
unset($q);
// A third owner gets the (now sound) connection of the second.
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10, 'persistent' => 'x']);
attempt($fake, fn() => $q->put('c'));
var_dump($fake->connections());
?>
--EXPECT--
-- two replies at once --
int(5)
int(7)
int(2)
-- the second reply a moment later --
int(5)
int(7)
int(2)
-- persistent: two replies at once --
int(5)
int(7)
int(2)
-- persistent: the second reply a moment later --
int(5)
int(7)
int(8)
int(2)
