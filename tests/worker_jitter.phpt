--TEST--
Worker: runtime_jitter adds a random extra of 0..runtime_jitter seconds to max_runtime, different for every run and every worker
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
error_log=/dev/null
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Queue, Worker};

$server = bs_server();
$tube = bs_tube('worker_jitter');
$w = new Worker(new Queue($server, ['watch' => [$tube]]), ['max_runtime' => 0.02, 'runtime_jitter' => 0.3]);
$limits = [];
$late = 0;
for ($i = 0; $i < 12; $i++) {
    $start = microtime(true);
    $reason = $w->run(fn () => null);
    $took = microtime(true) - $start;
    $limit = $w->stats()['runtime_limit'];
    $limits[] = $limit;
    if ($reason !== Worker::STOP_MAX_RUNTIME || $limit < 0.02 || $limit > 0.32) {
        echo "run $i: reason $reason, limit $limit\n";
    }
    // It stops at its own limit, not at the end of a slice.
    $late += $took < $limit || $took > $limit + (bs_under_valgrind() ? 0.5 : 0.1);
}
echo "late or early: $late\n";
echo "distinct limits: ", count(array_unique(array_map(fn ($l) => sprintf('%.6f', $l), $limits))), "\n";
echo max($limits) - min($limits) > 0.1 ? "spread over the range\n" : "bunched: " . implode(' ', $limits) . "\n";

// A fleet started together does not stop together.
$code = <<<'PHP'
    [, $server, $tube] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), ['max_runtime' => 0.2, 'runtime_jitter' => 1]);
    $reason = $w->run(fn () => null);
    printf("%d %.6f %.6f\n", $reason, $w->stats()['runtime_limit'], microtime(true));
    PHP;
$children = [];
for ($i = 0; $i < 6; $i++) {
    $children[] = new BsChild($code, [$server, $tube]);
}
$ends = [];
foreach ($children as $child) {
    [$reason, $limit, $end] = explode(' ', (string)$child->line());
    $ends[] = (float)$end;
    if ($reason != Worker::STOP_MAX_RUNTIME || $limit < 0.2 || $limit > 1.2) {
        echo "child: reason $reason, limit $limit\n";
    }
}
// Each child ends by itself (and under valgrind, its leak check with it).
foreach ($children as $child) {
    if (($exit = $child->wait(bs_seconds(10))) !== 0) {
        echo "child: exit $exit\n";
    }
}
sort($ends);
$gaps = array_map(fn ($a, $b) => $b - $a, array_slice($ends, 0, -1), array_slice($ends, 1));
echo max($ends) - min($ends) > 0.1 ? "the fleet stopped spread out\n" : "the fleet stopped together\n";
?>
--EXPECT--
late or early: 0
distinct limits: 12
spread over the range
the fleet stopped spread out
