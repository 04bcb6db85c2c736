--TEST--
Queue::put() over max-job-size: a body far bigger than the socket buffers is read and dropped by the server; once the limit is known the client refuses without sending
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$srv = new BsServer(0, ['-z', '1000']);
$server = $srv->address;
$tube = bs_tube('put_error_max_job_size');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$connections = (int)bs_stat($server, 'stats', 'total-connections');

echo "-- the server says JOB_TOO_BIG --\n";
// 4 MiB: the server reads all of it before it answers.
bs_catch(fn() => $q->put(str_repeat('x', 4 << 20)));
// Exactly the limit is fine; the stream is in step.
$id = $q->put(str_repeat('y', 1000));
var_dump(strlen($q->peek($id)->data));
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 1);

echo "-- the client knows the limit --\n";
var_dump($q->stats()['max-job-size']);
$puts = (int)bs_stat($server, 'stats', 'cmd-put');
bs_catch(fn() => $q->put(str_repeat('z', 1001)));
bs_catch(fn() => $q->put(str_repeat('z', 4 << 20)));
// Nothing was sent.
var_dump((int)bs_stat($server, 'stats', 'cmd-put') - $puts);
$q->put(str_repeat('y', 1000));
var_dump((int)bs_stat($server, 'stats', 'cmd-put') - $puts);
var_dump(bs_stat($server, "stats-tube $tube", 'current-jobs-ready'));
// One connection for the queue through all of it (the rest are our stats calls).
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 6);
?>
--EXPECTF--
-- the server says JOB_TOO_BIG --
Beanstalk\JobTooBigException: put: the job (4194304 bytes) is larger than the max-job-size of 127.0.0.1:%d: it answered JOB_TOO_BIG
int(1000)
int(1)
-- the client knows the limit --
int(1000)
Beanstalk\JobTooBigException: put: the job (1001 bytes) is larger than the max-job-size of 127.0.0.1:%d (1000 bytes)
Beanstalk\JobTooBigException: put: the job (4194304 bytes) is larger than the max-job-size of 127.0.0.1:%d (1000 bytes)
int(0)
int(1)
string(1) "2"
int(1)
