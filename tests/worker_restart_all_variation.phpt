--TEST--
Worker::restartAll() where prefixes nest and names look like keys: a "q:" worker named "restart" and a fleet under "q:restart:" each restart alone; restartAll() with the name "" asks every worker and counts every one
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
?>
--INI--
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/redis.inc';
use Beanstalk\Worker;

const INTERVAL = 0.2;
$server = bs_server();
$redis = new BsRedis();
$tube = bs_tube('worker_restart_all_variation');

$code = '[, $server, $tube, $redis, $prefix, $name] = $argv;
$w = new Beanstalk\Worker(new Beanstalk\Queue($server, ["watch" => [$tube]]),
    ["name" => $name, "status" => $redis, "status_prefix" => $prefix, "status_interval" => ' . INTERVAL . ', "process_title" => false]);
echo "running\n";
exit($w->run(function () {}));';

/** The children's pids, taken while they run: proc_get_status(), which
 * BsChild::pid() calls, reaps a child that has ended and keeps its exit
 * code from BsChild::wait(). */
$pids = new WeakMap();

/** A worker under $prefix named $name, once fleet() shows it. */
function start(string $prefix, string $name): BsChild
{
    global $code, $server, $tube, $redis, $pids;
    $child = new BsChild($code, [$server, $tube, $redis->address, $prefix, $name]);
    $pids[$child] = $child->pid();
    $child->line(bs_seconds(20)) === 'running' or print("$prefix$name did not start\n");
    $until = microtime(true) + bs_seconds(20);
    while (!in_array($pids[$child], array_column(Worker::fleet($redis->address, $prefix), 'pid'), true) && microtime(true) < $until) {
        usleep(bs_poll_us());
    }
    return $child;
}

/** Whether a process runs: not gone, not a zombie. */
function alive(int $pid): bool
{
    $stat = @file_get_contents("/proc/$pid/stat");
    return $stat !== false && substr($stat, strrpos($stat, ')') + 2, 1) !== 'Z';
}

/**
 * What became of a worker after a restart request made before $since: it
 * "stopped to restart" (exit code STOP_RESTART), or "beats on" once two of
 * its beats read the restart keys after the request and it still runs.
 */
function fate(BsChild $child, string $prefix, float $since): string
{
    global $redis, $pids;
    $pid = $pids[$child];
    $beats = [];
    $until = microtime(true) + bs_seconds(20);
    while (microtime(true) < $until) {
        if (!alive($pid)) {
            $exit = $child->wait();
            return $exit === Worker::STOP_RESTART ? 'stopped to restart' : "ended with $exit";
        }
        foreach (Worker::fleet($redis->address, $prefix) as $w) {
            if ($w['pid'] === $pid && $w['beat_at'] > $since) {
                $beats[(string)$w['beat_at']] = true;
            }
        }
        if (count($beats) >= 2 && alive($pid)) {
            return 'beats on';
        }
        usleep(bs_poll_us());
    }
    return 'neither stopped nor beat twice';
}

$nested = start('q:restart:', 'a');
$named = start('q:', 'restart');
$unnamed = start('q:', '');
echo "fleets: q: ", count(Worker::fleet($redis->address, 'q:')), ", q:restart: ", count(Worker::fleet($redis->address, 'q:restart:')), "\n";

echo "-- the q: workers named restart\n";
echo "asked: ", Worker::restartAll($redis->address, 'restart', 'q:'), "\n";
$since = microtime(true);
echo "q: restart: ", fate($named, 'q:', $since), "\n";
echo "q:restart: a: ", fate($nested, 'q:restart:', $since), "\n";
echo "q: unnamed: ", fate($unnamed, 'q:', $since), "\n";

echo "-- every q:restart: worker\n";
$named = start('q:', 'restart');
echo "asked: ", Worker::restartAll($redis->address, null, 'q:restart:'), "\n";
$since = microtime(true);
echo "q:restart: a: ", fate($nested, 'q:restart:', $since), "\n";
echo "q: restart: ", fate($named, 'q:', $since), "\n";

echo "-- every q: worker, by the name \"\"\n";
echo "asked: ", Worker::restartAll($redis->address, '', 'q:'), "\n";
$since = microtime(true);
echo "q: restart: ", fate($named, 'q:', $since), "\n";
echo "q: unnamed: ", fate($unnamed, 'q:', $since), "\n";

$keys = array_filter($redis->call('KEYS', 'q:*'), fn ($k) => !str_contains($k, 'worker'));
sort($keys);
echo "keys: ", implode(' ', $keys), "\n";
echo "names asked: ", implode(' ', $redis->call('HKEYS', 'q:restart:names')), "\n";
foreach ([$nested, $named, $unnamed] as $child) {
    if ($problems = $child->valgrind()) {
        echo $problems, "\n";
    }
}
?>
--EXPECT--
fleets: q: 2, q:restart: 1
-- the q: workers named restart
asked: 1
q: restart: stopped to restart
q:restart: a: beats on
q: unnamed: beats on
-- every q:restart: worker
asked: 1
q:restart: a: stopped to restart
q: restart: beats on
-- every q: worker, by the name ""
asked: 2
q: restart: stopped to restart
q: unnamed: stopped to restart
keys: q:restart q:restart:names q:restart:restart
names asked: restart
