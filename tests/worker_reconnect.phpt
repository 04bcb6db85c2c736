--TEST--
Worker: a lost server is retried with a growing back-off (seen in stats), a job done before the loss is not acted on any more, work goes on after
--EXTENSIONS--
beanstalk
pcntl
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

$srv = new BsServer();       // our own, to stop and start again on the same port
$server = $srv->address;
$tube = bs_tube('worker_reconnect');
$code = <<<'PHP'
    [, $server, $tube] = $argv;
    pcntl_async_signals(true);
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), ['reserve_timeout' => 1, 'reconnect_timeout' => 30]);
    pcntl_signal(SIGUSR1, function () use ($w) {
        $s = $w->stats();
        printf("stats: %s, back-off %.1f s\n", $s['state'], $s['reconnect_backoff']);
    });
    exit($w->run(function (Beanstalk\Job $job, Beanstalk\Worker $w) {
        if ($job->data === 'slow') {
            echo "slow job started\n";
            usleep(300000);     // less than the watchdog's first look
        }
        $s = $w->stats();
        echo "job {$job->data}: reconnects {$s['reconnects']}, lost {$s['lost']}\n";
    }));
    PHP;
$q = new Beanstalk\Queue($server, ['tube' => $tube]);
$q->put('one');
$child = new BsChild($code, [$server, $tube]);
echo $child->line(), "\n";

// The server goes away while the worker waits.
bs_wait_waiting($server, $tube) or print("never waited\n");
$srv->stop();
usleep(1000000);
$child->signal(SIGUSR1);
echo $first = $child->line(), "\n";
usleep(1500000);
$child->signal(SIGUSR1);
echo $second = $child->line(), "\n";
preg_match('/back-off (\S+)/', $first, $a);
preg_match('/back-off (\S+)/', $second, $b);
echo $b[1] > $a[1] ? "the back-off grows\n" : "the back-off does not grow\n";

// Back: the worker reconnects by itself and goes on.
$srv->start();
$q->put('two');
echo $child->line(), "\n";

// Lost while the handler runs (the server restarts): the job it did is not
// deleted over the new connection (the old one took the job with it).
bs_wait_waiting($server, $tube) or print("never waited\n");
$q->put('slow');
echo $child->line(), "\n";
$srv->stop();
$srv->start();
echo $child->line(), "\n";
$q->put('three');
echo $child->line(), "\n";
$child->signal(SIGTERM);
echo "exit ", $child->wait(), "\n";
// The start and the first outage, as logged; then the job done while the
// server went away: lost whether the worker saw the server back already or
// not, and whether its delete went out on the dead connection or not.
$log = preg_replace(['/\d+\.\d s/', '/job \d+/', '/(while the handler ran|before its delete went out|before the server confirmed its delete)/'], ['… s', 'job …', '…'], $child->log());
$lines = explode("\n", trim($log));
echo implode("\n", array_slice($lines, 0, 3)), "\n";
echo implode("\n", preg_grep('/was done, but|stopping on/', $lines)), "\n";
?>
--EXPECTF--
job one: reconnects 0, lost 0
stats: waiting, back-off %f s
stats: waiting, back-off %f s
the back-off grows
job two: reconnects 1, lost 0
slow job started
job slow: reconnects 1, lost 0
job three: reconnects %d, lost 1
exit 0
beanstalk worker: running, pid %d, server 127.0.0.1:%d, tubes %s; caps: %s; max_attempts %d, backoff %s s; status: off
beanstalk worker: lost 127.0.0.1:%d (%s); reconnecting
beanstalk worker: reconnected to 127.0.0.1:%d after … s
beanstalk worker: job … was done, but the connection was lost …: the server gives the job back and it may run again
beanstalk worker: stopping on SIGTERM after 4 jobs (%d failed, %d buried) in … s, %f jobs/s (exit code 0)
