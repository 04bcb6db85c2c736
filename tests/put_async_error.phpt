--TEST--
Queue::putAsync() failures: refused (DRAINING, OUT_OF_MEMORY, JOB_TOO_BIG), buried, lost with the connection; thrown by flush(), or a warning when no flush() came
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';

function pairs(array $a): string
{
    return implode(', ', array_map(fn($k, $v) => "$k => $v", array_keys($a), $a)) ?: '-';
}

function flushed(Beanstalk\Queue $q, string $address): void
{
    try {
        var_dump($q->flush());
    } catch (Beanstalk\BatchException $e) {
        echo str_replace($address, 'SERVER', $e->getMessage()), "\n";
        echo '  inserted: ', pairs($e->inserted), "\n";
        echo '  failed: ', pairs($e->failed), "\n";
        $previous = $e->getPrevious();
        echo '  previous: ', get_class($previous), ': ', str_replace($address, 'SERVER', $previous->getMessage()), "\n";
        if ($previous instanceof Beanstalk\ConnectionException) {
            echo '  sent: ', var_export($previous->sent, true), "\n";
        }
    }
}

echo "-- a server in drain mode refuses every put --\n";
$srv = new BsServer();
$srv->signal(SIGUSR1);
$q = new Beanstalk\Queue($srv->address, ['tube' => 'drained']);
// beanstalkd takes the signal in its own time.
$until = microtime(true) + 30;
while (bs_stat($srv->address, 'stats', 'draining') !== 'true' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
for ($i = 0; $i < 3; $i++) {
    $q->putAsync("job $i");
}
flushed($q, $srv->address);
$s = $q->clientStats();
echo "puts {$s['async-puts']} refused {$s['async-refused']} pending {$s['async-pending']}\n";

echo "-- a scripted server: OUT_OF_MEMORY, BURIED --\n";
// The scripted server answers: a generous timeout, for a loaded machine.
$fake = new BsFakeServer([['put', "INSERTED 11\r\n"], ['put', "OUT_OF_MEMORY\r\n"], ['put', "BURIED 13\r\n"], ['put', "INSERTED 14\r\n"]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10]);
for ($i = 0; $i < 4; $i++) {
    $q->putAsync("job $i");
}
flushed($q, $fake->address);
echo '  connections: ', $fake->connections(), "\n";

echo "-- the connection lost after the first reply: the rest are not confirmed, and not sent again --\n";
$fake = new BsFakeServer([['put', "INSERTED 11\r\n"], ['put', ['close']], ['put', "INSERTED 21\r\n"]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 10]);
$q->putAsync('a');
$q->putAsync('b');
flushed($q, $fake->address);
$q->putAsync('c');
var_dump($q->flush());
echo '  requests: ', count($fake->requests()), ', connections: ', $fake->connections(), "\n";
$s = $q->clientStats();
echo "  puts {$s['async-puts']} inserted {$s['async-inserted']} unconfirmed {$s['async-unconfirmed']}\n";

echo "-- a server that says nothing: a timeout, those puts not confirmed --\n";
$fake = new BsFakeServer([['put', ['silence']]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 0.3]);
$q->putAsync('a');
flushed($q, $fake->address);

echo "-- JOB_TOO_BIG from a server whose limit the client does not know yet; the stream stays in step --\n";
$small = new BsServer(0, ['-z', '10']);
$q = new Beanstalk\Queue($small->address);
$q->putAsync('small');
$q->putAsync(str_repeat('x', 11));
$q->putAsync('small too');
flushed($q, $small->address);
var_dump($q->peek($q->put('in step'))->data);

echo "-- no flush(): a warning when the Queue goes, one per tube and reason --\n";
$q = new Beanstalk\Queue($srv->address, ['tube' => 'drained']);
$q->putAsync('a');
$q->useTube('drained-too')->putAsync('b');
$q->putAsync('c');
unset($q);
echo "after unset\n";

echo "-- a persistent connection hands its owed replies on; whoever reads them warns --\n";
// A scripted server that answers both puts late and in one write: a real
// one may answer the first put before the Queue goes and the second after,
// and the two would then be warned of apart.
$late = new BsFakeServer([['use', "USING drained\r\n"], ['put', ['seq', 500]], ['put', "DRAINING\r\nDRAINING\r\n"]]);
$q = new Beanstalk\Queue($late->address, ['tube' => 'drained', 'persistent' => 'put_async_error', 'timeout' => 10]);
$q->putAsync('a');
$q->putAsync('b');
unset($q);
$q = new Beanstalk\Queue($late->address, ['tube' => 'drained', 'persistent' => 'put_async_error', 'timeout' => 10]);
var_dump($q->flush());
unset($q);

echo "-- and at the end of the request --\n";
$q = new Beanstalk\Queue($srv->address, ['tube' => 'drained']);
$q->putAsync('end');
echo "done\n";
?>
--EXPECTF--
-- a server in drain mode refuses every put --
flush: 0 of 3 jobs inserted; the first failure is at index 0 (DRAINING)
  inserted: -
  failed: 0 => DRAINING, 1 => DRAINING, 2 => DRAINING
  previous: Beanstalk\DrainingException: flush: SERVER answered DRAINING to the put at index 0
puts 3 refused 3 pending 0
-- a scripted server: OUT_OF_MEMORY, BURIED --
flush: 3 of 4 jobs inserted; the first failure is at index 1 (OUT_OF_MEMORY)
  inserted: 0 => 11, 2 => 13, 3 => 14
  failed: 1 => OUT_OF_MEMORY, 2 => BURIED
  previous: Beanstalk\ServerException: flush: SERVER answered OUT_OF_MEMORY to the put at index 1
  connections: 1
-- the connection lost after the first reply: the rest are not confirmed, and not sent again --
flush: 1 of 2 jobs inserted; the first failure is at index 1 (NOT_CONFIRMED)
  inserted: 0 => 11
  failed: 1 => NOT_CONFIRMED
  previous: Beanstalk\ConnectionException: flush: the connection to SERVER was lost before it answered the put at index 1 (the job may be stored)
  sent: true
array(1) {
  [0]=>
  int(21)
}
  requests: 3, connections: 2
  puts 3 inserted 2 unconfirmed 1
-- a server that says nothing: a timeout, those puts not confirmed --
flush: 0 of 1 jobs inserted; the first failure is at index 0 (NOT_CONFIRMED)
  inserted: -
  failed: 0 => NOT_CONFIRMED
  previous: Beanstalk\ConnectionException: flush: the connection to SERVER was lost before it answered the put at index 0 (the job may be stored)
  sent: true
-- JOB_TOO_BIG from a server whose limit the client does not know yet; the stream stays in step --
flush: 2 of 3 jobs inserted; the first failure is at index 1 (JOB_TOO_BIG)
  inserted: 0 => %d, 2 => %d
  failed: 1 => JOB_TOO_BIG
  previous: Beanstalk\JobTooBigException: flush: SERVER answered JOB_TOO_BIG to the put at index 1
string(7) "in step"
-- no flush(): a warning when the Queue goes, one per tube and reason --

Warning: Beanstalk\Queue: 1 job put with putAsync() into tube "drained" on 127.0.0.1:%d was refused with DRAINING in %s on line %d

Warning: Beanstalk\Queue: 2 jobs put with putAsync() into tube "drained-too" on 127.0.0.1:%d were refused with DRAINING in %s on line %d
after unset
-- a persistent connection hands its owed replies on; whoever reads them warns --

Warning: Beanstalk\Queue: 2 jobs put with putAsync() into tube "drained" on 127.0.0.1:%d were refused with DRAINING in %s on line %d
array(0) {
}
-- and at the end of the request --
done

Warning: Beanstalk\Queue: 1 job put with putAsync() into tube "drained" on 127.0.0.1:%d was refused with DRAINING in Unknown on line 0
