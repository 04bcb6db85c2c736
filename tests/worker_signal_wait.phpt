--TEST--
Worker: SIGTERM, SIGINT, SIGQUIT and SIGHUP end the wait for a job within milliseconds, not at the end of the slice
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
$tube = bs_tube('worker_signal_wait');
// A slice of 30 s: only the signal can end the wait in time.
$code = <<<'PHP'
    [, $server, $tube] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), ['reserve_timeout' => 30]);
    $reason = $w->run(function () { echo "a job?\n"; });
    printf("%.6f reason %d signal %d\n", microtime(true), $reason, $w->stats()['stop_signal']);
    exit($reason);
    PHP;
foreach ([SIGTERM => 'TERM', SIGINT => 'INT', SIGQUIT => 'QUIT', SIGHUP => 'HUP'] as $signo => $name) {
    $child = new BsChild($code, [$server, $tube]);
    if (!bs_wait_waiting($server, $tube)) {
        echo "the worker never waited\n";
    }
    usleep(200000);
    $sent = microtime(true);
    $child->signal($signo);
    [$at, , $reason, , $signal] = explode(' ', (string)$child->line());
    $latency = (float)$at - $sent;
    printf("%-4s reason %d, signal %s, exit %d, %s\n", $name, $reason, $signal == $signo ? 'right' : $signal,
        $child->wait(), $latency < bs_seconds(0.25) ? 'at once' : "after $latency s");
    // The connection is gone: no waiting worker is left behind (the server
    // drops a tube that nobody watches and that holds no job: none waits).
    $until = microtime(true) + 5;
    while (!in_array(bs_stat($server, "stats-tube $tube", 'current-waiting'), ['0', null], true) && microtime(true) < $until) {
        usleep(10000);
    }
    echo $child->log();
}
// A job put now is still there for the next worker.
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('still here');
var_dump($q->reserve(0)?->id === $id);
?>
--EXPECTF--
TERM reason 0, signal right, exit 0, at once
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: stopping on SIGTERM after 0 jobs (%d failed, %d buried) in %f s, %f jobs/s (exit code 0)
INT  reason 0, signal right, exit 0, at once
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: stopping on SIGINT after 0 jobs (%d failed, %d buried) in %f s, %f jobs/s (exit code 0)
QUIT reason 0, signal right, exit 0, at once
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: stopping on SIGQUIT after 0 jobs (%d failed, %d buried) in %f s, %f jobs/s (exit code 0)
HUP  reason 10, signal right, exit 10, at once
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: stopping on SIGHUP (restart) after 0 jobs (%d failed, %d buried) in %f s, %f jobs/s (exit code 10)
bool(true)
