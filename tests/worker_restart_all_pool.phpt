--TEST--
Worker::restartAll() on 120 workers over three servers, under a real supervisord, with 2 ms jobs flowing: every worker returns STOP_RESTART after its job (exit status 10 as supervisord sees it, its shutdown functions run), none dies of the SIGHUP that ended its wait
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
if (!is_executable('/usr/bin/supervisord') || !is_executable('/usr/bin/supervisorctl')) die('skip needs supervisor (apt-get install supervisor)');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';
use Beanstalk\{Queue, Worker};

// Under valgrind each worker runs under a valgrind of its own: a tenth of
// them.
$n = bs_count(120, 6);
$servers = [new BsServer(), new BsServer(), new BsServer()];
$addresses = array_map(fn ($s) => $s->address, $servers);
$redis = new BsRedis();
$tube = bs_tube('worker_restart_all_pool');
$dir = sys_get_temp_dir() . '/bs-restart-all-pool-' . getmypid();
@mkdir($dir);

file_put_contents("$dir/worker.php", '<?php
[, $servers, $tube, $redis] = $argv;
register_shutdown_function(fn () => print("shutdown functions ran\n"));
$w = new Beanstalk\Worker(new Beanstalk\Queue(explode(",", $servers), ["watch" => [$tube]]),
    ["name" => getenv("WORKER_NAME"), "status" => $redis, "status_interval" => 0.5, "process_title" => false]);
exit($w->run(fn () => usleep(2000)));
');
$command = array_merge(bs_php(), ["$dir/worker.php", implode(',', $addresses), $tube, $redis->address]);
if (bs_under_valgrind()) {
    $command = array_merge(bs_valgrind("$dir/valgrind.%%p.log"), $command);
}
// autorestart=false: each worker ends once, and supervisord says how.
file_put_contents("$dir/supervisord.conf", "[unix_http_server]\nfile=$dir/supervisor.sock\nchmod=0700\n\n"
    . "[supervisord]\nlogfile=$dir/supervisord.log\npidfile=$dir/supervisord.pid\nchildlogdir=$dir\nnodaemon=true\nloglevel=info\n\n"
    . "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
    . "[supervisorctl]\nserverurl=unix://$dir/supervisor.sock\n\n"
    . "[program:w]\ncommand=" . implode(' ', array_map('escapeshellarg', $command)) . "\n"
    . "process_name=%(program_name)s_%(process_num)03d\nnumprocs=$n\n"
    . "autorestart=false\nexitcodes=0\nstartsecs=0\nstopsignal=TERM\nstopwaitsecs=30\n"
    . "environment=WORKER_NAME=\"w_%(process_num)03d\"\nredirect_stderr=true\n"
    . "stdout_logfile=$dir/%(program_name)s_%(process_num)03d.log\nstdout_logfile_backups=0\n");

function wait_for(callable $ok, float $timeout): bool
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

/** The exits supervisord logged: "exit status 10", "terminated by SIGHUP"... */
function exits(string $dir): array
{
    preg_match_all('/exited: (w_\d+) \(([^;)]+)/', (string)@file_get_contents("$dir/supervisord.log"), $m);
    return array_combine($m[1], $m[2]);
}

$supervisord = proc_open(['supervisord', '-c', "$dir/supervisord.conf"], [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/out", 'w'], 2 => ['file', "$dir/out", 'a']],
    $pipes, null, bs_under_valgrind() ? bs_valgrind_env() : null);
register_shutdown_function(function () use ($supervisord, $dir) {
    if (proc_get_status($supervisord)['running']) {
        proc_terminate($supervisord, SIGTERM);
    }
});
// Every worker waits on every server (the beats may lapse on a busy
// machine: restartAll() reaches a worker at its next beat all the same).
$watching = fn () => array_map(fn ($a) => (int)bs_stat($a, "stats-tube $tube", 'current-watching'), $addresses);
wait_for(fn () => $watching() === [$n, $n, $n], bs_seconds(60))
    or printf("workers watching on each server: %s of %d\n", implode(', ', $watching()), $n);

// Jobs flow over the three servers the whole time: the workers are taking
// jobs, waiting and running handlers when the request comes.
$q = new Queue($addresses, ['tube' => $tube]);
$flow = function (float $seconds) use ($q): void {
    $until = microtime(true) + $seconds;
    do {
        $q->putMany(array_fill(0, 30, 'x'));
        usleep(10000);
    } while (microtime(true) < $until);
};
$flow(0.5);
echo "restartAll: ", Worker::restartAll($redis->address) > 0 ? 'asked' : 'nobody asked', "\n";
$until = microtime(true) + bs_seconds(30);
while (count(exits($dir)) < $n && microtime(true) < $until) {
    $flow(0.1);
}

$how = array_count_values(exits($dir));
ksort($how);
echo "supervisord: ", implode(', ', array_map(fn ($k, $c) => ($c === $n ? 'all' : $c) . " $k", array_keys($how), $how)), "\n";
$logs = glob("$dir/w_*.log");
$stopped = $shutdown = 0;
foreach ($logs as $log) {
    $text = file_get_contents($log);
    $stopped += preg_match('/: stopping on restartAll \(restart\) after \d+ jobs .* \(exit code 10\)$/m', $text);
    $shutdown += substr_count($text, "shutdown functions ran\n");
}
echo "workers that logged their stop on restartAll: ", $stopped === $n ? 'all' : $stopped, "\n";
echo "workers whose shutdown functions ran: ", $shutdown === $n ? 'all' : $shutdown, "\n";
echo "jobs done: ", array_sum(array_map(fn ($a) => bs_stat($a, "stats-tube $tube", 'cmd-delete') ?? 0, $addresses)) > 0 ? 'yes' : 'none', "\n";

proc_terminate($supervisord, SIGTERM);
wait_for(fn () => !proc_get_status($supervisord)['running'], 30);
if (bs_under_valgrind()) {
    foreach (glob("$dir/valgrind.*.log") as $log) {
        if (($problems = bs_valgrind_problems($log)) !== null) {
            echo "worker ", basename($log), ": $problems\n";
        }
    }
}
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECT--
restartAll: asked
supervisord: all exit status 10
workers that logged their stop on restartAll: all
workers whose shutdown functions ran: all
jobs done: yes
