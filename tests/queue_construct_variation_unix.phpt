--TEST--
Queue::__construct() with a "unix:///path" address, or the bare path, talks to beanstalkd over a UNIX socket
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
$path = sys_get_temp_dir() . '/bs-unix-' . getmypid() . '-' . bin2hex(random_bytes(3)) . '.sock';
$address = "unix://$path";
$proc = proc_open(['beanstalkd', '-l', "unix:$path"],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
try {
    // Wait (bounded) until the server accepts on the socket.
    $until = microtime(true) + 10;
    while (!($s = @stream_socket_client($address)) && microtime(true) < $until) {
        usleep(BS_WAIT_STEP_US);
    }
    var_dump((bool)$s);

    $tube = bs_tube('unix');
    $q = new Beanstalk\Queue($address, ['tube' => $tube, 'watch' => [$tube]]);
    $id = $q->put('over a unix socket', 5);
    // The server, asked on its own connection, holds the job in our tube.
    $stats = bs_stats($address, "stats-job $id");
    var_dump($stats['tube'] === $tube, $stats['pri'], $stats['state']);
    $job = $q->reserve(0);
    var_dump($job->id === $id, $job->data, bs_stat($address, "stats-job $id", 'state'));
    $job->delete();
    var_dump(bs_call($address, "stats-job $id"));

    // The bare path is the same socket.
    $q = new Beanstalk\Queue($path, ['tube' => $tube]);
    $id = $q->put('over the bare path');
    var_dump(bs_stat($address, "stats-job $id", 'tube') === $tube);
} finally {
    proc_terminate($proc, 9);
    proc_close($proc);
    @unlink($path);
}
var_dump(file_exists($path));
?>
--EXPECT--
bool(true)
bool(true)
string(1) "5"
string(5) "ready"
bool(true)
string(18) "over a unix socket"
string(8) "reserved"
string(11) "NOT_FOUND
"
bool(true)
bool(false)
