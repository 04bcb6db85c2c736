--TEST--
Worker: coexists with ext/pcntl; handlers installed before run() are back after it, async signal handlers run between waits
--EXTENSIONS--
beanstalk
pcntl
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

$server = bs_server();
$tube = bs_tube('worker_pcntl');
$code = <<<'PHP'
    [, $server, $tube] = $argv;
    $done = false;
    pcntl_async_signals(true);
    pcntl_signal(SIGTERM, function () use (&$done) { echo "user TERM handler\n"; $done = true; });
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), ['reserve_timeout' => 1]);
    // A PHP signal handler runs between waits: it may stop the worker.
    pcntl_signal(SIGUSR1, function () use ($w) { echo "USR1 handler: state {$w->stats()['state']}, stopping\n"; $w->stop(); });
    $reason = $w->run(fn () => null);
    echo "run 1: $reason\n";
    // During run() the worker owns TERM...
    $reason = $w->run(fn () => null);
    echo "run 2: $reason\n";
    // ...and afterwards the handler from before is back.
    echo "waiting\n";
    $until = microtime(true) + 20;
    while (!$done && microtime(true) < $until) {
        usleep(10000);
    }
    // Without async signals, pcntl_signal_dispatch() still delivers.
    pcntl_async_signals(false);
    $reason = $w->run(function () { echo "job\n"; });
    echo "run 3: $reason\n";
    pcntl_signal_dispatch();
    PHP;
$child = new BsChild($code, [$server, $tube]);
bs_wait_waiting($server, $tube) or print("never waited\n");
$child->signal(SIGUSR1);
echo $child->line(), "\n", $child->line(), "\n";
bs_wait_waiting($server, $tube) or print("never waited\n");
$t = microtime(true);
$child->signal(SIGTERM);
echo $child->line(), "\n";
echo microtime(true) - $t < bs_seconds(0.5) ? "at once\n" : "late\n";
echo $child->line(), "\n";
$child->signal(SIGTERM);
echo $child->line(), "\n";
bs_wait_waiting($server, $tube) or print("never waited\n");
$child->signal(SIGUSR1);      // queued: no async signals now
(new Beanstalk\Queue($server, ['tube' => $tube]))->put('x');
echo $child->line(), "\n";
$child->signal(SIGHUP);
echo $child->line(), "\n", $child->line(), "\n";
echo "exit ", $child->wait(), "\n";
?>
--EXPECT--
USR1 handler: state waiting, stopping
run 1: 14
run 2: 0
at once
waiting
user TERM handler
job
run 3: 10
USR1 handler: state idle, stopping
exit 0
