--TEST--
Queue::reserveJob(): bad ids throw ValueError/TypeError; a job that is missing or reserved already gives null
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('reserve_job_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

echo "-- arguments --\n";
bs_catch(fn() => $q->reserveJob(0));
bs_catch(fn() => $q->reserveJob(-1));
bs_catch(fn() => $q->reserveJob('x'));
bs_catch(fn() => $q->reserveJob([]));
bs_catch(fn() => $q->reserveJob());

echo "-- the server says NOT_FOUND --\n";
$id = $q->put('x');
$q->delete($id);
var_dump($q->reserveJob($id));
var_dump($q->reserveJob(PHP_INT_MAX));
// Reserved by another connection, or by this one already.
$id = $q->put('y');
$other = new Beanstalk\Queue($server);
$job = $other->reserveJob($id);
var_dump($q->reserveJob($id));
var_dump($other->reserveJob($id));
var_dump(bs_stat($server, "stats-job $id", 'reserves'));
$job->delete();

echo "-- a server without reserve-job (before 1.12) --\n";
$fake = new BsFakeServer([['reserve-job 5', "UNKNOWN_COMMAND\r\n"], ['put', "INSERTED 6\r\n"]]);
$old = new Beanstalk\Queue($fake->address);
try {
    $old->reserveJob(5);
} catch (Beanstalk\ServerException $e) {
    echo get_class($e), ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
}
// The connection is still in step.
var_dump($old->put('z'), $fake->connections());

echo "-- a reply that is not an answer to reserve-job --\n";
$fake = new BsFakeServer([['reserve-job 5', "FOUND 5 1\r\nx\r\n"]]);
$odd = new Beanstalk\Queue($fake->address);
bs_catch(fn() => $odd->reserveJob(5));
?>
--EXPECTF--
-- arguments --
ValueError: Beanstalk\Queue::reserveJob(): Argument #1 ($id) must be greater than 0
ValueError: Beanstalk\Queue::reserveJob(): Argument #1 ($id) must be greater than 0
TypeError: Beanstalk\Queue::reserveJob(): Argument #1 ($id) must be of type int, string given
TypeError: Beanstalk\Queue::reserveJob(): Argument #1 ($id) must be of type int, array given
ArgumentCountError: Beanstalk\Queue::reserveJob() expects exactly 1 argument, 0 given
-- the server says NOT_FOUND --
NULL
NULL
NULL
NULL
string(1) "1"
-- a server without reserve-job (before 1.12) --
Beanstalk\ServerException: reserveJob: FAKE answered UNKNOWN_COMMAND
int(6)
int(1)
-- a reply that is not an answer to reserve-job --
Beanstalk\ProtocolException: reserveJob: %s answered reserve-job with FOUND
