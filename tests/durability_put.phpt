--TEST--
Durability: 4 producers put through a beanstalkd with a binlog that is killed (SIGKILL) three times and restarted; every acknowledged put is stored exactly once under its id, nothing is stored that was never tried, every put returns or throws
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\Queue;

const PRODUCERS = 4;
$perProducer = bs_count(1500, 60);
$dir = sys_get_temp_dir() . '/bs-durability-put-' . getmypid();
@mkdir("$dir/binlog", 0700, true);
// -f 0: beanstalkd syncs the binlog on every write, before it answers.
$srv = new BsServer(0, ['-b', "$dir/binlog", '-f', '0']);
register_shutdown_function(function () use ($srv, $dir) {
    $srv->stop();
    array_map('unlink', glob("$dir/binlog/*") ?: []);
    array_map('unlink', glob("$dir/*.rec") ?: []);
    @rmdir("$dir/binlog");
    @rmdir($dir);
});
$tube = bs_tube('durability_put');

// Each producer tries each of its payloads once, and writes down what came
// of it: "ack N ID" or "threw N CLASS: MESSAGE". After a failure it pauses
// a little (the server may be down) and goes on with the next payload: a put
// whose reply was lost may have been stored, so it is never sent again.
$code = <<<'PHP'
    [, $server, $tube, $k, $n, $seconds, $file] = $argv;
    $rec = fopen($file, 'w');
    $q = new Beanstalk\Queue($server, ['tube' => $tube, 'connect_timeout' => 2, 'timeout' => 10]);
    $until = microtime(true) + $seconds;
    for ($i = 0; $i < $n && microtime(true) < $until; $i++) {
        try {
            $id = $q->put("p$k-$i");
            fwrite($rec, "ack $i $id\n");
        } catch (Beanstalk\Exception $e) {
            // Whether the put had left: $sent false means not stored.
            $sent = $e instanceof Beanstalk\ConnectionException ? ($e->sent ? 'sent' : 'not-sent') : 'sent';
            fwrite($rec, "threw $i $sent " . $e::class . ': ' . $e->getMessage() . "\n");
            usleep(20000);
        }
    }
    fwrite($rec, "done $i\n");
    fclose($rec);
    PHP;
$children = [];
for ($k = 0; $k < PRODUCERS; $k++) {
    $children[$k] = new BsChild($code, [$srv->address, $tube, $k, $perProducer, bs_seconds(30), "$dir/$k.rec"]);
}

// Three kills, each once the tube holds a share of all the puts (or after a
// while, whatever it holds), so that each one falls among running puts.
$total = PRODUCERS * $perProducer;
$kills = 0;
foreach ([0.2, 0.45, 0.7] as $share) {
    $until = microtime(true) + bs_seconds(10);
    while ((int)bs_stat($srv->address, "stats-tube $tube", 'current-jobs-ready') < $share * $total && microtime(true) < $until) {
        usleep(bs_poll_us());
    }
    $srv->stop();
    $kills++;
    usleep(300000);
    $srv->start();
}
echo "killed $kills times while the producers ran\n";

$ended = 0;
foreach ($children as $k => $child) {
    $exit = $child->wait(bs_seconds(40));
    $ended += $exit === 0;
    if ($exit !== 0) {
        echo "producer $k: exit $exit\n", $child->log();
    }
}
echo "producers ended: $ended of ", PRODUCERS, "\n";

// What each producer did, payload by payload.
$acked = [];       // payload => id
$threw = [];       // payload => reason
$tried = [];       // payload => true
$answered = 0;
foreach (range(0, PRODUCERS - 1) as $k) {
    $lines = file("$dir/$k.rec", FILE_IGNORE_NEW_LINES) ?: [];
    $last = array_pop($lines);
    $count = preg_match('/^done (\d+)$/', (string)$last, $m) ? (int)$m[1] : -1;
    $next = 0;
    foreach ($lines as $line) {
        if (!preg_match('/^(ack|threw) (\d+) (.*)$/', $line, $r) || (int)$r[2] !== $next) {
            echo "producer $k: unexpected record \"$line\" (wanted payload $next)\n";
            break;
        }
        $payload = "p$k-$next";
        $tried[$payload] = true;
        if ($r[1] === 'ack') {
            $acked[$payload] = (int)$r[3];
        } else {
            $threw[$payload] = $r[3];
        }
        $next++;
    }
    $answered += $next === $count;
    if ($next !== $count) {
        echo "producer $k: says it tried $count payloads, wrote down $next\n";
    }
}
echo "producers whose every put returned or threw: $answered of ", PRODUCERS, "\n";

// One more kill with everything quiet: what follows is read back from the
// binlog alone.
$srv->stop();
$srv->start();
$stored = [];      // payload => [ids]
$q = new Queue($srv->address, ['watch' => [$tube]]);
for ($i = 0; $i < $total + 10 && ($job = $q->reserve(0)); $i++) {
    $stored[$job->data][] = $job->id;
    $job->delete();
}
$left = bs_stats($srv->address, "stats-tube $tube");
echo "tube empty after the drain: ", $left && array_sum(array_map('intval', [$left['current-jobs-ready'], $left['current-jobs-reserved'],
    $left['current-jobs-delayed'], $left['current-jobs-buried']])) === 0 ? 'yes' : 'no', "\n";

$lost = $wrongId = [];
foreach ($acked as $payload => $id) {
    if (!isset($stored[$payload])) {
        $lost[] = $payload;
    } elseif ($stored[$payload] !== [$id]) {
        $wrongId[] = "$payload (acknowledged as $id, stored as " . implode(', ', $stored[$payload]) . ")";
    }
}
$stranger = array_keys(array_diff_key($stored, $tried));
$twice = array_keys(array_filter($stored, fn ($ids) => count($ids) > 1));
$threwStored = array_intersect_key($threw, $stored);
echo "acknowledged but not stored: ", implode(' ', $lost) ?: 'none', "\n";
echo "acknowledged, stored other than once under its id: ", implode(' ', $wrongId) ?: 'none', "\n";
echo "stored but never tried: ", implode(' ', $stranger) ?: 'none', "\n";
echo "stored more than once: ", implode(' ', $twice) ?: 'none', "\n";
// A put that said it was not sent (ConnectionException::$sent false, as
// when it could not connect) cannot have been stored.
$refused = array_filter($threwStored, fn ($why) => str_starts_with($why, 'not-sent '));
echo "stored although the put said it was not sent: ", implode(' ', array_keys($refused)) ?: 'none', "\n";
$unsentConnect = array_filter($threw, fn ($why) => str_contains($why, 'cannot connect') && !str_starts_with($why, 'not-sent '));
echo "could not connect, yet said it was sent: ", implode(' ', array_keys($unsentConnect)) ?: 'none', "\n";
// Each kill fails at least the next put of a producer still running.
$tries = count($tried);
echo "acknowledged: ", count($acked) > 0 ? 'some' : 'none', ", threw: ", count($threw) > 0 ? 'some' : 'none', "\n";

// The counts depend on where the kills fell: for the log of the run.
$reasons = [];
foreach ($threw as $why) {
    $why = preg_replace('/\d+\.\d+\.\d+\.\d+:\d+/', 'SERVER', $why);
    $reasons[$why] = ($reasons[$why] ?? 0) + 1;
}
arsort($reasons);
$figures = sprintf("durability_put: %d producers, %d tries, %d acknowledged, %d threw, of which %d stored all the same; %d kills\n",
    PRODUCERS, $tries, count($acked), count($threw), count($threwStored), $kills);
foreach ($reasons as $why => $n) {
    $figures .= "  threw $n: $why\n";
}
foreach ($threwStored as $payload => $why) {
    $figures .= "  stored although it threw: $payload (" . preg_replace('/\d+\.\d+\.\d+\.\d+:\d+/', 'SERVER', $why) . ")\n";
}
file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', $figures, FILE_APPEND);
?>
--EXPECT--
killed 3 times while the producers ran
producers ended: 4 of 4
producers whose every put returned or threw: 4 of 4
tube empty after the drain: yes
acknowledged but not stored: none
acknowledged, stored other than once under its id: none
stored but never tried: none
stored more than once: none
stored although the put said it was not sent: none
could not connect, yet said it was sent: none
acknowledged: some, threw: some
