<?php
/*
 * One PHP contender process of the put section:
 *
 *   php [ini] bench/put.php CLIENT HOST:PORT TUBE SIZE N WARMUP [BURST]
 *
 * CLIENT is ext (Beanstalk\Queue::put), async (Beanstalk\Queue::putAsync,
 * the calls timed in bursts of BURST, 10 unless given, each burst's
 * flush() timed apart as flush_s), coalesce (the same with the Queue
 * option coalesce => true: the calls only hold the puts, which leave in
 * one write at the flush()), pheanstalk (Debian's 4.x) or phpstream
 * (bench/phpstream.inc). Opens one connection, uses TUBE, does WARMUP
 * puts, then N timed puts of a SIZE-byte body, and prints one JSON line as
 * bench/rawput does: wall time and this process's user + system CPU over
 * the N puts. Each client has its own loop so that no adapter call sits
 * between the timer and the client. The profile section gives BURST = N:
 * N calls, then one flush().
 */

if ($argc !== 7 && $argc !== 8) {
    fwrite(STDERR, "usage: put.php ext|async|coalesce|pheanstalk|phpstream HOST:PORT TUBE SIZE N WARMUP [BURST]\n");
    exit(2);
}
[, $client, $server, $tube, $size, $n, $warmup] = $argv;
[$host, $port] = explode(':', $server, 2);
// The ext clients take a comma-separated list: a Queue over several servers.
$servers = str_contains($server, ',') ? explode(',', $server) : $server;
$port = (int)$port;
$n = (int)$n;
$warmup = (int)$warmup;
$body = str_repeat('x', (int)$size);
/* putAsync calls between two flushes: a request that enqueues a few jobs. */
$burst = max(1, (int)($argv[7] ?? 10));

function cpu_seconds(): array
{
    $ru = getrusage();
    return [$ru['ru_utime.tv_sec'] + $ru['ru_utime.tv_usec'] / 1e6,
            $ru['ru_stime.tv_sec'] + $ru['ru_stime.tv_usec'] / 1e6];
}

switch ($client) {
case 'ext':
    $q = new Beanstalk\Queue($servers, ['tube' => $tube]);
    for ($i = 0; $i < $warmup; $i++) {
        $q->put($body);
    }
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    $first = $q->put($body);
    for ($i = 1; $i < $n; $i++) {
        $last = $q->put($body);
    }
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    break;

case 'async':
case 'coalesce':
    // As a request enqueues: a burst of $burst calls, timed, then a
    // flush() that reads their replies, timed apart (flush_s), as a later
    // request would find them. Without the flushes, N back-to-back puts of
    // 4 KiB outrun beanstalkd, fill the socket's buffers and time the
    // server's pace, which no request of a few puts meets. Coalesced, the
    // calls write nothing: the burst leaves in one write at its flush().
    $q = new Beanstalk\Queue($servers, ['tube' => $tube] + ($client === 'coalesce' ? ['coalesce' => true] : []));
    for ($i = 0; $i < $warmup; $i++) {
        $q->putAsync($body);
    }
    $q->flush();
    $ids = [];
    $wall = $user = $sys = $flush_s = 0.0;
    for ($i = 0; $i < $n; $i += $burst) {
        [$u0, $s0] = cpu_seconds();
        $t0 = hrtime(true);
        for ($j = $i; $j < min($n, $i + $burst); $j++) {
            $q->putAsync($body);
        }
        $t1 = hrtime(true);
        [$u1, $s1] = cpu_seconds();
        $wall += ($t1 - $t0) / 1e9;
        $user += $u1 - $u0;
        $sys += $s1 - $s0;
        array_push($ids, ...$q->flush());
        $flush_s += (hrtime(true) - $t1) / 1e9;
    }
    [$t0, $t1, $u0, $u1, $s0, $s1] = [0, $wall * 1e9, 0.0, $user, 0.0, $sys];
    $first = $ids[0];
    $last = $ids[$n - 1];
    break;

case 'pheanstalk':
    require '/usr/share/php/Pheanstalk/autoload.php';
    $p = Pheanstalk\Pheanstalk::create($host, $port);
    $p->useTube($tube);
    for ($i = 0; $i < $warmup; $i++) {
        $p->put($body);
    }
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    $first = $p->put($body)->getId();
    for ($i = 1; $i < $n; $i++) {
        $last = $p->put($body);
    }
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    $last = $last->getId();
    break;

case 'phpstream':
    require __DIR__ . '/phpstream.inc';
    $c = new BenchStreamClient($host, $port);
    $c->useTube($tube);
    for ($i = 0; $i < $warmup; $i++) {
        $c->put($body);
    }
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    $first = $c->put($body);
    for ($i = 1; $i < $n; $i++) {
        $last = $c->put($body);
    }
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    break;

default:
    fwrite(STDERR, "put.php: unknown client $client\n");
    exit(2);
}

echo json_encode([
    'client' => $client, 'size' => strlen($body), 'n' => $n,
    'wall_s' => ($t1 - $t0) / 1e9, 'user_s' => $u1 - $u0, 'sys_s' => $s1 - $s0,
    'first_id' => $first, 'last_id' => $last ?? $first,
] + (isset($flush_s) ? ['flush_s' => $flush_s] : [])), "\n";
