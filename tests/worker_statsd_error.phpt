--TEST--
Worker StatsD options: each error names its option; a StatsD that is down costs the worker a counter (statsd_errors, with the reason) and never a wait: every job is done at full speed
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
?>
--INI--
; PCRE's JIT reads past its buffers in ways valgrind reports (./dev memcheck)
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/statsd.inc';
use Beanstalk\{Job, Queue, Worker};

$server = bs_server();
$tube = bs_tube('worker_statsd_error');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

echo "-- options\n";
foreach ([
    ['statsd' => 8125],
    ['statsd' => ''],
    ['statsd' => '127.0.0.1:0'],
    ['statsd' => '127.0.0.1:70000'],
    ['statsd' => '::1:8125'],
    ['statsd' => 'tcp://127.0.0.1:8125'],
    ['statsd_prefix' => 1],
    ['statsd_prefix' => 'a:b'],
    ['statsd_prefix' => "a\nb"],
    ['statsd_prefix' => str_repeat('p', 101)],
    ['statsd_interval' => 0.05],
    ['statsd_interval' => 11],
    ['statsd_interval' => '1'],
] as $options) {
    try {
        new Worker($q, $options);
        echo "no exception\n";
    } catch (Throwable $e) {
        echo $e::class, ': ', $e->getMessage(), "\n";
    }
}
new Worker($q, ['statsd' => null, 'statsd_prefix' => '', 'statsd_interval' => 10]);
new Worker($q, ['statsd' => '[::1]', 'statsd_prefix' => 'app-1.queue_', 'statsd_interval' => 0.1]);
echo "valid ones: taken\n";

echo "-- a StatsD that is down\n";
// A UDP port where nothing listens: loopback answers each datagram with
// ICMP port unreachable, which fails the next send.
$port = bs_free_udp_port();
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);
$n = 60;
bs_fill($server, $tube, $n);
$w = new Worker($q, ['statsd' => "127.0.0.1:$port", 'statsd_interval' => 0.1, 'max_jobs' => $n, 'process_title' => false]);
$started = microtime(true);
$w->run(function (Job $job) {
    usleep(10000);
});
$took = microtime(true) - $started;
$s = $w->stats();
echo "processed {$s['processed']}, deleted {$s['deleted']}\n";
echo "errors: ", $s['statsd_errors'] >= 1 ? 'counted' : 'none', ", sent and lost: ", $s['statsd_sent'] + $s['statsd_errors'] >= 3 ? 'one per interval' : $s['statsd_sent'] + $s['statsd_errors'], "\n";
echo "last error: {$s['statsd_last_error']}\n";
// 60 jobs of 10 ms: 0.6 s of work, and nothing more for the lost datagrams.
echo "full speed: ", bs_within($took, 0.6, 3.0), "\n";
echo "log: ", preg_replace('/^\[[^]]+\] /m', '', implode("\n", array_filter(explode("\n", file_get_contents($log)),
    fn ($l) => str_contains($l, 'statsd')))), "\n";
unlink($log);
?>
--EXPECTF--
-- options
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd" must be of type ?string, int given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd" must be "host", "host:port", "[v6]" or "[v6]:port", bare or after "udp://": missing or too long host name in address
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd" must be "host", "host:port", "[v6]" or "[v6]:port", bare or after "udp://": port must be a number from 1 to 65535
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd" must be "host", "host:port", "[v6]" or "[v6]:port", bare or after "udp://": port must be a number from 1 to 65535
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd" must be "host", "host:port", "[v6]" or "[v6]:port", bare or after "udp://": an IPv6 address must be written in brackets: [addr]:port
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd" must be "host", "host:port", "[v6]" or "[v6]:port", bare or after "udp://": StatsD is spoken over UDP only
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd_prefix" must be of type string, int given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd_prefix" may hold only letters, digits, '_', '-' and '.'
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd_prefix" must not contain control characters
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd_prefix" must be at most 100 bytes long
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd_interval" must be from 0.1 to 10 seconds
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "statsd_interval" must be from 0.1 to 10 seconds
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) %s
valid ones: taken
-- a StatsD that is down
processed 60, deleted 60
errors: counted, sent and lost: one per interval
last error: send to 127.0.0.1:%d: Connection refused
full speed: yes
log: beanstalk worker: running, pid %d, server %s, tubes worker_statsd_error-%s; caps: max_jobs 60; max_attempts 3, backoff 1,5,30 s; status: off; statsd: 127.0.0.1:%d every 0.1 s
