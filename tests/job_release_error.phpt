--TEST--
Job::release(): bad priority or delay throws ValueError; a job no longer reserved throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_release_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x');
$job = $q->reserve(0);

bs_catch(fn() => $job->release(-1));
bs_catch(fn() => $job->release(4294967296));
bs_catch(fn() => $job->release(0, -1));
bs_catch(fn() => $job->release(0, 4294967296));
bs_catch(fn() => $job->release('urgent'));
bs_catch(fn() => $job->release(1, 2, 3));
var_dump(bs_stat($server, "stats-job $id", 'state'));

$job->release();
bs_catch(fn() => $job->release());
// Reserved again, then the connection dropped: the server took it back.
$job = $q->reserve(0);
$q->close();
bs_catch(fn() => $job->release());
var_dump(bs_stat($server, "stats-job $id", 'state'));
$q->delete($id);
?>
--EXPECTF--
ValueError: Beanstalk\Job::release(): Argument #1 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Job::release(): Argument #1 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Job::release(): Argument #2 ($delay) must be between 0 and 4294967295
ValueError: Beanstalk\Job::release(): Argument #2 ($delay) must be between 0 and 4294967295
TypeError: Beanstalk\Job::release(): Argument #1 ($priority) must be of type int, string given
ArgumentCountError: Beanstalk\Job::release() expects at most 2 arguments, 3 given
string(8) "reserved"
Beanstalk\NotFoundException: release: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: release: job %d was reserved on a connection to %s that is gone; the server has put it back
string(5) "ready"
