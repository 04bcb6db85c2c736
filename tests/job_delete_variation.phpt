--TEST--
Job::delete(): the job keeps its queue alive; after a reconnect it is not ours to delete any more
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

// After a reconnect the job is ready again, not ours any more (and after a
// server restart without a binlog its id could name another job): the Job
// sends nothing and throws. By its id, a ready job may still be deleted.
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('y');
$job = $q->reserve(0);
$q->close();
var_dump(bs_stat($server, "stats-job $id", 'state'));
$deletes = (int)bs_stat($server, "stats-tube $tube", 'cmd-delete');
bs_catch(fn() => $job->delete());
var_dump(bs_stat($server, "stats-job $id", 'state'), (int)bs_stat($server, "stats-tube $tube", 'cmd-delete') - $deletes);
$q->delete($id);
var_dump(bs_call($server, "stats-job $id"));

?>
--EXPECTF--
string(8) "reserved"
string(11) "NOT_FOUND
"
string(5) "ready"
Beanstalk\NotFoundException: delete: job %d was reserved on a connection to %s that is gone; the server has put it back
string(5) "ready"
int(0)
string(11) "NOT_FOUND
"
