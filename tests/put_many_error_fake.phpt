--TEST--
Queue::putMany() against a scripted server: BURIED, a lost connection, a reply out of step, EXPECTED_CRLF; what is known of each job
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

function pairs(array $a): string
{
    return implode(', ', array_map(fn($k, $v) => "$k => $v", array_keys($a), $a)) ?: '-';
}

function batch(array $script, array $data, ?callable $after = null): void
{
    $fake = new BsFakeServer($script);
    $q = new Beanstalk\Queue($fake->address, ['timeout' => 0.5]);
    try {
        var_dump($q->putMany($data));
    } catch (Beanstalk\BatchException $e) {
        echo str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
        echo '  inserted: ', pairs($e->inserted), "\n";
        echo '  failed: ', pairs($e->failed), "\n";
        $previous = $e->getPrevious();
        echo '  previous: ', get_class($previous), ': ', str_replace($fake->address, 'FAKE', $previous->getMessage()), "\n";
    }
    if ($after) {
        $after($q);
    }
    echo '  connections: ', $fake->connections(), "\n";
}

echo "-- BURIED: in, but buried (the server ran out of memory) --\n";
batch([['put', "INSERTED 11\r\n"], ['put', "BURIED 12\r\n"], ['put', "INSERTED 13\r\n"], ['put', "INSERTED 14\r\n"]],
    ['a', 'b', 'c'], fn($q) => var_dump($q->put('d')));

echo "-- OUT_OF_MEMORY for one job: the others are in --\n";
batch([['put', "INSERTED 11\r\n"], ['put', "OUT_OF_MEMORY\r\n"], ['put', "INSERTED 13\r\n"]], ['a', 'b', 'c']);

echo "-- the connection is lost after the first reply: the rest is not confirmed --\n";
batch([['put', "INSERTED 11\r\n"], ['put', ['close']], ['put', "INSERTED 21\r\n"]],
    ['a', 'b', 'c'], fn($q) => var_dump($q->put('d')));

echo "-- silence: a timeout, nothing after the first confirmed --\n";
batch([['put', "INSERTED 11\r\n"], ['put', ['silence']]], ['a', 'b', 'c']);

echo "-- a reply out of step: the stream cannot be trusted, the batch is cut short --\n";
batch([['put', "INSERTED 11\r\n"], ['put', "DELETED\r\n"], ['put', "INSERTED 13\r\n"], ['put', "INSERTED 21\r\n"]],
    ['a', 'b', 'c'], fn($q) => var_dump($q->put('d')));

echo "-- EXPECTED_CRLF: the server may have read our bytes as commands; the rest is not confirmed --\n";
batch([['put', "INSERTED 11\r\n"], ['put', "EXPECTED_CRLF\r\n"], ['put', "INSERTED 13\r\n"], ['put', "INSERTED 21\r\n"]],
    ['a', 'b', 'c'], fn($q) => var_dump($q->put('d')));

echo "-- no server: nothing went in --\n";
$q = new Beanstalk\Queue('127.0.0.1:' . bs_free_port());
try {
    $q->putMany(['a', 'b']);
} catch (Beanstalk\BatchException $e) {
    echo '  inserted: ', pairs($e->inserted), "\n";
    echo '  failed: ', pairs($e->failed), "\n";
    echo '  previous: ', get_class($e->getPrevious()), "\n";
}

echo "-- the exception's properties are read-only --\n";
try {
    $e->inserted = [];
} catch (Error $error) {
    echo get_class($error), ': ', $error->getMessage(), "\n";
}
?>
--EXPECT--
-- BURIED: in, but buried (the server ran out of memory) --
putMany: 3 of 3 jobs inserted; the first failure is at index 1 (BURIED)
  inserted: 0 => 11, 1 => 12, 2 => 13
  failed: 1 => BURIED
  previous: Beanstalk\ServerException: putMany: FAKE was out of memory and buried job 12
int(14)
  connections: 1
-- OUT_OF_MEMORY for one job: the others are in --
putMany: 2 of 3 jobs inserted; the first failure is at index 1 (OUT_OF_MEMORY)
  inserted: 0 => 11, 2 => 13
  failed: 1 => OUT_OF_MEMORY
  previous: Beanstalk\ServerException: putMany: FAKE answered OUT_OF_MEMORY to the job at index 1
  connections: 1
-- the connection is lost after the first reply: the rest is not confirmed --
putMany: 1 of 3 jobs inserted; the first failure is at index 1 (NOT_CONFIRMED)
  inserted: 0 => 11
  failed: 1 => NOT_CONFIRMED, 2 => NOT_CONFIRMED
  previous: Beanstalk\ConnectionException: putMany: FAKE closed the connection
int(21)
  connections: 2
-- silence: a timeout, nothing after the first confirmed --
putMany: 1 of 3 jobs inserted; the first failure is at index 1 (NOT_CONFIRMED)
  inserted: 0 => 11
  failed: 1 => NOT_CONFIRMED, 2 => NOT_CONFIRMED
  previous: Beanstalk\TimeoutException: putMany: no reply from FAKE within 0.500 s
  connections: 1
-- a reply out of step: the stream cannot be trusted, the batch is cut short --
putMany: 1 of 3 jobs inserted; the first failure is at index 1 (NOT_CONFIRMED)
  inserted: 0 => 11
  failed: 1 => NOT_CONFIRMED, 2 => NOT_CONFIRMED
  previous: Beanstalk\ProtocolException: putMany: FAKE answered put with DELETED
int(21)
  connections: 2
-- EXPECTED_CRLF: the server may have read our bytes as commands; the rest is not confirmed --
putMany: 1 of 3 jobs inserted; the first failure is at index 1 (EXPECTED_CRLF)
  inserted: 0 => 11
  failed: 1 => EXPECTED_CRLF, 2 => NOT_CONFIRMED
  previous: Beanstalk\ServerException: putMany: FAKE answered EXPECTED_CRLF to the job at index 1
int(21)
  connections: 2
-- no server: nothing went in --
  inserted: -
  failed: 0 => NOT_SENT, 1 => NOT_SENT
  previous: Beanstalk\ConnectionException
-- the exception's properties are read-only --
Error: Cannot modify readonly property Beanstalk\BatchException::$inserted
