--TEST--
Queue::reserve(): bad timeouts throw ValueError/TypeError; DEADLINE_SOON throws DeadlineSoonException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('reserve_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

// beanstalkd 1.12 would take -1 as "block for ever": refused instead.
bs_catch(fn() => $q->reserve(-1));
bs_catch(fn() => $q->reserve(PHP_INT_MIN));
bs_catch(fn() => $q->reserve(2147483648));
bs_catch(fn() => $q->reserve('soon'));
bs_catch(fn() => $q->reserve(0, 1));

// Holding a job whose time-to-run (3 s) nearly ran out, a reserve with no
// job ready ends with DEADLINE_SOON (one second before the deadline).
$id = $q->put('hurry', 0, 0, 3);
$job = $q->reserve(0);
bs_catch(fn() => $q->reserve(10));
// Not a connection failure: the job is still ours, and can be deleted.
var_dump(bs_stat($server, "stats-job $id", 'state'));
$job->delete();
var_dump(bs_call($server, "stats-job $id"));
?>
--EXPECT--
ValueError: Beanstalk\Queue::reserve(): Argument #1 ($timeout) must be null or between 0 and 2147483647
ValueError: Beanstalk\Queue::reserve(): Argument #1 ($timeout) must be null or between 0 and 2147483647
ValueError: Beanstalk\Queue::reserve(): Argument #1 ($timeout) must be null or between 0 and 2147483647
TypeError: Beanstalk\Queue::reserve(): Argument #1 ($timeout) must be of type ?int, string given
ArgumentCountError: Beanstalk\Queue::reserve() expects at most 1 argument, 2 given
Beanstalk\DeadlineSoonException: reserve: a job reserved by this connection is about to reach its time-to-run
string(8) "reserved"
string(11) "NOT_FOUND
"
