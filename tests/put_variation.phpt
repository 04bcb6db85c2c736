--TEST--
Queue::put(): boundary values, the largest body, tubes switched between puts
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('put_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

echo "-- the ends of the ranges --\n";
$id = $q->put('max', 4294967295, 4294967295, 4294967295);
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['pri'], $stats['delay'], $stats['ttr'], $stats['state']);
$q->delete($id);
// ttr 0 is legal; the server makes it 1.
$id = $q->put('min', 0, 0, 0);
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['pri'], $stats['delay'], $stats['ttr'], $stats['state']);
$q->delete($id);

echo "-- priority decides the order of reserve --\n";
$low = $q->put('low', 100);
$high = $q->put('high', 1);
var_dump($q->reserve(0)->data, $q->reserve(0)->data);
$q->delete($low);
$q->delete($high);

echo "-- the largest body the server takes by default --\n";
$big = random_bytes(65535);
$id = $q->put($big);
var_dump(bs_stat($server, "stats-job $id", 'state'));
$job = $q->reserve(0);
var_dump($job->id === $id, $job->data === $big);
$job->delete();

echo "-- each put goes to the tube used at that moment --\n";
$other = bs_tube('put_variation_other');
$ids = [$q->put('1'), $q->useTube($other)->put('2'), $q->useTube($tube)->put('3')];
foreach ($ids as $id) {
    echo bs_stat($server, "stats-job $id", 'tube') === $tube ? 'tube' : 'other', "\n";
    $q->delete($id);
}
var_dump($ids[0] < $ids[1] && $ids[1] < $ids[2]);
?>
--EXPECT--
-- the ends of the ranges --
string(10) "4294967295"
string(10) "4294967295"
string(10) "4294967295"
string(7) "delayed"
string(1) "0"
string(1) "0"
string(1) "1"
string(5) "ready"
-- priority decides the order of reserve --
string(4) "high"
string(3) "low"
-- the largest body the server takes by default --
string(5) "ready"
bool(true)
bool(true)
-- each put goes to the tube used at that moment --
tube
other
tube
bool(true)
