--TEST--
Worker: every stop reason is its own exit code for exit($worker->run(...)); exit() and fatal errors in a handler give the job back at once
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\Worker;

$server = bs_server();
$port = bs_free_port();
$code = <<<'PHP'
    [, $server, $tube, $how, $port] = $argv;
    $options = match ($how) {
        'max_jobs' => ['max_jobs' => 1],
        'max_runtime' => ['max_runtime' => 0.2],
        'memory' => ['rss_limit' => 1],
        'connection' => ['reconnect_timeout' => 0.3],
        default => [],
    };
    $q = new Beanstalk\Queue($how === 'connection' ? "127.0.0.1:$port" : $server, ['watch' => [$tube]]);
    $w = new Beanstalk\Worker($q, $options + ['reserve_timeout' => 1]);
    echo "ready\n";
    exit($w->run(function (Beanstalk\Job $job, Beanstalk\Worker $w) use ($how) {
        echo "job\n";
        match ($how) {
            'stop' => $w->stop(),
            'exit' => exit(3),
            'fatal' => trigger_error('the handler cannot go on', E_USER_ERROR),
            default => null,
        };
    }));
    PHP;
$cases = [
    'TERM' => Worker::STOP_SIGNAL, 'HUP' => Worker::STOP_RESTART, 'max_jobs' => Worker::STOP_MAX_JOBS,
    'max_runtime' => Worker::STOP_MAX_RUNTIME, 'memory' => Worker::STOP_MEMORY, 'stop' => Worker::STOP_REQUESTED,
    'connection' => Worker::STOP_CONNECTION, 'exit' => 3, 'fatal' => 255,
];
foreach ($cases as $how => $want) {
    $tube = bs_tube('worker_exit_codes');
    $q = new Beanstalk\Queue($server, ['tube' => $tube]);
    $id = in_array($how, ['max_jobs', 'stop', 'exit', 'fatal']) ? $q->put($how) : 0;
    $child = new BsChild($code, [$server, $tube, $how, $port], [], $how === 'fatal' ? BS_VALGRIND_FATAL_END : []);
    $child->line();
    if ($how === 'TERM' || $how === 'HUP') {
        bs_wait_waiting($server, $tube);
        $child->signal($how === 'TERM' ? SIGTERM : SIGHUP);
    }
    $exit = $child->wait();
    printf("%-11s exit %3d %s", $how, $exit, $exit === $want ? "as it should\n" : "instead of $want\n");
    if ($how === 'exit' || $how === 'fatal') {
        // Given back when the process closed its connection: ready at once,
        // no attempt counted.
        $st = bs_stats($server, "stats-job $id");
        echo "  job {$st['state']}, releases {$st['releases']}, timeouts {$st['timeouts']}\n";
    }
}
?>
--EXPECT--
TERM        exit   0 as it should
HUP         exit  10 as it should
max_jobs    exit  11 as it should
max_runtime exit  12 as it should
memory      exit  13 as it should
stop        exit  14 as it should
connection  exit  15 as it should
exit        exit   3 as it should
  job ready, releases 0, timeouts 0
fatal       exit 255 as it should
  job ready, releases 0, timeouts 0
