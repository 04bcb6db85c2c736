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
// Every job of the tube, counted by body. The last request's puts may still
// be on their way into beanstalkd (no request waited for their replies):
// it waits for the 500th job, then takes what else is there.
function drain(string $server, string $tube): array
{
    $bodies = [];
    $q = new Beanstalk\Queue($server, ['watch' => [$tube]]);
    for ($n = 0; $n < 600 && ($job = $q->reserve(count($bodies) < 500 ? 10 : 0)); $n++) {
        $bodies[$job->data] = ($bodies[$job->data] ?? 0) + 1;
        $job->delete();
    }
    return $bodies;
}

echo "-- 100 requests of 5 puts each, never flushed: every job arrives, once --\n";
for ($r = 0; $r < 100; $r++) {
    $request(['action' => 'put_async', 'tube' => $tube, 'n' => 5, 'r' => $r]);
}
// The last request's replies may be read by the next one: one more, of none.
$stats = $request(['action' => 'put_async', 'tube' => $tube, 'n' => 0, 'r' => 'last'])['stats'];
$bodies = drain($server, $tube);
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
$bodies = drain($server, $tube2);
var_dump(count($bodies), max($bodies), array_key_last($bodies));
var_dump($admin->stats()['total-connections'] - $base);

echo "-- a draining server: the request that reads the replies warns, in the log --\n";
$drained = new BsServer();
$drained->signal(SIGUSR1);
$until = microtime(true) + 30;
while (bs_stat($drained->address, 'stats', 'draining') !== 'true' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
$request(['action' => 'put_async', 'tube' => 'refused', 'n' => 3, 'r' => 'x', 'server' => $drained->address]);
// A request that puts nothing reads only the replies that have come, and
// warns of those: the next ones until all three have (on a loaded machine
// they may come over more than one request, each warning of its share).
$refused = function (string $log): int {
    preg_match_all('/(\d+) jobs? put with putAsync\(\) into tube "refused" on \S+ (?:was|were) refused with DRAINING/', $log, $m);
    return array_sum($m[1]);
};
for ($i = 0, $log = ''; $i < 100 && $refused($log) < 3; $i++) {
    $i && usleep(BS_WAIT_STEP_US);
    $request(['action' => 'put_async', 'tube' => 'refused', 'n' => 0, 'r' => "y$i", 'server' => $drained->address]);
    $log = (string)@file_get_contents(BsFpmServer::dir() . '/php-errors.log');
}
$lines = explode("\n", trim($log));
echo preg_replace('/^\[[^]]*\] /', '', str_replace($drained->address, 'SERVER', $lines[0])), "\n";
echo 'refused in all: ', $refused($log), ', in ', count($lines), " warning(s)\n";
$web->stop();
?>
--CLEAN--
<?php
require __DIR__ . '/fpm_server.inc';
BsFpmServer::cleanUp();
?>
--EXPECTF--
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
PHP Warning:  Beanstalk\Queue: %d %r(jobs?)%r put with putAsync() into tube "refused" on SERVER %r(was|were)%r refused with DRAINING in Unknown on line 0
refused in all: 3, in %d warning(s)
