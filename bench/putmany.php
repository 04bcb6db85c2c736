<?php
/*
 * One PHP contender process of the putmany section:
 *
 *   php [ini] bench/putmany.php CLIENT HOST:PORT TUBE SIZE BATCH REPS WARMUP
 *
 * CLIENT is many (Beanstalk\Queue::putMany of BATCH bodies), async (BATCH
 * calls of Beanstalk\Queue::putAsync and one flush()) or single (BATCH calls
 * of Beanstalk\Queue::put). Opens one connection, uses TUBE,
 * does WARMUP untimed batches, then REPS timed ones of SIZE-byte bodies,
 * and prints one JSON line as bench/rawput does: wall time and this
 * process's user + system CPU over the REPS batches, n = BATCH * REPS.
 */

if ($argc !== 8) {
    fwrite(STDERR, "usage: putmany.php many|async|single HOST:PORT TUBE SIZE BATCH REPS WARMUP\n");
    exit(2);
}
[, $client, $server, $tube, $size, $batch, $reps, $warmup] = $argv;
$batch = (int)$batch;
$reps = (int)$reps;
$warmup = (int)$warmup;
$body = str_repeat('x', (int)$size);
$bodies = array_fill(0, $batch, $body);

function cpu_seconds(): array
{
    $ru = getrusage();
    return [$ru['ru_utime.tv_sec'] + $ru['ru_utime.tv_usec'] / 1e6,
            $ru['ru_stime.tv_sec'] + $ru['ru_stime.tv_usec'] / 1e6];
}

$q = new Beanstalk\Queue($server, ['tube' => $tube]);
switch ($client) {
case 'many':
    for ($i = 0; $i < $warmup; $i++) {
        $q->putMany($bodies);
    }
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    $ids = $q->putMany($bodies);
    $first = $ids[0];
    for ($i = 1; $i < $reps; $i++) {
        $ids = $q->putMany($bodies);
    }
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    $last = $ids[$batch - 1];
    break;

case 'async':
    $batchOf = function () use ($q, $body, $batch): array {
        for ($j = 0; $j < $batch; $j++) {
            $q->putAsync($body);
        }
        return $q->flush();
    };
    for ($i = 0; $i < $warmup; $i++) {
        $batchOf();
    }
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    $ids = $batchOf();
    $first = $ids[0];
    for ($i = 1; $i < $reps; $i++) {
        $ids = $batchOf();
    }
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    $last = $ids[$batch - 1];
    break;

case 'single':
    for ($i = 0; $i < $warmup * $batch; $i++) {
        $q->put($body);
    }
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    $first = $q->put($body);
    for ($i = 1, $n = $reps * $batch; $i < $n; $i++) {
        $last = $q->put($body);
    }
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    break;

default:
    fwrite(STDERR, "putmany.php: unknown client $client\n");
    exit(2);
}

echo json_encode([
    'client' => $client, 'size' => strlen($body), 'batch' => $batch, 'n' => $batch * $reps,
    'wall_s' => ($t1 - $t0) / 1e9, 'user_s' => $u1 - $u0, 'sys_s' => $s1 - $s0,
    'first_id' => $first, 'last_id' => $last ?? $first,
]), "\n";
