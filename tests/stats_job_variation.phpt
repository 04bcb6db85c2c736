--TEST--
Queue::statsJob(): the counters follow the job through its life; 1.13 quotes, decimals and keys a newer server adds come through
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('stats_job_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

function line(array $s): string
{
    return "{$s['state']} pri {$s['pri']} delay {$s['delay']} reserves {$s['reserves']} releases {$s['releases']} buries {$s['buries']} kicks {$s['kicks']} timeouts {$s['timeouts']}";
}

echo "-- a life --\n";
$id = $q->put('x', 10, 3600, 1);
echo line($q->statsJob($id)), "\n";
$q->kickJob($id);
echo line($q->statsJob($id)), "\n";
$job = $q->reserve(0);
echo line($q->statsJob($id)), "\n";
$job->release(20, 0);
echo line($q->statsJob($id)), "\n";
$job = $q->reserve(0);
$job->bury(30);
echo line($q->statsJob($id)), "\n";
$q->kick(1);
// Reserved with a ttr of 1 s and left alone: the server takes it back.
$job = $q->reserve(0);
$until = microtime(true) + 10;
while ($q->statsJob($id)['state'] === 'reserved' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US * 5);
}
echo line($q->statsJob($id)), "\n";
$q->delete($id);

echo "-- beanstalkd 1.13: quoted strings; decimals; new keys --\n";
$body = "---\nid: 7\ntube: \"emails\"\nstate: \"ready\"\npri: 1024\nage: 3.000000\ndelay: 0\nttr: 60\n"
    . "time-left: 0\nfile: 0\nreserves: 0\ntimeouts: 0\nreleases: 0\nburies: 0\nkicks: 0\n"
    . "attempts: 12\nowner: \"worker-1\"\nratio: 0.5\n";
$fake = new BsFakeServer([['stats-job 7', 'OK ' . strlen($body) . "\r\n$body\r\n"]]);
$stats = (new Beanstalk\Queue($fake->address))->statsJob(7);
foreach (['id', 'tube', 'state', 'pri', 'age', 'attempts', 'owner', 'ratio'] as $key) {
    echo $key, ': ';
    var_dump($stats[$key]);
}
var_dump(count($stats));
?>
--EXPECT--
-- a life --
delayed pri 10 delay 3600 reserves 0 releases 0 buries 0 kicks 0 timeouts 0
ready pri 10 delay 3600 reserves 0 releases 0 buries 0 kicks 1 timeouts 0
reserved pri 10 delay 3600 reserves 1 releases 0 buries 0 kicks 1 timeouts 0
ready pri 20 delay 0 reserves 1 releases 1 buries 0 kicks 1 timeouts 0
buried pri 30 delay 0 reserves 2 releases 1 buries 1 kicks 1 timeouts 0
ready pri 30 delay 0 reserves 3 releases 1 buries 1 kicks 2 timeouts 1
-- beanstalkd 1.13: quoted strings; decimals; new keys --
id: int(7)
tube: string(6) "emails"
state: string(5) "ready"
pri: int(1024)
age: int(3)
attempts: int(12)
owner: string(8) "worker-1"
ratio: string(3) "0.5"
int(17)
