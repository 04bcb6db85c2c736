--TEST--
Laravel 12 application (laravel/laravel skeleton, the bridge from its release zip through an artifact repository): artisan queue:work runs pushed, delayed, released, retried and batched jobs, queue:monitor, queue:failed, queue:retry, queue:clear
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/bridge_app.inc';
if ($why = bridge_app_skip_reason('laravel-12')) die("skip $why");
?>
--FILE--
<?php
require __DIR__ . '/bridge_app_laravel.inc';
bridge_app_laravel('laravel-12');
?>
--EXPECT--
-- artisan bridge:dispatch: 14 jobs dispatched, a batch of 3 --
JobQueueing events: 17
JobQueued events: 17, each with a job id: yes
JobQueued of batch-3: payload yes, queue the tube, delay 2
payload of delayed-failing (delay 1): delay 1
BeanstalkQueue: size 17, pending 14, delayed 3, reserved 0
oldest pending job put 0 to 30 s ago: yes
exit 0
-- artisan queue:monitor --
Queue name Size / Status
[beanstalkd] app [17] OK
Pending jobs 14
Delayed jobs 3
Reserved jobs 0
Oldest pending job put while the commands ran
exit 0
-- artisan queue:work --tries=3 --sleep=0, until the jobs are done, then SIGTERM --
the jobs done: yes
exit 0 within 2 s of SIGTERM (block_for 5): yes
job-1..10 and batch-1..3 each ran once, attempt 1: yes
late ran, attempt 1
failing attempt 1
failing attempt 2
failing attempt 3
failing failed(): failing does not work
releasing released itself
releasing ran, attempt 2
delayed-failing attempt 1
delayed-failing attempt 2
batch done: 3 jobs, 0 failed
late ran 2 s or more after its dispatch: yes
batch-3 (delay 2, in bulk()) ran 2 s or more after the batch's dispatch: yes
failing: its attempts 1 s or more apart (backoff 1): yes
releasing: attempt 2 1 s or more after the release: yes
delayed-failing: attempt 2 1 s or more after attempt 1 (the payload's delay as backoff): yes
tube app: ready 0, delayed 0, reserved 0, buried 0
-- artisan queue:failed, queue:retry all, queue:work --once --
failed jobs listed: 1
INFO Pushing failed queue jobs back onto the queue.
UUID N ms DONE
exit 0
exit 0
failing ran, attempt 1
failed jobs listed: 0
-- artisan queue:clear: the ready, delayed and buried jobs --
tube app: ready 2, delayed 1, reserved 0, buried 1
INFO Cleared 4 jobs from the [app] queue.
exit 0
tube app: ready 0, delayed 0, reserved 0, buried 0
-- 1000 jobs: artisan bridge:dispatch-many, queue:work --max-jobs --
dispatched 1000
exit 0
exit 0, jobs left: 0
