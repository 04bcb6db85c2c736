--TEST--
Queue::release(): bad arguments throw ValueError/TypeError; a job not reserved by this connection throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('release_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x');
$job = $q->reserve(0);

echo "-- arguments --\n";
bs_catch(fn() => $q->release($job, -1));
bs_catch(fn() => $q->release($job, 4294967296));
bs_catch(fn() => $q->release($job, 0, -1));
bs_catch(fn() => $q->release($job, 0, 4294967296));
bs_catch(fn() => $q->release(0));
bs_catch(fn() => $q->release('x'));
bs_catch(fn() => $q->release($job, 1, 2, 3));
// None of it reached the server: the job is still reserved, untouched.
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['releases']);

echo "-- the server says NOT_FOUND --\n";
$q->release($job);
// Released already: not reserved any more.
bs_catch(fn() => $q->release($job));
// Reserved by another connection.
$other = new Beanstalk\Queue($server, ['watch' => [$tube]]);
$mine = $other->reserve(0);
bs_catch(fn() => $q->release($mine->id));
var_dump(bs_stat($server, "stats-job $id", 'state'));
// After a reconnect the server has given the job back to the ready queue:
// the job is no longer ours to release.
$other->close();
bs_catch(fn() => $mine->release());
var_dump(bs_stat($server, "stats-job $id", 'state'));
$q->delete($id);
?>
--EXPECTF--
-- arguments --
ValueError: Beanstalk\Queue::release(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::release(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::release(): Argument #3 ($delay) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::release(): Argument #3 ($delay) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::release(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
TypeError: Beanstalk\Queue::release(): Argument #1 ($job) must be of type Beanstalk\Job|int, string given
ArgumentCountError: Beanstalk\Queue::release() expects at most 3 arguments, 4 given
string(8) "reserved"
string(1) "0"
-- the server says NOT_FOUND --
Beanstalk\NotFoundException: release: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: release: job %d not found on %s (or not reserved by this connection)
string(8) "reserved"
Beanstalk\NotFoundException: release: job %d was reserved on a connection to %s that is gone; the server has put it back
string(5) "ready"
