--TEST--
Job::stats(): a job the server no longer has throws NotFoundException; it takes no arguments
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_stats_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$q->put('x');
$job = $q->reserve(0);

bs_catch(fn() => $job->stats(1));
$job->delete();
bs_catch(fn() => $job->stats());
// Nothing left behind: the connection is still in step.
var_dump($q->put('y') > $job->id);
$q->delete($q->reserve(0));
?>
--EXPECTF--
ArgumentCountError: Beanstalk\Job::stats() expects exactly 0 arguments, 1 given
Beanstalk\NotFoundException: stats: job %d not found on %s
bool(true)
