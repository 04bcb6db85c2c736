--TEST--
Job::touch() of a job no longer reserved throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_touch_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x');
$job = $q->reserve(0);

bs_catch(fn() => $job->touch(10));
$job->release();
bs_catch(fn() => $job->touch());
var_dump(bs_stat($server, "stats-job $id", 'state'));
$job->delete();
bs_catch(fn() => $job->touch());
?>
--EXPECTF--
ArgumentCountError: Beanstalk\Job::touch() expects exactly 0 arguments, 1 given
Beanstalk\NotFoundException: touch: job %d not found on %s (or not reserved by this connection)
string(5) "ready"
Beanstalk\NotFoundException: touch: job %d not found on %s (or not reserved by this connection)
