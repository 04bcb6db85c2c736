--TEST--
Worker: a handler that forks, the child ending with exit(), an exception or by returning, at prefetch 1 and 4, with a putAsync of the parent's in the handler, over two servers, with children that put on a Queue of their own, and after the TTR watchdog made its connection: every job runs once, no delete is lost, no connection is made again, the child writes no log line; a Job of the parent's is refused in the child
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork')) die('skip needs pcntl');
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

$servers = [new BsServer(), new BsServer()];
$one = $servers[0]->address;
$both = implode(',', [$servers[0]->address, $servers[1]->address]);
$n = bs_count(200, 20);

// The worker's script: the handler forks for every job, the child ends as
// the mode says, the parent waits for it before it goes on.
$script = <<<'PHP'
[, $servers, $tube, $n, $mode, $prefetch] = $argv;
$n = (int)$n;
$list = explode(',', $servers);
$q = new Beanstalk\Queue(count($list) > 1 ? $list : $list[0], ['tube' => "$tube-side", 'watch' => [$tube]]);
$w = new Beanstalk\Worker($q, ['max_jobs' => $n, 'max_runtime' => bs_seconds(120), 'prefetch' => (int)$prefetch]);
$ran = [];
$children = [];
$refused = 0;
// The server's count of stats-job before the run: only this worker's
// watchdog asks it meanwhile.
$asked = (int)bs_stat($list[0], 'stats', 'cmd-stats-job');
$reason = $w->run(function (Beanstalk\Job $job) use ($q, $mode, $tube, $servers, $list, $asked, &$ran, &$children, &$refused) {
    $ran[] = $job->data;
    if ($mode === 'async') {
        $q->putAsync("side {$job->data}");
    }
    if ($mode === 'slow' && count($ran) === 1) {
        // The TTR watchdog asks the server about a job half a second into
        // it, over a connection of its own: the children forked from now on
        // inherit that connection too.
        $until = microtime(true) + bs_seconds(20);
        while ((int)bs_stat($list[0], 'stats', 'cmd-stats-job') === $asked && microtime(true) < $until) {
            usleep(10000);
        }
    }
    $pid = pcntl_fork();
    if ($pid === 0) {
        switch ($mode) {
        case 'own':
            // A Queue of the child's own, and the parent's Queue, which
            // makes a connection of the child's own at its first command.
            $own = new Beanstalk\Queue(explode(',', $servers)[0], ['tube' => "$tube-own"]);
            $own->put("own {$job->data}");
            $q->useTube("$tube-inherited")->put("inherited {$job->data}");
            try {
                $job->delete();
            } catch (Beanstalk\NotFoundException $e) {
                exit(str_contains($e->getMessage(), 'forked from') ? 42 : 1);
            }
            exit(1);
        case 'throw':
            throw new RuntimeException("child of job {$job->data}");
        case 'return':
            return;
        default:
            exit(0);
        }
    }
    pcntl_waitpid($pid, $status);
    $children[] = pcntl_wexitstatus($status);
});
if (getmypid() !== $GLOBALS['parent']) {
    // A child that returned from the handler goes on here, as a plain
    // script would after run().
    exit($reason === Beanstalk\Worker::STOP_REQUESTED ? 43 : 1);
}
$s = $w->stats();
$flushed = $mode === 'async' ? count($q->flush()) : 0;
$dups = count($ran) - count(array_unique($ran));
$codes = array_count_values($children);
ksort($codes);
$c = [];
foreach ($codes as $code => $k) {
    $c[] = "$code x$k";
}
echo "$mode/$prefetch: reason $reason, ran ", count($ran), ", twice $dups, processed {$s['processed']}, deleted {$s['deleted']}, lost {$s['lost']}, reconnects {$s['reconnects']}, flushed $flushed, children ", implode(' ', $c), "\n";
PHP;
$script = '$GLOBALS[\'parent\'] = getmypid();' . "\n" . $script;

$cases = [
    ['exit', 1, $one], ['exit', 4, $one], ['async', 1, $one], ['own', 1, $one],
    ['throw', 1, $one], ['return', 1, $one], ['exit', 2, $both], ['slow', 1, $one],
];
foreach ($cases as [$mode, $prefetch, $where]) {
    $tube = bs_tube("fork_$mode$prefetch");
    $addresses = explode(',', $where);
    foreach ($addresses as $k => $a) {
        bs_fill($a, $tube, intdiv($n, count($addresses)) + ($k === 0 ? $n % count($addresses) : 0),
            fn ($i) => "$k-$i");
    }
    $t0 = microtime(true);
    $child = new BsChild($script, [$where, $tube, $n, $mode, $prefetch], ['error_log' => '', 'display_errors' => '0'],
        $mode === 'throw' ? BS_VALGRIND_FATAL_END : []);
    $line = $child->line(bs_seconds(120));
    $took = microtime(true) - $t0;
    $exit = $child->wait(bs_seconds(60));
    echo str_replace([(string)$n, (string)Beanstalk\Worker::STOP_MAX_JOBS], ['N', 'MAX_JOBS'], (string)$line), "\n";
    // What is left on the servers: nothing of the worker's tube.
    $left = 0;
    foreach ($addresses as $a) {
        $left += (int)bs_stat($a, "stats-tube $tube", 'total-jobs') - (int)bs_stat($a, "stats-tube $tube", 'cmd-delete');
    }
    echo "  exit $exit, left $left";
    if ($mode === 'async') {
        echo ", side jobs ", (int)bs_stat($one, "stats-tube $tube-side", 'current-jobs-ready') === $n ? 'N' : 'wrong';
    }
    if ($mode === 'own') {
        echo ", own ", (int)bs_stat($one, "stats-tube $tube-own", 'current-jobs-ready') === $n ? 'N' : 'wrong';
        echo ", inherited ", (int)bs_stat($one, "stats-tube $tube-inherited", 'current-jobs-ready') === $n ? 'N' : 'wrong';
    }
    $log = $child->log();
    echo ", log lines of children: ", substr_count($log, 'handed back') + substr_count($log, 'putAsync') + substr_count($log, 'reconnect') + max(0, substr_count($log, 'stopping on') - 1), "\n";
    if (getenv('BS_FIGURES')) {
        file_put_contents(getenv('BS_FIGURES'), sprintf("worker_fork %s prefetch %d over %d server(s): %d jobs in %.1f s\n", $mode, $prefetch, count($addresses), $n, $took), FILE_APPEND);
    }
    unset($child);
}
?>
--EXPECTF--
exit/1: reason MAX_JOBS, ran N, twice 0, processed N, deleted N, lost 0, reconnects 0, flushed 0, children 0 xN
  exit 0, left 0, log lines of children: 0
exit/4: reason MAX_JOBS, ran N, twice 0, processed N, deleted N, lost 0, reconnects 0, flushed 0, children 0 xN
  exit 0, left 0, log lines of children: 0
async/1: reason MAX_JOBS, ran N, twice 0, processed N, deleted N, lost 0, reconnects 0, flushed N, children 0 xN
  exit 0, left 0, side jobs N, log lines of children: 0
own/1: reason MAX_JOBS, ran N, twice 0, processed N, deleted N, lost 0, reconnects 0, flushed 0, children 42 xN
  exit 0, left 0, own N, inherited N, log lines of children: 0
throw/1: reason MAX_JOBS, ran N, twice 0, processed N, deleted N, lost 0, reconnects 0, flushed 0, children 255 xN
  exit 0, left 0, log lines of children: 0
return/1: reason MAX_JOBS, ran N, twice 0, processed N, deleted N, lost 0, reconnects 0, flushed 0, children 43 xN
  exit 0, left 0, log lines of children: 0
exit/2: reason MAX_JOBS, ran N, twice 0, processed N, deleted N, lost 0, reconnects 0, flushed 0, children 0 xN
  exit 0, left 0, log lines of children: 0
slow/1: reason MAX_JOBS, ran N, twice 0, processed N, deleted N, lost 0, reconnects 0, flushed 0, children 0 xN
  exit 0, left 0, log lines of children: 0
