--TEST--
Queue::kick(): a bound outside 0..2^32-1 throws ValueError before anything is sent; a reply without a count is a protocol error
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('kick_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);
$q->put('x');
$job = (new Beanstalk\Queue($server, ['watch' => [$tube]]))->reserve(0);
$job->bury();

bs_catch(fn() => $q->kick(-1));
bs_catch(fn() => $q->kick(4294967296));
bs_catch(fn() => $q->kick('x'));
bs_catch(fn() => $q->kick());
// Nothing was sent: the job is still buried and the tube saw no kick.
var_dump(bs_stat($server, "stats-job {$job->id}", 'state'), bs_stat($server, "stats-job {$job->id}", 'kicks'));
var_dump($q->kick(4294967295));
var_dump(bs_stat($server, "stats-job {$job->id}", 'state'));
$q->delete($job->id);

$fake = new BsFakeServer([['kick 5', "KICKED\r\n"], ['kick 5', "KICKED 2\r\n"]]);
$odd = new Beanstalk\Queue($fake->address);
bs_catch(fn() => $odd->kick(5));
var_dump($odd->kick(5), $fake->connections());
?>
--EXPECTF--
ValueError: Beanstalk\Queue::kick(): Argument #1 ($bound) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::kick(): Argument #1 ($bound) must be between 0 and 4294967295
TypeError: Beanstalk\Queue::kick(): Argument #1 ($bound) must be of type int, string given
ArgumentCountError: Beanstalk\Queue::kick() expects exactly 1 argument, 0 given
string(6) "buried"
string(1) "0"
int(1)
string(5) "ready"
Beanstalk\ProtocolException: kick: %s answered kick with KICKED
int(2)
int(2)
