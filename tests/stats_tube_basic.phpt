--TEST--
Queue::statsTube() returns the server's stats-tube keys, typed, with the counts of the tube's jobs
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('stats_tube_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$q->putMany(['a', 'b', 'c'], 10);
$q->put('later', 2000, 3600);
$q->reserve(0)->bury();
$job = $q->reserve(0);

$stats = $q->statsTube($tube);
foreach ($stats as $key => $value) {
    echo $key, ': ', get_debug_type($value), "\n";
}
$raw = bs_stats($server, "stats-tube $tube");
var_dump(array_keys($raw) === array_keys($stats));
$same = true;
foreach ($raw as $key => $value) {
    $same = $same && (string)$stats[$key] === $value;
}
var_dump($same, $stats['name'] === $tube);
foreach (['current-jobs-urgent', 'current-jobs-ready', 'current-jobs-reserved', 'current-jobs-delayed',
    'current-jobs-buried', 'total-jobs', 'current-using', 'current-watching', 'cmd-delete'] as $key) {
    echo $key, ' = ', $stats[$key], "\n";
}
$job->delete();
var_dump($q->statsTube($tube)['cmd-delete']);
$q->kick(1);
while ($job = $q->reserve(0)) {
    $job->delete();
}
$q->delete($q->peekDelayed());
?>
--EXPECT--
name: string
current-jobs-urgent: int
current-jobs-ready: int
current-jobs-reserved: int
current-jobs-delayed: int
current-jobs-buried: int
total-jobs: int
current-using: int
current-watching: int
current-waiting: int
cmd-delete: int
cmd-pause-tube: int
pause: int
pause-time-left: int
bool(true)
bool(true)
bool(true)
current-jobs-urgent = 1
current-jobs-ready = 1
current-jobs-reserved = 1
current-jobs-delayed = 1
current-jobs-buried = 1
total-jobs = 4
current-using = 1
current-watching = 1
cmd-delete = 0
int(1)
