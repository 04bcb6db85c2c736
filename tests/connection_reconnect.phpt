--TEST--
A killed server gives ConnectionException; after its restart the next command reconnects with the tubes restored
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
$srv = new BsServer();   // one of our own, on a port that stays the same
$server = $srv->address;
$used = bs_tube('reconnect_used');
$watched = bs_tube('reconnect_watched');
$q = new Beanstalk\Queue($server, ['tube' => $used, 'watch' => [$watched]]);
$q->put('before');
(new Beanstalk\Queue($server, ['tube' => $watched]))->put('to reserve');
$job = $q->reserve(0);
var_dump($job->data);

$srv->stop();
foreach ([fn() => $q->put('while down'), fn() => $q->reserve(0)] as $fn) {
    try {
        $fn();
    } catch (Beanstalk\ConnectionException $e) {
        echo get_class($e), "\n";
    }
}

$srv->start();
// A fresh server: nothing from before survived (no binlog).
var_dump(bs_call($server, "stats-tube $used"));
// The next command reconnects and replays "use" and the watch list.
$id = $q->put('after');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $used);
var_dump(bs_stat($server, "stats-tube $used", 'current-using'));
var_dump($q->reserve(0));
var_dump(bs_stat($server, "stats-tube $watched", 'current-watching'));
// One connection for the queue (the other one is this stats call's).
var_dump(bs_stat($server, 'stats', 'current-connections'));
$mine = (new Beanstalk\Queue($server, ['tube' => $watched]))->put('new');
var_dump($q->reserve(0)->id === $mine);
?>
--EXPECT--
string(10) "to reserve"
Beanstalk\ConnectionException
Beanstalk\ConnectionException
string(11) "NOT_FOUND
"
bool(true)
string(1) "1"
NULL
string(1) "1"
string(1) "2"
bool(true)
