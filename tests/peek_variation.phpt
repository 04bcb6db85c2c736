--TEST--
A peeked Job is only looked at: it can be deleted or kicked, but not released, buried or touched (it is not reserved)
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('peek_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('look', 5);

$job = $q->peek($id);
bs_catch(fn() => $job->release());
bs_catch(fn() => $job->bury());
bs_catch(fn() => $job->touch());
var_dump(bs_stat($server, "stats-job $id", 'state'));
$stats = $job->stats();
var_dump($stats['state'], $stats['pri']);
// Peeked, then reserved by this queue: now it is ours.
$reserved = $q->reserve(0);
var_dump($reserved->id === $job->id);
$q->bury($job);
var_dump(bs_stat($server, "stats-job $id", 'state'));
var_dump($q->kickJob($q->peekBuried()));
$job->delete();
var_dump(bs_call($server, "stats-job $id"));
// A big body comes through whole.
$big = str_repeat('0123456789abcdef', 4000);
$id = $q->put($big);
var_dump($q->peek($id)->data === $big);
$q->delete($id);
?>
--EXPECTF--
Beanstalk\NotFoundException: release: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: bury: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: touch: job %d not found on %s (or not reserved by this connection)
string(5) "ready"
string(5) "ready"
int(5)
bool(true)
string(6) "buried"
bool(true)
string(11) "NOT_FOUND
"
bool(true)
