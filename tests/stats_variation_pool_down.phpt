--TEST--
Queue::stats() and statsTube() on a pool with a server down, or silent: the others answer, and that server's entry is the exception it would have thrown alone; once it is back it answers again; one server alone still throws
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

$servers = [new BsServer(), new BsServer(), new BsServer()];
$addresses = array_map(fn ($s) => $s->address, $servers);
$names = array_combine($addresses, ['A', 'B', 'C']);
$tube = bs_tube('stats_pool_down');
$q = new Beanstalk\Queue($addresses, ['tube' => $tube, 'connect_timeout' => 1, 'timeout' => 0.5]);
// A job on each server, so that each has the tube.
for ($i = 0; $i < 3; $i++) {
    $q->put("job $i");
}

function show(array $answer, array $names, string $key): void
{
    foreach ($answer as $server => $entry) {
        $what = match (true) {
            is_array($entry) => "$key " . $entry[$key],
            $entry === null => 'null',
            default => $entry::class . ': ' . strtr($entry->getMessage(), $names),
        };
        echo "  {$names[$server]}: $what\n";
    }
}

echo "-- all up --\n";
show($q->stats(), $names, 'current-connections');
echo "-- B down --\n";
$servers[1]->stop();
show($q->stats(), $names, 'current-connections');
show($q->statsTube($tube), $names, 'current-jobs-ready');
echo "-- a tube only A has: B is down, C has none --\n";
$other = bs_tube('stats_pool_down_other');
(new Beanstalk\Queue($addresses[0], ['tube' => $other]))->put('x');
show($q->statsTube($other), $names, 'current-jobs-ready');
echo "-- B back --\n";
$servers[1]->start();
show($q->statsTube($tube), $names, 'current-jobs-ready');
echo "-- every server down --\n";
foreach ($servers as $s) {
    $s->stop();
}
show($q->stats(), $names, 'pid');

echo "-- a server that accepts and never answers --\n";
$up = new BsServer();
$fake = new BsFakeServer([['stats', ['silence']]]);
$names = [$up->address => 'UP', $fake->address => 'SILENT'];
$p = new Beanstalk\Queue([$up->address, $fake->address], ['timeout' => 0.5]);
$t = microtime(true);
show($p->stats(), $names, 'current-connections');
echo "within its timeout: ", bs_within(microtime(true) - $t, 0.5, 1.5), "\n";

echo "-- one server alone still throws --\n";
$alone = new Beanstalk\Queue($addresses[1], ['connect_timeout' => 1]);
try {
    $alone->stats();
} catch (Beanstalk\ConnectionException $e) {
    echo get_class($e), ': ', strtr($e->getMessage(), [$addresses[1] => 'B']), "\n";
}
?>
--EXPECTF--
-- all up --
  A: current-connections 1
  B: current-connections 1
  C: current-connections 1
-- B down --
  A: current-connections 1
  B: Beanstalk\ConnectionException: stats: cannot connect to B: Connection refused
  C: current-connections 1
  A: current-jobs-ready 1
  B: Beanstalk\ConnectionException: statsTube: cannot connect to B: Connection refused
  C: current-jobs-ready 1
-- a tube only A has: B is down, C has none --
  A: current-jobs-ready 1
  B: Beanstalk\ConnectionException: statsTube: cannot connect to B: Connection refused
  C: null
-- B back --
  A: current-jobs-ready 1
  B: current-jobs-ready 0
  C: current-jobs-ready 1
-- every server down --
  A: Beanstalk\ConnectionException: stats: %s
  B: Beanstalk\ConnectionException: stats: %s
  C: Beanstalk\ConnectionException: stats: %s
-- a server that accepts and never answers --
  UP: current-connections 1
  SILENT: Beanstalk\TimeoutException: stats: no reply from SILENT within 0.500 s
within its timeout: yes
-- one server alone still throws --
Beanstalk\ConnectionException: stats: cannot connect to B: Connection refused
