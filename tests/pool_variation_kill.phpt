--TEST--
Queue over three servers: one (with a binlog) killed with SIGKILL among 4 producers' puts; the puts go on on the others; once it is back, every acknowledged job is on the servers exactly once, and every put that threw said whether it had been sent
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\Queue;

const PRODUCERS = 4;
$perProducer = bs_count(1500, 60);
$dir = sys_get_temp_dir() . '/bs-pool-kill-' . getmypid();
@mkdir("$dir/binlog", 0700, true);
$servers = [new BsServer(0, ['-b', "$dir/binlog", '-f', '0']), new BsServer(), new BsServer()];
register_shutdown_function(function () use ($servers, $dir) {
    foreach ($servers as $s) {
        $s->stop();
    }
    array_map('unlink', glob("$dir/binlog/*") ?: []);
    array_map('unlink', glob("$dir/*.rec") ?: []);
    @rmdir("$dir/binlog");
    @rmdir($dir);
});
$addresses = array_map(fn ($s) => $s->address, $servers);
$tube = bs_tube('pool_kill');

// Each producer tries each payload once; a put that threw says whether it
// had been sent (it may then be stored) or not (it is not).
$code = <<<'PHP'
    [, $servers, $tube, $k, $n, $seconds, $file] = $argv;
    $rec = fopen($file, 'w');
    $q = new Beanstalk\Queue(explode(',', $servers), ['tube' => $tube, 'connect_timeout' => 2, 'timeout' => 10]);
    $until = microtime(true) + $seconds;
    for ($i = 0; $i < $n && microtime(true) < $until; $i++) {
        try {
            $q->put("p$k-$i");
            fwrite($rec, "ack $i\n");
        } catch (Beanstalk\Exception $e) {
            $sent = $e instanceof Beanstalk\ConnectionException && !$e->sent ? 'not-sent' : 'sent';
            fwrite($rec, "threw $i $sent " . $e::class . ': ' . $e->getMessage() . "\n");
        }
    }
    fwrite($rec, "done $i\n");
    fclose($rec);
    PHP;
$children = [];
for ($k = 0; $k < PRODUCERS; $k++) {
    $children[$k] = new BsChild($code, [implode(',', $addresses), $tube, $k, $perProducer, bs_seconds(30), "$dir/$k.rec"]);
}
$total = PRODUCERS * $perProducer;
// Ready jobs on the servers that are up (a stopped one counts none).
$ready = function () use ($addresses, $tube): int {
    $n = 0;
    foreach ($addresses as $a) {
        $s = @stream_socket_client("tcp://$a", $errno, $errstr, 1);
        if ($s) {
            fclose($s);
            $n += (int)bs_stat($a, "stats-tube $tube", 'current-jobs-ready');
        }
    }
    return $n;
};
$until = microtime(true) + bs_seconds(10);
while ($ready() < 0.3 * $total && microtime(true) < $until) {
    usleep(bs_poll_us());
}
$servers[0]->stop();
$atKill = $ready();
$until = microtime(true) + bs_seconds(10);
while ($ready() < $atKill + 0.2 * $total && microtime(true) < $until) {
    usleep(bs_poll_us());
}
echo "puts went on without server 0: ", $ready() >= $atKill + 0.2 * $total ? 'yes' : 'no', "\n";
$servers[0]->start();

$ended = 0;
foreach ($children as $child) {
    $ended += $child->wait(bs_seconds(40)) === 0;
}
echo "producers ended: $ended of ", PRODUCERS, "\n";

$acked = $threw = [];
foreach (range(0, PRODUCERS - 1) as $k) {
    foreach (file("$dir/$k.rec", FILE_IGNORE_NEW_LINES) ?: [] as $line) {
        if (preg_match('/^ack (\d+)$/', $line, $m)) {
            $acked["p$k-$m[1]"] = true;
        } elseif (preg_match('/^threw (\d+) (\S+) (.*)$/', $line, $m)) {
            $threw["p$k-$m[1]"] = [$m[2], $m[3]];
        }
    }
}
// Everything on every server, by payload.
$stored = [];
foreach ($addresses as $a) {
    $q = new Queue($a, ['watch' => [$tube]]);
    for ($i = 0; $i < $total + 10 && ($job = $q->reserve(0)); $i++) {
        $stored[$job->data] = ($stored[$job->data] ?? 0) + 1;
        $job->delete();
    }
}
$lost = array_keys(array_diff_key($acked, $stored));
$twice = array_keys(array_filter($stored, fn ($n) => $n > 1));
$unsentStored = array_keys(array_filter($threw, fn ($t, $p) => $t[0] === 'not-sent' && isset($stored[$p]), ARRAY_FILTER_USE_BOTH));
$stranger = array_keys(array_diff_key($stored, $acked, $threw));
echo "acknowledged but not stored: ", implode(' ', $lost) ?: 'none', "\n";
echo "stored more than once: ", implode(' ', $twice) ?: 'none', "\n";
echo "stored although not sent: ", implode(' ', $unsentStored) ?: 'none', "\n";
echo "stored but never tried: ", implode(' ', $stranger) ?: 'none', "\n";
echo "every put answered: ", count($acked) + count($threw) === $total ? 'yes' : count($acked) + count($threw) . " of $total", "\n";
$figures = sprintf("pool_variation_kill: %d puts, %d acknowledged, %d threw (%d not sent, %d sent, of which %d stored)\n",
    $total, count($acked), count($threw), count(array_filter($threw, fn ($t) => $t[0] === 'not-sent')),
    count(array_filter($threw, fn ($t) => $t[0] === 'sent')), count(array_intersect_key($threw, $stored)));
if (getenv('BS_FIGURES')) {
    file_put_contents(getenv('BS_FIGURES'), $figures, FILE_APPEND);
}
?>
--EXPECT--
puts went on without server 0: yes
producers ended: 4 of 4
acknowledged but not stored: none
stored more than once: none
stored although not sent: none
stored but never tried: none
every put answered: yes
