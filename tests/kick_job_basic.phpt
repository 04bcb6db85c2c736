--TEST--
Queue::kickJob() moves one buried or delayed job to ready, in any tube
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('kick_job_basic');
$producer = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
[$a, $b] = $producer->putMany(['a', 'b']);
$producer->reserve(0)->bury();
$producer->reserve(0)->bury();
$delayed = $producer->put('later', 1024, 3600);

// Uses "default": kick-job does not depend on the used tube.
$q = new Beanstalk\Queue($server);
var_dump($q->kickJob($b));
$stats = bs_stats($server, "stats-job $b");
var_dump($stats['state'], $stats['kicks']);
// Only that one.
var_dump(bs_stat($server, "stats-job $a", 'state'));
var_dump($q->kickJob($delayed), bs_stat($server, "stats-job $delayed", 'state'));
var_dump($q->kickJob($a), bs_stat($server, "stats-tube $tube", 'current-jobs-ready'));
foreach ([$a, $b, $delayed] as $id) {
    $q->delete($id);
}
?>
--EXPECT--
bool(true)
string(5) "ready"
string(1) "1"
string(6) "buried"
bool(true)
string(5) "ready"
bool(true)
string(1) "3"
