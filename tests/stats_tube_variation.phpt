--TEST--
Queue::statsTube(): pause figures, waiting workers; 1.13 quotes and keys a newer server adds come through
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('stats_tube_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);
$q->put('x');

$q->pauseTube($tube, 120);
$stats = $q->statsTube($tube);
var_dump($stats['pause'], $stats['pause-time-left'] > 100, $stats['cmd-pause-tube']);
$q->pauseTube($tube, 0);
var_dump($q->statsTube($tube)['pause']);

// Two more clients watch the tube; one of them waits in a reserve (a raw
// connection, so that this process is free to look).
$watcher = new Beanstalk\Queue($server, ['watch' => [$tube]]);
$watcher->reserve(0)->delete();
$waiter = stream_socket_client("tcp://$server");
fwrite($waiter, "watch $tube\r\nreserve-with-timeout 30\r\n");
$until = microtime(true) + 10;
while ($q->statsTube($tube)['current-waiting'] === 0 && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
$stats = $q->statsTube($tube);
var_dump($stats['current-watching'], $stats['current-waiting'], $stats['current-using']);
fclose($waiter);

echo "-- beanstalkd 1.13 --\n";
$body = "---\nname: \"jobs.v2\"\ncurrent-jobs-urgent: 0\ncurrent-jobs-ready: 5\ncurrent-jobs-reserved: 0\n"
    . "current-jobs-delayed: 0\ncurrent-jobs-buried: 0\ntotal-jobs: 5\ncurrent-using: 1\ncurrent-watching: 1\n"
    . "current-waiting: 0\ncmd-delete: 0\ncmd-pause-tube: 0\npause: 0\npause-time-left: 0\n"
    . "current-jobs-expired: 2\ncmd-peek: 9.0\nowner: \"team a\"\nweight: 0.25\n";
$fake = new BsFakeServer([['stats-tube jobs.v2', 'OK ' . strlen($body) . "\r\n$body\r\n"]]);
$stats = (new Beanstalk\Queue($fake->address))->statsTube('jobs.v2');
foreach (['name', 'current-jobs-ready', 'current-jobs-expired', 'cmd-peek', 'owner', 'weight'] as $key) {
    echo $key, ': ';
    var_dump($stats[$key]);
}
var_dump(count($stats));
?>
--EXPECT--
int(120)
bool(true)
int(1)
int(0)
int(2)
int(1)
int(1)
-- beanstalkd 1.13 --
name: string(7) "jobs.v2"
current-jobs-ready: int(5)
current-jobs-expired: int(2)
cmd-peek: string(3) "9.0"
owner: string(6) "team a"
weight: string(4) "0.25"
int(18)
