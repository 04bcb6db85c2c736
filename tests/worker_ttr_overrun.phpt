--TEST--
Worker: past its TTR limit, a busy handler gets the exception in its own code; one that swallows it, or is stuck in a C call, ends the process (exit 16) and the job is given back
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Queue, Worker};

$server = bs_server();
$code = <<<'PHP'
    [, $server, $tube, $mode, $ttr, $margin] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]),
        ['max_jobs' => 1, 'backoff' => 4, 'ttr_margin' => (float)$margin]);
    exit($w->run(function () use ($mode, $ttr) {
        echo "started\n";
        if ($mode === 'busy') {
            // The exception comes inside the handler's own code, wherever
            // it is; given up in time, the job counts as done and is deleted.
            $start = microtime(true);
            try {
                while (true) {
                }
            } catch (Beanstalk\TtrExceededException $e) {
                $t = microtime(true) - $start;
                printf("caught after %s\n", $t > 0.4 * $ttr && $t < 0.9 * $ttr ? 'about half the TTR' : "$t s of a TTR of $ttr s");
            }
            return;
        }
        if ($mode === 'swallow') {
            while (true) {
                try {
                    usleep(10000);
                } catch (Beanstalk\TtrExceededException $e) {
                    echo "swallowed\n";
                }
            }
        }
        // One long call in C: no PHP code runs until it returns.
        hash_pbkdf2('sha256', 'x', 'salt', 300000000);
        echo "returned\n";
    }));
    PHP;
// busy: ttr 1, margin 0.5 s (half the TTR). swallow and stuck: ttr 3,
// margin 1 s: the exception at 2 s, the end of the process at 2.5 s.
// Under valgrind, twice that: the watchdog was seen up to 0.3 s late there.
$k = bs_under_valgrind() ? 2 : 1;
foreach (['busy' => [1, 1], 'swallow' => [3, 1], 'stuck' => [3, 1]] as $mode => [$ttr, $margin]) {
    $ttr *= $k;
    $tube = bs_tube('worker_ttr_overrun');
    $q = new Queue($server, ['tube' => $tube]);
    $id = $q->put($mode, 50, 0, $ttr);
    // Under valgrind, a child that the watchdog ends with _exit() is checked
    // for memory errors only: nothing is freed on that way out.
    $child = new BsChild($code, [$server, $tube, $mode, $ttr, $margin * $k], [], $mode === 'busy' ? [] : BS_VALGRIND_ABRUPT_END);
    // The job is reserved just before the handler starts: time from there
    // (a child's start takes seconds under valgrind).
    $started = $child->line(bs_seconds(20));
    $start = microtime(true);
    $exit = $child->wait(bs_seconds(30));
    $took = microtime(true) - $start;
    echo "$mode: exit $exit", $exit === Worker::EXIT_TTR_OVERRUN ? ($took < $ttr ? ', before the TTR ran out' : ", after $took s") : '', "\n";
    echo "$started\n", preg_replace('/^swallowed\n(swallowed\n)+/m', "swallowed, again and again\n", $child->rest());
    $st = bs_stats($server, "stats-job $id");
    echo $st ? "state {$st['state']}, delay {$st['delay']}, releases {$st['releases']}, timeouts {$st['timeouts']}\n" : "deleted\n";
    echo preg_replace(['/ \d+\.\d s before/', "/time-to-run of $ttr s/"], [' … before', 'time-to-run of TTR s'], $child->log());
}
?>
--EXPECTF--
busy: exit 11
started
caught after about half the TTR
deleted
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: stopping on max_jobs after 1 jobs (%d failed, %d buried) in %f s, %f jobs/s (exit code 11)
swallow: exit 16, before the TTR ran out
started
swallowed, again and again
state delayed, delay 4, releases 1, timeouts 0
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: job %d (tube worker_ttr_overrun-%s) was still running … before its time-to-run of TTR s ran out (stuck in a call that does not return, or ignoring TtrExceededException): released it and ended the process with exit code 16
stuck: exit 16, before the TTR ran out
started
state delayed, delay 4, releases 1, timeouts 0
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: job %d (tube worker_ttr_overrun-%s) was still running … before its time-to-run of TTR s ran out (stuck in a call that does not return, or ignoring TtrExceededException): released it and ended the process with exit code 16
