--TEST--
Queue::put() inserts a job with its priority, delay and ttr
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('put_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$id = $q->put('hello world', 7, 0, 30);
var_dump(is_int($id) && $id > 0);
var_dump(bs_stat($server, "stats-job $id", 'pri'), bs_stat($server, "stats-job $id", 'ttr'),
    bs_stat($server, "stats-job $id", 'tube') === $tube, bs_stat($server, "stats-job $id", 'state'));

$delayed = $q->put('later', Beanstalk\Queue::DEFAULT_PRIORITY, 60);
var_dump(bs_stat($server, "stats-job $delayed", 'state'));

$job = $q->reserve(0);
var_dump($job->id === $id, $job->data);
$job->delete();
// An empty body and binary data come through unchanged.
$q->put('');
$q->put("a\r\nb\0c");
var_dump($q->reserve(0)->data, bin2hex($q->reserve(0)->data));
$q->delete($delayed);
?>
--EXPECT--
bool(true)
string(1) "7"
string(2) "30"
bool(true)
string(5) "ready"
string(7) "delayed"
bool(true)
string(11) "hello world"
string(0) ""
string(12) "610d0a620063"
