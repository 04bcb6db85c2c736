--TEST--
Worker::stats(): job duration percentiles, wait time, round trip, memory, while running and after
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

$server = bs_server();
$tube = bs_tube('worker_stats');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
// 90 jobs of 2 ms and 10 of 40 ms.
for ($i = 0; $i < 100; $i++) {
    $q->put($i % 10 === 9 ? '40' : '2');
}
$w = new Worker($q, ['max_jobs' => 100, 'name' => 'figures']);
$during = null;
// Each handler's own start and end (the monotonic clock, as the Worker's).
$ins = $outs = [];
$before = hrtime(true);
$w->run(function (Job $job, Worker $w) use (&$during, &$ins, &$outs) {
    $ins[] = hrtime(true);
    usleep((int)$job->data * 1000);
    $during ??= $w->stats();
    $outs[] = hrtime(true);
});
$after = hrtime(true);
echo "during: {$during['state']}, processed {$during['processed']}, stop_reason ", var_export($during['stop_reason'], true), "\n";
$s = $w->stats();
// What each job took, as the Worker counts it (from just before its handler
// to just after), lies between what the handler saw of itself and the time
// from the end of the job before's handler to the start of the next one's.
// Those bounds are measured, so a busy machine (or valgrind) that stretches
// the sleeps stretches them too; the figures must lie within them (the
// Worker counts whole microseconds).
$low = $high = [];
foreach ($ins as $i => $in) {
    $low[] = ($outs[$i] - $in) / 1e9;
    $high[] = (($ins[$i + 1] ?? $after) - ($outs[$i - 1] ?? $before)) / 1e9;
}
// $floor: the 90 jobs of 2 ms and 10 of 40 ms set one too, as sleeps never
// end early.
$check = function (string $name, float $got, float $floor, float $low, float $high, float $precision): void {
    $low = max($floor, $low * (1 - $precision) - 2e-6);
    $high = $high * (1 + $precision) + 2e-6;
    echo "$name: ", $got >= $low && $got <= $high ? 'right' : "$got not in [$low, $high]", "\n";
};
// The percentiles: the sample of rank ceil(p * n) of each bound, as the
// histogram takes it, to within its buckets. The max and the mean are exact.
$rank = function (array $bounds, float $p): float {
    sort($bounds);
    return $bounds[(int)max(1, ceil($p * count($bounds))) - 1];
};
foreach (['p50' => [0.50, 0.0019], 'p95' => [0.95, 0.038], 'p99' => [0.99, 0.038]] as $name => [$p, $floor]) {
    $check($name, $s["job_duration_$name"], $floor, $rank($low, $p), $rank($high, $p), 1 / 16);
}
$check('max', $s['job_duration_max'], 0.040, max($low), max($high), 0);
$check('mean', $s['job_duration_mean'], 0.0058, array_sum($low) / count($low), array_sum($high) / count($high), 0);
echo "jobs/s: ", $s['jobs_per_sec'] > 0 && abs($s['jobs_per_sec'] - 100 / $s['uptime']) < 1e-6 ? 'processed / uptime' : $s['jobs_per_sec'], "\n";
echo "rtt: ", $s['rtt'] > 0 && $s['rtt'] < bs_seconds(0.1) && $s['rtt_min'] <= $s['rtt'] && $s['rtt_samples'] >= 100 ? 'measured' : json_encode($s), "\n";
echo "wait: ", $s['wait_time'] >= 0 && $s['wait_time'] < $s['uptime'] ? 'below uptime' : $s['wait_time'], "\n";
echo "after: {$s['state']}, stop_reason {$s['stop_reason']}, name {$s['name']}\n";
foreach ($s as $k => $v) {
    echo "$k: ", get_debug_type($v), "\n";
}

// Idle: the time goes to waiting; a probe measures the round trip.
$w = new Worker(new Queue($server, ['watch' => [bs_tube('worker_stats_idle')]]), ['max_runtime' => 0.5]);
$w->run(fn () => null);
$s = $w->stats();
echo "idle wait: ", $s['wait_time'] > 0.45 && $s['wait_time'] <= $s['uptime'] ? 'all of it' : $s['wait_time'], ", rtt samples {$s['rtt_samples']}\n";
?>
--EXPECT--
during: working, processed 0, stop_reason NULL
p50: right
p95: right
p99: right
max: right
mean: right
jobs/s: processed / uptime
rtt: measured
wait: below uptime
after: idle, stop_reason 11, name figures
name: string
pid: int
state: string
started_at: float
uptime: float
processed: int
failed: int
released: int
buried: int
deleted: int
lost: int
ttr_exceeded: int
jobs_per_sec: float
job_duration_p50: float
job_duration_p95: float
job_duration_p99: float
job_duration_max: float
job_duration_mean: float
wait_time: float
memory: int
memory_start: int
rss: int
rss_start: int
rtt: float
rtt_min: float
rtt_samples: int
reconnects: int
prefetched: int
prefetch_released: int
reconnect_backoff: float
runtime_limit: float
stop_reason: int
stop_signal: int
status_beats: int
status_errors: int
status_last_error: string
restart_requested: bool
statsd_sent: int
statsd_errors: int
statsd_last_error: string
idle wait: all of it, rtt samples 1
