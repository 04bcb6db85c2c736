--TEST--
Worker::restartAll() under a real supervisord with 2 workers: both stop after their job within 2 intervals and come back, then one by name; every job done exactly once
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
if (!is_executable('/usr/bin/supervisord') || !is_executable('/usr/bin/supervisorctl')) die('skip needs supervisor (apt-get install supervisor)');
if (getenv('USE_ZEND_ALLOC') === '0') die('skip nothing of the extension runs in this process: no use under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';
use Beanstalk\{Queue, Worker};

const INTERVAL = 0.5;
$server = bs_server();
$redis = new BsRedis();
$tube = bs_tube('worker_restart_all');
$dir = sys_get_temp_dir() . '/bs-restart-all-' . getmypid();
@mkdir($dir);

file_put_contents("$dir/worker.php", '<?php
[, $server, $tube, $redis] = $argv;
$name = getenv("WORKER_NAME");
$w = new Beanstalk\Worker(new Beanstalk\Queue($server, ["watch" => [$tube]]),
    ["name" => $name, "status" => $redis, "status_interval" => ' . INTERVAL . ', "reserve_timeout" => 1]);
exit($w->run(function (Beanstalk\Job $job) use ($name) {
    usleep((int)$job->data * 1000);
    printf("%s done job %d\n", $name, $job->id);
}));
');
$command = implode(' ', array_map('escapeshellarg', array_merge(bs_php(), ["$dir/worker.php", $server, $tube, $redis->address])));
file_put_contents("$dir/supervisord.conf", "[unix_http_server]\nfile=$dir/supervisor.sock\nchmod=0700\n\n"
    . "[supervisord]\nlogfile=$dir/supervisord.log\npidfile=$dir/supervisord.pid\nchildlogdir=$dir\nnodaemon=true\nloglevel=info\n\n"
    . "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
    . "[supervisorctl]\nserverurl=unix://$dir/supervisor.sock\n\n"
    . "[program:w]\ncommand=$command\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=2\n"
    . "autorestart=unexpected\nexitcodes=0\nstartsecs=0\nstopsignal=TERM\nstopwaitsecs=10\n"
    . "environment=WORKER_NAME=\"w_%(process_num)02d\"\nredirect_stderr=true\n"
    . "stdout_logfile=$dir/%(program_name)s_%(process_num)02d.log\nstdout_logfile_backups=0\n");

function wait_for(callable $ok, float $timeout = 30): bool
{
    $until = microtime(true) + $timeout;
    while (!$ok()) {
        if (microtime(true) > $until) {
            return false;
        }
        usleep(20000);
    }
    return true;
}

/** name => pid of the workers fleet() shows. */
function live(BsRedis $redis): array
{
    $pids = [];
    foreach (Worker::fleet($redis->address) as $w) {
        $pids[$w['name']] = $w['pid'];
    }
    return $pids;
}

/** Seconds until each of these processes is gone, by name. */
function gone_after(array $pids, float $from, float $timeout = 15): array
{
    $gone = [];
    wait_for(function () use ($pids, $from, &$gone) {
        foreach ($pids as $name => $pid) {
            if (!isset($gone[$name]) && !file_exists("/proc/$pid")) {
                $gone[$name] = microtime(true) - $from;
            }
        }
        return count($gone) === count($pids);
    }, $timeout);
    ksort($gone);
    return $gone;
}

$supervisord = proc_open(['supervisord', '-c', "$dir/supervisord.conf"], [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/out", 'w'], 2 => ['file', "$dir/out", 'a']], $pipes);
register_shutdown_function(function () use ($supervisord) {
    if (proc_get_status($supervisord)['running']) {
        proc_terminate($supervisord, SIGTERM);
    }
});
wait_for(fn () => count(live($redis)) === 2) or print("the workers never beat\n");
$first = live($redis);
echo "live: ", implode(', ', array_keys($first)), "\n";

// 60 jobs of 50 to 150 ms: about 3 s of work for the two.
$q = new Queue($server, ['tube' => $tube]);
$ids = [];
for ($i = 0; $i < 60; $i++) {
    $ids[] = $q->put((string)(50 + ($i * 37) % 100));
}
usleep(400000);

// Each hears of it at its next beat, and stops once its job is done.
$asked = microtime(true);
echo "restartAll: ", Worker::restartAll($redis->address), " asked\n";
$gone = gone_after($first, $asked);
// 2 intervals, and the job at hand (150 ms at most) on a busy machine.
foreach ($gone as $name => $t) {
    echo "$name stopped ", $t <= 2 * INTERVAL + 0.15 + 0.35 ? 'within 2 intervals' : "after $t s", "\n";
}
wait_for(fn () => count(array_diff_assoc(live($redis), $first)) === 2) or print("they did not come back\n");
$second = live($redis);
echo "back with new pids: ", implode(', ', array_keys(array_diff_assoc($second, $first))), "\n";

// By name: only w_01.
usleep(300000);
$asked = microtime(true);
echo "restartAll w_01: ", Worker::restartAll($redis->address, 'w_01'), " asked\n";
echo "w_01 stopped ", (gone_after(['w_01' => $second['w_01']], $asked)['w_01'] ?? 99) <= 2 * INTERVAL + 0.5 ? 'within 2 intervals' : 'late', "\n";
wait_for(fn () => (live($redis)['w_01'] ?? $second['w_01']) !== $second['w_01']) or print("w_01 did not come back\n");
usleep((int)(3 * INTERVAL * 1e6));
echo "w_00 untouched: ", live($redis)['w_00'] === $second['w_00'] ? 'yes' : 'no', "\n";

// Every job done, each exactly once.
wait_for(function () use ($server, $tube) {
    $st = bs_stats($server, "stats-tube $tube");
    return $st && $st['current-jobs-ready'] === '0' && $st['current-jobs-reserved'] === '0';
}, 60) or print("jobs left\n");
$done = [];
$restarts = [];
foreach (glob("$dir/w_*.log") as $log) {
    $text = file_get_contents($log);
    preg_match_all('/ done job (\d+)$/m', $text, $m);
    foreach ($m[1] as $id) {
        $done[$id] = ($done[$id] ?? 0) + 1;
    }
    $restarts[basename($log, '.log')] = preg_match_all('/: stopping on restartAll \(restart\) after \d+ jobs .* \(exit code 10\)$/m', $text);
}
echo "jobs done: ", count($done), " of ", count($ids), ", more than once: ", count(array_filter($done, fn ($n) => $n > 1)), "\n";
echo "missing: ", implode(' ', array_diff($ids, array_keys($done))) ?: 'none', "\n";
ksort($restarts);
echo "restarts logged: ", implode(', ', array_map(fn ($n, $c) => "$n $c", array_keys($restarts), $restarts)), "\n";
preg_match_all('/exited: (w_\d+) \(exit status 10; not expected\)/', file_get_contents("$dir/supervisord.log"), $m);
echo "supervisord restarted: ", count($m[1]), "\n";

proc_terminate($supervisord, SIGTERM);
wait_for(fn () => !proc_get_status($supervisord)['running']);
echo "after supervisord stopped them: ", count(live($redis)), " live\n";
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECT--
live: w_00, w_01
restartAll: 2 asked
w_00 stopped within 2 intervals
w_01 stopped within 2 intervals
back with new pids: w_00, w_01
restartAll w_01: 1 asked
w_01 stopped within 2 intervals
w_00 untouched: yes
jobs done: 60 of 60, more than once: 0
missing: none
restarts logged: w_00 1, w_01 2
supervisord restarted: 3
after supervisord stopped them: 0 live
