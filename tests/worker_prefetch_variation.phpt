--TEST--
Worker option prefetch: two workers at prefetch 8 share 1000 jobs, each job runs exactly once, and nothing is left reserved
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

$srv = new BsServer();
$tube = bs_tube('prefetch_two');
$jobs = bs_count(1000, 100);
$dir = sys_get_temp_dir() . '/bs-prefetch-two-' . getmypid();
@mkdir($dir);

$code = <<<'PHP'
    [, $server, $tube, $file] = $argv;
    $done = fopen($file, 'w');
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), ['reserve_timeout' => 1, 'prefetch' => 8]);
    $reason = $w->run(function (Beanstalk\Job $job) use ($done) {
        usleep(500);
        fwrite($done, "{$job->data}\n");
    });
    $s = $w->stats();
    echo "reason $reason processed {$s['processed']} prefetched {$s['prefetched']} handed back {$s['prefetch_released']}\n";
    PHP;
$children = [new BsChild($code, [$srv->address, $tube, "$dir/0.done"]), new BsChild($code, [$srv->address, $tube, "$dir/1.done"])];
// Both waiting before the jobs come, so that each gets its share (a worker
// starts in seconds under valgrind).
if (!bs_wait_waiting($srv->address, $tube, 2)) {
    echo "the workers did not both come to wait\n";
}
bs_fill($srv->address, $tube, $jobs, fn ($i) => "j$i");
$seen = [];
$until = microtime(true) + bs_seconds(30);
do {
    usleep(50000);
    $seen = [];
    foreach (glob("$dir/*.done") as $file) {
        foreach (file($file, FILE_IGNORE_NEW_LINES) ?: [] as $payload) {
            $seen[$payload] = ($seen[$payload] ?? 0) + 1;
        }
    }
} while (count($seen) < $jobs && microtime(true) < $until);
foreach ($children as $child) {
    $child->signal(SIGTERM);
}
$processed = [];
foreach ($children as $k => $child) {
    $child->wait(bs_seconds(20));
    $out = $child->rest();
    if (preg_match('/^reason 0 processed (\d+) prefetched (\d+) handed back (\d+)$/m', $out, $m)) {
        $processed[] = (int)$m[1];
        echo "worker $k: took its share: ", $m[1] > $jobs / 10 ? 'yes' : "no ({$m[1]})", ", reserved ahead: ", $m[2] > 0 ? 'yes' : 'no', "\n";
    } else {
        echo "worker $k said: $out", $child->log();
    }
}
echo "every job once: ", count($seen) === $jobs && max($seen) === 1 ? 'yes' : 'no (' . count($seen) . ' jobs, at most ' . max($seen ?: [0]) . ' runs)', "\n";
echo "processed adds up: ", array_sum($processed) === $jobs ? 'yes' : 'no', "\n";
$t = bs_stats($srv->address, "stats-tube $tube");
echo "left: ready ", $t["current-jobs-ready"] ?? 0, ", reserved ", $t["current-jobs-reserved"] ?? 0, "\n";
array_map('unlink', glob("$dir/*.done") ?: []);
rmdir($dir);
?>
--EXPECT--
worker 0: took its share: yes, reserved ahead: yes
worker 1: took its share: yes, reserved ahead: yes
every job once: yes
processed adds up: yes
left: ready 0, reserved 0
