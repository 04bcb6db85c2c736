--TEST--
Durability: 3 Workers drain a beanstalkd with a binlog that is killed (SIGKILL) four times and restarted; no job is lost, the tube ends empty (deletes stay done), a job runs twice only when its delete was lost with the connection
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

const WORKERS = 3;
$jobs = bs_count(900, 45);
$dir = sys_get_temp_dir() . '/bs-durability-worker-' . getmypid();
@mkdir("$dir/binlog", 0700, true);
// -f 0: beanstalkd syncs the binlog on every write, before it answers.
$srv = new BsServer(0, ['-b', "$dir/binlog", '-f', '0']);
register_shutdown_function(function () use ($srv, $dir) {
    $srv->stop();
    array_map('unlink', glob("$dir/binlog/*") ?: []);
    array_map('unlink', glob("$dir/*.done") ?: []);
    @rmdir("$dir/binlog");
    @rmdir($dir);
});
$tube = bs_tube('durability_worker');
bs_fill($srv->address, $tube, $jobs, fn ($i) => "j$i");

// Each handler writes its job down before it returns (and the worker deletes
// the job); a few milliseconds of work, so that kills fall among jobs.
$code = <<<'PHP'
    [, $server, $tube, $file, $reconnect] = $argv;
    $done = fopen($file, 'w');
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]),
        ['reserve_timeout' => 1, 'reconnect_timeout' => (float)$reconnect]);
    $reason = $w->run(function (Beanstalk\Job $job) use ($done) {
        usleep(3000);
        fwrite($done, "{$job->data}\n");
    });
    $s = $w->stats();
    echo "reason $reason processed {$s['processed']} lost {$s['lost']} reconnects {$s['reconnects']}\n";
    exit($reason);
    PHP;
$workers = [];
for ($k = 0; $k < WORKERS; $k++) {
    $workers[$k] = new BsChild($code, [$srv->address, $tube, "$dir/$k.done", bs_seconds(30)]);
}

/** How many jobs the handlers wrote down, duplicates included. */
function handled(string $dir): int
{
    $n = 0;
    foreach (glob("$dir/*.done") as $file) {
        $n += substr_count((string)file_get_contents($file), "\n");
    }
    return $n;
}

// Four kills, each once the handlers have done a share of the jobs (or
// after a while, whatever they did).
$kills = 0;
foreach ([0.15, 0.35, 0.55, 0.75] as $share) {
    $until = microtime(true) + bs_seconds(10);
    while (handled($dir) < $share * $jobs && microtime(true) < $until) {
        usleep(bs_poll_us());
    }
    $srv->stop();
    $kills++;
    usleep(300000);
    $srv->start();
}
echo "killed $kills times while the workers ran\n";

// Every job done (written down), the tube empty: then the workers stop.
$all = [];
for ($i = 0; $i < $jobs; $i++) {
    $all["j$i"] = 0;
}
$until = microtime(true) + bs_seconds(30);
do {
    usleep(50000);
    $seen = [];
    foreach (glob("$dir/*.done") as $file) {
        foreach (file($file, FILE_IGNORE_NEW_LINES) ?: [] as $payload) {
            $seen[$payload] = ($seen[$payload] ?? 0) + 1;
        }
    }
    $st = bs_stats($srv->address, "stats-tube $tube");
    $empty = $st && $st['current-jobs-ready'] === '0' && $st['current-jobs-reserved'] === '0'
        && $st['current-jobs-delayed'] === '0' && $st['current-jobs-buried'] === '0';
} while ((count(array_intersect_key($seen, $all)) < $jobs || !$empty) && microtime(true) < $until);
// Every worker in run() (watching the tube), so that TERM finds its handler
// and not a process still starting (which takes seconds under valgrind).
$until = microtime(true) + bs_seconds(5);
while (bs_stat($srv->address, "stats-tube $tube", 'current-watching') !== (string)WORKERS) {
    if (microtime(true) > $until) {
        echo "not every worker came to work\n";
        break;
    }
    usleep(bs_poll_us());
}
foreach ($workers as $child) {
    $child->signal(SIGTERM);
}
$lost = 0;
$stopped = 0;
foreach ($workers as $k => $child) {
    $exit = $child->wait(bs_seconds(20));
    $out = $child->rest();
    if ($exit === 0 && preg_match('/^reason 0 processed (\d+) lost (\d+) reconnects (\d+)$/m', $out, $m)) {
        $stopped++;
        $lost += (int)$m[2];
    } else {
        echo "worker $k: exit $exit, said: $out", $child->log();
    }
}
echo "workers stopped by SIGTERM: $stopped of ", WORKERS, "\n";

// One more kill with everything quiet: the binlog alone must know that
// every job was deleted.
$srv->stop();
$srv->start();
$st = bs_stats($srv->address, "stats-tube $tube");
$leftover = $st ? array_sum(array_map('intval', [$st['current-jobs-ready'], $st['current-jobs-reserved'],
    $st['current-jobs-delayed'], $st['current-jobs-buried']])) : 0;
echo "tube empty, also after a restart: ", $empty && $leftover === 0 ? 'yes' : "no ($leftover left)", "\n";

$missing = array_keys(array_diff_key($all, $seen));
$stranger = array_keys(array_diff_key($seen, $all));
$again = 0;
$twice = 0;
foreach ($seen as $n) {
    $again += $n - 1;
    $twice += $n > 1;
}
echo "jobs never done: ", implode(' ', $missing) ?: 'none', "\n";
echo "done but never put: ", implode(' ', $stranger) ?: 'none', "\n";
// A job runs again only when the worker that did it lost the connection
// before the server had its delete; the workers count those as lost.
echo "runs beyond the first: ", $again <= $lost ? 'no more than the lost deletes' : "$again, with $lost lost deletes", "\n";

file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', sprintf("durability_worker: %d jobs, %d workers, %d kills; %d jobs done more than once (%d runs beyond the first), %d deletes lost with the connection\n",
    $jobs, WORKERS, $kills, $twice, $again, $lost), FILE_APPEND);
?>
--EXPECT--
killed 4 times while the workers ran
workers stopped by SIGTERM: 3 of 3
tube empty, also after a restart: yes
jobs never done: none
done but never put: none
runs beyond the first: no more than the lost deletes
