--TEST--
Worker::__construct(): options, the queue it keeps, constants; stats() before run()
--EXTENSIONS--
beanstalk
--FILE--
<?php
use Beanstalk\{Queue, Worker};

$q = new Queue('127.0.0.1:1');    // not connected: nothing is sent before run()
$w = new Worker($q);
var_dump($w->queue === $q);
$w = new Worker($q, [
    'max_jobs' => 100, 'max_runtime' => 3600, 'runtime_jitter' => 60.5, 'memory_limit' => 64 << 20,
    'rss_limit' => 128 << 20, 'max_attempts' => 5, 'backoff' => [1, 10, 60], 'reserve_timeout' => 2,
    'ttr_margin' => 0.5, 'reconnect_timeout' => 30, 'name' => 'mail-1',
]);
var_dump(new Worker($q, ['backoff' => 0, 'max_runtime' => 0.5, 'runtime_jitter' => 0]) instanceof Worker);

// The worker keeps its queue alive.
$w2 = new Worker(new Queue('127.0.0.1:1', ['tube' => 'kept']));
var_dump($w2->queue->usedTube());

foreach ((new ReflectionClass(Worker::class))->getConstants() as $name => $value) {
    echo "$name = $value\n";
}

$s = $w->stats();
var_dump($s['name'], $s['state'], $s['processed'], $s['stop_reason'], $s['uptime'], $s['pid'] === getmypid());
echo implode(' ', array_keys($s)), "\n";

// A stop() outside run() does nothing to a later run().
$w->stop();

try {
    $w->queue = new Queue();
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    clone $w;
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    serialize($w);
} catch (Exception $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    $w->__construct($q);
} catch (Error $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
var_dump((new ReflectionClass(Worker::class))->isFinal());
var_dump(is_subclass_of(Beanstalk\TtrExceededException::class, Beanstalk\Exception::class));
?>
--EXPECT--
bool(true)
bool(true)
string(4) "kept"
STOP_SIGNAL = 0
STOP_RESTART = 10
STOP_MAX_JOBS = 11
STOP_MAX_RUNTIME = 12
STOP_MEMORY = 13
STOP_REQUESTED = 14
STOP_CONNECTION = 15
EXIT_TTR_OVERRUN = 16
string(6) "mail-1"
string(4) "idle"
int(0)
NULL
float(0)
bool(true)
name pid state started_at uptime processed failed released buried deleted lost ttr_exceeded jobs_per_sec job_duration_p50 job_duration_p95 job_duration_p99 job_duration_max job_duration_mean wait_time memory memory_start rss rss_start rtt rtt_min rtt_samples reconnects prefetched prefetch_released reconnect_backoff runtime_limit stop_reason stop_signal status_beats status_errors status_last_error restart_requested statsd_sent statsd_errors statsd_last_error
Error: Cannot modify readonly property Beanstalk\Worker::$queue
Error: Trying to clone an uncloneable object of class Beanstalk\Worker
Exception: Serialization of 'Beanstalk\Worker' is not allowed
Error: Beanstalk\Worker::__construct() cannot be called twice
bool(true)
bool(true)
