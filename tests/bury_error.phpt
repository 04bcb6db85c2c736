--TEST--
Queue::bury(): bad arguments throw ValueError/TypeError; a job not reserved by this connection throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('bury_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x');
$job = $q->reserve(0);

bs_catch(fn() => $q->bury($job, -1));
bs_catch(fn() => $q->bury($job, 4294967296));
bs_catch(fn() => $q->bury(-5));
bs_catch(fn() => $q->bury([]));
bs_catch(fn() => $q->bury($job, 1, 2));
var_dump(bs_stat($server, "stats-job $id", 'state'));

$q->bury($job);
// Buried: no longer reserved, so not ours to bury again.
bs_catch(fn() => $q->bury($job));
bs_catch(fn() => $q->bury(PHP_INT_MAX));
var_dump(bs_stat($server, "stats-job $id", 'buries'));
$q->delete($id);
?>
--EXPECTF--
ValueError: Beanstalk\Queue::bury(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::bury(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::bury(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
TypeError: Beanstalk\Queue::bury(): Argument #1 ($job) must be of type Beanstalk\Job|int, array given
ArgumentCountError: Beanstalk\Queue::bury() expects at most 2 arguments, 3 given
string(8) "reserved"
Beanstalk\NotFoundException: bury: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: bury: job 9223372036854775807 not found on %s (or not reserved by this connection)
string(1) "1"
