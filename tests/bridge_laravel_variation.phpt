--TEST--
Laravel bridge: the README's connection, block_for (and null, ended by SIGTERM), bulk() in one putMany (or putAsync and one flush, for jobs of different delays) and its partial failure, bury() keeps the priority, size() of an unknown tube, queues in priority order, pop and deleteReserved, server strings, the provider after the queue manager
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

$code = <<<'PHP'
use Beanstalk\Laravel\BeanstalkConnector;
use Beanstalk\Laravel\BeanstalkQueue;
use Beanstalk\Laravel\BeanstalkServiceProvider;
use Illuminate\Queue\Events\JobQueued;
use Illuminate\Queue\QueueServiceProvider;

[$server, $small, $tube] = array_slice($argv, 1);
[$host, $port] = explode(':', $server);

/** Buries itself, as a job can through its Laravel job. */
class BuryingJob extends RecordJob
{
    public function handle(): void
    {
        $this->job->bury();
        BridgeNotes::add("{$this->name} buried itself");
    }
}

echo "-- the README's connection --\n";
$blocks = bridge_readme_blocks('php laravel-config');
$readme = eval('return [' . $blocks[0] . '];');
$name = array_key_first($readme);
$config = $readme[$name];
echo "connection $name: ", json_encode($config), "\n";
$app = laravel_app(['host' => $host, 'port' => (int)$port, 'queue' => $tube] + $config);
$queue = $app['queue']->connection();
echo get_class($queue), "\n";
// block_for: a pop waits in beanstalkd until a job comes (the test puts one).
echo "waiting\n";
$t = microtime(true);
$job = $queue->pop();
printf("pop returned job %s after %s\n", $job?->getRawBody(), bs_within(microtime(true) - $t, 0.2, $config['block_for'] - 0.5));
$job->delete();
for ($i = 1; $i <= 3; $i++) {
    laravel_dispatch($app, new RecordJob("readme-$i"));
}
$worker = new Illuminate\Queue\Worker($app['queue'], $app['events'], $app[Illuminate\Contracts\Debug\ExceptionHandler::class], fn () => false);
$worker->daemon('test', $tube, new Illuminate\Queue\WorkerOptions('default', 0, 128, 60, 0, 1, false, false, 3));
echo implode("\n", BridgeNotes::matching('readme-')), "\n";

echo "-- bulk(): one putMany, JobQueued for each job put --\n";
$app = laravel_app(laravel_connection('beanstalk-ext', $server, "$tube-bulk"));
$queued = [];
$app['events']->listen(JobQueued::class, function (JobQueued $e) use (&$queued) {
    $queued[] = [$e->id, $e->job->name];
});
$app['queue']->connection()->bulk([new RecordJob('b1'), new RecordJob('b2'), new RecordJob('b3')]);
$peek = new Beanstalk\Queue($server, ['tube' => "$tube-bulk"]);
foreach ($queued as [$id, $name]) {
    echo "JobQueued $name: ", json_decode($peek->peek($id)->data, true)['displayName'], " ", unserialize(json_decode($peek->peek($id)->data, true)['data']['command'])->name, "\n";
}
// Each job with its own delay: putAsync() and one flush().
$queued = [];
$app['queue']->connection()->bulk([new RecordJob('d0'), (new RecordJob('d5'))->delay(5), (new RecordJob('d9'))->delay(new DateInterval('PT9S'))]);
foreach ($queued as [$id, $name]) {
    // Laravel turns a DateInterval into seconds from two reads of the clock
    // in whole seconds (secondsUntil()): 9 s, or 8 when a second begins
    // between the two, as in its own drivers.
    $delay = bs_stat($server, "stats-job $id", 'delay');
    printf("JobQueued %s: %s, delay %s\n", $name, bs_stat($server, "stats-job $id", 'state'), $name === 'd9' && in_array($delay, ['8', '9'], true) ? '9 (or 8)' : $delay);
}
// A server whose max-job-size the second job is over.
$app = laravel_app(laravel_connection('beanstalk-ext', $small, $tube));
$queued = [];
$app['events']->listen(JobQueued::class, function (JobQueued $e) use (&$queued) {
    $queued[] = $e->job->name;
});
try {
    $app['queue']->connection()->bulk([new RecordJob('fits'), new RecordJob(str_repeat('x', 3000)), new RecordJob('fits too')]);
} catch (Beanstalk\BatchException $e) {
    echo get_class($e), ": put ", json_encode(array_keys($e->inserted)), ", refused ", json_encode($e->failed), "\n";
}
echo "JobQueued for: ", implode(', ', $queued), "\n";
echo str_replace('tube: ', 'server: ', bridge_tube_line($small, $tube)), "\n";

echo "-- bury() keeps the priority; size() --\n";
$app = laravel_app(laravel_connection('beanstalk-ext', $server, "$tube-pri"));
$queue = $app['queue']->connection();
$payload = (fn ($job) => $this->createPayload($job, $this->getQueue(null)))->call($queue, new BuryingJob('urgent'));
$id = (new Beanstalk\Queue($server, ['tube' => "$tube-pri"]))->put($payload, 7);
echo "size(): ", $queue->size(), "\n";
laravel_work($app, $server, "$tube-pri", bs_seconds(10));
echo implode("\n", BridgeNotes::matching('urgent')), "\n";
printf("job %s, priority %s\n", bs_stat($server, "stats-job $id", 'state'), bs_stat($server, "stats-job $id", 'pri'));
echo "size() of a tube the server does not have: ", $queue->size(bs_tube('no-such-tube')), "\n";

echo "-- a worker over \"high,low\" takes high first --\n";
laravel_dispatch($app, (new RecordJob('low'))->onQueue("$tube-low"));
laravel_dispatch($app, (new RecordJob('high'))->onQueue("$tube-high"));
laravel_work($app, $server, "$tube-high,$tube-low", bs_seconds(10));
echo implode(', ', array_filter(BridgeNotes::matching(''), fn ($l) => preg_match('/^(high|low) /', $l))), "\n";

echo "-- pop() and deleteReserved() --\n";
$id = $queue->pushRaw('{"job":"none"}', "$tube-raw");
$job = $queue->pop("$tube-raw");
echo get_class($job), ": same id ", $job->getJobId() === $id ? 'yes' : 'no', ", attempts ", $job->attempts(), "\n";
$queue->deleteReserved("$tube-raw", $job->getJobId());
echo "after deleteReserved: ", bs_call($server, "peek $id");
echo "pop() of an empty tube: ", var_export($queue->pop("$tube-raw"), true), "\n";

echo "-- server strings --\n";
foreach ([['host' => 'localhost'], ['host' => '127.0.0.1', 'port' => 11301], ['host' => '::1'],
          ['host' => '[::1]', 'port' => 11302], ['host' => '/run/beanstalkd.sock']] as $c) {
    echo json_encode($c), " => ", BeanstalkConnector::server($c), "\n";
}

echo "-- the provider registered after the queue manager was made --\n";
$late = new Illuminate\Container\Container();
$late->instance('config', new Illuminate\Config\Repository(['queue' => ['default' => 'test',
    'connections' => ['test' => laravel_connection('beanstalk-ext', $server, $tube)]]]));
(new QueueServiceProvider($late))->register();
$manager = $late['queue'];
(new BeanstalkServiceProvider($late))->register();
echo "same manager: ", $late['queue'] === $manager ? 'yes' : 'no', ", connection: ", get_class($late['queue']->connection()), "\n";
PHP;

/* A beanstalkd with a max-job-size of 2000 bytes, for bulk()'s partial failure. */
$small = new BsServer(0, ['-z', '2000']);
$server = bs_server();
$tube = bs_tube('laravel-variation');
$child = bridge_child('laravel', $code, [$server, $small->address, $tube]);
while (($line = $child->line(bs_seconds(20))) !== null) {
    echo $line, "\n";
    if ($line === 'waiting') {
        // Once the pop waits in the server, a job comes 0.3 s later.
        bs_wait_waiting($server, $tube);
        usleep(300000);
        (new Beanstalk\Queue($server, ['tube' => $tube]))->put('for pop');
    }
}
echo "exit ", $child->wait(bs_seconds(30)), "\n", $child->rest();
if ($child->log() !== '') {
    echo "stderr: ", $child->log();
}

echo "-- block_for null: the worker waits in beanstalkd until SIGTERM --\n";
$code = <<<'PHP'
[$server, $tube] = array_slice($argv, 1);
$app = laravel_app(laravel_connection('beanstalk-ext', $server, $tube, ['block_for' => null]));
$worker = new Illuminate\Queue\Worker($app['queue'], $app['events'], $app[Illuminate\Contracts\Debug\ExceptionHandler::class], fn () => false);
echo "working\n";
$exit = $worker->daemon('test', $tube, new Illuminate\Queue\WorkerOptions('default', 0, 128, 60, 0, 1));
echo "daemon() returned $exit\n";
PHP;
$child = bridge_child('laravel', $code, [$server, $tube]);
echo $child->line(bs_seconds(20)), "\n";
echo "waiting in the server: ", bs_wait_waiting($server, $tube, 1, bs_seconds(20)) ? 'yes' : 'no', "\n";
$t = microtime(true);
$child->signal(SIGTERM);
$exit = $child->wait(bs_seconds(20));
echo $child->rest(), "exit $exit within 2 s of SIGTERM: ", bs_within(microtime(true) - $t, 0, 2.0), "\n";
if ($child->log() !== '') {
    echo "stderr: ", $child->log();
}
?>
--EXPECTF--
-- the README's connection --
connection beanstalkd: {"driver":"beanstalk-ext","host":"localhost","port":11300,"queue":"default","retry_after":90,"block_for":5,"after_commit":false,"persistent":true}
Beanstalk\Laravel\BeanstalkQueue
waiting
pop returned job for pop after yes
readme-1 ran, attempt 1
readme-2 ran, attempt 1
readme-3 ran, attempt 1
-- bulk(): one putMany, JobQueued for each job put --
JobQueued b1: RecordJob b1
JobQueued b2: RecordJob b2
JobQueued b3: RecordJob b3
JobQueued d0: ready, delay 0
JobQueued d5: delayed, delay 5
JobQueued d9: delayed, delay 9 (or 8)
Beanstalk\BatchException: put [0,2], refused {"1":"JOB_TOO_BIG"}
JobQueued for: fits, fits too
server: put 2, ready 2, delayed 0, reserved 0, buried 0
-- bury() keeps the priority; size() --
size(): 1
urgent buried itself
job buried, priority 7
size() of a tube the server does not have: 0
-- a worker over "high,low" takes high first --
high ran, attempt 1, low ran, attempt 1
-- pop() and deleteReserved() --
Beanstalk\Laravel\BeanstalkJob: same id yes, attempts 1
after deleteReserved: NOT_FOUND
pop() of an empty tube: NULL
-- server strings --
{"host":"localhost"} => localhost:11300
{"host":"127.0.0.1","port":11301} => 127.0.0.1:11301
{"host":"::1"} => [::1]:11300
{"host":"[::1]","port":11302} => [::1]:11302
{"host":"\/run\/beanstalkd.sock"} => /run/beanstalkd.sock
-- the provider registered after the queue manager was made --
same manager: yes, connection: Beanstalk\Laravel\BeanstalkQueue
exit 0
-- block_for null: the worker waits in beanstalkd until SIGTERM --
working
waiting in the server: yes
daemon() returned 0
exit 0 within 2 s of SIGTERM: yes
