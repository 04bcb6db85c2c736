<?php
/*
 * One PHP contender process of the worker and rss sections:
 *
 *   php [ini] bench/worker.php CLIENT HOST:PORT TUBE N WARMUP [EVERY|OPTIONS]
 *
 * The tube must already hold WARMUP + N jobs (./dev bench fills it with
 * rawput fill). CLIENT:
 *   ext         Beanstalk\Worker with a handler that does nothing (the job
 *               is deleted, that delete pipelined with the next reserve):
 *               one run() of WARMUP jobs, then a timed run() of N; OPTIONS,
 *               a JSON object, adds Worker options (the status section's
 *               status, status_interval, process_title)
 *   pheanstalk  Debian's pheanstalk 4: reserveWithTimeout(1) + delete, in
 *               a PHP loop, WARMUP untimed then N timed
 *   rss         one Worker::run() of WARMUP + N jobs; the handler, which
 *               does nothing else, notes the resident set size
 *               (/proc/self/statm) and the Zend heap every EVERY jobs
 * Prints one JSON line: ext and pheanstalk as bench/rawput worker does
 * (wall time, this process's user + system CPU over the N timed jobs);
 * rss the samples.
 */

if ($argc !== 6 && $argc !== 7) {
    fwrite(STDERR, "usage: worker.php ext|pheanstalk|rss HOST:PORT TUBE N WARMUP [EVERY|OPTIONS]\n");
    exit(2);
}
[, $client, $server, $tube, $n, $warmup] = $argv;
[$host, $port] = explode(':', $server, 2);
// The ext clients take a comma-separated list: a Queue over several servers.
$servers = str_contains($server, ',') ? explode(',', $server) : $server;
$port = (int)$port;
$n = (int)$n;
$warmup = (int)$warmup;
$every = (int)($argv[6] ?? 10000);

function cpu_seconds(): array
{
    $ru = getrusage();
    return [$ru['ru_utime.tv_sec'] + $ru['ru_utime.tv_usec'] / 1e6,
            $ru['ru_stime.tv_sec'] + $ru['ru_stime.tv_usec'] / 1e6];
}

/** Resident set size in bytes, as the worker's rss_limit reads it. */
function rss_bytes(): int
{
    $statm = explode(' ', (string)file_get_contents('/proc/self/statm'));
    return (int)$statm[1] * 4096;
}

function worker_run(Beanstalk\Queue $q, int $jobs, callable $handler, array $options = []): array
{
    $w = new Beanstalk\Worker($q, ['max_jobs' => $jobs, 'reserve_timeout' => 1] + $options);
    $rc = $w->run($handler);
    $stats = $w->stats();
    if ($rc !== Beanstalk\Worker::STOP_MAX_JOBS || $stats['processed'] !== $jobs || $stats['deleted'] !== $jobs) {
        fwrite(STDERR, "worker.php: run() returned $rc after {$stats['processed']} jobs, {$stats['deleted']} deleted;"
            . " expected $jobs (is the tube filled?)\n");
        exit(1);
    }
    return $stats;
}

switch ($client) {
case 'ext':
    $options = isset($argv[6]) ? json_decode($argv[6], true, 4, JSON_THROW_ON_ERROR) : [];
    $q = new Beanstalk\Queue($servers, ['watch' => [$tube]]);
    $noop = fn () => null;
    if ($warmup > 0) {
        worker_run($q, $warmup, $noop, $options);
    }
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    $stats = worker_run($q, $n, $noop, $options);
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    $extra = ['rtt_min_us' => $stats['rtt_min'] * 1e6, 'status_beats' => $stats['status_beats'],
              'status_errors' => $stats['status_errors']];
    break;

case 'pheanstalk':
    require '/usr/share/php/Pheanstalk/autoload.php';
    $p = Pheanstalk\Pheanstalk::create($host, $port);
    $p->watch($tube);
    $p->ignore('default');
    $work = function (int $jobs) use ($p): void {
        for ($i = 0; $i < $jobs; $i++) {
            $job = $p->reserveWithTimeout(1);
            if ($job === null) {
                fwrite(STDERR, "worker.php: pheanstalk: no job after $i (is the tube filled?)\n");
                exit(1);
            }
            $p->delete($job);
        }
    };
    $work($warmup);
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    $work($n);
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    $extra = [];
    break;

case 'rss':
    if ($warmup % $every !== 0 || $n % $every !== 0) {
        fwrite(STDERR, "worker.php: EVERY must divide WARMUP and N\n");
        exit(2);
    }
    $total = $warmup + $n;
    // Filled in place: the handler allocates nothing that stays.
    $rss = array_fill(0, intdiv($total, $every) + 1, 0);
    $heap = $rss;
    $rss[0] = rss_bytes();
    $heap[0] = memory_get_usage();
    $done = 0;
    $handler = function () use (&$done, &$rss, &$heap, $every): void {
        if (++$done % $every === 0) {
            $rss[intdiv($done, $every)] = rss_bytes();
            $heap[intdiv($done, $every)] = memory_get_usage();
        }
    };
    $q = new Beanstalk\Queue($servers, ['watch' => [$tube]]);
    $t0 = hrtime(true);
    $stats = worker_run($q, $total, $handler);
    $t1 = hrtime(true);
    $samples = [];
    foreach ($rss as $i => $bytes) {
        $samples[] = [$i * $every, $bytes, $heap[$i]];
    }
    $w = intdiv($warmup, $every);
    echo json_encode([
        'client' => 'rss', 'warmup' => $warmup, 'n' => $n, 'every' => $every, 'wall_s' => ($t1 - $t0) / 1e9,
        'rss_start' => $rss[0], 'rss_warm' => $rss[$w], 'rss_end' => end($rss),
        'heap_warm' => $heap[$w], 'heap_end' => end($heap),
        'stats_rss_start' => $stats['rss_start'], 'stats_rss' => $stats['rss'],
        'samples' => $samples,
    ]), "\n";
    exit(0);

default:
    fwrite(STDERR, "worker.php: unknown client $client\n");
    exit(2);
}

echo json_encode([
    'client' => $client, 'n' => $n,
    'wall_s' => ($t1 - $t0) / 1e9, 'user_s' => $u1 - $u0, 'sys_s' => $s1 - $s0,
] + $extra), "\n";
