--TEST--
Worker: a handler that forks in a tight loop (up to 11 002 children, a few seconds at most) while the monitor thread is at its busiest (heartbeats and StatsD every 0.1 s, the process title, the TTR watchdog on the job): every child ends at once through exit(), none hangs on a lock the monitor thread held at the fork
--EXTENSIONS--
beanstalk
pcntl
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
if (getenv('USE_ZEND_ALLOC') === '0') die('skip forks under valgrind are too slow to matter; tests/unit forks under ASan');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';
require __DIR__ . '/statsd.inc';

$server = bs_server();
$redis = new BsRedis();
$tube = bs_tube('worker_fork_loop');
$code = <<<'PHP'
    [, $server, $tube, $redis, $statsd] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]), [
        'status' => $redis, 'status_interval' => 0.1, 'statsd' => $statsd, 'statsd_interval' => 0.1,
        'process_title' => true, 'max_jobs' => 1]);
    exit($w->run(function () {
        $forks = $hung = $failed = 0;
        $until = microtime(true) + 4;
        while ($forks < 11002 && microtime(true) < $until) {
            $pid = pcntl_fork();
            if ($pid === 0) {
                exit(0);
            }
            $forks++;
            // A child gets 5 s to end; one that has not is hung.
            $deadline = microtime(true) + 5;
            while (($r = pcntl_waitpid($pid, $status, WNOHANG)) === 0 && microtime(true) < $deadline) {
                usleep(200);
            }
            if ($r === 0) {
                exec("kill -KILL $pid");
                pcntl_waitpid($pid, $status);
                $hung++;
            } elseif (!pcntl_wifexited($status) || pcntl_wexitstatus($status) !== 0) {
                $failed++;
            }
        }
        echo "$forks $hung $failed\n";
    }));
    PHP;
$child = new BsChild($code, [$server, $tube, $redis->address, '127.0.0.1:' . bs_free_udp_port()]);
bs_wait_waiting($server, $tube) or print("the worker never waited\n");
(new Beanstalk\Queue($server, ['tube' => $tube]))->put('fork');
[$forks, $hung, $failed] = array_map('intval', explode(' ', (string)$child->line(30)) + [0, 0, 0]);
echo "forks: ", $forks >= 100 ? 'at least 100' : $forks, "\n";
echo "children that hung: $hung\n";
echo "children that did not exit 0: $failed\n";
echo "worker exit: ", $child->wait(), "\n";
if ($figures = getenv('BS_FIGURES')) {
    file_put_contents($figures, "worker_fork_loop: $forks forks in at most 4 s, $hung hung\n", FILE_APPEND);
}
?>
--EXPECT--
forks: at least 100
children that hung: 0
children that did not exit 0: 0
worker exit: 11
