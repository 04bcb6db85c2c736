--TEST--
Queue option coalesce: putAsync only holds the put, and the held puts leave in one write at flush(), before a command that waits, past the size, at close(), when the Queue goes, at the end of the script, and in a Worker when the handler's job ends, before its delete; each in its own tube, once, in order, also when the connection is found dead before the write; held puts that cannot be written at all (the server away) fail in that flush() as NOT_SENT and never go out after
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
error_log=/dev/null
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, Worker};

$srv = new BsServer();
$server = $srv->address;
$tube = bs_tube('coalesce');
$on = fn (string $t = '') => (int)bs_stat($server, 'stats-tube ' . ($t ?: $tube), 'current-jobs-ready');

echo "-- flush() --\n";
$q = new Queue($server, ['tube' => $tube, 'coalesce' => true]);
$q->putAsync('a');
$q->putAsync('b');
echo "held: ", $on(), " on the server\n";
$ids = $q->flush();
echo count($ids), " ids, ", $on(), " on the server\n";

echo "-- a command that waits --\n";
$q->putAsync('c');
echo "held: ", $on(), "\n";
$d = $q->put('d');
echo "after put: ", $on(), ", in order: ", var_export(($c = $q->flush()[0]) < $d, true), "\n";

echo "-- past the size --\n";
$small = new Queue($server, ['tube' => $tube, 'coalesce' => 1000]);
$small->putAsync(str_repeat('x', 600));
echo "held: ", $on(), "\n";
$small->putAsync(str_repeat('y', 600));
// Written, not waited for: the server takes them in its own time.
$until = microtime(true) + bs_seconds(5);
while ($on() < 6 && microtime(true) < $until) {
    usleep(bs_poll_us());
}
echo "past 1000 bytes: ", $on(), "\n";
echo "flush: ", count($small->flush()), "\n";

echo "-- close() and the end of the Queue --\n";
$q->putAsync('e');
$q->close();
echo "close: ", $on(), "\n";
$gone = new Queue($server, ['tube' => $tube, 'coalesce' => true]);
$gone->putAsync('f');
unset($gone);
echo "unset: ", $on(), "\n";

echo "-- the end of the script --\n";
$child = new BsChild('$q = new Beanstalk\Queue($argv[1], ["tube" => $argv[2], "coalesce" => true]); $q->putAsync("g"); echo "put\n";',
    [$server, $tube]);
echo $child->line(), ", exit ", $child->wait(), ": ", $on(), "\n";

echo "-- tubes: each put in its own --\n";
$t2 = bs_tube('coalesce_two');
$q = new Queue($server, ['tube' => $tube, 'coalesce' => true]);
$q->putAsync('h');
$q->useTube($t2)->putAsync('i');
$q->putAsync('j');
$q->useTube($tube)->putAsync('k');
echo "flush: ", count($q->flush()), "; ", $on(), " and ", $on($t2), "\n";

echo "-- a connection found dead before the write --\n";
$q->putAsync('l');
$q->putAsync('m');
$srv->stop();
$srv->start();
$ids = $q->flush();
echo count($ids), " ids on the new server: ", $on(), "\n";

echo "-- the server away at flush(): the held puts fail there, not sent, and never go out after --\n";
$q->putAsync('n');
$q->putAsync('o');
$srv->stop();
try {
    $q->flush();
    echo "no exception\n";
} catch (Beanstalk\BatchException $e) {
    echo str_replace($server, 'SERVER', $e->getMessage()), "\n  failed: ", json_encode($e->failed), "\n  previous: ",
        get_class($e->getPrevious()), ', sent: ', var_export($e->getPrevious()->sent, true), "\n";
}
$srv->start();
$q->putAsync('p');
echo "the next flush has its own put only: ", json_encode(array_keys($q->flush())), "; on the server: ", $on(), "\n";
echo "async-unsent: ", $q->clientStats()['async-unsent'], "\n";

echo "-- a Worker: the handler's puts leave when its job ends, before its delete --\n";
$jobs = bs_tube('coalesce_jobs');
$side = bs_tube('coalesce_side');
bs_fill($server, $jobs, 2);
$wq = new Queue($server, ['tube' => $side, 'watch' => [$jobs], 'coalesce' => true]);
$seen = [];
(new Worker($wq, ['max_jobs' => 2]))->run(function (Job $job) use ($wq, $on, $side, &$seen) {
    $seen[] = $on($side);          // what the last job's handler put is out
    $wq->putAsync("side of {$job->data}");
    $seen[] = $on($side);          // held
});
echo "side jobs seen by the handlers: ", implode(' ', $seen), "; after: ", $on($side), "\n";
echo "flush: ", count($wq->flush()), "\n";
?>
--EXPECT--
-- flush() --
held: 0 on the server
2 ids, 2 on the server
-- a command that waits --
held: 2
after put: 4, in order: true
-- past the size --
held: 4
past 1000 bytes: 6
flush: 2
-- close() and the end of the Queue --
close: 7
unset: 8
-- the end of the script --
put, exit 0: 9
-- tubes: each put in its own --
flush: 4; 11 and 2
-- a connection found dead before the write --
2 ids on the new server: 2
-- the server away at flush(): the held puts fail there, not sent, and never go out after --
flush: 0 of 2 jobs inserted; the first failure is at index 0 (NOT_SENT)
  failed: ["NOT_SENT","NOT_SENT"]
  previous: Beanstalk\ConnectionException, sent: false
the next flush has its own put only: [0]; on the server: 1
async-unsent: 2
-- a Worker: the handler's puts leave when its job ends, before its delete --
side jobs seen by the handlers: 0 0 1 1; after: 2
flush: 2
