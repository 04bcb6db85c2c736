--TEST--
A reply that makes no sense throws ProtocolException; the next command runs on a fresh connection
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$fake = new BsFakeServer([
    ['put', "GARBAGE\r\n"],
    ['put', "INSERTED 7\r\n"],
    ['put', "DELETED\r\n"],                          // a real word, but not an answer to put
    ['reserve-with-timeout', "RESERVED 9 3\r\nabcdef\r\n"],  // body longer than announced
    ['put', "INSERTED 8\r\n"],
]);
$q = new Beanstalk\Queue($fake->address);

function attempt(callable $fn): void
{
    try {
        var_dump($fn());
    } catch (Beanstalk\Exception $e) {
        echo get_class($e), "\n";
    }
}

attempt(fn() => $q->put('a'));
attempt(fn() => $q->put('b'));
attempt(fn() => $q->put('c'));
attempt(fn() => $q->reserve(0));
attempt(fn() => $q->put('d'));
// Every failure dropped its connection: four in all, each request sent once.
var_dump($fake->connections());
echo implode("\n", $fake->requests()), "\n";

// The message names the reply.
$fake = new BsFakeServer([['delete 3', "INSERTED 3\r\n"]]);
$q = new Beanstalk\Queue($fake->address);
try {
    $q->delete(3);
} catch (Beanstalk\ProtocolException $e) {
    echo str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
}
?>
--EXPECT--
Beanstalk\ProtocolException
int(7)
Beanstalk\ProtocolException
Beanstalk\ProtocolException
int(8)
int(4)
put 1024 0 60 1
put 1024 0 60 1
put 1024 0 60 1
reserve-with-timeout 0
put 1024 0 60 1
delete: FAKE answered delete with INSERTED
