--TEST--
Queue::kickJob(): bad ids throw ValueError/TypeError; a job that is not buried or delayed (or missing) gives false
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('kick_job_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

echo "-- arguments --\n";
bs_catch(fn() => $q->kickJob(0));
bs_catch(fn() => $q->kickJob(-5));
bs_catch(fn() => $q->kickJob('x'));
bs_catch(fn() => $q->kickJob(new stdClass()));
bs_catch(fn() => $q->kickJob());

echo "-- the server says NOT_FOUND --\n";
$ready = $q->put('ready');
var_dump($q->kickJob($ready), bs_stat($server, "stats-job $ready", 'kicks'));
$job = $q->reserve(0);
var_dump($q->kickJob($job), bs_stat($server, "stats-job $ready", 'state'));
$job->delete();
var_dump($q->kickJob($ready));
var_dump($q->kickJob(PHP_INT_MAX));
?>
--EXPECT--
-- arguments --
ValueError: Beanstalk\Queue::kickJob(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
ValueError: Beanstalk\Queue::kickJob(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
TypeError: Beanstalk\Queue::kickJob(): Argument #1 ($job) must be of type Beanstalk\Job|int, string given
TypeError: Beanstalk\Queue::kickJob(): Argument #1 ($job) must be of type Beanstalk\Job|int, stdClass given
ArgumentCountError: Beanstalk\Queue::kickJob() expects exactly 1 argument, 0 given
-- the server says NOT_FOUND --
bool(false)
string(1) "0"
bool(false)
string(8) "reserved"
bool(false)
bool(false)
