--TEST--
Apache's event MPM with a thread-safe libphp, under wrk's many connections: every request puts one job and putAsync()s another on a persistent connection; every job arrives once, each thread keeps a connection of its own (never shared with another thread, never one per request), no child crashes, leaks or fails an assertion, and Worker::run() is refused there
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/apache_server.inc';
if ($why = BsApache::unavailable()) die("skip $why");
if (getenv('USE_ZEND_ALLOC') === '0') die('skip Apache and its threads under valgrind crawl; the debug build checks the requests');
?>
--FILE--
<?php
require __DIR__ . '/apache_server.inc';

$server = new BsServer();   // a server of its own: its connection counts are this test's
$tube = bs_tube('apache');

// The ids of the requests whose flush() returned, one line each (appends
// this short are whole); Apache's children write it as their own user.
$flushed = tempnam(sys_get_temp_dir(), 'beanstalk-flushed-');
chmod($flushed, 0666);

// Each request: which thread of which process serves it (Linux's thread id),
// and how many putAsync() its persistent connection had carried before:
// counted per connection, from 0 up on each thread when no other thread
// ever uses that connection.
$enqueue = '<?php
$thread = (int)basename((string)readlink("/proc/thread-self"));
$q = new Beanstalk\Queue(' . var_export($server->address, true) . ', ["tube" => ' . var_export($tube, true) . ', "persistent" => true]);
$before = $q->clientStats()["async-puts"];
$id = bin2hex(random_bytes(8));
apache_note("id", $id);
$job = ["id" => $id, "pid" => getmypid(), "thread" => $thread, "before" => $before];
$q->put(json_encode($job + ["how" => "put"]));
$q->putAsync(json_encode($job + ["how" => "async"]));
$q->flush();
file_put_contents(' . var_export($flushed, true) . ', "$id\n", FILE_APPEND);
echo "ok $id\n";
';
$worker = '<?php
try {
    (new Beanstalk\Worker(new Beanstalk\Queue(' . var_export($server->address, true) . ')))->run(fn () => null);
    echo "ran\n";
} catch (Error $e) {
    echo get_class($e), ": ", $e->getMessage(), "\n";
}
';
$apache = new BsApache(['enqueue.php' => $enqueue, 'worker.php' => $worker]);

[$status, $body] = $apache->get('/worker.php');
echo "Worker::run(): $status ", trim($body), "\n";
// From here on, only enqueue.php's connections are made.
$connectionsBefore = (int)bs_stat($server->address, 'stats', 'total-connections');
[$status, $body] = $apache->get('/enqueue.php');
echo "first request: $status ", str_starts_with($body, 'ok ') ? 'ok' : $body . $apache->logs(), "\n";

$wrkConnections = 48;
$out = $apache->wrk('/enqueue.php', $wrkConnections, bs_debug_build() ? 6 : 4);
preg_match('/(\d+) requests in/', $out, $m);
$wrkCount = (int)($m[1] ?? 0);
echo "wrk answered: ", $wrkCount > 100 ? 'yes' : "no:\n$out", "\n";
// Read errors are the event MPM closing kept-alive connections beyond what
// its busy threads take (AsyncRequestWorkerFactor): wrk connects again.
echo "wrk errors: ", preg_match('/Non-2xx|Socket errors: connect [1-9]|timeout [1-9]/', $out) ? "yes:\n$out" : 'none', "\n";

// The persistent connections are open while the server runs: one per
// thread that served a request (and this look's own).
$open = (int)bs_stat($server->address, 'stats', 'current-connections') - 1;

$problems = $apache->stop();
echo "server logs: ", $problems ?? 'clean', "\n";

// The access log's requests, by status and path, and the ids of those that
// gave one.
$served = $logged = [];
foreach ($apache->requests() as $line) {
    [$status, $path, $id] = explode(' ', $line) + [2 => '-'];
    $served["$status $path"] = ($served["$status $path"] ?? 0) + 1;
    if ($id !== '-') {
        $logged[$id] = true;
    }
}
$ok = $served['200 /enqueue.php'] ?? 0;
unset($served['200 /enqueue.php'], $served['200 /worker.php']);
echo "other answers: ", $served ? json_encode($served) : 'none', "\n";

// Every job, once.
$q = new Beanstalk\Queue($server->address, ['tube' => $tube]);
$q->watch($tube);
$jobs = [];
while ($job = $q->reserve(0)) {
    $jobs[] = json_decode($job->data, true);
    $job->delete();
}
$byHow = ['put' => [], 'async' => []];
foreach ($jobs as $j) {
    $byHow[$j['how']][$j['id']] = ($byHow[$j['how']][$j['id']] ?? 0) + 1;
}
echo "requests answered 200: ", $ok > 100 ? 'over 100' : $ok, "\n";
// Every request whose flush() returned: one put and one putAsync, each
// stored once. A request still under way when wrk closes its connections
// at the end of its run may be cut short by the stop that follows, before
// its flush() returned (at most one per wrk connection): it put one job,
// and its putAsync is there or not.
$done = array_fill_keys(file($flushed, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES), true);
unlink($flushed);
$ids = array_keys($byHow['put'] + $byHow['async']);
$kinds = $wrong = [];
foreach ($ids as $id) {
    $put = $byHow['put'][$id] ?? 0;
    $async = $byHow['async'][$id] ?? 0;
    $ran = isset($done[$id]) ? 'flushed' : 'cut short';
    if ($ran === 'flushed' ? $put !== 1 || $async !== 1 : $put !== 1 || $async > 1) {
        $wrong[] = $id;
    }
    $kind = "put $put async $async, $ran, " . (isset($logged[$id]) ? 'logged' : 'not logged');
    $kinds[$kind] = ($kinds[$kind] ?? 0) + 1;
}
$cut = count($ids) - count(array_intersect_key($done, array_flip($ids)));
echo "jobs: one put and one putAsync per request whose flush() returned: ", $wrong ? 'no: ' . count($wrong) . ' of ' . count($ids) . ' requests ' . json_encode($kinds) : 'yes', "\n";
echo "requests cut short: ", $cut <= $wrkConnections ? 'at most one per wrk connection' : "$cut " . json_encode($kinds), "\n";
$missing = array_diff_key($done, array_flip($ids));
echo "every request whose flush() returned has its jobs: ", $missing ? 'no: ' . count($missing) . ' of ' . count($done) : 'yes', "\n";
$lost = array_diff_key($logged, $byHow['put']);
echo "every logged request's jobs arrived: ", $lost ? 'no: ' . count($lost) . " of $ok" : 'yes', "\n";
// A request may also run to its end without Apache logging it, when the
// stop comes between the two (seen: up to 7 in 34 000 on a loaded machine).
$unlogged = count(array_diff_key($byHow['put'], $logged));
echo "requests that ran and were not logged: ", $unlogged <= $wrkConnections ? 'at most one per wrk connection' : $unlogged, "\n";
// Per thread: the counts its connection had are 0, 1, 2, ... with no gap
// and no repeat, so no other thread ever put on it.
$threads = [];
foreach ($jobs as $j) {
    if ($j['how'] === 'async') {
        $threads["{$j['pid']}/{$j['thread']}"][] = $j['before'];
    }
}
$shared = [];
foreach ($threads as $t => $seen) {
    sort($seen);
    if ($seen !== range(0, count($seen) - 1)) {
        $shared[] = "$t: " . implode(',', array_slice($seen, 0, 10));
    }
}
echo "threads that served requests: ", count($threads) > 2 ? 'several' : count($threads), "\n";
$pids = array_count_values(array_map(fn ($t) => strtok($t, '/'), array_keys($threads)));
echo "a process served requests on several threads: ", max($pids) > 1 ? 'yes' : 'no', "\n";
echo "at most one thread per Apache thread slot: ", count($threads) <= BsApache::CHILDREN * BsApache::THREADS_PER_CHILD ? 'yes' : count($threads), "\n";
echo "each connection used by one thread only: ", $shared ? "no:\n" . implode("\n", $shared) : 'yes', "\n";

// One connection per thread, kept: as many connections were ever made as
// threads served requests, and all were open at the end of the load.
$connections = (int)bs_stat($server->address, 'stats', 'total-connections') - $connectionsBefore - 3;  // the three looks of this test
echo "connections made by the server's threads: ", $connections === count($threads) ? 'one per thread' : "$connections for " . count($threads) . ' threads', "\n";
echo "open at the end of the load: ", $open === count($threads) ? 'one per thread' : "$open for " . count($threads) . ' threads', "\n";
?>
--EXPECT--
Worker::run(): 200 Error: Beanstalk\Worker::run() takes the process's signals: it runs in the CLI, not in the apache2handler SAPI of a thread-safe PHP, whose threads serve other requests
first request: 200 ok
wrk answered: yes
wrk errors: none
server logs: clean
other answers: none
requests answered 200: over 100
jobs: one put and one putAsync per request whose flush() returned: yes
requests cut short: at most one per wrk connection
every request whose flush() returned has its jobs: yes
every logged request's jobs arrived: yes
requests that ran and were not logged: at most one per wrk connection
threads that served requests: several
a process served requests on several threads: yes
at most one thread per Apache thread slot: yes
each connection used by one thread only: yes
connections made by the server's threads: one per thread
open at the end of the load: one per thread
