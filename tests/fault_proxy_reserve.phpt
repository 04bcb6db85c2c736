--TEST--
Queue::reserve() through a fault proxy, with a timeout and blocking: once the reply has begun the rest must come within 'timeout'; silence, a trickle, a drop and a reset mid-reply fail in time, and the job goes back to be reserved on a new connection
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/fault_proxy.inc';
bs_fault_proxy_skipif();
?>
--FILE--
<?php
require __DIR__ . '/fault_proxy.inc';

$server = bs_server();
$tube = bs_tube('fault_proxy_reserve');
$proxy = new BsFaultProxy($server);
$producer = new Beanstalk\Queue($server, ['tube' => $tube]);
$q = new Beanstalk\Queue($proxy->address, ['watch' => [$tube], 'timeout' => 0.5]);
var_dump($q->reserve(0));

/* One reserve under the fault set by $arrange; then the job it was after
 * is reserved again on a new connection (the server gave it back when the
 * connection closed) and deleted. */
function fault(string $title, ?int $timeout, callable $arrange, float $min, float $max, int $delay = 0): void
{
    global $server, $tube, $proxy, $producer, $q;
    echo "-- $title --\n";
    $id = $producer->put($title, delay: $delay);
    $arrange($proxy);
    $connections = $proxy->connections();
    $t = microtime(true);
    try {
        $job = $q->reserve($timeout);
        echo 'no exception: ', $job ? "job $job->data" : 'null', "\n";
    } catch (Beanstalk\ConnectionException $e) {
        $took = microtime(true) - $t;
        echo $e::class, ': ', str_replace($proxy->address, 'PROXY', $e->getMessage()), "\n";
        echo 'within bounds: ', bs_within($took, $min, $max), "\n";
    }
    $proxy->next('pass');
    $job = $q->reserve(5);
    echo 'next reserve: ', $job?->id === $id && $job->data === $title ? 'the same job' : 'another job', '; new connections: ', $proxy->connections() - $connections, "\n";
    $job?->delete();
}

// The server answers the reserve at once: the proxy says nothing more.
fault('reserve(1), silence after 10 bytes of the reply', 1, fn($p) => $p->now('stall', 10), 0.45, 2.0);
fault('reserve(), silence after 10 bytes of the reply', null, fn($p) => $p->now('stall', 10), 0.45, 2.0);
// One byte every 100 ms: a reply of some 30 bytes would take 3 s.
fault('reserve(), a reply that trickles', null, fn($p) => $p->now('trickle', 0, 100), 0.45, 2.0);
// The job is ready after 1 s: the reply begins then, and the rest is due
// 0.5 s later, well before the reserve's own 5 s.
fault('reserve(5), the reply begins after 1 s and trickles', 5, fn($p) => $p->now('trickle', 0, 100), 1.45, 3.5, delay: 1);
fault('reserve(), the connection dropped in the middle of the body', null, fn($p) => $p->now('drop', 25), 0.0, 1.0);
fault('reserve(), a reset in the middle of the reply', null, fn($p) => $p->now('reset', 5), 0.0, 1.0);
// Nothing at all: the reserve's own wait, then 'timeout'.
echo "-- reserve(1) on a connection that never answers --\n";
$proxy->now('stall');
$t = microtime(true);
try {
    $q->reserve(1);
} catch (Beanstalk\TimeoutException $e) {
    echo $e::class, ': ', str_replace($proxy->address, 'PROXY', $e->getMessage()), "\n";
    echo 'within bounds: ', bs_within(microtime(true) - $t, 1.45, 3.0), "\n";
}
$proxy->now('pass');
var_dump($q->reserve(0));
?>
--EXPECTF--
NULL
-- reserve(1), silence after 10 bytes of the reply --
Beanstalk\TimeoutException: reserve: the reply from PROXY stopped after 10 bytes: the rest did not come within 0.500 s
within bounds: yes
next reserve: the same job; new connections: 1
-- reserve(), silence after 10 bytes of the reply --
Beanstalk\TimeoutException: reserve: the reply from PROXY stopped after 10 bytes: the rest did not come within 0.500 s
within bounds: yes
next reserve: the same job; new connections: 1
-- reserve(), a reply that trickles --
Beanstalk\TimeoutException: reserve: the reply from PROXY stopped after %d byte%A: the rest did not come within 0.500 s
within bounds: yes
next reserve: the same job; new connections: 1
-- reserve(5), the reply begins after 1 s and trickles --
Beanstalk\TimeoutException: reserve: the reply from PROXY stopped after %d byte%A: the rest did not come within 0.500 s
within bounds: yes
next reserve: the same job; new connections: 1
-- reserve(), the connection dropped in the middle of the body --
Beanstalk\ConnectionException: reserve: PROXY closed the connection
within bounds: yes
next reserve: the same job; new connections: 1
-- reserve(), a reset in the middle of the reply --
Beanstalk\ConnectionException: reserve: cannot read from PROXY: Connection reset by peer
within bounds: yes
next reserve: the same job; new connections: 1
-- reserve(1) on a connection that never answers --
Beanstalk\TimeoutException: reserve: no reply from PROXY within 1.500 s
within bounds: yes
NULL
