--TEST--
Queue::peekBuried() shows the oldest buried job of the used tube
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('peek_buried_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

var_dump($q->peekBuried());
[$a, $b] = $q->putMany(['first', 'second']);
var_dump($q->peekBuried());
// Buried in the order b, a: the first buried is the one shown, whatever its priority.
$jobA = $q->reserve(0);
$jobB = $q->reserve(0);
$jobB->bury(2000);
$jobA->bury(1);
$job = $q->peekBuried();
var_dump($job->id === $b, $job->data, bs_stat($server, "stats-job $b", 'state'));
var_dump($q->peekBuried()->id === $b);
$q->kick(1);
var_dump($q->peekBuried()->id === $a);
$q->kick(1);
var_dump($q->peekBuried());
$q->delete($a);
$q->delete($b);
?>
--EXPECT--
NULL
NULL
bool(true)
string(6) "second"
string(6) "buried"
bool(true)
bool(true)
NULL
