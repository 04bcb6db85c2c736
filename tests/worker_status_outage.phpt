--TEST--
Worker status in Redis: Redis stopped for 5 s under a running worker, then started again: jobs keep flowing at an unchanged rate meanwhile, the skipped beats are counted and logged once, and the beats resume
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
if (getenv('USE_ZEND_ALLOC') === '0') die('skip the worker runs in a child process: no use under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';

$server = bs_server();
$redis = new BsRedis();
$tube = bs_tube('worker_status_outage');
// Jobs of 10 ms, more than the worker can do in the test's time.
bs_fill($server, $tube, 3000, fn () => 'x');
$code = <<<'PHP'
    [, $server, $tube, $redis] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]),
        ['name' => 'outage', 'status' => $redis, 'status_interval' => 0.5, 'reserve_timeout' => 1]);
    $times = [];
    $w->run(function () use (&$times) {
        usleep(10000);
        $times[] = microtime(true);
    });
    $s = $w->stats();
    echo json_encode(['times' => $times, 'beats' => $s['status_beats'], 'errors' => $s['status_errors'], 'last_error' => $s['status_last_error']]), "\n";
    PHP;
$child = new BsChild($code, [$server, $tube, $redis->address]);

function beat_at(BsRedis $redis): ?float
{
    return Beanstalk\Worker::fleet($redis->address)[0]['beat_at'] ?? null;
}

$until = microtime(true) + 10;
while (beat_at($redis) === null && microtime(true) < $until) {
    usleep(20000);
}
$t0 = microtime(true);
usleep(3000000);
$t1 = microtime(true);
$redis->stop();
usleep(5000000);
$t2 = microtime(true);
$redis->start();
// Beats resume: the worker is back in the fleet within 2 intervals, and
// its hash is whole again.
$until = microtime(true) + 10;
while (beat_at($redis) === null && microtime(true) < $until) {
    usleep(20000);
}
$back = microtime(true) - $t2;
// Two intervals, and the time a loaded machine (or a slower build) takes
// to start Redis and schedule the monitor thread.
echo "beats resume ", $back <= bs_seconds(1.0) + 0.5 ? 'within 2 intervals' : "after $back s", "\n";
$w = Beanstalk\Worker::fleet($redis->address)[0] ?? [];
echo "the hash is whole again: ", count($w) === 24 && $w['name'] === 'outage' ? 'yes' : json_encode($w), "\n";
usleep(3000000);
$t3 = microtime(true);
$child->signal(SIGTERM);
$child->wait();
$r = json_decode($child->rest(), true);

/** Jobs per second done between $from and $to, and the longest gap between two jobs. */
function rate(array $times, float $from, float $to): array
{
    $in = array_values(array_filter($times, fn ($t) => $t >= $from && $t < $to));
    $gap = 0;
    for ($i = 1; $i < count($in); $i++) {
        $gap = max($gap, $in[$i] - $in[$i - 1]);
    }
    return [count($in) / ($to - $from), $gap, count($in)];
}
[$before, $gapBefore, $nBefore] = rate($r['times'], $t0, $t1);
[$during, $gapDuring, $nDuring] = rate($r['times'], $t1, $t2);
[$after, , $nAfter] = rate($r['times'], $t2, $t3);
// The figures allow for a machine whose other processes take CPU in bursts
// (the rates of 3 s windows wander by a third there) and for slower
// builds: a loop that waited on Redis would do next to nothing during the
// outage, or stall for whole intervals.
$some = intdiv(100, bs_slowdown());
printf("jobs: %s before, %s during the outage, %s after\n", $nBefore > $some ? 'some' : $nBefore, $nDuring > $some ? 'some' : $nDuring, $nAfter > $some ? 'some' : $nAfter);
echo "rate during the outage: ", $during >= 0.5 * $before ? 'unchanged' : sprintf('%.0f/s against %.0f/s before', $during, $before), "\n";
echo "rate after: ", $after >= 0.5 * $before ? 'unchanged' : sprintf('%.0f/s against %.0f/s before', $after, $before), "\n";
echo "longest gap between jobs during the outage: ", $gapDuring < max(bs_seconds(0.25), 3 * $gapBefore) ? 'short' : "$gapDuring s (before: $gapBefore s)", "\n";
// 5 s of outage at 0.5 s: 10 beats skipped, fewer when the monitor thread
// gets the CPU late; written: 6 in each 3 s with Redis up, the same.
echo "beats skipped: ", $r['errors'] >= 6 && $r['errors'] <= 11 ? 'about 10' : $r['errors'], "\n";
echo "beats written: ", $r['beats'] >= 8 ? 'the others' : $r['beats'], "\n";
echo "last error: ", str_replace($redis->address, 'REDIS', $r['last_error']), "\n";
$log = preg_grep('/: status: /', explode("\n", $child->log()));
// The line says the outage's first error: for a beat begun after Redis was
// killed, the refused connection (the idle one is looked at first, and
// found closed); for a beat under way at the kill, a reset (Redis had not
// read it all: the kernel answers unread bytes with one) or the closed
// connection (it had, and not answered yet).
$first = '/\((cannot connect to REDIS: Connection refused|cannot read from REDIS: Connection reset by peer|REDIS closed the connection)\)/';
echo count($log), " log line:\n", preg_replace($first, '(FIRST ERROR)', str_replace($redis->address, 'REDIS', implode("\n", $log))), "\n";
?>
--EXPECT--
beats resume within 2 intervals
the hash is whole again: yes
jobs: some before, some during the outage, some after
rate during the outage: unchanged
rate after: unchanged
longest gap between jobs during the outage: short
beats skipped: about 10
beats written: the others
last error: cannot connect to REDIS: Connection refused
1 log line:
beanstalk worker outage: status: no heartbeat written (FIRST ERROR); beats are skipped until Redis answers
