--TEST--
Worker behind a proxy that cuts the connection after every reply: the job comes back each time, and the worker backs off (0.1, 0.2, 0.4, 0.8 s...) instead of running it again and again at full speed
--EXTENSIONS--
beanstalk
pcntl
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/fault_proxy.inc';
bs_fault_proxy_skipif();
if (getenv('USE_ZEND_ALLOC') === '0') die('skip the worker runs in a child process: no use under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
require __DIR__ . '/fault_proxy.inc';

const WATCH = 3.0;      // s
const MAX_RUNS = 8;     // 0.1 + 0.2 + 0.4 + 0.8 + 1.6 s of back-off: 5 or 6 runs in 3 s

$server = bs_server();
$tube = bs_tube('fault_proxy_worker');
$proxy = new BsFaultProxy($server);
$proxy->next('cut_after_reply');
$id = (new Beanstalk\Queue($server, ['tube' => $tube]))->put('again');

$code = <<<'PHP'
    [, $server, $tube] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), ['reserve_timeout' => 1, 'reconnect_timeout' => 30]);
    exit($w->run(function (Beanstalk\Job $job) {
        printf("run %d %.4f\n", $job->id, microtime(true));
    }));
    PHP;
$child = new BsChild($code, [$proxy->address, $tube]);
$until = microtime(true) + WATCH;
$runs = [];
while (($left = $until - microtime(true)) > 0) {
    $line = $child->line($left);
    if ($line !== null) {
        $runs[] = explode(' ', $line);
    }
}
$child->signal(SIGTERM);
echo 'exit ', $child->wait(10), "\n";
$connections = $proxy->connections();

echo 'the same job each time: ', array_unique(array_column($runs, 1)) === [(string)$id] ? 'yes' : 'no', "\n";
echo 'runs in 3 s: ', count($runs) >= 3 && count($runs) <= MAX_RUNS ? 'between 3 and ' . MAX_RUNS : count($runs) . ' (' . json_encode($runs) . ')', "\n";
echo 'connections: ', $connections >= count($runs) && $connections <= MAX_RUNS + 1 ? 'one per run (or one more)' : "$connections for " . count($runs) . ' runs', "\n";
// Each wait is at least the back-off, which doubles from 0.1 s.
$gaps = [];
for ($i = 1; $i < count($runs); $i++) {
    $gaps[] = (float)$runs[$i][2] - (float)$runs[$i - 1][2];
}
$short = array_filter($gaps, fn($gap, $i) => $gap < 0.1 * 2 ** $i - 0.01, ARRAY_FILTER_USE_BOTH);
echo 'the waits double: ', $short ? 'no: ' . json_encode($gaps) : 'yes', "\n";
// The job was never deleted: it is back in the tube (once the proxy has
// seen the worker's connection close).
$until = microtime(true) + 5;
while (($state = bs_stat($server, "stats-job $id", 'state')) === 'reserved' && microtime(true) < $until) {
    usleep(20000);
}
echo 'the job is back in the tube: ', $state, "\n";
bs_call($server, "delete $id");
?>
--EXPECT--
exit 0
the same job each time: yes
runs in 3 s: between 3 and 8
connections: one per run (or one more)
the waits double: yes
the job is back in the tube: ready
