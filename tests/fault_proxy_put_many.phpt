--TEST--
Queue::putMany() of 3000 jobs through a fault proxy: replies that trickle fail the batch within one timeout for its chunk of 1024 (not a timeout per job); the jobs of that chunk are NOT_CONFIRMED, the rest NOT_SENT, as the server's count shows; the next batch goes on a new connection
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
require_once __DIR__ . '/worker.inc';

const JOBS = 3000;
const CHUNK = 1024;

$server = bs_server();
$proxy = new BsFaultProxy($server);

/* One batch of JOBS under the fault, on a tube of its own; what the
 * exception says of each job, checked against what the server holds. */
function batch(string $title, array $rule, float $min, float $max, bool $someConfirmed = true): void
{
    global $server, $proxy;
    echo "-- $title --\n";
    $tube = bs_tube('fault_proxy_put_many');
    // The reply timeout: the proxy's own puts must beat it too, which under
    // valgrind on a loaded machine can take more than a second.
    $timeout = bs_under_valgrind() ? 3.0 : 1.0;
    $q = new Beanstalk\Queue($proxy->address, ['tube' => $tube, 'timeout' => $timeout]);
    $q->put('first');
    $proxy->now(...$rule);
    $connections = $proxy->connections();
    $data = array_map(fn($i) => "job $i", range(0, JOBS - 1));
    $t = microtime(true);
    try {
        $q->putMany($data);
        echo "no exception\n";
    } catch (Beanstalk\BatchException $e) {
        $took = microtime(true) - $t;
        echo $e::class, ': ', preg_replace('/^putMany: \d+ of/', 'putMany: N of', $e->getMessage()), "\n";
        $previous = $e->getPrevious();
        echo '  previous: ', $previous::class, ': ', str_replace($proxy->address, 'PROXY', $previous->getMessage()), "\n";
        // A timeout per job would be minutes: the bound is scaled to the build.
        echo '  within bounds: ', bs_within($took, $min * $timeout, bs_seconds($max * $timeout)), "\n";
        // Every job is either inserted or failed; the failed ones of the
        // first chunk were sent, the others not.
        $wrong = [];
        for ($i = 0; $i < JOBS; $i++) {
            $want = $i < CHUNK ? 'NOT_CONFIRMED' : 'NOT_SENT';
            if (isset($e->inserted[$i]) === isset($e->failed[$i]) || (isset($e->failed[$i]) && $e->failed[$i] !== $want)) {
                $wrong[] = $i;
            }
        }
        echo '  each job inserted, NOT_CONFIRMED (first chunk) or NOT_SENT (the rest): ', $wrong ? 'no, ' . implode(',', array_slice($wrong, 0, 10)) : 'yes', "\n";
        if ($someConfirmed) {
            echo '  some confirmed before the fault: ', count($e->inserted) > 0 && count($e->inserted) < CHUNK ? 'yes' : 'no: ' . count($e->inserted), "\n";
        }
        $ok = count($e->inserted) < CHUNK;
        foreach ([array_key_first($e->inserted), array_key_last($e->inserted)] as $index) {
            if ($index !== null) {
                $id = $e->inserted[$index];
                $ok = $ok && bs_call($server, "peek $id") === "FOUND $id " . strlen($data[$index]) . "\r\n{$data[$index]}\r\n";
            }
        }
        echo '  the ids inserted are those jobs: ', $ok ? 'yes' : 'no', "\n";
        // The server has those confirmed and maybe more of the first chunk
        // (plus 'first'), nothing after it.
        // The proxy passes the chunk on at its own pace: on a loaded
        // machine the server may still be reading it.
        $until = microtime(true) + bs_seconds(10);
        do {
            $held = (int)bs_stat($server, "stats-tube $tube", 'current-jobs-ready') - 1;
        } while ($someConfirmed && $held < CHUNK && microtime(true) < $until && usleep(BS_WAIT_STEP_US) === null);
        echo '  jobs on the server: ', $held === CHUNK ? 'all of the first chunk' : ($held >= count($e->inserted) && $held < CHUNK ? 'part of the first chunk' : $held), "\n";
    }
    $proxy->now('pass');
    $ids = $q->putMany(['a', 'b']);
    echo '  next putMany: ', count($ids), ' ids; new connections: ', $proxy->connections() - $connections, "\n";
}

// One byte every 20 ms after the first 100: each reply (some 14 bytes)
// would come within the timeout (1 s, 3 under valgrind), the chunk's 1024
// replies would take five minutes. The bounds are in timeouts. The chunk's
// deadline mostly falls within a reply (some of its bytes came), but may
// fall between two, where the proxy's pace is uneven (under valgrind on a
// loaded machine): then no byte of the next reply came.
batch('replies that trickle', ['trickle', 100, 20], 0.95, 3.0);
// The replies stop after 100 bytes.
batch('replies that stop', ['stall', 100], 0.95, 3.0);
// The connection is lost after 100 bytes of replies. The proxy closes it
// with bytes of the batch unread: the client may see a reset rather than
// an end, even before it has written the whole chunk or read a reply; the
// server may not have read the whole chunk.
batch('the connection lost after 100 bytes of replies', ['drop', 100], 0.0, 2.0, someConfirmed: false);
?>
--EXPECTF--
-- replies that trickle --
Beanstalk\BatchException: putMany: N of 3000 jobs inserted; the first failure is at index %d (NOT_CONFIRMED)
  previous: Beanstalk\TimeoutException: putMany: %r(the reply from PROXY stopped after \d+ bytes?: the rest did not come|no reply from PROXY)%r within %f s
  within bounds: yes
  each job inserted, NOT_CONFIRMED (first chunk) or NOT_SENT (the rest): yes
  some confirmed before the fault: yes
  the ids inserted are those jobs: yes
  jobs on the server: all of the first chunk
  next putMany: 2 ids; new connections: 1
-- replies that stop --
Beanstalk\BatchException: putMany: N of 3000 jobs inserted; the first failure is at index %d (NOT_CONFIRMED)
  previous: Beanstalk\TimeoutException: putMany: the reply from PROXY stopped after %d byte%A: the rest did not come within %f s
  within bounds: yes
  each job inserted, NOT_CONFIRMED (first chunk) or NOT_SENT (the rest): yes
  some confirmed before the fault: yes
  the ids inserted are those jobs: yes
  jobs on the server: all of the first chunk
  next putMany: 2 ids; new connections: 1
-- the connection lost after 100 bytes of replies --
Beanstalk\BatchException: putMany: N of 3000 jobs inserted; the first failure is at index %d (NOT_CONFIRMED)
  previous: Beanstalk\ConnectionException: putMany: %s
  within bounds: yes
  each job inserted, NOT_CONFIRMED (first chunk) or NOT_SENT (the rest): yes
  the ids inserted are those jobs: yes
  jobs on the server: %s of the first chunk
  next putMany: 2 ids; new connections: 1
