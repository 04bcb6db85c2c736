--TEST--
Queue::put() rejects out-of-range priority, delay and ttr before anything is sent
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('put_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);

// Each would desync the stream if sent (the server would read the body as a
// command), so each must be refused in PHP.
bs_catch(fn() => $q->put('x', -1));
bs_catch(fn() => $q->put('x', 4294967296));
bs_catch(fn() => $q->put('x', PHP_INT_MIN));
bs_catch(fn() => $q->put('x', 0, -1));
bs_catch(fn() => $q->put('x', 0, 4294967296));
bs_catch(fn() => $q->put('x', 0, 0, -1));
bs_catch(fn() => $q->put('x', 0, 0, PHP_INT_MAX));
bs_catch(fn() => $q->put('x', 'high'));
bs_catch(fn() => $q->put(['x']));
bs_catch(fn() => $q->put());

// Not even the "use" went out: the server has never heard of the tube.
var_dump(bs_call($server, "stats-tube $tube"));

// The queue is unharmed: the next put works and is the tube's only job.
$id = $q->put('ok');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $tube);
var_dump(bs_stat($server, "stats-tube $tube", 'total-jobs'));
?>
--EXPECT--
ValueError: Beanstalk\Queue::put(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::put(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::put(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::put(): Argument #3 ($delay) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::put(): Argument #3 ($delay) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::put(): Argument #4 ($ttr) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::put(): Argument #4 ($ttr) must be between 0 and 4294967295
TypeError: Beanstalk\Queue::put(): Argument #2 ($priority) must be of type int, string given
TypeError: Beanstalk\Queue::put(): Argument #1 ($data) must be of type string, array given
ArgumentCountError: Beanstalk\Queue::put() expects at least 1 argument, 0 given
string(11) "NOT_FOUND
"
bool(true)
string(1) "1"
