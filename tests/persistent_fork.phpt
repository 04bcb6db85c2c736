--TEST--
Persistent connection in a CLI script that forks: the child's first command makes a connection of its own (the parent's puts that did not wait are not the child's to flush or warn of), the parent goes on on its own connection as if nothing happened; a Queue over two servers likewise
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!function_exists('pcntl_fork')) die('skip needs pcntl');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$servers = [new BsServer(), new BsServer()];
$a = $servers[0]->address;
$tube = bs_tube('persistent_fork');

foreach ([[$a], [$a, $servers[1]->address]] as $list) {
    echo "-- ", count($list), " server(s) --\n";
    $target = count($list) > 1 ? $list : $list[0];
    $q = new Beanstalk\Queue($target, ['persistent' => 'fork', 'tube' => $tube]);
    $q->put('parent before');
    $q->putAsync('parent async');          // its reply is owed on the parent's connection
    $before = $q->clientStats();
    $pid = pcntl_fork();
    if ($pid === 0) {
        // The Queue the parent made, used here: a connection of the child's own.
        $q->put('child, inherited Queue');
        // A new Queue under the same persistent id: the slot is the
        // inherited Queue's, so another connection of the child's own.
        $own = new Beanstalk\Queue($target, ['persistent' => 'fork', 'tube' => $tube]);
        $own->put('child, own Queue');
        echo "child flush: ", count($q->flush()), "\n";
        exit(0);
    }
    pcntl_waitpid($pid, $status);
    echo "child exit: ", pcntl_wexitstatus($status), "\n";
    $q->put('parent after');
    $flushed = $q->flush();
    echo "parent flush: ", count($flushed), "\n";
    $after = $q->clientStats();
    // The parent's connection is the one it had: no reconnect, the put it
    // did not wait for confirmed on it.
    if (count($list) === 1) {
        echo "async confirmed on the parent's connection: ", $after['async-inserted'] - $before['async-inserted'], "\n";
    }
    $bodies = [];
    $w = new Beanstalk\Queue($target, ['watch' => [$tube]]);
    while ($job = $w->reserve(0)) {
        $bodies[] = $job->data;
        $job->delete();
    }
    sort($bodies);
    echo implode("\n", $bodies), "\n";
    $w->close();
    unset($q, $own);
}
?>
--EXPECT--
-- 1 server(s) --
child flush: 0
child exit: 0
parent flush: 1
async confirmed on the parent's connection: 1
child, inherited Queue
child, own Queue
parent after
parent async
parent before
-- 2 server(s) --
child flush: 0
child exit: 0
parent flush: 1
child, inherited Queue
child, own Queue
parent after
parent async
parent before
