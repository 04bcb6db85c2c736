--TEST--
Queue::delete() of jobs not reserved: ready, delayed and buried jobs can be deleted by id
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('delete_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$ready = $q->put('ready');
$delayed = $q->put('delayed', 1024, 3600);
$q->put('to bury', 0);
$job = $q->reserve(0);
$buried = $job->id;
$job->bury();

// A second queue, which never reserved any of them, deletes all three.
$other = new Beanstalk\Queue($server);
foreach ([$ready, $delayed, $buried] as $id) {
    echo bs_stat($server, "stats-job $id", 'state'), ': ';
    $other->delete($id);
    echo trim(bs_call($server, "stats-job $id")), "\n";
}
$stats = bs_stats($server, "stats-tube $tube");
var_dump($stats['current-jobs-ready'], $stats['current-jobs-delayed'], $stats['current-jobs-buried']);
?>
--EXPECT--
ready: NOT_FOUND
delayed: NOT_FOUND
buried: NOT_FOUND
string(1) "0"
string(1) "0"
string(1) "0"
