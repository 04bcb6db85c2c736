--TEST--
Worker status in Redis: while a job runs, the heartbeat hash holds every field, fleet() types them, the hash expires after 3 intervals and the worker is in the set; restartAll() by name reaches it at its next beat; a graceful stop leaves the set at once, with a last beat that says why
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
use Beanstalk\{Job, Queue, Worker};

$server = bs_server();
$redis = new BsRedis();
$tube = bs_tube('worker_status_basic');
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);

// A beat may take a quarter of the interval: under valgrind, 125 ms is
// not always enough for this very process to write one.
define('INTERVAL', bs_under_valgrind() ? 2.5 : 0.5);
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$look = $q->put('look');
$q->put('restart');
$w = new Worker($q, ['name' => 'basic', 'status' => "redis://{$redis->address}/0", 'status_interval' => INTERVAL,
    'status_prefix' => 'test:', 'process_title' => false]);
$started = microtime(true);
$reason = $w->run(function (Job $job) use ($redis, $look, $tube, $server, $started) {
    if ($job->data === 'look') {
        // A beat that comes while this job runs.
        $until = microtime(true) + bs_seconds(10);
        do {
            usleep(50000);
            $fleet = Worker::fleet("redis://{$redis->address}/0", 'test:');
        } while (($fleet[0]['state'] ?? '') !== 'working' && microtime(true) < $until);
        echo "fleet: ", count($fleet), " worker\n";
        $me = $fleet[0];
        echo "fields: ", implode(' ', array_keys($me)), "\n";
        echo "types: ", implode(' ', array_map('get_debug_type', $me)), "\n";
        $host = gethostname();
        // Times allow for the build: the beats come every interval from the
        // monitor thread, which valgrind (one thread at a time) and a debug
        // build slow down, as they do the round trips.
        $late = bs_seconds(1) + INTERVAL;
        $ok = [
            'id' => str_starts_with($me['id'], "$host:" . getmypid() . ':'),
            'name' => $me['name'] === 'basic',
            'host' => $me['host'] === $host,
            'pid' => $me['pid'] === getmypid(),
            'server' => $me['server'] === $server,
            'tubes' => $me['tubes'] === [$tube],
            'started_at' => abs($me['started_at'] - $started) < $late,
            'interval' => $me['interval'] === INTERVAL,
            'job_id' => $me['job_id'] === $look,
            'job_tube' => $me['job_tube'] === $tube,
            'job_since' => $me['job_since'] >= $started - 0.1 && $me['job_since'] <= microtime(true),
            'processed' => $me['processed'] === 0,
            'jobs_per_sec' => $me['jobs_per_sec'] === 0.0,
            'memory' => $me['memory'] > 0 || bs_under_valgrind(),
            'rss' => $me['rss'] > 1 << 20,
            'rtt' => $me['rtt'] > 0 && $me['rtt'] < $late,
            'beat_at' => abs($me['beat_at'] - microtime(true)) < $late,
        ];
        echo "values: ", implode(' ', array_keys(array_filter($ok))) ?: 'none', "\n";
        echo "wrong: ", implode(' ', array_keys(array_filter($ok, fn ($v) => !$v))) ?: 'none', "\n";
        // Three missed beats, and it is gone.
        $ttl = $redis->call('PTTL', "test:worker:{$me['id']}");
        echo "ttl: ", $ttl > 0 && $ttl <= 3000 * INTERVAL ? 'at most 3 intervals' : $ttl, "\n";
        $score = (float)$redis->call('ZSCORE', 'test:workers', $me['id']);
        echo "scored by its beat: ", var_export(abs($score - $me['beat_at']) < 0.001, true), "\n";
        echo "under another prefix: ", count(Worker::fleet($redis->address)), "\n";
        return;
    }
    echo "restartAll for another name: ", Worker::restartAll($redis->address, 'other', 'test:'), "\n";
    echo "restartAll for its name: ", Worker::restartAll($redis->address, 'basic', 'test:'), "\n";
});

echo "run() returned ", $reason === Worker::STOP_RESTART ? 'STOP_RESTART' : $reason, "\n";
$s = $w->stats();
echo "processed {$s['processed']}, restart_requested ", var_export($s['restart_requested'], true), ", stop_signal {$s['stop_signal']}\n";
echo "beats: ", $s['status_beats'] >= 3 ? 'some' : $s['status_beats'], ", errors {$s['status_errors']}, last error '{$s['status_last_error']}'\n";
echo "fleet after the stop: ", count(Worker::fleet($redis->address, 'test:')), "\n";
$ids = $redis->call('KEYS', 'test:worker:*');
$hash = $redis->call('HGETALL', $ids[0]);
$last = [];
for ($i = 0; $i < count($hash); $i += 2) {
    $last[$hash[$i]] = $hash[$i + 1];
}
echo "last beat: state {$last['state']}, stop_reason {$last['stop_reason']}, processed {$last['processed']}, job_id '{$last['job_id']}'\n";
echo "in the set: ", var_export($redis->call('ZSCORE', 'test:workers', $last['id']), true), "\n";
echo "expires: ", $redis->call('PTTL', $ids[0]) > 0 ? 'yes' : 'no', "\n";
$requests = $redis->call('KEYS', 'test:restart*');
sort($requests);
$names = $redis->call('HKEYS', 'test:restart:names');
sort($names);
echo "restart requests: ", implode(' ', $requests), ", for the names ", implode(' ', $names), "\n";
echo preg_replace(['/^\[[^]]+\] /m', '/\d+\.\d+|(?<=every )\d+(?= s)/'], ['', 'N'], file_get_contents($log));
unlink($log);
?>
--EXPECTF--
fleet: 1 worker
fields: id name host pid server tubes started_at interval state job_id job_tube job_since processed failed released buried deleted jobs_per_sec job_duration_p50 job_duration_p99 memory rss rtt beat_at
types: string string string int string array float float string int string float int int int int int float float float int int float float
values: id name host pid server tubes started_at interval job_id job_tube job_since processed jobs_per_sec memory rss rtt beat_at
wrong: none
ttl: at most 3 intervals
scored by its beat: true
under another prefix: 0
restartAll for another name: 0
restartAll for its name: 1
run() returned STOP_RESTART
processed 2, restart_requested true, stop_signal 0
beats: some, errors 0, last error ''
fleet after the stop: 0
last beat: state stopped, stop_reason 10, processed 2, job_id ''
in the set: NULL
expires: yes
restart requests: test:restart:names, for the names basic other
beanstalk worker basic: running, pid %d, server %s, tubes worker_status_basic-%s; caps: none; max_attempts 3, backoff 1,5,30 s; status: redis://%s/0 every N s
beanstalk worker basic: stopping on restartAll (restart) after 2 jobs (0 failed, 0 buried) in N s, N jobs/s (exit code 10)
