--TEST--
Job::stats() returns the job's stats-job answer, asked over the connection it came from
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
// A server of its own: its total-connections counts this test's only (the
// run's shared one counts every test running beside it).
$own = new BsServer();
$server = $own->address;
$tube = bs_tube('job_stats_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x', 3, 0, 45);

$job = $q->reserve(0);
$stats = $job->stats();
var_dump($stats === $q->statsJob($job));
var_dump($stats['id'] === $id, $stats['tube'] === $tube, $stats['state'], $stats['pri'], $stats['ttr'], $stats['reserves']);
$job->release(9);
$stats = $job->stats();
var_dump($stats['state'], $stats['pri'], $stats['releases']);
// The queue variable may be gone: the job keeps its connection.
unset($q);
$connections = (int)bs_stat($server, 'stats', 'total-connections');
var_dump($job->stats()['state']);
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 1);
$job->delete();
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
string(8) "reserved"
int(3)
int(45)
int(1)
string(5) "ready"
int(9)
int(1)
string(5) "ready"
int(0)
