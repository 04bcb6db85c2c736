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
$w->run(function (Job $job, Worker $w) use (&$during) {
    usleep((int)$job->data * 1000);
    $during ??= $w->stats();
});
echo "during: {$during['state']}, processed {$during['processed']}, stop_reason ", var_export($during['stop_reason'], true), "\n";
$s = $w->stats();
// Sleeps overshoot on a busy machine (and valgrind slows the handler's own
// PHP code): the bounds give room above, not below. The histogram's own
// precision is the C unit tests' business.
$in = fn (float $got, float $low, float $high) => $got >= $low && $got <= $high ? 'right' : "$got not in [$low, $high]";
// Under valgrind the suite also runs other tests' workers under valgrind
// beside this one: room enough still to tell a 2 ms job from a 40 ms one.
$slack = bs_under_valgrind() ? 0.03 : 0;
echo "p50: ", $in($s['job_duration_p50'], 0.0019, 0.004 + $slack), "\n";
echo "p95: ", $in($s['job_duration_p95'], 0.038, 0.060 + $slack), "\n";
echo "p99: ", $in($s['job_duration_p99'], 0.038, 0.060 + $slack), "\n";
echo "max: ", $in($s['job_duration_max'], 0.040, 0.080 + $slack), "\n";
echo "mean: ", $in($s['job_duration_mean'], 0.0058, 0.010 + $slack), "\n";
echo "jobs/s: ", $s['jobs_per_sec'] > 0 && abs($s['jobs_per_sec'] - 100 / $s['uptime']) < 1e-6 ? 'processed / uptime' : $s['jobs_per_sec'], "\n";
echo "rtt: ", $s['rtt'] > 0 && $s['rtt'] < 0.1 && $s['rtt_min'] <= $s['rtt'] && $s['rtt_samples'] >= 100 ? 'measured' : json_encode($s), "\n";
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
