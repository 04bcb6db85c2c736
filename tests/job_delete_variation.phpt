--TEST--
Job::delete(): the job keeps its queue alive, and works across a reconnect
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_delete_variation');

// The queue variable is gone; the job still reaches the server through it.
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x');
$job = $q->reserve(0);
unset($q);
var_dump(bs_stat($server, "stats-job $id", 'state'));
$job->delete();
var_dump(bs_call($server, "stats-job $id"));

// After a reconnect the job is ready again (not ours any more), and a ready
// job may still be deleted.
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('y');
$job = $q->reserve(0);
$q->close();
var_dump(bs_stat($server, "stats-job $id", 'state'));
$job->delete();
var_dump(bs_call($server, "stats-job $id"));

?>
--EXPECT--
string(8) "reserved"
string(11) "NOT_FOUND
"
string(5) "ready"
string(11) "NOT_FOUND
"
