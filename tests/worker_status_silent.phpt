--TEST--
Worker status in Redis: a Redis that accepts and never answers, or answers garbage, does not slow the job loop: the beats are given up on time, counted and logged once, and jobs go at the rate they go without status
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

const JOBS = 1200;
$server = bs_server();
// Interval 1 s: a beat waits at most 0.25 s, which a job loop that waited
// on Redis would show as a gap between two jobs.
$code = <<<'PHP'
    [, $server, $tube, $status] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => [$tube]]),
        ['name' => 'silent', 'status' => $status ?: null, 'status_interval' => 1, 'max_jobs' => (int)$argv[4]]);
    $times = [];
    $start = microtime(true);
    $w->run(function () use (&$times) {
        usleep(2000);
        $times[] = microtime(true);
    });
    $took = microtime(true) - $start;
    $gap = 0;
    for ($i = 1; $i < count($times); $i++) {
        $gap = max($gap, $times[$i] - $times[$i - 1]);
    }
    $s = $w->stats();
    echo json_encode(['rate' => count($times) / $took, 'gap' => $gap, 'took' => $took, 'errors' => $s['status_errors'],
        'beats' => $s['status_beats'], 'last_error' => $s['status_last_error']]), "\n";
    PHP;

/** One worker run of JOBS jobs with this status target ('' for none). */
function run_worker(string $server, string $status): array
{
    global $code;
    $tube = bs_tube('worker_status_silent');
    bs_fill($server, $tube, JOBS);
    $child = new BsChild($code, [$server, $tube, $status, JOBS]);
    $child->wait(60);
    return json_decode($child->rest(), true) + ['log' => $child->log()];
}

$plain = run_worker($server, '');
foreach (['silent', 'garbage'] as $mode) {
    $fake = new BsFakeRedis($mode);
    $r = run_worker($server, $fake->address);
    echo "-- a Redis that ", $mode === 'silent' ? 'never answers' : 'answers garbage', "\n";
    echo "jobs/s against no status: ", $r['rate'] >= 0.75 * $plain['rate'] ? 'the same' : sprintf('%.0f against %.0f', $r['rate'], $plain['rate']), "\n";
    echo "longest gap between two jobs: ", $r['gap'] < 0.2 ? 'shorter than a beat\'s wait' : "{$r['gap']} s", "\n";
    // A beat at the start and one a second: every one of them skipped.
    $expected = 1 + (int)floor($r['took']);
    echo "beats skipped: ", $r['errors'] >= $expected - 1 && $r['errors'] <= $expected + 1 ? 'every one' : "{$r['errors']} in {$r['took']} s", ", written: {$r['beats']}\n";
    echo "connections: ", $fake->connections() - 1 >= $r['errors'] ? 'one a beat' : $fake->connections(), "\n";
    echo "last error: ", str_replace($fake->address, 'REDIS', $r['last_error']), "\n";
    $log = preg_grep('/: status: /', explode("\n", $r['log']));
    echo count($log), " log line: ", str_replace($fake->address, 'REDIS', implode("\n", $log)), "\n";
    unset($fake);
}
?>
--EXPECT--
-- a Redis that never answers
jobs/s against no status: the same
longest gap between two jobs: shorter than a beat's wait
beats skipped: every one, written: 0
connections: one a beat
last error: no answer from REDIS within 0.25 s
1 log line: beanstalk worker silent: status: no heartbeat written (no answer from REDIS within 0.25 s); beats are skipped until Redis answers
-- a Redis that answers garbage
jobs/s against no status: the same
longest gap between two jobs: shorter than a beat's wait
beats skipped: every one, written: 0
connections: one a beat
last error: REDIS answered what is not Redis's protocol: Protocol error, got "H" as reply type byte
1 log line: beanstalk worker silent: status: no heartbeat written (REDIS answered what is not Redis's protocol: Protocol error, got "H" as reply type byte); beats are skipped until Redis answers
