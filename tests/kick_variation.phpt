--TEST--
Queue::kick() acts on the used tube only, and a tube change goes out with it
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$one = bs_tube('kick_variation_one');
$two = bs_tube('kick_variation_two');
$q = new Beanstalk\Queue($server, ['watch' => [$one, $two]]);

foreach ([$one, $two] as $tube) {
    $q->useTube($tube)->putMany(['x', 'y']);
}
while ($job = $q->reserve(0)) {
    $job->bury();
}
// Used tube: $two (the last useTube). Then switch without any other command.
var_dump($q->kick(10));
var_dump(bs_stat($server, "stats-tube $one", 'current-jobs-buried'), bs_stat($server, "stats-tube $two", 'current-jobs-buried'));
var_dump($q->useTube($one)->kick(1));
var_dump(bs_stat($server, "stats-tube $one", 'current-jobs-buried'), bs_stat($server, "stats-tube $two", 'current-jobs-ready'));
while ($job = $q->reserve(0)) {
    $job->delete();
}
$q->useTube($one);
$q->kick(10);
while ($job = $q->reserve(0)) {
    $job->delete();
}
var_dump(bs_stat($server, "stats-tube $one", 'total-jobs'), bs_stat($server, "stats-tube $one", 'current-jobs-buried'));
?>
--EXPECT--
int(2)
string(1) "2"
string(1) "0"
int(1)
string(1) "1"
string(1) "2"
string(1) "2"
string(1) "0"
