--TEST--
Worker: after run() returns, max_execution_time applies again
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

// In a child, which ends in the fatal error on purpose (under valgrind with
// the engine's tracking allocator, which frees what the error left behind,
// as the Zend heap does).
$code = <<<'PHP'
    use Beanstalk\{Queue, Worker};

    [, $server, $tube] = $argv;
    // The second of max_execution_time counts from here: the CPU time of
    // the start under valgrind on a loaded machine (compiling worker.inc)
    // can come near a second by itself.
    set_time_limit(1);
    $w = new Worker(new Queue($server, ['watch' => [$tube]]), ['max_runtime' => 0.2]);
    var_dump($w->run(fn () => null) === Worker::STOP_MAX_RUNTIME);
    echo "burning\n";
    // max_execution_time counts CPU time: burn up to 10 s of it, where the
    // limit is 1 s (a bound on the wall clock too, for a machine busy with
    // other things). Only a failure burns it all.
    $cpu = function (): float {
        $r = getrusage();
        return $r['ru_utime.tv_sec'] + $r['ru_stime.tv_sec'] + ($r['ru_utime.tv_usec'] + $r['ru_stime.tv_usec']) / 1e6;
    };
    $from = $cpu();
    $start = microtime(true);
    $until = $start + (float)$argv[3];
    while ($cpu() - $from < 10 && microtime(true) < $until) {
    }
    // What a failure needs to be understood: the CPU and wall time the
    // loop took, and the signals pending on the process, blocked, caught.
    $status = preg_grep('/^(ShdPnd|SigPnd|SigBlk|SigCgt):/', file('/proc/self/status', FILE_IGNORE_NEW_LINES));
    printf("not reached: %.2f s of CPU in %.2f s, max_execution_time %s, %s\n", $cpu() - $from, microtime(true) - $start,
        ini_get('max_execution_time'), implode(' ', array_map(fn ($l) => preg_replace('/\s+/', ' ', $l), $status)));
    PHP;
$child = new BsChild($code, [bs_server(), bs_tube('worker_max_runtime_restore'), bs_seconds(30)],
    // PHP 8.5 adds a stack trace to fatal errors unless told not to (an
    // unknown setting before it).
    // No hard timeout: its 2 s of CPU after the limit are for the fatal
    // error's shutdown, which under valgrind on a loaded machine can near it.
    ['max_execution_time' => 1, 'hard_timeout' => 0, 'display_errors' => 1, 'log_errors' => 0, 'fatal_error_backtraces' => 0], BS_VALGRIND_FATAL_END);
echo $child->rest();
echo "exit ", $child->wait(), "\n";
?>
--EXPECTF--
bool(true)
burning

Fatal error: Maximum execution time of 1 second exceeded in %s on line %d
exit 255
