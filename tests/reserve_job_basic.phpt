--TEST--
Queue::reserveJob() reserves a job by its id, whatever tube it is in
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('reserve_job_basic');
$producer = new Beanstalk\Queue($server, ['tube' => $tube]);
$first = $producer->put('first', 10);
$second = $producer->put('second', 20);

// This queue does not watch the tube: reserve-job does not care.
$q = new Beanstalk\Queue($server);
$job = $q->reserveJob($second);
var_dump($job instanceof Beanstalk\Job, $job->id === $second, $job->data);
$stats = bs_stats($server, "stats-job $second");
var_dump($stats['state'], $stats['reserves']);
// The other job is untouched.
var_dump(bs_stat($server, "stats-job $first", 'state'));

// The job is ours: it can be touched, released and deleted.
$job->touch();
$job->release(5);
var_dump(bs_stat($server, "stats-job $second", 'state'), bs_stat($server, "stats-job $second", 'pri'));
$job = $q->reserveJob($second);
$q->delete($job);
var_dump(bs_call($server, "stats-job $second"));
$q->delete($first);
?>
--EXPECT--
bool(true)
bool(true)
string(6) "second"
string(8) "reserved"
string(1) "1"
string(5) "ready"
string(5) "ready"
string(1) "5"
string(11) "NOT_FOUND
"
