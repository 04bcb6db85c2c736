--TEST--
Queue::bury() by id and with the default priority; buried jobs are kicked oldest first
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('bury_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$first = $q->put('first', 1);
$second = $q->put('second', 2);
$q->bury($q->reserve(0)->id, 0);
$q->bury($q->reserve(0));
var_dump(bs_stat($server, "stats-job $first", 'pri'), bs_stat($server, "stats-job $second", 'pri'));
var_dump(bs_stat($server, "stats-tube $tube", 'current-jobs-buried'));

// kick 1 takes the oldest buried job only.
var_dump(str_ends_with(bs_raw($server, "use $tube\r\nkick 1\r\n"), "\r\nKICKED 1\r\n"));
var_dump(bs_stat($server, "stats-job $first", 'state'), bs_stat($server, "stats-job $second", 'state'));
$q->delete($first);
$q->delete($second);
?>
--EXPECT--
string(1) "0"
string(4) "1024"
string(1) "2"
bool(true)
string(5) "ready"
string(6) "buried"
