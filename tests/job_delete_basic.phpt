--TEST--
Job::delete() deletes the job on the connection it was reserved on
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_delete_basic');
$producer = new Beanstalk\Queue($server, ['tube' => $tube]);
$first = $producer->put('a');
$second = $producer->put('b');

// Two consumers, each holding one job: the server deletes a reserved job
// only for the connection that reserved it, so each job must go through its
// own queue.
$a = new Beanstalk\Queue($server, ['watch' => [$tube]]);
$b = new Beanstalk\Queue($server, ['watch' => [$tube]]);
$job_a = $a->reserve(0);
$job_b = $b->reserve(0);
var_dump($job_b->delete());
var_dump($job_a->delete());
var_dump(bs_call($server, "stats-job $first"), bs_call($server, "stats-job $second"));
?>
--EXPECT--
NULL
NULL
string(11) "NOT_FOUND
"
string(11) "NOT_FOUND
"
