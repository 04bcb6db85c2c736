--TEST--
Worker metrics over StatsD, read back from the real StatsD daemon: exact counters per tube (processed, failed, released, buried, deleted), the duration and wait timers, the memory and RSS gauges; past 100 jobs a second the timers are sampled and the daemon still counts every job; jobs of several watched tubes count under their tube when known; each watched tube's wait time is a gauge that grows while its next job waits
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/statsd.inc';
if ($why = bs_statsd_skip()) die($why);
?>
--INI--
; PCRE's JIT reads past its buffers in ways valgrind reports (./dev memcheck)
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/statsd.inc';
use Beanstalk\{Job, Queue, Worker};

$server = bs_server();
$statsd = new BsStatsd();
// A '.' in a tube's name would cut the metric's name: it becomes '_'.
$tube = bs_tube('worker_statsd.basic');
$part = str_replace('.', '_', $tube);
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);

/** Our counters (under the prefix), sorted. */
function ours(array $counters, string $prefix): array
{
    $mine = array_filter($counters, fn ($k) => str_starts_with($k, $prefix), ARRAY_FILTER_USE_KEY);
    ksort($mine);
    return $mine;
}

// 1. 200 jobs of 20 ms, every 20th of which fails twice: released, then
// buried. At 50 jobs a second, every job's duration and wait is sent.
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
for ($i = 1; $i <= 200; $i++) {
    $q->put($i % 20 === 0 ? 'fail' : 'ok');
}
$w = new Worker($q, ['name' => 'sd one', 'statsd' => $statsd->address, 'statsd_prefix' => 'bt.', 'statsd_interval' => 1,
    'max_jobs' => 210, 'max_attempts' => 2, 'backoff' => 0, 'process_title' => false]);
$reason = $w->run(function (Job $job) {
    usleep(20000);
    if ($job->data === 'fail') {
        throw new RuntimeException('fails on purpose');
    }
});
$s = $w->stats();
echo "run: ", $reason === Worker::STOP_MAX_JOBS ? 'STOP_MAX_JOBS' : $reason, ", processed {$s['processed']}, failed {$s['failed']}, released {$s['released']}, buried {$s['buried']}, deleted {$s['deleted']}\n";
echo "datagrams: ", $s['statsd_sent'] > 0 ? 'sent' : 'none', ", errors {$s['statsd_errors']}, last error '{$s['statsd_last_error']}'\n";
$c = $statsd->waitCounters(fn ($c) => ($c["bt.$part.deleted"] ?? 0) >= 190);
foreach (ours($c, "bt.$part.") as $k => $v) {
    echo str_replace($part, 'TUBE', $k), " = $v\n";
}
echo "bad lines: ", $c['statsd.bad_lines_seen'], "\n";
$t = $statsd->timers();
echo "duration samples: ", ($t["bt.$part.duration"] ?? 0) === 210 ? 'one per job' : ($t["bt.$part.duration"] ?? 'none'), "\n";
echo "wait samples: ", ($t['bt.wait'] ?? 0) === 210 ? 'one per job' : ($t['bt.wait'] ?? 'none'), "\n";
$g = $statsd->gauges();
// Under valgrind the engine's heap is malloc's, which PHP does not count.
echo "memory gauge: ", ($g['bt.worker.sd_one.memory'] ?? 0) > 0 || (bs_under_valgrind() && !isset($g['bt.worker.sd_one.memory'])) ? 'yes' : 'no', "\n";
echo "rss gauge: ", ($g['bt.worker.sd_one.rss'] ?? 0) > 1 << 20 ? 'yes' : 'no', "\n";

// 2. Fast jobs: past 100 a second, a sample of the durations with its
// rate; the daemon counts every job all the same.
$fast = bs_tube('worker_statsd_fast');
$n = bs_under_valgrind() ? 1500 : 3000;
$q2 = new Queue($server, ['tube' => $fast, 'watch' => [$fast]]);
$q2->putMany(array_fill(0, $n, 'x'));
$w2 = new Worker($q2, ['statsd' => "udp://{$statsd->address}", 'statsd_prefix' => 'bt.', 'max_jobs' => $n, 'process_title' => false]);
$started = microtime(true);
$w2->run(function (Job $job) {
});
$took = microtime(true) - $started;
$c = $statsd->waitCounters(fn ($c) => ($c["bt.$fast.processed"] ?? 0) >= $n);
echo "fast processed: ", $c["bt.$fast.processed"] === $n ? 'all' : $c["bt.$fast.processed"], "\n";
$samples = $statsd->timers()["bt.$fast.duration"] ?? 0;
$rate = $n / $took;
// At most 100 a second of the run, plus the last send's.
$bound = 100 * (ceil($took) + 1);
echo "fast samples: ", $rate <= 200 ? "too slow a run to tell ($rate jobs/s)" : ($samples > 0 && $samples <= $bound && $samples < $n ? 'sampled' : "$samples of $n in $took s"), "\n";
echo "errors: {$w2->stats()['statsd_errors']}\n";
file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', sprintf("worker_statsd_basic: %d fast jobs in %.2f s (%.0f jobs/s), %d duration samples sent, %d datagrams\n",
    $n, $took, $rate, $samples, $w2->stats()['statsd_sent']), FILE_APPEND);

// 3. Several tubes watched: a job's tube is known when it fails (the
// release asks the server); the others count under _unknown.
$a = bs_tube('worker_statsd_a');
$b = bs_tube('worker_statsd_b');
$q3 = new Queue($server, ['watch' => [$a, $b]]);
(new Queue($server, ['tube' => $a]))->putMany(['ok', 'ok', 'ok']);
(new Queue($server, ['tube' => $b]))->putMany(['ok', 'fail', 'fail']);
$w3 = new Worker($q3, ['statsd' => $statsd->address, 'statsd_prefix' => 'bt3.', 'max_jobs' => 6, 'max_attempts' => 1,
    'process_title' => false]);
$w3->run(function (Job $job) {
    if ($job->data === 'fail') {
        throw new RuntimeException('fails on purpose');
    }
});
$c = $statsd->waitCounters(fn ($c) => ($c['bt3._unknown.deleted'] ?? 0) >= 4);
foreach (ours($c, 'bt3.') as $k => $v) {
    echo str_replace([$a, $b], ['A', 'B'], $k), " = $v\n";
}

// 4. Each watched tube's wait time: while a job runs, the next one waits,
// and the gauge says for how long (whole seconds, in ms); a tube with no
// job ready says 0.
$busy = bs_tube('worker_statsd_wait');
$none = bs_tube('worker_statsd_none');
(new Queue($server, ['tube' => $busy]))->putMany(['first', 'second']);
$w4 = new Worker(new Queue($server, ['watch' => [$busy, $none]]), ['statsd' => $statsd->address, 'statsd_prefix' => 'bt4.',
    'statsd_interval' => 0.2, 'max_jobs' => 2, 'process_title' => false]);
$seen = [];
$w4->run(function (Job $job) use ($statsd, $busy, &$seen) {
    $until = microtime(true) + bs_seconds(15);
    while ($job->data === 'first' && max($seen ?: [0]) < 2000 && microtime(true) < $until) {
        usleep(50000);
        $g = $statsd->gauges();
        if (isset($g["bt4.$busy.wait_time"]) && $g["bt4.$busy.wait_time"] !== end($seen)) {
            $seen[] = $g["bt4.$busy.wait_time"];
        }
    }
});
$sorted = $seen;
sort($sorted);
echo "wait_time while the first job ran: ", $seen === $sorted && count($seen) >= 2 && max($seen ?: [0]) >= 2000 ? 'grew by the second to 2000 ms' : json_encode($seen), "\n";
echo "wait_time of a tube with none ready: ", json_encode($statsd->gauges()["bt4.$none.wait_time"] ?? null), "\n";
echo "log: ", str_contains(file_get_contents($log), "statsd: {$statsd->address} every 1 s") ? 'says where' : file_get_contents($log), "\n";
unlink($log);
?>
--EXPECT--
run: STOP_MAX_JOBS, processed 210, failed 20, released 10, buried 10, deleted 190
datagrams: sent, errors 0, last error ''
bt.TUBE.buried = 10
bt.TUBE.deleted = 190
bt.TUBE.failed = 20
bt.TUBE.processed = 210
bt.TUBE.released = 10
bad lines: 0
duration samples: one per job
wait samples: one per job
memory gauge: yes
rss gauge: yes
fast processed: all
fast samples: sampled
errors: 0
bt3._unknown.deleted = 4
bt3._unknown.processed = 4
bt3.B.buried = 2
bt3.B.failed = 2
bt3.B.processed = 2
wait_time while the first job ran: grew by the second to 2000 ms
wait_time of a tube with none ready: 0
log: says where
