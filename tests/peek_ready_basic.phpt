--TEST--
Queue::peekReady() shows the next ready job of the used tube (most urgent, then oldest) without reserving it
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('peek_ready_basic');
$other = bs_tube('peek_ready_basic_other');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

var_dump($q->peekReady());
$low = $q->put('low', 500);
$first = $q->put('urgent one', 10);
$second = $q->put('urgent two', 10);
$q->put('delayed', 0, 3600);
$job = $q->peekReady();
var_dump($job->id === $first, $job->data);
// Peeking twice shows the same job: nothing was reserved.
var_dump($q->peekReady()->id === $first, bs_stat($server, "stats-job $first", 'state'));
$q->reserve(0)->delete();
var_dump($q->peekReady()->id === $second);
$q->reserve(0)->delete();
var_dump($q->peekReady()->data);
// Another used tube: its own ready jobs only.
$q->useTube($other);
var_dump($q->peekReady());
$q->put('other');
var_dump($q->peekReady()->data);
$q->delete($q->peekReady());
$q->useTube($tube);
$q->delete($low);
var_dump($q->peekReady());
$q->delete($q->peekDelayed());
?>
--EXPECT--
NULL
bool(true)
string(10) "urgent one"
bool(true)
string(5) "ready"
bool(true)
string(3) "low"
NULL
string(5) "other"
NULL
