--TEST--
Queue::statsJob() returns the server's stats-job keys, typed: numbers as int, tube and state as strings
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('stats_job_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('x', 77, 0, 90);

$stats = $q->statsJob($id);
foreach ($stats as $key => $value) {
    echo $key, ': ', get_debug_type($value), "\n";
}
// The values are the server's own.
$raw = bs_stats($server, "stats-job $id");
var_dump(array_keys($raw) === array_keys($stats));
$same = true;
foreach ($raw as $key => $value) {
    $same = $same && (string)$stats[$key] === $value;
}
var_dump($same);
var_dump($stats['id'] === $id, $stats['tube'] === $tube, $stats['state'], $stats['pri'], $stats['ttr'], $stats['reserves']);
// A Job works as well as its id.
$job = $q->reserve(0);
$stats = $q->statsJob($job);
var_dump($stats['state'], $stats['reserves'], $stats['time-left'] > 0 && $stats['time-left'] <= 90);
$job->delete();
?>
--EXPECT--
id: int
tube: string
state: string
pri: int
age: int
delay: int
ttr: int
time-left: int
file: int
reserves: int
timeouts: int
releases: int
buries: int
kicks: int
bool(true)
bool(true)
bool(true)
bool(true)
string(5) "ready"
int(77)
int(90)
int(0)
string(8) "reserved"
int(1)
bool(true)
