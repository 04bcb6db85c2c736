--TEST--
Queue::close() drops the connection (the server releases our jobs); the next command reconnects with the tubes restored
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$used = bs_tube('close_used');
$watched = bs_tube('close_watched');

// Closing a queue that never connected does nothing.
$q = new Beanstalk\Queue($server, ['tube' => $used, 'watch' => [$watched]]);
var_dump($q->close());
$q->close();

$id = (new Beanstalk\Queue($server, ['tube' => $watched]))->put('held');
$job = $q->reserve(0);
var_dump($job->id === $id, bs_stat($server, "stats-job $id", 'state'));

$q->close();
// The server saw us go: the job is ready again, and no one uses or watches
// our tubes.
var_dump(bs_stat($server, "stats-job $id", 'state'));
var_dump(bs_stat($server, "stats-tube $watched", 'current-watching'));
var_dump(bs_call($server, "stats-tube $used"));

// The next command connects again and brings the tube state back.
$again = $q->reserve(0);
var_dump($again->id === $id);
var_dump(bs_stat($server, "stats-tube $watched", 'current-watching'));
var_dump(bs_stat($server, "stats-tube $used", 'current-using'));
$put = $q->put('after close');
var_dump(bs_stat($server, "stats-job $put", 'tube') === $used);
$q->delete($again);
$q->delete($put);
bs_catch(fn() => $q->close(true));
?>
--EXPECT--
NULL
bool(true)
string(8) "reserved"
string(5) "ready"
string(1) "0"
string(11) "NOT_FOUND
"
bool(true)
string(1) "1"
string(1) "1"
bool(true)
ArgumentCountError: Beanstalk\Queue::close() expects exactly 0 arguments, 1 given
