--TEST--
Queue::putMany() inserts every job in one round trip and returns their ids in order
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
// A server of its own: consecutive ids and total-connections are this
// test's only (the run's shared one serves the tests running beside it).
$own = new BsServer();
$server = $own->address;
$tube = bs_tube('put_many_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$ids = $q->putMany(['one', 'two', 'three'], 7, 0, 30);
var_dump(array_is_list($ids), count($ids));
// Ids in the order of the data: consecutive on this server, each job as asked.
var_dump($ids[1] === $ids[0] + 1, $ids[2] === $ids[1] + 1);
foreach ($ids as $id) {
    $stats = bs_stats($server, "stats-job $id");
    echo $stats['state'], ' ', $stats['pri'], ' ', $stats['ttr'], ' ', $stats['tube'] === $tube ? 'tube' : $stats['tube'], "\n";
}
$stats = bs_stats($server, "stats-tube $tube");
var_dump($stats['total-jobs'], $stats['current-jobs-ready']);
// The bodies came through in order.
foreach ($ids as $id) {
    $job = $q->reserve(0);
    var_dump($job->id === $id, $job->data);
    $job->delete();
}

// Defaults: priority 1024, no delay, ttr 60; a delay applies to every job.
[$a] = $q->putMany(['default']);
var_dump(bs_stat($server, "stats-job $a", 'pri'), bs_stat($server, "stats-job $a", 'ttr'));
[$b, $c] = $q->putMany(['later', 'later too'], Beanstalk\Queue::DEFAULT_PRIORITY, 60);
var_dump(bs_stat($server, "stats-job $b", 'state'), bs_stat($server, "stats-job $c", 'state'));
$q->delete($a);
$q->delete($b);
$q->delete($c);

// An empty batch sends nothing: not even a connection is made.
$fresh = new Beanstalk\Queue($server);
$connections = (int)bs_stat($server, 'stats', 'total-connections');
var_dump($fresh->putMany([]));
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 1);
?>
--EXPECT--
bool(true)
int(3)
bool(true)
bool(true)
ready 7 30 tube
ready 7 30 tube
ready 7 30 tube
string(1) "3"
string(1) "3"
bool(true)
string(3) "one"
bool(true)
string(3) "two"
bool(true)
string(5) "three"
string(4) "1024"
string(2) "60"
string(7) "delayed"
string(7) "delayed"
array(0) {
}
int(0)
