--TEST--
Job::bury() buries the job with a priority; a kick makes it ready again
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_bury_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('x', 5);
$job = $q->reserve(0);
var_dump($job->bury(30));
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['pri'], $stats['buries']);
var_dump($q->reserve(0));

// Kicked on a raw connection: ready, and reserved again.
var_dump(str_ends_with(bs_raw($server, "use $tube\r\nkick 1\r\n"), "\r\nKICKED 1\r\n"));
$job = $q->reserve(0);
var_dump($job->id === $id);
// Without a priority, the default one.
$job->bury();
var_dump(bs_stat($server, "stats-job $id", 'pri'), bs_stat($server, "stats-job $id", 'buries'));
$q->delete($id);
?>
--EXPECT--
NULL
string(6) "buried"
string(2) "30"
string(1) "1"
NULL
bool(true)
bool(true)
string(4) "1024"
string(1) "2"
