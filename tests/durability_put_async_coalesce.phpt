--TEST--
Durability of coalesced putAsync (option coalesce: the puts held and written 1000 bytes at a time): 10 000 puts that do not wait, flushed every 1000, through a binlogged beanstalkd killed (SIGKILL) in the middle and restarted; every id flush() returned is stored under it, every put is accounted for, none is sent twice (a held put goes out once, on the new connection if the old one was lost before it), the lost ones are reported
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

$n = bs_count(10000, 1000);
$dir = sys_get_temp_dir() . '/bs-durability-coalesce-' . getmypid();
@mkdir("$dir/binlog", 0700, true);
// A SIGKILL leaves what beanstalkd wrote to its binlog in the page cache:
// no sync is needed for what it had acknowledged to survive.
$srv = new BsServer(0, ['-b', "$dir/binlog"]);
register_shutdown_function(function () use ($srv, $dir) {
    $srv->stop();
    array_map('unlink', glob("$dir/binlog/*") ?: []);
    @unlink("$dir/producer.rec");
    @rmdir("$dir/binlog");
    @rmdir($dir);
});
$tube = bs_tube('durability_coalesce');

// The producer writes down what came of each payload: "ack I ID" from a
// flush, "failed I REASON" from a flush's BatchException, or "threw I
// SENT CLASS" when putAsync itself threw (it is then not among flush's).
$code = <<<'PHP'
    [, $server, $tube, $n, $seconds, $file, $every] = $argv;
    $rec = fopen($file, 'w');
    $q = new Beanstalk\Queue($server, ['tube' => $tube, 'connect_timeout' => 2, 'timeout' => 10, 'coalesce' => 1000]);
    $until = microtime(true) + $seconds;
    $batch = [];   // position among the puts since the last flush => payload
    $flush = function () use ($q, $rec, &$batch) {
        try {
            foreach ($q->flush() as $k => $id) {
                fwrite($rec, "ack {$batch[$k]} $id\n");
            }
        } catch (Beanstalk\BatchException $e) {
            foreach ($e->inserted as $k => $id) {
                fwrite($rec, "ack {$batch[$k]} $id\n");
            }
            foreach ($e->failed as $k => $why) {
                fwrite($rec, "failed {$batch[$k]} $why\n");
            }
        }
        $batch = [];
    };
    for ($i = 0; $i < $n && microtime(true) < $until; $i++) {
        try {
            $q->putAsync("a-$i");
            $batch[] = $i;
        } catch (Beanstalk\Exception $e) {
            $sent = $e instanceof Beanstalk\ConnectionException && !$e->sent ? 'not-sent' : 'sent';
            fwrite($rec, "threw $i $sent " . $e::class . "\n");
            usleep(20000);
        }
        // Paced, so that the kill finds replies owed and puts held.
        usleep(200);
        if (count($batch) === (int)$every) {
            $flush();
        }
    }
    $flush();
    fwrite($rec, "done $i\n");
    fclose($rec);
    PHP;
// A flush every tenth of the puts at most (under valgrind, 100 of 1000): the
// kill then finds some acknowledged before it, however late it comes.
$child = new BsChild($code, [$srv->address, $tube, $n, bs_seconds(60), "$dir/producer.rec", min(1000, intdiv($n, 10))]);

// The kill falls among running puts: once the tube holds about half.
$until = microtime(true) + bs_seconds(20);
while ((int)bs_stat($srv->address, "stats-tube $tube", 'current-jobs-ready') < $n / 2 && microtime(true) < $until) {
    usleep(bs_poll_us());
}
$srv->stop();
usleep(300000);
$srv->start();
$exit = $child->wait(bs_seconds(80));
echo "producer exit $exit\n", $child->log();

$outcome = [];   // payload index => ['ack', id] | ['failed', why] | ['threw', sent]
$lines = file("$dir/producer.rec", FILE_IGNORE_NEW_LINES) ?: [];
$done = preg_match('/^done (\d+)$/', (string)array_pop($lines), $m) ? (int)$m[1] : -1;
foreach ($lines as $line) {
    [$what, $i, $rest] = explode(' ', $line, 3) + [2 => ''];
    if (isset($outcome[$i])) {
        echo "payload $i twice: $line\n";
    }
    $outcome[(int)$i] = [$what, $what === 'ack' ? (int)$rest : strtok($rest, ' ')];
}
echo "every payload tried has one outcome: ", $done > 0 && count($outcome) === $done && max(array_keys($outcome)) === $done - 1 ? 'yes' : "no ($done tried, " . count($outcome) . " outcomes)", "\n";
echo "the producer got through: ", $done === $n ? 'all' : "only $done", "\n";

// What the server has, read back from the binlog after one more kill.
$srv->stop();
$srv->start();
$stored = [];    // payload index => [ids]
$q = new Queue($srv->address, ['watch' => [$tube]]);
for ($k = 0; $k < $n + 10 && ($job = $q->reserve(0)); $k++) {
    $stored[(int)substr($job->data, 2)][] = $job->id;
    $job->delete();
}

$count = ['ack' => 0, 'failed' => 0, 'threw' => 0];
$lost = $wrongId = $notSentStored = [];
foreach ($outcome as $i => [$what, $detail]) {
    $count[$what]++;
    if ($what === 'ack' && !isset($stored[$i])) {
        $lost[] = $i;
    } elseif ($what === 'ack' && $stored[$i] !== [$detail]) {
        $wrongId[] = $i;
    } elseif ((($what === 'threw' && $detail === 'not-sent') || ($what === 'failed' && $detail === 'NOT_SENT')) && isset($stored[$i])) {
        $notSentStored[] = $i;
    }
}
$twice = array_keys(array_filter($stored, fn ($ids) => count($ids) > 1));
$stranger = array_keys(array_diff_key($stored, $outcome));
$failedWhy = array_count_values(array_column(array_filter($outcome, fn ($o) => $o[0] === 'failed'), 1));
echo "acknowledged but not stored: ", implode(' ', $lost) ?: 'none', "\n";
echo "stored under another id: ", implode(' ', $wrongId) ?: 'none', "\n";
echo "stored twice: ", implode(' ', $twice) ?: 'none', "\n";
echo "stored but never tried: ", implode(' ', $stranger) ?: 'none', "\n";
echo "not sent, yet stored: ", implode(' ', $notSentStored) ?: 'none', "\n";
echo "some were acknowledged: ", $count['ack'] > $n / 4 ? 'yes' : 'no', "\n";
$figures = sprintf("durability_put_async coalesced: %d tried, %d acked, %d failed in flush (%s), %d threw; of those not acked, %d stored\n",
    $done, $count['ack'], $count['failed'], json_encode($failedWhy), $count['threw'],
    count(array_diff_key($stored, array_filter($outcome, fn ($o) => $o[0] === 'ack'))));
file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', $figures, FILE_APPEND);
echo "figures: ", $figures;
?>
--EXPECTF--
producer exit 0
every payload tried has one outcome: yes
the producer got through: all
acknowledged but not stored: none
stored under another id: none
stored twice: none
stored but never tried: none
not sent, yet stored: none
some were acknowledged: yes
figures: %s
