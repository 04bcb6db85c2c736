--TEST--
Queue::reserve(): a PHP signal ends the wait only when the connection holds no reserved job; holding one, the wait goes on to its timeout and the job stays ours
--EXTENSIONS--
beanstalk
pcntl
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('reserve_variation_signal');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
pcntl_async_signals(true);
$alarms = 0;
pcntl_signal(SIGALRM, function () use (&$alarms) { $alarms++; });

// Nothing held: the signal ends the wait at once, and closing the
// connection gives nothing back.
pcntl_alarm(1);
$t = microtime(true);
var_dump($q->reserve(20));
$took = microtime(true) - $t;
echo "ended by the signal: ", $took > 0.5 && $took < 10 ? "yes" : "no ($took s)", ", alarms $alarms\n";

// A job held: ending the wait would close the connection and hand the job
// back unasked. The wait goes on to its timeout; the handler runs after.
$id = $q->put('held');
$held = $q->reserve(0);
var_dump($held->id === $id);
pcntl_alarm(1);
$t = microtime(true);
var_dump($q->reserve(3));
$took = microtime(true) - $t;
echo "waited out its timeout: ", $took >= 2.9 ? "yes" : "no ($took s)", ", alarms $alarms\n";
echo "still reserved by us: ", bs_stat($server, "stats-job $id", 'state'), "\n";
$held->delete();
echo "deleted: ", trim(bs_call($server, "stats-job $id")), "\n";
?>
--EXPECT--
NULL
ended by the signal: yes, alarms 1
bool(true)
NULL
waited out its timeout: yes, alarms 2
still reserved by us: reserved
deleted: NOT_FOUND
