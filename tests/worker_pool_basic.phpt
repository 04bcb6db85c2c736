--TEST--
Worker over three servers: jobs from each server run with their Job::$server and are deleted there; with jobs ready on every server the worker never waits; the start line names every server
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
use Beanstalk\{Job, Queue, Worker};

$servers = [new BsServer(), new BsServer(), new BsServer()];
$addresses = array_map(fn ($s) => $s->address, $servers);
$tube = bs_tube('worker_pool_basic');
foreach ($addresses as $k => $a) {
    bs_fill($a, $tube, 100, fn ($i) => "s$k-$i");
}
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);

$q = new Queue($addresses, ['watch' => [$tube]]);
$w = new Worker($q, ['max_jobs' => 300, 'reserve_timeout' => 1]);
$wrong = 0;
$per = array_fill_keys($addresses, 0);
$reason = $w->run(function (Job $job) use ($addresses, &$wrong, &$per) {
    $per[$job->server]++;
    $wrong += $job->server !== $addresses[(int)substr($job->data, 1)];
    // The job's own commands go to its server.
    $wrong += $job->stats()['state'] !== 'reserved';
});
$s = $w->stats();
var_dump($reason === Worker::STOP_MAX_JOBS, $wrong, array_values($per));
echo "deleted {$s['deleted']}, lost {$s['lost']}\n";
// Every job was at hand when its turn came: a wait would have been a
// reserve slice (a second) or a reply timeout.
echo "waited less than a second in all: ", $s['wait_time'] < 1.0 ? 'yes' : "no ({$s['wait_time']} s)", "\n";
foreach ($addresses as $a) {
    $t = bs_stats($a, "stats-tube $tube");
    echo "left on a server: ", ($t['current-jobs-ready'] ?? 0) + ($t['current-jobs-reserved'] ?? 0), "\n";
}
$lines = file_get_contents($log);
echo "start line names the servers: ", str_contains($lines, 'server ' . implode(', ', $addresses) . ',') ? 'yes' : "no: $lines", "\n";
unlink($log);
?>
--EXPECT--
bool(true)
int(0)
array(3) {
  [0]=>
  int(100)
  [1]=>
  int(100)
  [2]=>
  int(100)
}
deleted 300, lost 0
waited less than a second in all: yes
left on a server: 0
left on a server: 0
left on a server: 0
start line names the servers: yes
