--TEST--
Job::bury(): a bad priority throws ValueError; a job no longer reserved throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_bury_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x');
$job = $q->reserve(0);

bs_catch(fn() => $job->bury(-1));
bs_catch(fn() => $job->bury(4294967296));
bs_catch(fn() => $job->bury(1, 2));
var_dump(bs_stat($server, "stats-job $id", 'state'));

$job->bury();
bs_catch(fn() => $job->bury());
$q->delete($id);
bs_catch(fn() => $job->bury());
?>
--EXPECTF--
ValueError: Beanstalk\Job::bury(): Argument #1 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Job::bury(): Argument #1 ($priority) must be between 0 and 4294967295
ArgumentCountError: Beanstalk\Job::bury() expects at most 1 argument, 2 given
string(8) "reserved"
Beanstalk\NotFoundException: bury: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: bury: job %d not found on %s (or not reserved by this connection)
