--TEST--
Option 'persistent': a connection holding a reserved job, or one that failed, is not handed on; a restarted server costs the next owner only a reconnect
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$srv = new BsServer();
$server = $srv->address;
$tube = bs_tube('persistent_variation');
// Looks at the server over its own one connection: counting the server's
// connections costs none.
$admin = new Beanstalk\Queue($server, ['tube' => $tube]);
$base = $admin->stats()['total-connections'];
$made = fn() => $admin->stats()['total-connections'] - $base;

echo "-- a reserved job: the connection is closed, the job is ready again at once --\n";
$id = $admin->put('x', 1024, 0, 3600);
$q = new Beanstalk\Queue($server, ['persistent' => true, 'watch' => [$tube]]);
$job = $q->reserve(0);
var_dump($admin->statsJob($id)['state']);
unset($q, $job);
// The server may see the close a moment after our next question.
$until = microtime(true) + 2;
while ($admin->statsJob($id)['state'] !== 'ready' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
$stats = $admin->statsJob($id);
var_dump($stats['state'], $stats['timeouts'], $made());
// The next owner connects anew.
$q = new Beanstalk\Queue($server, ['persistent' => true, 'watch' => [$tube]]);
$job = $q->reserve(0);
var_dump($job->id === $id, $made());

echo "-- settled before the end: handed on --\n";
$job->delete();
unset($q, $job);
$q = new Beanstalk\Queue($server, ['persistent' => true]);
$q->stats();
var_dump($made());
unset($q);

echo "-- a Job that outlives its variable keeps the Queue, and the slot, taken --\n";
$admin->put('y');
$q = new Beanstalk\Queue($server, ['persistent' => true, 'watch' => [$tube]]);
$job = $q->reserve(0);
unset($q);
$other = new Beanstalk\Queue($server, ['persistent' => true]);
$other->stats();
var_dump($made());
$job->delete();
unset($job, $other);
// Once the Job is gone, the slot is free again: no new connection.
$q = new Beanstalk\Queue($server, ['persistent' => true]);
$q->stats();
var_dump($made());
unset($q);

echo "-- the server restarts between two owners --\n";
$srv->stop();
$srv->start();
$admin->close();
$base = $admin->stats()['total-connections'];
$q = new Beanstalk\Queue($server, ['persistent' => true, 'tube' => $tube]);
$id = $q->put('after');
var_dump($admin->statsJob($id)['tube'] === $tube, $made());
unset($q);
$q = new Beanstalk\Queue($server, ['persistent' => true]);
$q->stats();
var_dump($made());
unset($q);

echo "-- a connection that failed is not handed on --\n";
$fake = new BsFakeServer([['put', "GARBAGE\r\n"], ['put', "INSERTED 5\r\n"]]);
$q = new Beanstalk\Queue($fake->address, ['persistent' => true]);
bs_catch(fn() => $q->put('lost'));
unset($q);
$q = new Beanstalk\Queue($fake->address, ['persistent' => true]);
var_dump($q->put('again'), $fake->connections());
?>
--EXPECTF--
-- a reserved job: the connection is closed, the job is ready again at once --
string(8) "reserved"
string(5) "ready"
int(0)
int(1)
bool(true)
int(2)
-- settled before the end: handed on --
int(2)
-- a Job that outlives its variable keeps the Queue, and the slot, taken --
int(3)
int(3)
-- the server restarts between two owners --
bool(true)
int(1)
int(1)
-- a connection that failed is not handed on --
Beanstalk\ProtocolException: put: bad reply from %s: unexpected reply: "GARBAGE\r\n"
int(5)
int(2)
