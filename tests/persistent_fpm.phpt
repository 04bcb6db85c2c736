--TEST--
Persistent connections under a real php-fpm behind nginx: one server connection for many requests, tube state reset per request, a reserved job never handed on, a beanstalkd restart costs only a reconnect
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
// A server of our own, on a port that stays the same across its restart.
$srv = new BsServer();
$server = $srv->address;
$web = new BsFpmServer('persistent_fpm.inc', $server);
$used = bs_tube('fpm_used');
$watched = bs_tube('fpm_watched');
$held = bs_tube('fpm_held');

// Looks at the server over one connection of its own, so that counting the
// server's connections costs none.
$admin = new Beanstalk\Queue($server);
$base = $admin->stats()['total-connections'];
$made = function () use ($admin, &$base): int {
    return $admin->stats()['total-connections'] - $base;
};
$pids = [];
$request = function (array $query) use ($web, &$pids): array {
    $reply = json_decode($web->get($query), true) ?? ['error' => 'not JSON'];
    $pids[$reply['pid'] ?? 0] = true;
    if (isset($reply['error'])) {
        echo 'request ', http_build_query($query), ' failed: ', $reply['error'], "\n";
    }
    return $reply;
};

echo "-- 50 requests, every other one with useTube(): one connection --\n";
$misplaced = 0;
for ($i = 0; $i < 50; $i++) {
    $reply = $request($i % 2 ? ['action' => 'put', 'use' => $used] : ['action' => 'put']);
    if ($admin->statsJob($reply['id'])['tube'] !== ($i % 2 ? $used : 'default')) {
        $misplaced++;
    }
    $admin->delete($reply['id']);
}
var_dump($misplaced, $made(), count($pids));
// The last request used the tube; the connection still does, until the next
// request's first command resets it (in the same write).
var_dump($admin->statsTube($used)['current-using']);

echo "-- a request that watched a tube does not pass it on --\n";
$reply = $request(['action' => 'watch', 'tube' => $watched]);
var_dump($reply['job'], $admin->statsTube($used), $admin->statsTube($watched)['current-watching']);
$reply = $request(['action' => 'put']);
var_dump($admin->statsJob($reply['id'])['tube'], $admin->statsTube($watched));
$admin->delete($reply['id']);
var_dump($made());

echo "-- a request that reserved a job and left: the job is ready again, the connection was not handed on --\n";
$id = $admin->useTube($held)->put('held', 1024, 0, 3600);
$reply = $request(['action' => 'reserve', 'tube' => $held]);
var_dump($reply['id'] === $id);
// The server releases the job when the connection closes, at the end of
// that request (not after its ttr of an hour); the server may see the close
// a moment after our question.
$until = microtime(true) + 2;
while ($admin->statsJob($id)['state'] !== 'ready' && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
$stats = $admin->statsJob($id);
var_dump($stats['state'], $stats['reserves'], $stats['timeouts']);
$admin->delete($id);
// The next request connects anew, and that connection is kept again.
for ($i = 0; $i < 5; $i++) {
    $admin->delete($request(['action' => 'put'])['id']);
}
var_dump($made());

echo "-- beanstalkd restarts between two requests --\n";
$srv->stop();
$srv->start();
$admin->close();
$base = $admin->stats()['total-connections'];
$reply = $request(['action' => 'put']);
var_dump(isset($reply['error']), $admin->statsJob($reply['id'])['state']);
for ($i = 0; $i < 10; $i++) {
    $request(['action' => 'put', 'use' => $used]);
}
var_dump($made(), $admin->statsTube($used)['total-jobs']);
var_dump($request(['action' => 'info'])['open']);

echo "-- every request was served by the one php-fpm child --\n";
var_dump(count($pids));
$web->stop();
$srv->stop();
?>
--CLEAN--
<?php
require __DIR__ . '/fpm_server.inc';
BsFpmServer::cleanUp();
?>
--EXPECT--
-- 50 requests, every other one with useTube(): one connection --
int(0)
int(1)
int(1)
int(1)
-- a request that watched a tube does not pass it on --
NULL
NULL
int(1)
string(7) "default"
NULL
int(1)
-- a request that reserved a job and left: the job is ready again, the connection was not handed on --
bool(true)
string(5) "ready"
int(1)
int(0)
int(2)
-- beanstalkd restarts between two requests --
bool(false)
string(5) "ready"
int(1)
int(10)
int(1)
-- every request was served by the one php-fpm child --
int(1)
