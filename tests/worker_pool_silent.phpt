--TEST--
Worker over two servers, one of which accepts and never answers: the silent one is given up on after its reply timeout and tried again with a back-off, and the jobs of the other are all done meanwhile
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

$real = new BsServer();
$silent = new BsFakeServer([['', ['silence']]]);
bs_fill($real->address, 'default', 20, fn ($i) => "job $i");
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);

$q = new Queue([$silent->address, $real->address], ['timeout' => 0.5]);
$w = new Worker($q, ['max_jobs' => 20, 'reserve_timeout' => 1, 'reconnect_timeout' => 30]);
$done = [];
$t = microtime(true);
// 2 s of jobs: longer than the silent one's slice and reply timeout.
$reason = $w->run(function (Job $job) use (&$done) {
    $done[] = $job->data;
    usleep(100000);
});
var_dump($reason === Worker::STOP_MAX_JOBS, count($done), count(array_unique($done)));
// The silent server holds its reserve for its slice plus the reply timeout
// at the most, and the real one serves all the while.
echo "done within 10 s: ", bs_within(microtime(true) - $t, 0, bs_seconds(10)), "\n";
$lines = str_replace($silent->address, 'SILENT', file_get_contents($log));
echo "the silent one given up on: ", preg_match('/lost SILENT \(no reply from SILENT within [\d.]+ s\); reconnecting/', $lines) ? 'yes' : "no:\n$lines", "\n";
echo "left on the real one: ", bs_stat($real->address, 'stats-tube default', 'current-jobs-ready'), "\n";
unlink($log);
?>
--EXPECT--
bool(true)
int(20)
int(20)
done within 10 s: yes
the silent one given up on: yes
left on the real one: 0
