--TEST--
Queue::delete(): bad ids throw ValueError/TypeError; a job the server will not delete throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('delete_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

echo "-- arguments --\n";
bs_catch(fn() => $q->delete(0));
bs_catch(fn() => $q->delete(-3));
bs_catch(fn() => $q->delete('abc'));
bs_catch(fn() => $q->delete(new stdClass()));
bs_catch(fn() => $q->delete());

echo "-- the server says NOT_FOUND --\n";
$id = $q->put('x');
$job = $q->reserve(0);
$q->delete($job);
// Gone already.
bs_catch(fn() => $q->delete($job));
bs_catch(fn() => $q->delete(PHP_INT_MAX));
// Reserved by another connection.
$id = $q->put('held');
$other = new Beanstalk\Queue($server, ['watch' => [$tube]]);
$held = $other->reserve(0);
bs_catch(fn() => $q->delete($held));
var_dump(bs_stat($server, "stats-job $id", 'state'));
$held->delete();

echo "-- a NOT_FOUND leaves the connection as it was --\n";
$fake = new BsFakeServer([
    ['reserve-with-timeout 0', "RESERVED 5 3\r\nabc\r\n"],
    ['delete 5', "NOT_FOUND\r\n"],
    ['delete 5', "DELETED\r\n"],
]);
$q = new Beanstalk\Queue($fake->address);
$job = $q->reserve(0);
try {
    $job->delete();
} catch (Beanstalk\NotFoundException $e) {
    echo get_class($e), ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
}
$q->delete(5);
var_dump($fake->requests(), $fake->connections());
?>
--EXPECTF--
-- arguments --
ValueError: Beanstalk\Queue::delete(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
ValueError: Beanstalk\Queue::delete(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
TypeError: Beanstalk\Queue::delete(): Argument #1 ($job) must be of type Beanstalk\Job|int, string given
TypeError: Beanstalk\Queue::delete(): Argument #1 ($job) must be of type Beanstalk\Job|int, stdClass given
ArgumentCountError: Beanstalk\Queue::delete() expects exactly 1 argument, 0 given
-- the server says NOT_FOUND --
Beanstalk\NotFoundException: delete: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: delete: job 9223372036854775807 not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: delete: job %d not found on %s (or not reserved by this connection)
string(8) "reserved"
-- a NOT_FOUND leaves the connection as it was --
Beanstalk\NotFoundException: delete: job 5 not found on FAKE (or not reserved by this connection)
array(3) {
  [0]=>
  string(22) "reserve-with-timeout 0"
  [1]=>
  string(8) "delete 5"
  [2]=>
  string(8) "delete 5"
}
int(1)
