--TEST--
Queue over several servers: puts spread, a reserve waits on all, every per-job command goes to the job's server, inspection per server
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$servers = [new BsServer(), new BsServer(), new BsServer()];
$addresses = array_map(fn ($s) => $s->address, $servers);
$tube = bs_tube('pool_basic');
$q = new Beanstalk\Queue($addresses, ['tube' => $tube, 'watch' => [$tube]]);

echo "-- puts spread round robin --\n";
$ids = [];
for ($i = 0; $i < 6; $i++) {
    $ids[] = $q->put("job $i");
}
$where = [];
foreach ($addresses as $a) {
    $where[$a] = (int)bs_stat($a, "stats-tube $tube", 'current-jobs-ready');
}
echo implode(' ', $where), "\n";

echo "-- jobs come from every server, each saying which --\n";
$seen = [];
while ($job = $q->reserve(0)) {
    $seen[] = $job->data;
    if (!in_array($job->server, $addresses, true)) {
        echo "unknown server {$job->server}\n";
    }
    // The job's own server answers for it.
    if (bs_stat($job->server, "stats-job {$job->id}", 'state') !== 'reserved') {
        echo "{$job->data} is not reserved on {$job->server}\n";
    }
    $q->delete($job);
}
sort($seen);
echo implode(', ', $seen), "\n";

echo "-- release, bury, touch, statsJob, kickJob through the Job --\n";
$q->put('a');
$q->put('b');
// Long enough for beanstalkd 1.12, which now and then holds back the
// answer to a reserve until the end of its one-second slice.
$a = $q->reserve(5);
$b = $q->reserve(5);
var_dump($a->server !== $b->server);
$a->release(5, 0);
$q->bury($b, 7);
$q->touch($q->reserve(5));
echo $q->statsJob($b)['state'], " on ", $b->server === $q->peekBuried()->server ? 'its server' : 'another', "\n";
var_dump($q->kickJob($b));
echo "kick: ", $q->kick(10), "\n";

echo "-- bare ids name no server --\n";
bs_catch(fn() => $q->delete(1));
bs_catch(fn() => $q->statsJob(1));
bs_catch(fn() => $q->peek(1));
bs_catch(fn() => $q->reserveJob(1));

echo "-- inspection --\n";
$stats = $q->stats();
var_dump(array_keys($stats) === $addresses);
echo $stats[$addresses[0]]['version'] !== '' ? "versions\n" : "none\n";
$ts = $q->statsTube($tube);
var_dump(array_keys($ts) === $addresses, array_sum(array_column($ts, 'total-jobs')));
$tubes = $q->listTubes();
var_dump(count($tubes) === count(array_unique($tubes)), in_array($tube, $tubes, true), in_array('default', $tubes, true));
$q->pauseTube($tube, 1);
var_dump(array_sum(array_column($q->statsTube($tube), 'cmd-pause-tube')));
bs_catch(fn() => $q->pauseTube('no-such-tube-' . getmypid(), 1));
echo "-- ids of a batch come with their servers --\n";
$batch = $q->putMany(['x', 'y', 'z']);
var_dump(count($batch), array_keys($batch[0]), count(array_unique(array_column($batch, 'server'))));
echo "-- use and watch apply to every server --\n";
$q->useTube("$tube-2")->watch("$tube-2")->ignore($tube);
var_dump($q->usedTube(), $q->watchedTubes());
$q->put('elsewhere');
$j = $q->reserve(5);
echo $j->data, "\n";
$j->delete();
$q->close();
?>
--EXPECTF--
-- puts spread round robin --
2 2 2
-- jobs come from every server, each saying which --
job 0, job 1, job 2, job 3, job 4, job 5
-- release, bury, touch, statsJob, kickJob through the Job --
bool(true)
buried on its server
bool(true)
kick: 0
-- bare ids name no server --
ValueError: Beanstalk\Queue::delete(): Argument #1 ($job) must be a Beanstalk\Job on a Queue of several servers: a job id alone does not say which server has it
ValueError: Beanstalk\Queue::statsJob(): Argument #1 ($job) must be a Beanstalk\Job on a Queue of several servers: a job id alone does not say which server has it
ValueError: Beanstalk\Queue::peek(): Argument #1 ($id) cannot name a job on a Queue of several servers: a job id alone does not say which server has it
ValueError: Beanstalk\Queue::reserveJob(): Argument #1 ($id) cannot name a job on a Queue of several servers: a job id alone does not say which server has it
-- inspection --
bool(true)
versions
bool(true)
int(%d)
bool(true)
bool(true)
bool(true)
int(3)
Beanstalk\NotFoundException: pauseTube: no server has a tube "no-such-tube-%d"
-- ids of a batch come with their servers --
int(3)
array(2) {
  [0]=>
  string(2) "id"
  [1]=>
  string(6) "server"
}
int(3)
-- use and watch apply to every server --
string(%d) "pool_basic-%s-2"
array(1) {
  [0]=>
  string(%d) "pool_basic-%s-2"
}
elsewhere
