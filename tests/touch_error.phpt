--TEST--
Queue::touch(): bad ids throw ValueError/TypeError; a job not reserved by this connection throws NotFoundException
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('touch_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

bs_catch(fn() => $q->touch(0));
bs_catch(fn() => $q->touch(-1));
bs_catch(fn() => $q->touch('one'));
bs_catch(fn() => $q->touch(1, 2));

// Ready, never reserved.
$id = $q->put('x');
bs_catch(fn() => $q->touch($id));
// Reserved by another connection.
$other = new Beanstalk\Queue($server, ['watch' => [$tube]]);
$job = $other->reserve(0);
bs_catch(fn() => $q->touch($job));
// Deleted.
$job->delete();
bs_catch(fn() => $other->touch($job));
?>
--EXPECTF--
ValueError: Beanstalk\Queue::touch(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
ValueError: Beanstalk\Queue::touch(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
TypeError: Beanstalk\Queue::touch(): Argument #1 ($job) must be of type Beanstalk\Job|int, string given
ArgumentCountError: Beanstalk\Queue::touch() expects exactly 1 argument, 2 given
Beanstalk\NotFoundException: touch: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: touch: job %d not found on %s (or not reserved by this connection)
Beanstalk\NotFoundException: touch: job %d not found on %s (or not reserved by this connection)
