--TEST--
Queue::putMany(): bad arguments throw before a byte is sent; a job the server refuses gives a BatchException that says which jobs went in
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
// A server of our own: jobs of at most 100 bytes, and we drain it later.
$srv = new BsServer(0, ['-z', '100']);
$server = $srv->address;
$tube = bs_tube('put_many_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

function pairs(array $a): string
{
    return implode(', ', array_map(fn($k, $v) => "$k => $v", array_keys($a), $a)) ?: '-';
}

function batch(callable $fn): void
{
    try {
        $fn();
        echo "no exception\n";
    } catch (Beanstalk\BatchException $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
        echo '  inserted: ', pairs($e->inserted), "\n";
        echo '  failed: ', pairs($e->failed), "\n";
        $previous = $e->getPrevious();
        echo '  previous: ', get_class($previous), ': ', $previous->getMessage(), "\n";
    }
}

echo "-- arguments --\n";
$connections = (int)bs_stat($server, 'stats', 'total-connections');
bs_catch(fn() => $q->putMany(['a', 1, 'c']));
bs_catch(fn() => $q->putMany(['a', 'b', null]));
bs_catch(fn() => $q->putMany(['x' => 'a', 'y' => ['b']]));
bs_catch(fn() => $q->putMany(['a'], -1));
bs_catch(fn() => $q->putMany(['a'], 4294967296));
bs_catch(fn() => $q->putMany(['a'], 0, -1));
bs_catch(fn() => $q->putMany(['a'], 0, 0, 4294967296));
bs_catch(fn() => $q->putMany('a'));
bs_catch(fn() => $q->putMany());
// None of it reached the server: not even a connection was made (the one
// counted is this stats call's own).
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 1);

echo "-- JOB_TOO_BIG in the middle --\n";
batch(fn() => $q->putMany(['first', str_repeat('b', 101), 'third']));
// The server read and dropped the big body: the stream is in step, the next
// command runs on the same connection, and what went in is there.
$q->put('after');
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 2);
$data = [];
while ($job = $q->reserve(0)) {
    $data[] = $job->data;
    $job->delete();
}
echo implode(' ', $data), "\n";

echo "-- max-job-size known: refused without being sent --\n";
var_dump($q->stats()['max-job-size']);
$puts = (int)bs_stat($server, 'stats', 'cmd-put');
batch(fn() => $q->putMany([str_repeat('a', 101), 'small', str_repeat('c', 1000)]));
var_dump((int)bs_stat($server, 'stats', 'cmd-put') - $puts);
$q->delete($q->reserve(0));

echo "-- DRAINING --\n";
exec('kill -USR1 ' . $srv->pid());
$until = microtime(true) + 10;
while (bs_stat($server, 'stats', 'draining') !== 'true' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
batch(fn() => $q->putMany(['d', 'e']));
var_dump(bs_stat($server, "stats-tube $tube", 'current-jobs-ready'), $q->reserve(0));
?>
--EXPECTF--
-- arguments --
TypeError: Beanstalk\Queue::putMany(): Argument #1 ($data) must be an array of strings, int given at key 1
TypeError: Beanstalk\Queue::putMany(): Argument #1 ($data) must be an array of strings, null given at key 2
TypeError: Beanstalk\Queue::putMany(): Argument #1 ($data) must be an array of strings, array given at key "y"
ValueError: Beanstalk\Queue::putMany(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::putMany(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::putMany(): Argument #3 ($delay) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::putMany(): Argument #4 ($ttr) must be between 0 and 4294967295
TypeError: Beanstalk\Queue::putMany(): Argument #1 ($data) must be of type array, string given
ArgumentCountError: Beanstalk\Queue::putMany() expects at least 1 argument, 0 given
int(0)
-- JOB_TOO_BIG in the middle --
Beanstalk\BatchException: putMany: 2 of 3 jobs inserted; the first failure is at index 1 (JOB_TOO_BIG)
  inserted: 0 => %d, 2 => %d
  failed: 1 => JOB_TOO_BIG
  previous: Beanstalk\JobTooBigException: putMany: the job at index 1 (101 bytes) is larger than the max-job-size of 127.0.0.1:%d: it answered JOB_TOO_BIG
int(1)
first third after
-- max-job-size known: refused without being sent --
int(100)
Beanstalk\BatchException: putMany: 1 of 3 jobs inserted; the first failure is at index 0 (JOB_TOO_BIG)
  inserted: 1 => %d
  failed: 0 => JOB_TOO_BIG, 2 => JOB_TOO_BIG
  previous: Beanstalk\JobTooBigException: putMany: the job at index 0 (101 bytes) is larger than the max-job-size of 127.0.0.1:%d (100 bytes)
int(1)
-- DRAINING --
Beanstalk\BatchException: putMany: 0 of 2 jobs inserted; the first failure is at index 0 (DRAINING)
  inserted: -
  failed: 0 => DRAINING, 1 => DRAINING
  previous: Beanstalk\DrainingException: putMany: 127.0.0.1:%d answered DRAINING to the job at index 0
string(1) "0"
NULL
