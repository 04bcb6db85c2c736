--TEST--
Worker status in Redis: a worker killed with SIGKILL vanishes from fleet() by itself within 3 intervals (and fleet() prunes it from the set); one stopped gracefully vanishes at once
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
if (getenv('USE_ZEND_ALLOC') === '0') die('skip the workers run in child processes: no use under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';

$server = bs_server();
$redis = new BsRedis();
$code = <<<'PHP'
    [, $server, $tube, $redis, $name] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]),
        ['name' => $name, 'status' => $redis, 'status_interval' => 0.5, 'reserve_timeout' => 1]);
    exit($w->run(fn () => null));
    PHP;
$killed = new BsChild($code, [$server, bs_tube('worker_status_vanish'), $redis->address, 'killed']);
$graceful = new BsChild($code, [$server, bs_tube('worker_status_vanish'), $redis->address, 'graceful']);

/** name => id of the workers fleet() shows. */
function names(BsRedis $redis): array
{
    $names = [];
    foreach (Beanstalk\Worker::fleet($redis->address) as $w) {
        $names[$w['name']] = $w['id'];
    }
    return $names;
}

$until = microtime(true) + 20;
while (count(names($redis)) < 2 && microtime(true) < $until) {
    usleep(50000);
}
$ids = names($redis);
echo "live: ", implode(', ', array_keys($ids)), "\n";

// No last beat: its hash expires 3 intervals (1.5 s) after the last one.
$killed->signal(SIGKILL);
$killedAt = microtime(true);
echo "killed: exit ", $killed->wait(), "\n";
echo "listed still, right after: ", isset(names($redis)['killed']) ? 'yes' : 'no', "\n";
while (isset(names($redis)['killed']) && microtime(true) - $killedAt < 10) {
    usleep(50000);
}
$gone = microtime(true) - $killedAt;
echo "gone from fleet() ", $gone <= 1.5 + 0.3 ? 'within 3 intervals' : "after $gone s", "\n";
echo "pruned from the set: ", var_export($redis->call('ZSCORE', 'beanstalk:workers', $ids['killed']), true), "\n";

$graceful->signal(SIGTERM);
echo "graceful: exit ", $graceful->wait(), "\n";
echo "live at once: ", implode(', ', array_keys(names($redis))) ?: 'none', "\n";
echo "its last beat: ", implode(' ', $redis->call('HMGET', "beanstalk:worker:{$ids['graceful']}", 'state', 'stop_reason')), "\n";
?>
--EXPECT--
live: graceful, killed
killed: exit 137
listed still, right after: yes
gone from fleet() within 3 intervals
pruned from the set: NULL
graceful: exit 0
live at once: none
its last beat: stopped 0
