--TEST--
Queue::release() by id, at the ends of the priority range, and the releases counter
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('release_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('x', 3);
foreach ([0, 4294967295, Beanstalk\Queue::DEFAULT_PRIORITY] as $priority) {
    $job = $q->reserve(0);
    $q->release($job->id, $priority);
    $stats = bs_stats($server, "stats-job $id");
    echo "$stats[state] pri=$stats[pri] releases=$stats[releases]\n";
}
// Without a priority the default one is set, not the job's old one.
$q->reserve(0);
$q->release($id, 9);
$q->reserve(0);
$q->release($id);
var_dump(bs_stat($server, "stats-job $id", 'pri'));

// A released job is ready for anyone, and a more urgent one goes first.
$urgent = $q->put('urgent', 100);
$job = $q->reserve(0);
var_dump($job->id === $urgent);
$q->release($job, 2000);
var_dump($q->reserve(0)->id === $id);
$q->delete($id);
$q->delete($urgent);
?>
--EXPECT--
ready pri=0 releases=1
ready pri=4294967295 releases=2
ready pri=1024 releases=3
string(4) "1024"
bool(true)
bool(true)
