--TEST--
Worker: a signal while the handler runs lets the job finish (and be deleted), then run() returns
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

$server = bs_server();
$code = <<<'PHP'
    [, $server, $tube] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), ['reserve_timeout' => 30]);
    $reason = $w->run(function (Beanstalk\Job $job) {
        echo "running {$job->data}\n";
        // Half a second of work; a signal does not cut it short.
        $until = microtime(true) + 0.5;
        while (microtime(true) < $until) {
            usleep(10000);
        }
        echo "finished {$job->data}\n";
    });
    $s = $w->stats();
    echo "reason $reason, processed {$s['processed']}, deleted {$s['deleted']}\n";
    exit($reason);
    PHP;
foreach ([SIGTERM => 'TERM', SIGINT => 'INT', SIGQUIT => 'QUIT', SIGHUP => 'HUP'] as $signo => $name) {
    $tube = bs_tube('worker_signal_job');
    $q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
    $first = $q->put('first');
    $second = $q->put('second');
    $child = new BsChild($code, [$server, $tube]);
    echo "$name: ", $child->line(), "\n";
    usleep(100000);
    $child->signal($signo);
    echo $child->line(), "\n", $child->line(), "\n";
    echo "exit ", $child->wait(), "\n";
    // The finished job is deleted; the next one was never taken.
    var_dump(bs_call($server, "stats-job $first"), bs_stat($server, "stats-job $second", 'state'),
        bs_stat($server, "stats-job $second", 'reserves'));
}
?>
--EXPECT--
TERM: running first
finished first
reason 0, processed 1, deleted 1
exit 0
string(11) "NOT_FOUND
"
string(5) "ready"
string(1) "0"
INT: running first
finished first
reason 0, processed 1, deleted 1
exit 0
string(11) "NOT_FOUND
"
string(5) "ready"
string(1) "0"
QUIT: running first
finished first
reason 0, processed 1, deleted 1
exit 0
string(11) "NOT_FOUND
"
string(5) "ready"
string(1) "0"
HUP: running first
finished first
reason 10, processed 1, deleted 1
exit 10
string(11) "NOT_FOUND
"
string(5) "ready"
string(1) "0"
