--TEST--
Queue::stats(): beanstalkd 1.13 output (quoted strings) and keys a newer server adds; the max-job-size it tells is used until a reconnect
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$body = "---\ncurrent-jobs-urgent: 0\ncurrent-jobs-ready: 3\ncmd-put: 12\njob-timeouts: 0\ntotal-jobs: 12\n"
    . "max-job-size: 1000\ncurrent-connections: 2\ntotal-connections: 9\npid: 4242\nversion: \"1.13\"\n"
    . "rusage-utime: 0.012345\nrusage-stime: 1.500000\nuptime: 77\nbinlog-max-size: 10485760\n"
    . "draining: true\nid: 0123456789012345\nhostname: \"queue-1\"\nos: \"#1 SMP PREEMPT_DYNAMIC Debian 6.1\"\n"
    . "platform: \"x86_64\"\n"
    // What a newer server might add.
    . "cmd-reserve-job: 4\ncurrent-jobs-expired: 2.0\ntotal-bytes: 18446744073709551615\n"
    . "load-average: 0.15\nregion: \"eu west\"\nlag: -3\nfeature: true\n";
$fake = new BsFakeServer([
    ['stats', 'OK ' . strlen($body) . "\r\n$body\r\n"],
    ['put 1024 0 60 1000', "INSERTED 1\r\n"],
    ['put 1024 0 60 1001', "JOB_TOO_BIG\r\n"],
    ['put 1024 0 60 1', "INSERTED 2\r\n"],
]);
$q = new Beanstalk\Queue($fake->address);
$stats = $q->stats();
foreach ($stats as $key => $value) {
    echo $key, ': ';
    var_dump($value);
}

echo "-- max-job-size: 1000 --\n";
var_dump($q->put(str_repeat('a', 1000)));
// Known too big: refused here, not sent.
bs_catch(fn() => $q->put(str_repeat('b', 1001)));
bs_catch(fn() => $q->putMany([str_repeat('b', 1001)]));
echo implode("\n", $fake->requests()), "\n";
// A new connection may be to a server restarted with another -z: the limit
// is forgotten, and the server has the say.
$q->close();
try {
    $q->put(str_repeat('c', 1001));
} catch (Beanstalk\JobTooBigException $e) {
    echo get_class($e), ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
}
// Still in step.
var_dump($q->put('d'), $fake->connections());
?>
--EXPECTF--
current-jobs-urgent: int(0)
current-jobs-ready: int(3)
cmd-put: int(12)
job-timeouts: int(0)
total-jobs: int(12)
max-job-size: int(1000)
current-connections: int(2)
total-connections: int(9)
pid: int(4242)
version: string(4) "1.13"
rusage-utime: float(0.012345)
rusage-stime: float(1.5)
uptime: int(77)
binlog-max-size: int(10485760)
draining: bool(true)
id: string(16) "0123456789012345"
hostname: string(7) "queue-1"
os: string(33) "#1 SMP PREEMPT_DYNAMIC Debian 6.1"
platform: string(6) "x86_64"
cmd-reserve-job: int(4)
current-jobs-expired: int(2)
total-bytes: string(20) "18446744073709551615"
load-average: string(4) "0.15"
region: string(7) "eu west"
lag: int(-3)
feature: string(4) "true"
-- max-job-size: 1000 --
int(1)
Beanstalk\JobTooBigException: put: the job (1001 bytes) is larger than the max-job-size of %s (1000 bytes)
Beanstalk\BatchException: putMany: 0 of 1 jobs inserted; the first failure is at index 0 (JOB_TOO_BIG)
stats
put 1024 0 60 1000
Beanstalk\JobTooBigException: put: the job (1001 bytes) is larger than the max-job-size of FAKE: it answered JOB_TOO_BIG
int(2)
int(2)
