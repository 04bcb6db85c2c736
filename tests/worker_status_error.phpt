--TEST--
Worker status options and fleet()/restartAll() arguments: each error names its option or argument; a password in the Redis address never shows in an exception, a log line, stats() or phpinfo(); AUTH and SELECT go to Redis on connect
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
?>
--INI--
; PCRE's JIT reads past its buffers in ways valgrind reports (./dev memcheck)
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/redis.inc';
use Beanstalk\{Queue, Worker};

$server = bs_server();
$q = new Queue($server);
$redis = new BsRedis(['--requirepass', 'right-pass']);
$secret = 's3cret-pass';
$shown = '';
function attempt(callable $fn): void
{
    global $shown;
    try {
        $fn();
        echo "no exception\n";
    } catch (Throwable $e) {
        $shown .= $e->getMessage();
        echo $e::class, ': ', $e->getMessage(), "\n";
    }
}

echo "-- options\n";
foreach ([
    ['status' => 6379],
    ['status' => "rediss://:$secret@127.0.0.1:1"],
    ['status' => "redis://:$secret@127.0.0.1:1/db1"],
    ['status' => "redis://$secret@127.0.0.1:1"],
    ['status' => "memcached://127.0.0.1:1"],
    ['status_interval' => 0],
    ['status_interval' => 3601],
    ['status_interval' => '1'],
    ['status_prefix' => 1],
    ['status_prefix' => "a\tb"],
    ['status_prefix' => str_repeat('p', 101)],
    ['process_title' => 'yes'],
    ['log_jobs' => 1],
] as $options) {
    attempt(fn () => new Worker($q, $options));
}
attempt(fn () => new Worker($q, ['status' => null, 'status_interval' => 0.1, 'status_prefix' => '', 'process_title' => false, 'log_jobs' => false]));

echo "-- fleet() and restartAll()\n";
attempt(fn () => Worker::fleet("redis://:$secret@127.0.0.1:1/x"));
attempt(fn () => Worker::fleet($redis->address, "a\nb"));
attempt(fn () => Worker::restartAll($redis->address, str_repeat('n', 61)));
attempt(fn () => Worker::restartAll($redis->address, 'n', str_repeat('p', 101)));
// A refused port on loopback, a wrong password, none, and the right one.
attempt(fn () => Worker::fleet("redis://:$secret@127.0.0.1:1"));
attempt(fn () => Worker::fleet("redis://:$secret@{$redis->address}"));
attempt(fn () => Worker::restartAll("redis://default:$secret@{$redis->address}/1"));
attempt(fn () => Worker::fleet($redis->address));
attempt(fn () => print(count(Worker::fleet("redis://:right-pass@{$redis->address}/3")) . " workers\n"));

echo "-- a worker with the wrong password\n";
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);
$tube = bs_tube('worker_status_error');
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$q->put('one');
// The job lasts until a beat was refused: on a loaded machine under
// valgrind one may run out of its time (a quarter of the interval) instead.
$w = new Worker($q, ['status' => "redis://:$secret@{$redis->address}/2", 'status_interval' => 1, 'max_jobs' => 1, 'process_title' => false]);
$w->run(function () use (&$w) {
    $until = microtime(true) + bs_seconds(20);
    while (!str_contains($w->stats()['status_last_error'], 'refused AUTH') && microtime(true) < $until) {
        usleep(20000);
    }
});
$s = $w->stats();
echo "beats {$s['status_beats']}, errors ", $s['status_errors'] >= 1 ? 'some' : 0, ", last error: {$s['status_last_error']}\n";
$text = file_get_contents($log);
echo preg_replace(['/^\[[^]]+\] /m', '/pid \d+/', '/tubes \S+;/'], ['', 'pid N', 'tubes T;'], $text);

echo "-- the right one, and its database\n";
file_put_contents($log, '');
$q->put('two');
$w = new Worker($q, ['status' => "redis://:right-pass@{$redis->address}/2", 'max_jobs' => 1, 'process_title' => false, 'name' => 'db2']);
$w->run(function () use (&$w) {
    $until = microtime(true) + bs_seconds(20);
    while ($w->stats()['status_beats'] < 1 && microtime(true) < $until) {
        usleep(20000);
    }
});
$s = $w->stats();
// A beat that ran out of its time on a loaded machine is no error of the
// address or the password: only such errors are let through.
$errors = $s['status_errors'] > 0 && preg_match('/no answer .*within/', $s['status_last_error']) ? 0 : $s['status_errors'];
echo "beats ", $s['status_beats'] >= 2 ? 'some' : $s['status_beats'], ", errors $errors\n";
echo "in db 2: ", count(Worker::fleet("redis://:right-pass@{$redis->address}/2")), ", in db 0: ", count(Worker::fleet("redis://:right-pass@{$redis->address}")), "\n";
echo "keys in db 2: ", bs_redis_call_db($redis, 2), "\n";

ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
preg_match('/^Redis status support => (\w+)$/m', $info, $m);
echo "phpinfo: Redis status support => {$m[1]}\n";
echo "the password shown anywhere: ", str_contains($shown . $text . file_get_contents($log) . json_encode($s) . $info, $secret) ? 'yes' : 'no', "\n";
unlink($log);

/** The status keys in database $db. */
function bs_redis_call_db(BsRedis $redis, int $db): string
{
    $s = stream_socket_client("tcp://{$redis->address}");
    fwrite($s, "*2\r\n\$4\r\nAUTH\r\n\$10\r\nright-pass\r\n*2\r\n\$6\r\nSELECT\r\n\$1\r\n$db\r\n*2\r\n\$4\r\nKEYS\r\n\$11\r\nbeanstalk:*\r\n");
    bs_resp_read($s);
    bs_resp_read($s);
    $keys = bs_resp_read($s);
    sort($keys);
    return implode(' ', array_map(fn ($k) => preg_replace('/:worker:.*/', ':worker:ID', $k), $keys));
}
?>
--EXPECTF--
-- options
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status" must be of type ?string, int given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status": TLS (rediss://) is not supported; accepted: host:port, unix:///path or redis://[[user]:password@]host[:port][/db]
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status": the path of the address must be a database number; accepted: host:port, unix:///path or redis://[[user]:password@]host[:port][/db]
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status": a user name in the address needs a password (redis://user:password@host); accepted: host:port, unix:///path or redis://[[user]:password@]host[:port][/db]
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status": unknown scheme; accepted: host:port, unix:///path or redis://[[user]:password@]host[:port][/db]
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status_interval" must be a number of seconds above 0, at most 31536000
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status_interval" must be from 0.1 to 3600 seconds
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status_interval" must be of type int|float, string given
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status_prefix" must be of type string, int given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status_prefix" must not contain control characters
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "status_prefix" must be at most 100 bytes long
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "process_title" must be of type bool, string given
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "log_jobs" must be of type bool, int given
no exception
-- fleet() and restartAll()
ValueError: Beanstalk\Worker::fleet(): Argument #1 ($redis) must be a Redis address: the path of the address must be a database number; accepted: host:port, unix:///path or redis://[[user]:password@]host[:port][/db]
ValueError: Beanstalk\Worker::fleet(): Argument #2 ($prefix) must not contain control characters
ValueError: Beanstalk\Worker::restartAll(): Argument #2 ($name) must be at most 60 bytes long
ValueError: Beanstalk\Worker::restartAll(): Argument #3 ($prefix) must be at most 100 bytes long
Beanstalk\Exception: Beanstalk\Worker::fleet(): cannot connect to redis://127.0.0.1:1: Connection refused
Beanstalk\Exception: Beanstalk\Worker::fleet(): redis://127.0.0.1:%d refused AUTH: WRONGPASS invalid username-password pair or user is disabled.
Beanstalk\Exception: Beanstalk\Worker::restartAll(): redis://default@127.0.0.1:%d/1 refused AUTH: WRONGPASS invalid username-password pair or user is disabled.
Beanstalk\Exception: Beanstalk\Worker::fleet(): Redis answered ZRANGE with NOAUTH Authentication required.
0 workers
no exception
-- a worker with the wrong password
beats 0, errors some, last error: redis://127.0.0.1:%d/2 refused AUTH: WRONGPASS invalid username-password pair or user is disabled.
beanstalk worker: running, pid N, server %s, tubes T; caps: max_jobs 1; max_attempts 3, backoff 1,5,30 s; status: redis://127.0.0.1:%d/2 every 1 s
beanstalk worker: status: no heartbeat written (redis://127.0.0.1:%d/2 %s); beats are skipped until Redis answers
beanstalk worker: stopping on max_jobs after 1 jobs (0 failed, 0 buried) in %f s, %f jobs/s (exit code 11)
-- the right one, and its database
beats some, errors 0
in db 2: 0, in db 0: 0
keys in db 2: beanstalk:worker:ID
phpinfo: Redis status support => yes
the password shown anywhere: no
