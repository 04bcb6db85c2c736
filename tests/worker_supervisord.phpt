--TEST--
Worker under a real supervisord with examples/supervisord.conf: SIGHUP and SIGTERM while jobs run; every job done exactly once, the workers come back
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/supervisord') || !is_executable('/usr/bin/supervisorctl')) die('skip needs supervisor (apt-get install supervisor)');
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

$server = bs_server();
$tube = bs_tube('worker_supervisord');
$dir = sys_get_temp_dir() . '/bs-supervisord-' . getmypid();
@mkdir($dir);

// The program section of the example, as shipped, with this machine's
// command, two processes, and logs in the test's own directory.
$example = file_get_contents(__DIR__ . '/../examples/supervisord.conf');
preg_match('/^\[program:([^\]]+)\]\n(.*)/ms', $example, $m);
[, $program, $body] = $m;
$settings = [];
foreach (explode("\n", $body) as $line) {
    if (preg_match('/^([a-z_]+)=(.*)$/', $line, $kv)) {
        $settings[$kv[1]] = $kv[2];
    }
}
echo "from the example: ", implode(', ', array_map(fn ($k) => "$k={$settings[$k]}",
    ['autorestart', 'exitcodes', 'startsecs', 'stopsignal', 'stopwaitsecs'])), "\n";
// Under valgrind, so do the workers, each with a log of its own (%% is
// supervisord's way to write %).
$command = array_merge(bs_php(), [realpath(__DIR__ . '/../examples/worker.php'), $server, $tube]);
if (bs_under_valgrind()) {
    $command = array_merge(bs_valgrind("$dir/valgrind.%%p.log"), $command);
}
$settings['command'] = implode(' ', array_map('escapeshellarg', $command));
$settings['numprocs'] = '2';
$settings['directory'] = $dir;
$settings['stdout_logfile'] = "$dir/%(program_name)s_%(process_num)02d.log";
$settings['stdout_logfile_backups'] = '0';
$settings['environment'] = 'WORKER_NAME="%(program_name)s_%(process_num)02d"';
unset($settings['user']);
$conf = "[unix_http_server]\nfile=$dir/supervisor.sock\nchmod=0700\n\n"
    . "[supervisord]\nlogfile=$dir/supervisord.log\npidfile=$dir/supervisord.pid\nchildlogdir=$dir\nnodaemon=true\nloglevel=info\n\n"
    . "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n\n"
    . "[supervisorctl]\nserverurl=unix://$dir/supervisor.sock\n\n"
    . "[program:$program]\n";
foreach ($settings as $k => $v) {
    $conf .= "$k=$v\n";
}
file_put_contents("$dir/supervisord.conf", $conf);

function ctl(string $dir, string ...$args): string
{
    $cmd = array_merge(['supervisorctl', '-c', "$dir/supervisord.conf"], $args);
    $p = proc_open($cmd, [1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes);
    $out = stream_get_contents($pipes[1]) . stream_get_contents($pipes[2]);
    proc_close($p);
    return $out;
}

/** name => [state, pid] of the workers. */
function status(string $dir): array
{
    $all = [];
    foreach (explode("\n", ctl($dir, 'status')) as $line) {
        if (preg_match('/^\S+:(\S+)\s+(\S+)\s+(?:pid (\d+))?/', $line, $m)) {
            $all[$m[1]] = [$m[2], (int)($m[3] ?? 0)];
        }
    }
    ksort($all);
    return $all;
}

function wait_for(callable $ok, float $timeout = 30): bool
{
    $until = microtime(true) + $timeout;
    while (!$ok()) {
        if (microtime(true) > $until) {
            return false;
        }
        usleep(50000);
    }
    return true;
}

/** Waits until both workers are in run() (they watch the tube), so that a
 * TERM finds the worker's handler and not a process still starting (which
 * takes seconds under valgrind). */
function both_working(string $server, string $tube): void
{
    wait_for(fn () => bs_stat($server, "stats-tube $tube", 'current-watching') === '2', bs_seconds(5))
        or print("the workers did not both come to work\n");
}

$supervisord = proc_open(['supervisord', '-c', "$dir/supervisord.conf"], [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/out", 'w'], 2 => ['file', "$dir/out", 'a']],
    $pipes, null, bs_under_valgrind() ? bs_valgrind_env() : null);
// Whatever happens to this test, supervisord (and with it the workers) stops.
register_shutdown_function(function () use ($supervisord) {
    if (proc_get_status($supervisord)['running']) {
        proc_terminate($supervisord, SIGTERM);
    }
});
$w0 = "{$program}_00";
$w1 = "{$program}_01";
wait_for(fn () => count(array_filter(status($dir), fn ($s) => $s[0] === 'RUNNING')) === 2) or print("not running: " . ctl($dir, 'status'));
bs_wait_waiting($server, $tube, 2) or print("the workers never waited\n");
$first = status($dir);

// 60 jobs of 50 to 150 ms: about 3 s of work for the two.
$q = new Beanstalk\Queue($server, ['tube' => $tube]);
$ids = [];
for ($i = 0; $i < 60; $i++) {
    $ids[] = $q->put(json_encode(['what' => "task $i", 'ms' => 50 + ($i * 37) % 100]));
}

// SIGHUP to worker 0 in the middle of a job: it finishes the job, exits 10,
// and supervisord starts it again (10 is not an expected exit code).
usleep(400000);
echo "HUP: ", trim(ctl($dir, 'signal', 'HUP', "$program:$w0")), "\n";
wait_for(fn () => ($s = status($dir)[$w0]) && $s[0] === 'RUNNING' && $s[1] !== $first[$w0][1]) or print("worker 0 did not come back\n");
echo "worker 0 came back with a new pid\n";
both_working($server, $tube);

// supervisorctl restart sends the stopsignal, TERM: worker 1 finishes its
// job, exits 0, and is started again.
usleep(300000);
echo "restart: ", str_replace("\n", '; ', trim(ctl($dir, 'restart', "$program:$w1"))), "\n";
wait_for(fn () => ($s = status($dir)[$w1]) && $s[0] === 'RUNNING' && $s[1] !== $first[$w1][1]) or print("worker 1 did not come back\n");
echo "worker 1 came back with a new pid\n";
both_working($server, $tube);

// A TERM from elsewhere (kill) is an intended stop: exit 0, expected, so
// supervisord leaves the worker stopped until asked.
usleep(300000);
$pid = status($dir)[$w0][1];
exec("kill -TERM $pid");
wait_for(fn () => status($dir)[$w0][0] === 'EXITED') or print("worker 0 did not stay down: " . ctl($dir, 'status'));
echo "worker 0 after kill -TERM: ", status($dir)[$w0][0], "\n";
echo "start: ", trim(ctl($dir, 'start', "$program:$w0")), "\n";
both_working($server, $tube);

// Every job done, each exactly once.
wait_for(function () use ($server, $tube) {
    $st = bs_stats($server, "stats-tube $tube");
    return $st && $st['current-jobs-ready'] === '0' && $st['current-jobs-reserved'] === '0';
}, 60) or print("jobs left\n");
$done = [];
foreach (glob("$dir/{$program}_*.log") as $log) {
    preg_match_all('/ done job (\d+): /', file_get_contents($log), $m);
    foreach ($m[1] as $id) {
        $done[$id] = ($done[$id] ?? 0) + 1;
    }
}
ksort($done);
echo "jobs done: ", count($done), " of ", count($ids), ", more than once: ", count(array_filter($done, fn ($n) => $n > 1)), "\n";
echo "missing: ", implode(' ', array_diff($ids, array_keys($done))) ?: 'none', "\n";
$last = status($dir);
echo "now: ", implode(', ', array_map(fn ($n, $s) => "$n {$s[0]}", array_keys($last), $last)), "\n";
$reasons = [];
foreach (glob("$dir/{$program}_*.log") as $log) {
    preg_match_all('/stopping on (\S+) .*\(exit code (\d+)\)/', file_get_contents($log), $m, PREG_SET_ORDER);
    foreach ($m as [, $why, $code]) {
        $reasons["$why $code"] = true;
    }
}
ksort($reasons);
echo "the workers logged: ", implode(', ', array_keys($reasons)), "\n";
// What supervisord made of the exits: 10 restarted, 0 left alone.
preg_match_all('/(exited|stopped): \S+ \((exit status \d+(?:; [\w ]+)?|terminated by \w+[^)]*)\)/', file_get_contents("$dir/supervisord.log"), $m, PREG_SET_ORDER);
foreach ($m as [, $what, $how]) {
    echo "supervisord: $what, $how\n";
}

proc_terminate($supervisord, SIGTERM);
$until = microtime(true) + 30;
while (proc_get_status($supervisord)['running'] && microtime(true) < $until) {
    usleep(50000);
}
// Five workers ran (two, then one after HUP, one after restart, one after
// start), and each must have ended clean under valgrind.
if (bs_under_valgrind()) {
    $logs = glob("$dir/valgrind.*.log");
    if (count($logs) !== 5) {
        echo "valgrind logs: ", count($logs), " of 5\n";
    }
    foreach ($logs as $log) {
        if (($problems = bs_valgrind_problems($log)) !== null) {
            echo "worker ", basename($log), ": $problems\n";
        }
    }
}
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECTF--
from the example: autorestart=unexpected, exitcodes=0, startsecs=0, stopsignal=TERM, stopwaitsecs=70
HUP: %s
worker 0 came back with a new pid
restart: %s
worker 1 came back with a new pid
worker 0 after kill -TERM: EXITED
start: %s
jobs done: 60 of 60, more than once: 0
missing: none
now: %s RUNNING, %s RUNNING
the workers logged: SIGHUP 10, SIGTERM 0
supervisord: exited, exit status 10; not expected
supervisord: stopped, exit status 0
supervisord: exited, exit status 0; expected
