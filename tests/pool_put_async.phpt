--TEST--
putAsync on a Queue of several servers: spread round robin, flush() in the order of the calls with each job's server, a server that is down skipped, a failure reported at its position
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$servers = [new BsServer(), new BsServer(), new BsServer()];
$addresses = array_map(fn ($s) => $s->address, $servers);
$tube = bs_tube('pool_put_async');
$q = new Beanstalk\Queue($addresses, ['tube' => $tube]);

echo "-- 30 puts: 10 on each server, flush() in order with where each went --\n";
for ($i = 0; $i < 30; $i++) {
    $q->putAsync("job $i");
}
$jobs = $q->flush();
$wrong = 0;
$per = array_fill_keys($addresses, 0);
foreach ($jobs as $i => ['id' => $id, 'server' => $server]) {
    $per[$server]++;
    $wrong += bs_call($server, "peek $id") !== "FOUND $id " . strlen("job $i") . "\r\njob $i\r\n";
}
var_dump(count($jobs), $wrong, array_values($per));
$s = $q->clientStats();
var_dump(array_keys($s) === $addresses, array_sum(array_column($s, 'async-inserted')));

echo "-- a server down: the puts go to the others --\n";
$servers[1]->stop();
for ($i = 0; $i < 10; $i++) {
    $q->putAsync("more $i");
}
$jobs = $q->flush();
var_dump(count($jobs), count(array_filter($jobs, fn ($j) => $j['server'] === $addresses[1])));

echo "-- a server that refuses: the failure keeps its position --\n";
$servers[1]->start();
$servers[2]->signal(SIGUSR1);
$until = microtime(true) + 5;
while (bs_stat($addresses[2], 'stats', 'draining') !== 'true' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
// The server set aside a moment ago may still be resting: wait it out.
usleep(1100000);
for ($i = 0; $i < 6; $i++) {
    $q->putAsync("last $i");
}
try {
    $q->flush();
    echo "no exception\n";
} catch (Beanstalk\BatchException $e) {
    echo count($e->inserted), " inserted, failed: ", json_encode($e->failed), "\n";
    echo get_class($e->getPrevious()), "\n";
    foreach ($e->inserted as $k => $job) {
        if ($job['server'] === $addresses[2]) {
            echo "a job at $k on the draining server\n";
        }
    }
}
?>
--EXPECTF--
-- 30 puts: 10 on each server, flush() in order with where each went --
int(30)
int(0)
array(3) {
  [0]=>
  int(10)
  [1]=>
  int(10)
  [2]=>
  int(10)
}
bool(true)
int(30)
-- a server down: the puts go to the others --
int(10)
int(0)
-- a server that refuses: the failure keeps its position --
4 inserted, failed: {"%d":"DRAINING","%d":"DRAINING"}
Beanstalk\DrainingException
