--TEST--
Queue::put() through a fault proxy: silence, a connection lost before or during the reply, a reset, a trickling reply, a proxy that refuses; each within its timeout, $sent true only when the put had left, the next put on a new connection
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
$tube = bs_tube('fault_proxy_put');
$proxy = new BsFaultProxy($server);
$q = new Beanstalk\Queue($proxy->address, ['tube' => $tube, 'timeout' => 0.5]);
$q->put('first');

/* One put under the fault set by $arrange, then the next one: the
 * exception, whether it says the put had left (and whether the server did
 * get it), the time it took, and the next put's own id on a new connection. */
function fault(string $title, callable $arrange, float $min, float $max): void
{
    global $server, $tube, $proxy, $q;
    echo "-- $title --\n";
    $ready = (int)bs_stat($server, "stats-tube $tube", 'current-jobs-ready');
    $arrange($proxy);
    $connections = $proxy->connections();
    $t = microtime(true);
    try {
        $q->put($title);
        echo "no exception\n";
    } catch (Beanstalk\ConnectionException $e) {
        $took = microtime(true) - $t;
        echo $e::class, ': ', str_replace($proxy->address, 'PROXY', $e->getMessage()), "\n";
        echo 'sent: ', var_export($e->sent, true), '; the server has it: ',
            (int)bs_stat($server, "stats-tube $tube", 'current-jobs-ready') > $ready ? 'yes' : 'no', "\n";
        echo 'within bounds: ', bs_within($took, $min, $max), "\n";
    }
    $proxy->next('pass');
    $proxy->listening(true);
    $data = "after $title";
    $id = $q->put($data);
    echo 'next put: ', bs_call($server, "peek $id") === "FOUND $id " . strlen($data) . "\r\n$data\r\n" ? 'its own job' : "job $id is not the one put",
        '; new connections: ', $proxy->connections() - $connections, "\n";
}

fault('silence after the request', fn($p) => $p->now('stall'), 0.45, 2.0);
fault('the connection dropped once the request is in', fn($p) => $p->now('drop', at: 'request'), 0.0, 1.0);
fault('the connection dropped as the reply comes', fn($p) => $p->now('drop'), 0.0, 1.0);
fault('the connection dropped after 3 bytes of the reply', fn($p) => $p->now('drop', 3), 0.0, 1.0);
fault('a reset after 5 bytes of the reply', fn($p) => $p->now('reset', 5), 0.0, 1.0);
// One byte every 100 ms: the reply has begun, the rest must come within
// 'timeout' (0.5 s), not a timeout per byte.
fault('a reply that trickles', fn($p) => $p->now('trickle', 0, 100), 0.45, 2.0);
// The connection went away while idle and the proxy refuses new ones: the
// put never left. (Idle for a while: a connection idle for under a
// millisecond is not looked at before the next command, which then goes out
// and fails with $sent true.)
fault('the proxy refuses to connect', function ($p) {
    $p->closeAll();
    $p->listening(false);
    usleep(20000);
}, 0.0, 1.0);
// A new connection silent from its first byte: the request went out.
fault('a new connection that never answers', function ($p) {
    $p->closeAll();
    $p->next('stall', connections: 1);
    usleep(20000);
}, 0.45, 2.0);
?>
--EXPECTF--
-- silence after the request --
Beanstalk\TimeoutException: put: no reply from PROXY within 0.500 s
sent: true; the server has it: yes
within bounds: yes
next put: its own job; new connections: 1
-- the connection dropped once the request is in --
Beanstalk\ConnectionException: put: PROXY closed the connection
sent: true; the server has it: yes
within bounds: yes
next put: its own job; new connections: 1
-- the connection dropped as the reply comes --
Beanstalk\ConnectionException: put: PROXY closed the connection
sent: true; the server has it: yes
within bounds: yes
next put: its own job; new connections: 1
-- the connection dropped after 3 bytes of the reply --
Beanstalk\ConnectionException: put: PROXY closed the connection
sent: true; the server has it: yes
within bounds: yes
next put: its own job; new connections: 1
-- a reset after 5 bytes of the reply --
Beanstalk\ConnectionException: put: cannot read from PROXY: Connection reset by peer
sent: true; the server has it: yes
within bounds: yes
next put: its own job; new connections: 1
-- a reply that trickles --
Beanstalk\TimeoutException: put: the reply from PROXY stopped after %d byte%A: the rest did not come within 0.500 s
sent: true; the server has it: yes
within bounds: yes
next put: its own job; new connections: 1
-- the proxy refuses to connect --
Beanstalk\ConnectionException: put: cannot connect to PROXY: Connection refused
sent: false; the server has it: no
within bounds: yes
next put: its own job; new connections: 1
-- a new connection that never answers --
Beanstalk\TimeoutException: put: no reply from PROXY within 0.500 s
sent: true; the server has it: yes
within bounds: yes
next put: its own job; new connections: 2
