--TEST--
Queue::reserveJob() takes delayed and buried jobs too; a reserved job keeps its tube and counters
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('reserve_job_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

// A delayed job: reserved at once, long before its delay is over.
$delayed = $q->put('delayed', 1024, 3600);
$job = $q->reserveJob($delayed);
var_dump($job->data, bs_stat($server, "stats-job $delayed", 'state'));
$job->delete();

// A buried job.
$q->put('to bury');
$job = $q->reserve(0);
$job->bury();
$again = $q->reserveJob($job->id);
var_dump($again->data, bs_stat($server, "stats-job {$job->id}", 'state'));
$stats = bs_stats($server, "stats-job {$job->id}");
var_dump($stats['reserves'], $stats['buries'], $stats['tube'] === $tube);
// Released, it goes back to its own tube.
$again->release();
var_dump(bs_stat($server, "stats-tube $tube", 'current-jobs-ready'));

// A Job from reserveJob() belongs to the connection that reserved it.
$other = new Beanstalk\Queue($server);
$mine = $other->reserveJob($again->id);
bs_catch(fn() => $q->release($mine));
$mine->delete();
var_dump(bs_call($server, "stats-job {$mine->id}"));
?>
--EXPECTF--
string(7) "delayed"
string(8) "reserved"
string(7) "to bury"
string(8) "reserved"
string(1) "2"
string(1) "1"
bool(true)
string(1) "1"
Beanstalk\NotFoundException: release: job %d not found on %s (or not reserved by this connection)
string(11) "NOT_FOUND
"
