--TEST--
Queue::putMany(): big batches (several chunks), keyed arrays, binary data, a tube change sent with the batch
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('put_many_variation');
$other = bs_tube('put_many_variation_other');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

echo "-- 2500 jobs of 0 to 2000 bytes --\n";
$data = [];
for ($i = 0; $i < 2500; $i++) {
    $data[] = substr(str_repeat(sprintf('%05d', $i), 400), 0, ($i * 7919) % 2001);
}
$ids = $q->putMany($data, 100, 0, 120);
var_dump(count($ids), array_is_list($ids));
$increasing = true;
for ($i = 1; $i < count($ids); $i++) {
    $increasing = $increasing && $ids[$i] > $ids[$i - 1];
}
var_dump($increasing);
var_dump(bs_stat($server, "stats-tube $tube", 'current-jobs-ready'));
// Same priority: reserved in the order they were put, bodies intact.
$same = true;
foreach ($ids as $i => $id) {
    $job = $q->reserve(0);
    $same = $same && $job->id === $id && $job->data === $data[$i];
    $job->delete();
}
var_dump($same, $q->reserve(0));

echo "-- keys do not matter: the ids come back as a list, in order --\n";
$text = 'by reference';
$keyed = ['x' => 'first', 7 => 'second', 'third', 'ref' => &$text];
$ids = $q->putMany($keyed);
var_dump(array_keys($ids));
foreach ($ids as $id) {
    echo $q->peek($id)->data, "\n";
    $q->delete($id);
}

echo "-- binary bodies --\n";
$ids = $q->putMany(["a\r\nput 0 0 0 0\r\n", "\0", '', "\r\n"]);
foreach ($ids as $id) {
    echo bin2hex($q->peek($id)->data), "\n";
    $q->delete($id);
}

echo "-- a tube change goes out with the batch --\n";
$q->useTube($other);
$ids = $q->putMany(['elsewhere', 'too']);
var_dump(bs_stat($server, "stats-job {$ids[0]}", 'tube') === $other, bs_stat($server, "stats-job {$ids[1]}", 'tube') === $other);
var_dump(bs_stat($server, "stats-tube $other", 'current-jobs-ready'), bs_stat($server, "stats-tube $tube", 'current-jobs-ready'));
$q->watch($other);
while ($job = $q->reserve(0)) {
    $job->delete();
}
?>
--EXPECT--
-- 2500 jobs of 0 to 2000 bytes --
int(2500)
bool(true)
bool(true)
string(4) "2500"
bool(true)
NULL
-- keys do not matter: the ids come back as a list, in order --
array(4) {
  [0]=>
  int(0)
  [1]=>
  int(1)
  [2]=>
  int(2)
  [3]=>
  int(3)
}
first
second
third
by reference
-- binary bodies --
610d0a70757420302030203020300d0a
00

0d0a
-- a tube change goes out with the batch --
bool(true)
bool(true)
string(1) "2"
string(1) "0"
