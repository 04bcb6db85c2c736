--TEST--
Laravel bridge: Laravel's own worker runs the same jobs through the driver beanstalk-ext and through Laravel's beanstalkd driver (pheanstalk), side by side on one server, with the same results
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/bridge.inc';
if ($why = bridge_skip_reason('laravel')) die("skip $why");
?>
--INI--
; PCRE's JIT reads past its buffers in ways valgrind reports (./dev memcheck)
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/bridge.inc';

/* One child per driver, at the same time, each on a tube of its own. A job
 * notes each run with its attempt; the child prints what the notes, the
 * failed-job store, the exception handler and the server say. */
$code = <<<'PHP'
[$server, $driver, $tube] = array_slice($argv, 1);
define('LARAVEL_SERVER', $server);
$app = laravel_app(laravel_connection($driver, $server, $tube));
$queue = $app['queue']->connection();

/** Notes the priority the job has on the server once it released itself. */
class PriorityJob extends ReleasingJob
{
    public function handle(): void
    {
        parent::handle();
        if ($this->job->isReleased()) {
            BridgeNotes::add("{$this->name} priority after its release: " . bs_stat(LARAVEL_SERVER, 'stats-job ' . $this->job->getJobId(), 'pri'));
        }
    }
}

// A job whose worker died while it ran (as Laravel's --timeout kills the
// process): it was reserved on a connection that then closed.
laravel_dispatch($app, new RecordJob('orphan'));
$raw = new Beanstalk\Queue($server, ['watch' => [$tube]]);
$orphan = $raw->reserve(5);
$raw->close();

for ($i = 1; $i <= 10; $i++) {
    laravel_dispatch($app, new RecordJob("job-$i"));
}
$queue->bulk(array_map(fn ($i) => new RecordJob("bulk-$i"), range(1, 5)));
// Noted before: the delay runs from the server's receipt of the job.
BridgeNotes::add('dispatched late');
laravel_dispatch($app, (new RecordJob('late'))->delay(1));
laravel_dispatch($app, new FailingJob('failing'));
laravel_dispatch($app, new ReleasingJob('releasing'));
// A job another producer put at priority 10 (Laravel puts every job at 1024).
$payload = (fn ($job) => $this->createPayload($job, $this->getQueue(null)))->call($queue, new PriorityJob('urgent'));
(new Beanstalk\Queue($server, ['tube' => $tube]))->put($payload, 10);

echo "orphan reserved by another connection that closed: ", $orphan ? 'yes' : 'no', "\n";
echo "size() before the worker: ", $queue->size(), "\n";
echo "jobs left after the worker: ", laravel_work($app, $server, $tube, bs_seconds(20)), "\n";

$runs = [];
foreach (BridgeNotes::matching('') as $line) {
    if (preg_match('/^((?:job|bulk)-\d+) ran, attempt (\d+)$/', $line, $m)) {
        $runs[$m[1]][] = (int)$m[2];
    }
}
$once = count($runs) === 15 && array_filter($runs, fn ($a) => $a !== [1]) === [];
echo "job-1..10 and bulk-1..5 each ran once, attempt 1: ", $once ? 'yes' : 'no: ' . json_encode($runs), "\n";
foreach (['orphan', 'late', 'failing', 'releasing', 'urgent'] as $name) {
    echo implode("\n", BridgeNotes::matching($name)), "\n";
}
$late = BridgeNotes::times('late ran')[0] ?? INF;
echo "late ran 1 s or more after its dispatch: ", $late - BridgeNotes::times('dispatched late')[0] >= 1.0 ? 'yes' : 'no', "\n";
echo "failing: its attempts 1 s or more apart: ", bridge_gaps(BridgeNotes::times('failing attempt'), 1.0), "\n";
echo "releasing: attempt 2 1 s or more after the release: ", bridge_gaps(BridgeNotes::times('releasing '), 1.0), "\n";
echo implode("\n", BridgeNotes::matching('reported')), "\n";
$failed = $app['queue.failer']->all();
echo "failed jobs stored: ", count($failed), "\n";
foreach ($failed as $f) {
    printf("  connection %s, queue %s, job %s, %s: %s\n", $f['connection'], $f['queue'] === $tube ? 'the tube' : $f['queue'],
        json_decode($f['payload'], true)['displayName'], $f['exception']::class, $f['exception']->getMessage());
}
echo "size() after the worker: ", $queue->size(), "\n";
echo str_replace("tube: ", "server: ", bridge_tube_line($server, $tube)), "\n";
PHP;

$server = bs_server();
$children = [];
foreach (['beanstalk-ext', 'beanstalkd'] as $driver) {
    $children[$driver] = bridge_child('laravel', $code, [$server, $driver, bs_tube("laravel-$driver")]);
}
foreach ($children as $driver => $child) {
    $exit = $child->wait(bs_seconds(60));
    echo "== driver $driver: exit $exit ==\n", $child->rest();
    if ($child->log() !== '') {
        echo "stderr: ", $child->log();
    }
}
?>
--EXPECT--
== driver beanstalk-ext: exit 0 ==
orphan reserved by another connection that closed: yes
size() before the worker: 19
jobs left after the worker: 0
job-1..10 and bulk-1..5 each ran once, attempt 1: yes
orphan ran, attempt 2
late ran, attempt 1
failing attempt 1
failing attempt 2
failing attempt 3
failing failed(): failing does not work
releasing released itself
releasing ran, attempt 2
urgent released itself
urgent priority after its release: 10
urgent ran, attempt 2
late ran 1 s or more after its dispatch: yes
failing: its attempts 1 s or more apart: yes
releasing: attempt 2 1 s or more after the release: yes
reported RuntimeException: failing does not work
reported RuntimeException: failing does not work
reported RuntimeException: failing does not work
failed jobs stored: 1
  connection test, queue the tube, job FailingJob, RuntimeException: failing does not work
size() after the worker: 0
server: put 20, ready 0, delayed 0, reserved 0, buried 0
== driver beanstalkd: exit 0 ==
orphan reserved by another connection that closed: yes
size() before the worker: 19
jobs left after the worker: 0
job-1..10 and bulk-1..5 each ran once, attempt 1: yes
orphan ran, attempt 2
late ran, attempt 1
failing attempt 1
failing attempt 2
failing attempt 3
failing failed(): failing does not work
releasing released itself
releasing ran, attempt 2
urgent released itself
urgent priority after its release: 1024
urgent ran, attempt 2
late ran 1 s or more after its dispatch: yes
failing: its attempts 1 s or more apart: yes
releasing: attempt 2 1 s or more after the release: yes
reported RuntimeException: failing does not work
reported RuntimeException: failing does not work
reported RuntimeException: failing does not work
failed jobs stored: 1
  connection test, queue the tube, job FailingJob, RuntimeException: failing does not work
size() after the worker: 0
server: put 20, ready 0, delayed 0, reserved 0, buried 0
