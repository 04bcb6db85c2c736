--TEST--
Queue::put(): JOB_TOO_BIG gives JobTooBigException and DRAINING a ServerException; the connection stays usable
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
// A server of our own: jobs of at most 100 bytes, and we drain it later.
$srv = new BsServer(0, ['-z', '100']);
$server = $srv->address;
$tube = bs_tube('put_error_server');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

$connections = (int)bs_stat($server, 'stats', 'total-connections');
$first = $q->put(str_repeat('a', 100));
try {
    $q->put(str_repeat('b', 101));
} catch (Beanstalk\ServerException $e) {
    echo get_class($e), ': ', str_replace($server, 'SERVER', $e->getMessage()), "\n";
}
// The server read and dropped the body, so the stream is still in step: the
// next put works on the same connection.
$second = $q->put('c');
var_dump($second > $first);
// The queue made one connection in all (this stats call's own not counted).
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 1);
$stats = bs_stats($server, "stats-tube $tube");
var_dump($stats['total-jobs'], $stats['current-jobs-ready']);
// Nothing lost, nothing duplicated.
var_dump(strlen($q->reserve(0)->data), $q->reserve(0)->data, $q->reserve(0));

// Drain mode: the server refuses every put from now on.
exec('kill -USR1 ' . $srv->pid());
$until = microtime(true) + 10;
while (bs_stat($server, 'stats', 'draining') !== 'true' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
try {
    $q->put('d');
} catch (Beanstalk\ServerException $e) {
    echo get_class($e), ': ', str_replace($server, 'SERVER', $e->getMessage()), "\n";
}
var_dump(bs_stat($server, "stats-tube $tube", 'total-jobs'));
?>
--EXPECT--
Beanstalk\JobTooBigException: put: the job (101 bytes) is larger than the max-job-size of SERVER: it answered JOB_TOO_BIG
bool(true)
int(1)
string(1) "2"
string(1) "2"
int(100)
string(1) "c"
NULL
Beanstalk\DrainingException: put: SERVER answered DRAINING
string(1) "2"
