--TEST--
Queue::peekDelayed() shows the delayed job of the used tube that is due first
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('peek_delayed_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

var_dump($q->peekDelayed());
$q->put('ready');
var_dump($q->peekDelayed());
$late = $q->put('in an hour', 0, 3600);
$soon = $q->put('in a minute', 1024, 60);
$job = $q->peekDelayed();
var_dump($job->id === $soon, $job->data, bs_stat($server, "stats-job $soon", 'state'));
$q->kickJob($soon);
var_dump($q->peekDelayed()->id === $late);
$q->delete($late);
var_dump($q->peekDelayed());
while ($job = $q->reserve(0)) {
    $job->delete();
}
?>
--EXPECT--
NULL
NULL
bool(true)
string(11) "in a minute"
string(7) "delayed"
bool(true)
NULL
