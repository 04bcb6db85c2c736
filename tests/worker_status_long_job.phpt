--TEST--
Worker status in Redis: a 4-second job (the handler stuck in sleep()) with status_interval 0.5 beats at least 3 times while working, with its job id, tube and start
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
if (getenv('USE_ZEND_ALLOC') === '0') die('skip the worker runs in a child process: no use under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';

$server = bs_server();
$redis = new BsRedis();
$tube = bs_tube('worker_status_long_job');
$code = <<<'PHP'
    [, $server, $tube, $redis] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]),
        ['name' => 'long', 'status' => $redis, 'status_interval' => 0.5, 'max_jobs' => 1]);
    exit($w->run(function () {
        echo "started\n";
        sleep(4);
    }));
    PHP;
$child = new BsChild($code, [$server, $tube, $redis->address]);
bs_wait_waiting($server, $tube) or print("the worker never waited\n");
$q = new Beanstalk\Queue($server, ['tube' => $tube]);
$id = $q->put('three seconds', 1024, 0, 60);
echo $child->line(), "\n";

// Every beat that comes while the job runs: each changes beat_at.
$beats = [];
$since = [];
$until = microtime(true) + 10;
while (microtime(true) < $until) {
    $fleet = Beanstalk\Worker::fleet($redis->address);
    if (!$fleet || $fleet[0]['state'] !== 'working') {
        if ($beats) {
            break;   // the job is over
        }
        usleep(20000);
        continue;
    }
    $w = $fleet[0];
    if ($w['job_id'] === $id && $w['job_tube'] === $tube) {
        $beats[(string)$w['beat_at']] = true;
        $since[(string)$w['job_since']] = true;
    }
    usleep(50000);
}
// 8 beats in 4 s; a loaded machine delays some, and the test's own looks.
echo "beats while working with job $id: ", count($beats) >= 3 ? 'at least 3' : count($beats), "\n";
echo "job_since the same in each: ", count($since) === 1 ? 'yes' : implode(', ', array_keys($since)), "\n";
echo "exit ", $child->wait(), "\n";
?>
--EXPECTF--
started
beats while working with job %d: at least 3
job_since the same in each: yes
exit 11
