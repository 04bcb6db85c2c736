--TEST--
Worker: a stop signal while the handler sleeps or reads does not cut the call short; the job finishes as written, then run() returns
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

$server = bs_server();
$code = <<<'PHP'
    [, $server, $tube] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), ['reserve_timeout' => 30]);
    $reason = $w->run(function (Beanstalk\Job $job) use ($server) {
        echo "running\n";
        if ($job->data === 'sleep') {
            // sleep() returns the seconds left when a signal cuts it short.
            $left = sleep(2);
            echo "sleep left $left\n";
        } else {
            // A read that waits: the server has nothing for this reserve.
            $q = new Beanstalk\Queue($server, ['watch' => ['nothing-' . getmypid()]]);
            $t = microtime(true);
            $got = $q->reserve(2);
            printf("reserve waited %s\n", microtime(true) - $t >= 1.9 ? 'its 2 s' : 'less');
        }
    });
    $s = $w->stats();
    echo "reason $reason, processed {$s['processed']}, deleted {$s['deleted']}\n";
    exit($reason);
    PHP;
foreach (['sleep', 'read'] as $what) {
    $tube = bs_tube('worker_signal_variation');
    $q = new Beanstalk\Queue($server, ['tube' => $tube]);
    $id = $q->put($what);
    $child = new BsChild($code, [$server, $tube]);
    echo "$what: ", $child->line(bs_seconds(20)), "\n";
    usleep(200000);
    $child->signal(SIGTERM);
    echo $child->line(bs_seconds(20)), "\n", $child->line(bs_seconds(20)), "\n";
    echo "exit ", $child->wait(bs_seconds(60)), "\n";
    echo "job: ", trim(bs_call($server, "stats-job $id")), "\n";
}
?>
--EXPECT--
sleep: running
sleep left 0
reason 0, processed 1, deleted 1
exit 0
job: NOT_FOUND
read: running
reserve waited its 2 s
reason 0, processed 1, deleted 1
exit 0
job: NOT_FOUND
