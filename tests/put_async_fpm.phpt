--TEST--
putAsync under a real php-fpm on a persistent connection: requests that never flush lose no job and keep one connection; a failure no flush saw is a warning in the log of the request that reads it
--CONFLICTS--
fpm
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
require __DIR__ . '/fpm_server.inc';
if ($why = BsFpmServer::unavailable()) die("skip $why");
?>
--FILE--
<?php
require __DIR__ . '/server.inc';
require __DIR__ . '/fpm_server.inc';
$srv = new BsServer();
$server = $srv->address;
$web = new BsFpmServer('persistent_fpm.inc', $server);
$tube = bs_tube('put_async_fpm');
$admin = new Beanstalk\Queue($server);
$base = $admin->stats()['total-connections'];
$request = function (array $query) use ($web): array {
    $reply = json_decode($web->get($query), true) ?? ['error' => 'not JSON'];
    if (isset($reply['error'])) {
        echo 'request ', http_build_query($query), ' failed: ', $reply['error'], "\n";
    }
    return $reply;
};

echo "-- 100 requests of 5 puts each, never flushed: every job arrives, once --\n";
for ($r = 0; $r < 100; $r++) {
    $request(['action' => 'put_async', 'tube' => $tube, 'n' => 5, 'r' => $r]);
}
// The last request's replies may be read by the next one: one more, of none.
$stats = $request(['action' => 'put_async', 'tube' => $tube, 'n' => 0, 'r' => 'last'])['stats'];
$bodies = [];
$q = new Beanstalk\Queue($server, ['watch' => [$tube]]);
while (count($bodies) < 600 && ($job = $q->reserve(0))) {
    $bodies[$job->data] = ($bodies[$job->data] ?? 0) + 1;
    $job->delete();
}
var_dump(count($bodies), max($bodies), array_key_last($bodies));
// The connection's counts span the requests; it was never closed or made
// anew: php-fpm's one connection, and $q's.
var_dump($stats['async-puts'], $admin->stats()['total-connections'] - $base);

echo "-- the same with coalesce: each request's puts held, written once when the request ends --\n";
$tube2 = bs_tube('put_async_fpm_coalesce');
for ($r = 0; $r < 100; $r++) {
    $request(['action' => 'put_async', 'tube' => $tube2, 'n' => 5, 'r' => $r, 'coalesce' => 1]);
}
$request(['action' => 'put_async', 'tube' => $tube2, 'n' => 0, 'r' => 'last', 'coalesce' => 1]);
$bodies = [];
$q = new Beanstalk\Queue($server, ['watch' => [$tube2]]);
while (count($bodies) < 600 && ($job = $q->reserve(0))) {
    $bodies[$job->data] = ($bodies[$job->data] ?? 0) + 1;
    $job->delete();
}
var_dump(count($bodies), max($bodies), array_key_last($bodies));
var_dump($admin->stats()['total-connections'] - $base);

echo "-- a draining server: the request that reads the replies warns, in the log --\n";
$drained = new BsServer();
$drained->signal(SIGUSR1);
$until = microtime(true) + 5;
while (bs_stat($drained->address, 'stats', 'draining') !== 'true' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
$request(['action' => 'put_async', 'tube' => 'refused', 'n' => 3, 'r' => 'x', 'server' => $drained->address]);
$request(['action' => 'put_async', 'tube' => 'refused', 'n' => 0, 'r' => 'y', 'server' => $drained->address]);
$log = (string)@file_get_contents(BsFpmServer::dir() . '/php-errors.log');
echo preg_replace('/^\[[^]]*\] /m', '', str_replace($drained->address, 'SERVER', $log));
$web->stop();
?>
--CLEAN--
<?php
require __DIR__ . '/fpm_server.inc';
BsFpmServer::cleanUp();
?>
--EXPECT--
-- 100 requests of 5 puts each, never flushed: every job arrives, once --
int(500)
int(1)
string(16) "request 99 job 4"
int(500)
int(2)
-- the same with coalesce: each request's puts held, written once when the request ends --
int(500)
int(1)
string(16) "request 99 job 4"
int(3)
-- a draining server: the request that reads the replies warns, in the log --
PHP Warning:  Beanstalk\Queue: 3 jobs put with putAsync() into tube "refused" on SERVER were refused with DRAINING in Unknown on line 0
