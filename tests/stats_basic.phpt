--TEST--
Queue::stats() returns the server's stats keys, typed: counters int, rusage float, draining bool, names and ids strings
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$q = new Beanstalk\Queue($server);

$stats = $q->stats();
$types = [];
foreach ($stats as $key => $value) {
    $types[get_debug_type($value)][] = $key;
}
ksort($types);
foreach ($types as $type => $keys) {
    echo $type, ': ', implode(' ', $keys), "\n";
}
// Every key of the raw answer is there, with the same value (quotes gone;
// on 1.12 "os" starts with '#', which a YAML parser would take for a comment).
$raw = bs_stats($server, 'stats');
var_dump(array_keys($raw) === array_keys($stats));
$same = true;
foreach (['version', 'id', 'hostname', 'os', 'platform', 'max-job-size', 'pid', 'binlog-max-size'] as $key) {
    $same = $same && (string)$stats[$key] === $raw[$key];
}
var_dump($same);
var_dump(preg_match('/^\d+\.\d+/', $stats['version']), strlen($stats['id']), $stats['draining']);
var_dump($stats['current-connections'] >= 1, $stats['rusage-utime'] >= 0);
// The counters move.
$before = $q->stats()['cmd-stats'];
$q->stats();
var_dump($q->stats()['cmd-stats'] - $before);
?>
--EXPECT--
bool: draining
float: rusage-utime rusage-stime
int: current-jobs-urgent current-jobs-ready current-jobs-reserved current-jobs-delayed current-jobs-buried cmd-put cmd-peek cmd-peek-ready cmd-peek-delayed cmd-peek-buried cmd-reserve cmd-reserve-with-timeout cmd-delete cmd-release cmd-use cmd-watch cmd-ignore cmd-bury cmd-kick cmd-touch cmd-stats cmd-stats-job cmd-stats-tube cmd-list-tubes cmd-list-tube-used cmd-list-tubes-watched cmd-pause-tube job-timeouts total-jobs max-job-size current-tubes current-connections current-producers current-workers current-waiting total-connections pid uptime binlog-oldest-index binlog-current-index binlog-records-migrated binlog-records-written binlog-max-size
string: version id hostname os platform
bool(true)
bool(true)
int(1)
int(16)
bool(false)
bool(true)
bool(true)
int(2)
