--TEST--
Worker over three servers: two workers (prefetch 1 and 4) take jobs from all of them while each server in turn is killed (SIGKILL, with a binlog) and started again; the others keep serving, no job is lost, a job runs again only when its delete was lost with the connection, and nothing is left reserved
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

const SERVERS = 3;
const WORKERS = 2;
$perServer = bs_count(200, 30);
$jobs = SERVERS * $perServer;
$dir = sys_get_temp_dir() . '/bs-worker-pool-' . getmypid();
$servers = [];
for ($s = 0; $s < SERVERS; $s++) {
    @mkdir("$dir/binlog$s", 0700, true);
    $servers[$s] = new BsServer(0, ['-b', "$dir/binlog$s"]);
}
register_shutdown_function(function () use ($servers, $dir) {
    foreach ($servers as $s => $srv) {
        $srv->stop();
        array_map('unlink', glob("$dir/binlog$s/*") ?: []);
        @rmdir("$dir/binlog$s");
    }
    array_map('unlink', glob("$dir/*.done") ?: []);
    @rmdir($dir);
});
$addresses = array_map(fn ($srv) => $srv->address, $servers);
$tube = bs_tube('worker_pool');
foreach ($servers as $s => $srv) {
    bs_fill($srv->address, $tube, $perServer, fn ($i) => "s$s-j$i");
}

$code = <<<'PHP'
    [, $servers, $tube, $file, $prefetch, $reconnect] = $argv;
    $done = fopen($file, 'w');
    $w = new Beanstalk\Worker(new Beanstalk\Queue(explode(',', $servers), ['watch' => [$tube]]),
        ['reserve_timeout' => 1, 'prefetch' => (int)$prefetch, 'reconnect_timeout' => (float)$reconnect]);
    $reason = $w->run(function (Beanstalk\Job $job) use ($done) {
        usleep(2000);
        fwrite($done, "{$job->data} {$job->server}\n");
    });
    $s = $w->stats();
    echo "reason $reason processed {$s['processed']} lost {$s['lost']} prefetched {$s['prefetched']}\n";
    exit($reason);
    PHP;
$workers = [];
foreach ([1, 4] as $k => $prefetch) {
    $workers[$k] = new BsChild($code, [implode(',', $addresses), $tube, "$dir/$k.done", $prefetch, bs_seconds(30)]);
}

/** The jobs the handlers wrote down: payload => times. */
function done_jobs(string $dir): array
{
    $seen = [];
    foreach (glob("$dir/*.done") as $file) {
        foreach (file($file, FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            [$payload] = explode(' ', $line);
            $seen[$payload] = ($seen[$payload] ?? 0) + 1;
        }
    }
    return $seen;
}

// Each server in turn is killed once the handlers have done a share of the
// jobs; the second stays down for a while, and the others must keep serving.
$servedWhileDown = null;
foreach ([0.2, 0.45, 0.7] as $s => $share) {
    $until = microtime(true) + bs_seconds(15);
    while (array_sum(done_jobs($dir)) < $share * $jobs && microtime(true) < $until) {
        usleep(bs_poll_us());
    }
    $servers[$s]->stop();
    $before = array_sum(done_jobs($dir));
    usleep($s === 1 ? 1500000 : 300000);
    if ($s === 1) {
        $servedWhileDown = array_sum(done_jobs($dir)) - $before;
    }
    $servers[$s]->start();
}
echo "the others served while one was down: ", $servedWhileDown > 0 ? 'yes' : 'no', "\n";

// Every job done, every tube empty: then the workers stop.
$all = [];
for ($s = 0; $s < SERVERS; $s++) {
    for ($i = 0; $i < $perServer; $i++) {
        $all["s$s-j$i"] = 0;
    }
}
$empty = function () use ($addresses, $tube): bool {
    foreach ($addresses as $a) {
        $st = bs_stats($a, "stats-tube $tube");
        if ($st && ($st['current-jobs-ready'] !== '0' || $st['current-jobs-reserved'] !== '0' || $st['current-jobs-delayed'] !== '0'
            || $st['current-jobs-buried'] !== '0')) {
            return false;
        }
    }
    return true;
};
$until = microtime(true) + bs_seconds(40);
do {
    usleep(50000);
    $seen = done_jobs($dir);
} while ((count(array_intersect_key($seen, $all)) < $jobs || !$empty()) && microtime(true) < $until);
foreach ($workers as $child) {
    $child->signal(SIGTERM);
}
$lost = 0;
$stopped = 0;
$prefetched = 0;
foreach ($workers as $k => $child) {
    $exit = $child->wait(bs_seconds(20));
    $out = $child->rest();
    if ($exit === 0 && preg_match('/^reason 0 processed (\d+) lost (\d+) prefetched (\d+)$/m', $out, $m)) {
        $stopped++;
        $lost += (int)$m[2];
        $prefetched += (int)$m[3];
    } else {
        echo "worker $k: exit $exit, said: $out", $child->log();
    }
}
echo "workers stopped by SIGTERM: $stopped of ", WORKERS, "\n";

// Nothing left reserved or ready, also after each server restarts on its
// binlog alone.
foreach ($servers as $srv) {
    $srv->stop();
    $srv->start();
}
echo "every tube empty, also after a restart: ", $empty() ? 'yes' : 'no', "\n";
$missing = array_keys(array_diff_key($all, $seen));
$again = 0;
foreach ($seen as $n) {
    $again += $n - 1;
}
echo "jobs never done: ", implode(' ', $missing) ?: 'none', "\n";
echo "runs beyond the first: ", $again <= $lost ? 'no more than the lost deletes' : "$again, with $lost lost deletes", "\n";
$from = [];
foreach (glob("$dir/*.done") as $file) {
    foreach (file($file, FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        [$payload, $server] = explode(' ', $line);
        $from[$server === $addresses[(int)substr($payload, 1)] ? 'own' : 'other'][] = 1;
    }
}
echo "each job came from its own server: ", empty($from['other']) ? 'yes' : 'no', "\n";
file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', sprintf("worker_pool: %d jobs on %d servers, %d workers, %d kills; %d runs beyond the first, %d deletes lost, %d jobs reserved ahead\n",
    $jobs, SERVERS, WORKERS, SERVERS, $again, $lost, $prefetched), FILE_APPEND);
?>
--EXPECT--
the others served while one was down: yes
workers stopped by SIGTERM: 2 of 2
every tube empty, also after a restart: yes
jobs never done: none
runs beyond the first: no more than the lost deletes
each job came from its own server: yes
