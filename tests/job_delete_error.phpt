--TEST--
Job::delete() of a job already gone throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_delete_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$q->put('x');
$job = $q->reserve(0);
$job->delete();
bs_catch(fn() => $job->delete());
$q->put('y');
$job = $q->reserve(0);
$q->delete($job->id);
bs_catch(fn() => $job->delete());
bs_catch(fn() => $job->delete(1));
?>
--EXPECTF--
Beanstalk\NotFoundException: delete: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: delete: job %d not found on %s (or not reserved by this connection)
ArgumentCountError: Beanstalk\Job::delete() expects exactly 0 arguments, 1 given
