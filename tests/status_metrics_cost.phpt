--TEST--
tools/status.php?metrics over 3 servers (5 tubes each, jobs waiting in 4) and 121 workers (one real, 120 heartbeats cloned from it): every worker and tube in the scrape, and a scrape costs the endpoint at most 50 ms of CPU; the figures, with and without the workers, go to the run's figures
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
if ($why = bs_redis_skip()) die($why);
if (getenv('USE_ZEND_ALLOC') === '0') die('skip php -S would run under valgrind: a measure of its time means nothing there');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';
require __DIR__ . '/browser.inc';
use Beanstalk\{Queue, Worker};

const SCRAPES = 30;
const WORKERS = 120;
$servers = [new BsServer(), new BsServer(), new BsServer()];
$addresses = array_map(fn ($s) => $s->address, $servers);
$redis = new BsRedis();
foreach ($addresses as $address) {
    $q = new Queue($address);
    foreach (['mail', 'images', 'reports', 'search'] as $i => $tube) {
        $q->useTube($tube)->putMany(array_fill(0, 10 * ($i + 1), 'job'));
    }
}

// One real worker, whose heartbeat the 120 others copy.
$code = '[, $server, $redis] = $argv;
$w = new Beanstalk\Worker(new Beanstalk\Queue($server), ["name" => "real", "status" => $redis, "process_title" => false]);
echo "running\n";
exit($w->run(function () {}));';
$real = new BsChild($code, [$addresses[0], $redis->address]);
$real->line() === 'running' or print("the worker did not start\n");
$until = microtime(true) + 20;
while (!($fleet = Worker::fleet($redis->address)) && microtime(true) < $until) {
    usleep(20000);
}
$hash = $redis->call('HGETALL', "beanstalk:worker:{$fleet[0]['id']}");

/** The 120 heartbeats, as the real one with other names, pids and counts, in one pipelined write. */
function clone_workers(BsRedis $redis, array $hash): void
{
    $fields = [];
    for ($i = 0; $i < count($hash); $i += 2) {
        $fields[$hash[$i]] = $hash[$i + 1];
    }
    $req = '';
    $command = function (string ...$args) use (&$req) {
        $req .= '*' . count($args) . "\r\n";
        foreach ($args as $a) {
            $req .= '$' . strlen($a) . "\r\n$a\r\n";
        }
    };
    for ($i = 0; $i < WORKERS; $i++) {
        $pid = 100000 + $i;
        $id = "host-" . ($i % 10) . ":$pid:" . ($i + 1);
        $w = ['id' => $id, 'name' => 'worker-' . ($i % 12), 'host' => 'host-' . ($i % 10), 'pid' => (string)$pid,
            'state' => $i % 3 ? 'waiting' : 'working', 'job_id' => $i % 3 ? '' : (string)(1000 + $i), 'job_since' => $i % 3 ? '' : $fields['beat_at'],
            'processed' => (string)(1000 * $i), 'failed' => (string)$i, 'tubes' => 'mail,images,reports,search'] + $fields;
        $args = ['HSET', "beanstalk:worker:$id"];
        foreach ($w as $k => $v) {
            array_push($args, $k, $v);
        }
        $command(...$args);
        $command('PEXPIRE', "beanstalk:worker:$id", '600000');
        $command('ZADD', 'beanstalk:workers', $fields['beat_at'], $id);
    }
    $s = stream_socket_client("tcp://{$redis->address}");
    fwrite($s, $req);
    for ($i = 0; $i < 3 * WORKERS; $i++) {
        bs_resp_read($s);
    }
    fclose($s);
}

$page = new BsStatusPage(['BEANSTALK_SERVERS' => implode(',', $addresses), 'BEANSTALK_STATUS_REDIS' => $redis->address]);

/** SCRAPES scrapes: the last one's text, the endpoint's own time per scrape (its
 * beanstalk_scrape_duration_seconds, sorted) and its process's CPU time per scrape. */
function measure(BsStatusPage $page): array
{
    bs_http('GET', "{$page->url}?metrics");   // warm: the first request opens what the next ones reuse
    $own = $wall = [];
    $cpu = $page->cpu();
    for ($i = 0; $i < SCRAPES; $i++) {
        $t = microtime(true);
        [, , $text] = bs_http('GET', "{$page->url}?metrics");
        $wall[] = microtime(true) - $t;
        preg_match('/^beanstalk_scrape_duration_seconds (\S+)$/m', $text, $m);
        $own[] = (float)($m[1] ?? NAN);
    }
    $cpu = ($page->cpu() - $cpu) / SCRAPES;
    sort($own);
    sort($wall);
    return [$text, $own, $cpu, $wall];
}

[, $own0, $cpu0, $wall0] = measure($page);
clone_workers($redis, $hash);
[$text, $own, $cpu, $wall] = measure($page);

preg_match_all('/^beanstalk_fleet_workers\{state="\w+"\} (\d+)$/m', $text, $m);
echo "workers in the scrape: ", array_sum($m[1]), "\n";
echo "worker series: ", preg_match_all('/^beanstalk_worker_processed_total\{/m', $text), "\n";
echo "servers up: ", preg_match_all('/^beanstalk_up\{[^}]*\} 1$/m', $text), "\n";
echo "tubes waited for: ", preg_match_all('/^beanstalk_tube_wait_seconds\{[^}]*\} \d+$/m', $text), "\n";
echo "lines: ", substr_count($text, "\n") > 2000 ? 'over 2000' : substr_count($text, "\n"), "\n";
$p50 = fn (array $v) => $v[intdiv(count($v), 2)];
echo "CPU per scrape: ", $cpu <= 0.050 ? 'within 50 ms' : sprintf('%.1f ms', $cpu * 1e3), "\n";
$figures = sprintf("status_metrics_cost: 3 servers, 15 tubes, %d workers, %d scrapes: own time p50 %.1f ms (min %.1f, max %.1f), CPU %.1f ms a scrape,"
    . " HTTP round trip p50 %.1f ms, %d lines, %d bytes; without the workers: own p50 %.1f ms, CPU %.1f ms, round trip %.1f ms;"
    . " a worker costs %.0f us of own time, %.0f us of CPU\n",
    WORKERS + 1, SCRAPES, $p50($own) * 1e3, $own[0] * 1e3, end($own) * 1e3, $cpu * 1e3, $p50($wall) * 1e3, substr_count($text, "\n"), strlen($text),
    $p50($own0) * 1e3, $cpu0 * 1e3, $p50($wall0) * 1e3, ($p50($own) - $p50($own0)) / WORKERS * 1e6, ($cpu - $cpu0) / WORKERS * 1e6);
file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', $figures, FILE_APPEND);
echo "page errors: ", preg_match('/PHP (Warning|Fatal|Notice|Deprecated)/', $page->log()) ? $page->log() : 'none', "\n";
$real->signal(SIGTERM);
$real->wait();
?>
--EXPECT--
workers in the scrape: 121
worker series: 121
servers up: 3
tubes waited for: 15
lines: over 2000
CPU per scrape: within 50 ms
page errors: none
