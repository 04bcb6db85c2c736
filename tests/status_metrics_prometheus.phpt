--TEST--
tools/status.php?metrics scraped every second by a real Prometheus (OpenMetrics, basic auth) while two workers run 200 jobs: the tube gauges it holds are stats-tube's, sum(beanstalk_worker_processed_total) is fleet()'s, a tube without a worker shows its wait time growing until a worker starts, then 0; the README's queries answer; promtool check metrics passes on a scrape
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/redis.inc';
require __DIR__ . '/prometheus.inc';
if ($why = bs_redis_skip()) die($why);
if ($why = bs_prometheus_skip()) die($why);
if (getenv('USE_ZEND_ALLOC') === '0') die('skip php -S and prometheus would run under valgrind: the endpoint is PHP code, the workers are tested there elsewhere');
?>
--FILE--
<?php
require __DIR__ . '/redis.inc';
require __DIR__ . '/prometheus.inc';
require __DIR__ . '/readme.inc';
use Beanstalk\{Queue, Worker};

// The README's queries, with thresholds this test reaches: a wait over
// 2 s, fewer than 2 "mail" workers.
$queries = [];
foreach (readme_blocks(file_get_contents(README_MD), 'promql') as $block) {
    foreach (explode("\n", $block['code']) as $line) {
        if ($line !== '' && $line[0] !== '#') {
            $queries[] = $line;
        }
    }
}
count($queries) === 3 or print("the README has " . count($queries) . " queries\n");
[$donePerTube, $waitAlert, $missing] = $queries + ['', '', ''];
$waitAlert = str_replace('> 60', '> 2', $waitAlert, $n1);
$missing = str_replace('< 4', '< 2', $missing, $n2);
$n1 + $n2 === 2 or print("the README's thresholds are not 60 s and 4 workers\n");

const PASSWORD = 'scrape "me"';
$bs = new BsServer();
$server = $bs->address;
$redis = new BsRedis();

// On mail, a job the handler buries and one delayed for an hour (200
// more come once Prometheus scrapes); a paused tube with a job.
$q = new Queue($server);
$q->useTube('mail');
$q->put('bury');
$q->put('later', 1024, 3600);
$q->useTube('reports')->put('r');
$q->pauseTube('reports', 3600);

$code = '[, $server, $redis, $name, $tube] = $argv;
$w = new Beanstalk\Worker(new Beanstalk\Queue($server, ["watch" => [$tube]]),
    ["name" => $name, "status" => $redis, "status_interval" => 0.5, "process_title" => false]);
echo "running\n";
exit($w->run(function (Beanstalk\Job $job) {
    if ($job->data === "bury") {
        $job->bury();
        return;
    }
    usleep((int)$job->data * 1000);
}));';
$workers = [];
// Two workers of one name, as supervisord's numprocs runs them.
for ($i = 0; $i < 2; $i++) {
    $workers[$i] = new BsChild($code, [$server, $redis->address, 'mail', 'mail']);
}
foreach ($workers as $child) {
    $child->line() === 'running' or print("a worker did not start\n");
}

$page = new BsStatusPage(['BEANSTALK_SERVERS' => $server, 'BEANSTALK_STATUS_REDIS' => $redis->address, 'BEANSTALK_STATUS_PASSWORD' => PASSWORD]);
$auth = ['Authorization' => 'Basic ' . base64_encode('prometheus:' . PASSWORD)];
// What Prometheus 2 sends.
$asOpenMetrics = ['Accept' => 'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'];

echo "-- the endpoint\n";
[$status] = bs_http('GET', "{$page->url}?metrics");
echo "no password: $status\n";
[$status, $headers, $text] = bs_http('GET', "{$page->url}?metrics", $auth);
echo "text format: $status, ", $headers['content-type'][0] ?? '?', ", cookies: ", count($headers['set-cookie'] ?? []), "\n";
echo "promtool check metrics: ", bs_promtool_check($text), "\n";
[$status, $headers, $om] = bs_http('GET', "{$page->url}?metrics", $auth + $asOpenMetrics);
echo "OpenMetrics: $status, ", $headers['content-type'][0] ?? '?', ", ends with # EOF: ", var_export(str_ends_with($om, "\n# EOF\n"), true), "\n";

// A server and a Redis that are down: each says so, the rest stands.
$down = '127.0.0.1:' . bs_free_port();
$partial = new BsStatusPage(['BEANSTALK_SERVERS' => "$server,$down", 'BEANSTALK_STATUS_REDIS' => $down]);
[, , $text] = bs_http('GET', "{$partial->url}?metrics");
preg_match_all('/^(beanstalk_up\{server="([^"]+)"\}|beanstalk_fleet_up) (\d)$/m', $text, $m, PREG_SET_ORDER);
echo "a server and Redis down: ", implode(', ', array_map(fn ($x) => str_replace([$server, $down], ['up', 'down'], $x[2] ?: $x[1]) . " $x[3]", $m)),
    ", the other's tubes: ", preg_match_all('/^beanstalk_tube_jobs\{server="' . preg_quote($server) . '"/m', $text) > 0 ? 'in' : 'missing',
    ", promtool: ", bs_promtool_check($text), "\n";
unset($partial);

echo "-- Prometheus\n";
$target = parse_url($page->url, PHP_URL_HOST) . ':' . parse_url($page->url, PHP_URL_PORT);
$prom = new BsPrometheus($target, '/?metrics', PASSWORD);
$up = $prom->waitFor(fn ($p) => $p->value('up{job="beanstalk"}') === 1.0 && $p->value('beanstalk_up') === 1.0);
echo "scraped: ", $up ? 'up, beanstalkd up' : 'no: ' . json_encode($prom->query('up')) . $prom->log(), "\n";
$seen = $prom->waitFor(fn ($p) => $p->value('sum(beanstalk_fleet_workers)') === 2.0);
echo "workers in the fleet: ", $seen ? 2 : json_encode($prom->query('beanstalk_fleet_workers')), "\n";

// 200 jobs of 5 to 14 ms.
$q->useTube('mail');
for ($i = 0; $i < 200; $i++) {
    $q->put((string)(5 + $i % 10));
}

// The work done, and every end beaten to Redis.
$until = microtime(true) + bs_seconds(60);
do {
    usleep(100000);
    $mail = bs_stats($server, 'stats-tube mail');
    $processed = array_sum(array_column(Worker::fleet($redis->address), 'processed'));
} while (($mail['current-jobs-ready'] !== '0' || $mail['current-jobs-reserved'] !== '0' || $processed < 201) && microtime(true) < $until);
echo "work done: $processed jobs\n";

/** A line of the run's figures: what Prometheus answered, beside what it is compared with. */
function figure(string $text): void
{
    file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', "status_metrics_prometheus: $text\n", FILE_APPEND);
}

/** What Prometheus says of a tube, by the name each figure has in stats-tube. */
function tube_from_prometheus(BsPrometheus $p, string $tube): array
{
    $names = [
        'beanstalk_tube_urgent_jobs' => 'current-jobs-urgent', 'beanstalk_tube_jobs_put_total' => 'total-jobs',
        'beanstalk_tube_waiting_connections' => 'current-waiting', 'beanstalk_tube_paused' => 'pause',
    ];
    $out = [];
    foreach ($p->query('{__name__=~"beanstalk_tube_.+",tube="' . $tube . '"}') as [$labels, $value]) {
        $name = $labels['__name__'];
        if ($name === 'beanstalk_tube_jobs') {
            $out["current-jobs-{$labels['state']}"] = (int)$value;
        } elseif ($name === 'beanstalk_tube_commands_total' && $labels['command'] === 'delete') {
            $out['cmd-delete'] = (int)$value;
        } elseif (isset($names[$name])) {
            $out[$names[$name]] = (int)$value;
        }
    }
    ksort($out);
    return $out;
}

/** The same figures from stats-tube. */
function tube_from_server(string $server, string $tube): array
{
    $st = bs_stats($server, "stats-tube $tube");
    $out = ['pause' => (int)($st['pause-time-left'] > 0)];
    foreach (['current-jobs-ready', 'current-jobs-reserved', 'current-jobs-delayed', 'current-jobs-buried', 'current-jobs-urgent', 'total-jobs',
        'current-waiting', 'cmd-delete'] as $k) {
        $out[$k] = (int)$st[$k];
    }
    ksort($out);
    return $out;
}

foreach (['mail', 'reports', 'default'] as $tube) {
    // Both read afresh at each look: a worker between two reserves is not
    // waiting for that instant.
    $same = $prom->waitFor(fn ($p) => ($g = tube_from_prometheus($p, $tube)) === tube_from_server($server, $tube) ? $g : false);
    $got = $same ?: tube_from_prometheus($prom, $tube);
    $want = $same ?: tube_from_server($server, $tube);
    printf("%s: %s\n", $tube, $same ? sprintf('as stats-tube says (ready %d, reserved %d, delayed %d, buried %d, put %d, deleted %d, waiting %d%s)',
        $want['current-jobs-ready'], $want['current-jobs-reserved'], $want['current-jobs-delayed'], $want['current-jobs-buried'],
        $want['total-jobs'], $want['cmd-delete'], $want['current-waiting'], $want['pause'] ? ', paused' : '')
        : json_encode(['prometheus' => $got, 'stats-tube' => $want]));
    figure("$tube: Prometheus " . json_encode($got) . ', stats-tube ' . json_encode($want));
}

$fleet = array_sum(array_column(Worker::fleet($redis->address), 'processed'));
$sum = $prom->waitFor(fn ($p) => $p->value('sum(beanstalk_worker_processed_total)') === (float)$fleet ? $fleet : false);
echo "sum(beanstalk_worker_processed_total): ", $sum === $fleet ? "$fleet, as fleet() says" : $prom->value('sum(beanstalk_worker_processed_total)') . " (fleet(): $fleet)", "\n";
figure(sprintf("sum(beanstalk_worker_processed_total) %d, fleet() %d", $prom->value('sum(beanstalk_worker_processed_total)'), $fleet));

echo "-- wait time\n";
$q->useTube('idle')->put('waits');
$grown = $prom->waitFor(fn ($p) => $p->value('beanstalk_tube_wait_seconds{tube="idle"}') >= 3.0);
$samples = $prom->samples('beanstalk_tube_wait_seconds{tube="idle"}[1m]');
$rising = $samples;
sort($rising);
echo "without a worker: ", $grown && $samples === $rising && count($samples) >= 2 && $samples[0] < end($samples) && end($samples) >= 3
    ? 'grew, scrape by scrape, to 3 s and more' : json_encode($samples), "\n";
figure('beanstalk_tube_wait_seconds{tube="idle"}[1m] without a worker: ' . json_encode($samples));
$late = array_map(fn ($r) => $r[0]['tube'], $prom->query($waitAlert));
figure("$waitAlert: " . implode(' ', $late));
sort($late);
echo "the README's wait alert: ", implode(' ', $late), "\n";
$idle = new BsChild($code, [$server, $redis->address, 'idle', 'idle']);
$idle->line() === 'running' or print("the idle worker did not start\n");
$dropped = $prom->waitFor(fn ($p) => $p->value('beanstalk_tube_wait_seconds{tube="idle"}') === 0.0);
echo "a worker started: ", $dropped ? 'back to 0' : $prom->value('beanstalk_tube_wait_seconds{tube="idle"}'), "\n";
figure('beanstalk_tube_wait_seconds{tube="idle"} once a worker started: ' . $prom->value('beanstalk_tube_wait_seconds{tube="idle"}'));

echo "-- the README's other queries\n";
$rates = [];
foreach ($prom->query($donePerTube) as [$labels, $value]) {
    $rates[$labels['tube']] = $value;
}
echo "jobs done per second: mail ", $rates['mail'] > 0 ? '> 0' : 0, ", reports ", $rates['reports'], "\n";
figure("$donePerTube: " . json_encode($rates));
echo "mail workers missing, both running: ", json_encode($prom->query($missing)), "\n";
$workers[1]->signal(SIGTERM);
echo "one stopped: ", $workers[1]->wait() === 0 ? 'exit 0' : 'not 0', "\n";
$found = $prom->waitFor(fn ($p) => $p->query($missing));
echo "mail workers missing: ", json_encode($found), "\n";
figure("$missing, one of two stopped: " . json_encode($found));
$types = $prom->types();
echo "read as OpenMetrics: ", ($types['beanstalk_server'] ?? '') === 'info' && ($types['beanstalk_worker_processed'] ?? '') === 'counter'
    ? 'yes (an info family, counters named without _total)' : json_encode(array_intersect_key($types, ['beanstalk_server' => 1, 'beanstalk_server_info' => 1,
    'beanstalk_worker_processed' => 1, 'beanstalk_worker_processed_total' => 1])), "\n";

[, , $text] = bs_http('GET', "{$page->url}?metrics", $auth);
echo "promtool check metrics, workers in: ", bs_promtool_check($text), "\n";
echo "scrape errors: ", preg_match('/level=(warn|error).*(scrape|parse)/i', $prom->log()) ? $prom->log() : 'none', "\n";
echo "page errors: ", preg_match('/PHP (Warning|Fatal|Notice|Deprecated)/', $page->log()) ? $page->log() : 'none', "\n";
foreach ([$workers[0], $idle] as $child) {
    $child->signal(SIGTERM);
    $child->wait();
}
?>
--EXPECT--
-- the endpoint
no password: 401
text format: 200, text/plain; version=0.0.4; charset=utf-8, cookies: 0
promtool check metrics: ok
OpenMetrics: 200, application/openmetrics-text; version=1.0.0; charset=utf-8, ends with # EOF: true
a server and Redis down: up 1, down 0, beanstalk_fleet_up 0, the other's tubes: in, promtool: ok
-- Prometheus
scraped: up, beanstalkd up
workers in the fleet: 2
work done: 201 jobs
mail: as stats-tube says (ready 0, reserved 0, delayed 1, buried 1, put 202, deleted 200, waiting 2)
reports: as stats-tube says (ready 1, reserved 0, delayed 0, buried 0, put 1, deleted 0, waiting 0, paused)
default: as stats-tube says (ready 0, reserved 0, delayed 0, buried 0, put 0, deleted 0, waiting 0)
sum(beanstalk_worker_processed_total): 201, as fleet() says
-- wait time
without a worker: grew, scrape by scrape, to 3 s and more
the README's wait alert: idle reports
a worker started: back to 0
-- the README's other queries
jobs done per second: mail > 0, reports 0
mail workers missing, both running: []
one stopped: exit 0
mail workers missing: [[[],1]]
read as OpenMetrics: yes (an info family, counters named without _total)
promtool check metrics, workers in: ok
scrape errors: none
page errors: none
