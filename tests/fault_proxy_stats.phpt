--TEST--
Queue::stats() through a fault proxy: a YAML body cut by silence, a trickle, a drop or a reset fails within 'timeout', and the next stats() works on a new connection
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

$proxy = new BsFaultProxy(bs_server());
$q = new Beanstalk\Queue($proxy->address, ['timeout' => 0.5]);
var_dump(is_int($q->stats()['pid']));

function fault(string $title, array $rule, float $min, float $max): void
{
    global $proxy, $q;
    echo "-- $title --\n";
    $proxy->now(...$rule);
    $connections = $proxy->connections();
    $t = microtime(true);
    try {
        $q->stats();
        echo "no exception\n";
    } catch (Beanstalk\ConnectionException $e) {
        $took = microtime(true) - $t;
        echo $e::class, ': ', str_replace($proxy->address, 'PROXY', $e->getMessage()), "\n";
        echo 'sent: ', var_export($e->sent, true), "; within bounds: ", bs_within($took, $min, $max), "\n";
    }
    $proxy->next('pass');
    $stats = $q->stats();
    echo 'next stats: ', is_int($stats['pid']) && $stats['pid'] > 0 ? 'a whole list' : 'broken', '; new connections: ', $proxy->connections() - $connections, "\n";
}

// The body of a stats reply is some 1 kB: each fault hits it in the middle.
fault('silence in the middle of the body', ['stall', 200], 0.45, 2.0);
fault('a body that trickles after 200 bytes', ['trickle', 200, 100], 0.45, 2.0);
fault('a body that trickles from its first byte', ['trickle', 0, 50], 0.45, 2.0);
fault('the connection dropped in the middle of the body', ['drop', 200], 0.0, 1.0);
fault('a reset in the middle of the body', ['reset', 200], 0.0, 1.0);
fault('silence before the reply', ['stall'], 0.45, 2.0);
?>
--EXPECTF--
bool(true)
-- silence in the middle of the body --
Beanstalk\TimeoutException: stats: the reply from PROXY stopped after 200 bytes: the rest did not come within 0.500 s
sent: true; within bounds: yes
next stats: a whole list; new connections: 1
-- a body that trickles after 200 bytes --
Beanstalk\TimeoutException: stats: the reply from PROXY stopped after 20%d bytes: the rest did not come within 0.500 s
sent: true; within bounds: yes
next stats: a whole list; new connections: 1
-- a body that trickles from its first byte --
Beanstalk\TimeoutException: stats: the reply from PROXY stopped after %d byte%A: the rest did not come within 0.500 s
sent: true; within bounds: yes
next stats: a whole list; new connections: 1
-- the connection dropped in the middle of the body --
Beanstalk\ConnectionException: stats: PROXY closed the connection
sent: true; within bounds: yes
next stats: a whole list; new connections: 1
-- a reset in the middle of the body --
Beanstalk\ConnectionException: stats: cannot read from PROXY: Connection reset by peer
sent: true; within bounds: yes
next stats: a whole list; new connections: 1
-- silence before the reply --
Beanstalk\TimeoutException: stats: no reply from PROXY within 0.500 s
sent: true; within bounds: yes
next stats: a whole list; new connections: 1
