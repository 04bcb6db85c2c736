--TEST--
Worker: 100,000 jobs through one worker (10,000 under valgrind); its resident set stays flat (under 1 MiB of growth from job 10,000 to job 100,000)
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--INI--
error_log=/dev/null
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, Worker};

// Under valgrind a tenth: the worker runs in this process, at about half
// its speed (it waits on the server mostly), and the fill is PHP code.
define('JOBS', bs_count(100000));
define('FIRST', intdiv(JOBS, 10));
$srv = new BsServer();        // a server of its own: 100k jobs are not the shared one's business
$tube = bs_tube('worker_100k');
$start = microtime(true);
bs_fill($srv->address, $tube, JOBS, fn ($i) => json_encode(['n' => $i, 'to' => "user$i@example.org"]));
$filled = microtime(true) - $start;

$w = new Worker(new Queue($srv->address, ['watch' => [$tube]]), ['max_jobs' => JOBS]);
$at = [];
$n = 0;
$sum = 0;
$start = microtime(true);
$reason = $w->run(function (Job $job, Worker $w) use (&$at, &$n, &$sum) {
    $sum += json_decode($job->data, true)['n'];
    if (++$n === FIRST || $n === JOBS) {
        $at[$n] = $w->stats();
    }
});
$took = microtime(true) - $start;
var_dump($reason === Worker::STOP_MAX_JOBS, $n === JOBS, $sum === JOBS * (JOBS - 1) / 2);
// Under valgrind, the resident set holds valgrind's queue of freed blocks
// (20 MB), which fills as jobs come and go, and the Zend heap is not
// counted: there valgrind's leak check of this process stands in for both.
$growth = $at[JOBS]['rss'] - $at[FIRST]['rss'];
echo $growth < (1 << 20) || bs_under_valgrind() ? "RSS flat\n" : "RSS grew by $growth bytes\n";
$heap = $at[JOBS]['memory'] - $at[FIRST]['memory'];
echo abs($heap) < (64 << 10) ? "heap flat\n" : "heap grew by $heap bytes\n";
$s = $w->stats();
var_dump($s['processed'] === JOBS, $s['deleted'] === JOBS, $s['failed']);
var_dump(bs_stat($srv->address, "stats-tube $tube", 'current-jobs-ready'), bs_stat($srv->address, 'stats', 'cmd-delete') === (string)JOBS);
echo $took < 60 ? "within a minute\n" : "took $took s\n";
// The figures, for the log of the run (not compared).
file_put_contents(getenv('BS_FIGURES') ?: '/dev/null', sprintf("100k%s: %d jobs, fill %.2f s, work %.2f s, %.0f jobs/s, rss growth %d B, p50 %.1f µs, p99 %.1f µs, rtt %.1f µs\n",
    bs_under_valgrind() ? ' (valgrind)' : '', JOBS, $filled, $took, JOBS / $took, $growth, $s['job_duration_p50'] * 1e6, $s['job_duration_p99'] * 1e6, $s['rtt'] * 1e6), FILE_APPEND);
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
RSS flat
heap flat
bool(true)
bool(true)
int(0)
string(1) "0"
bool(true)
within a minute
