--TEST--
Queue over several servers, one of which accepts and never answers: puts move on within the timeout and are reported, the server is set aside; a reserve keeps serving from the others
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$real = [new BsServer(), new BsServer()];
$silent = new BsFakeServer(array_fill(0, 20, ['put', ['silence']]));
// The servers are the test's own: the default tube is ours.
$tube = 'default';
// The reply timeout, which the real servers' replies must beat too: under
// valgrind on a loaded machine a put to a real one took more than 0.5 s.
$timeout = bs_under_valgrind() ? 3.0 : 0.5;
$q = new Beanstalk\Queue([$silent->address, $real[0]->address, $real[1]->address], ['timeout' => $timeout]);

// The first put goes to the silent one: it was sent, so it is reported,
// never sent again elsewhere.
$t = microtime(true);
try {
    $q->put('first');
    echo "no exception\n";
} catch (Beanstalk\TimeoutException $e) {
    echo "TimeoutException, sent: ", var_export($e->sent, true), "\n";
}
echo "within the timeout: ", bs_within(microtime(true) - $t, 0.9 * $timeout, $timeout + 1.5), "\n";
// Set aside: the next puts go to the others at once. It is tried again when
// its back-off (0.1 s, doubling) has run out, and a put sent to it then
// times out too: a slow machine (valgrind) gets there within the twenty.
$aside = microtime(true);
$retries = 0;
for ($i = 0; $i < 20 && $retries < 10;) {
    try {
        $q->put("job $i");
        $i++;
    } catch (Beanstalk\TimeoutException $e) {
        $retries++;
    }
}
$took = microtime(true) - $aside;
// Back-offs of 0.1, 0.2, 0.4 s ... and a timeout for each try: at most this
// many tries fit in the time.
$mayRetry = 0;
for ($pause = 0.1, $at = 0.1; $at <= $took; $pause *= 2, $at += $pause + $timeout) {
    $mayRetry++;
}
echo "twenty puts, the silent one tried again only after its back-off: ", $i === 20 && $retries <= $mayRetry ? 'yes' : "no: $i puts, $retries retries in $took s", "\n";
$stored = array_sum(array_map(fn ($s) => (int)bs_stat($s->address, "stats-tube $tube", 'current-jobs-ready'), $real));
echo "stored on the others: $stored\n";
// Consumers keep serving from the others.
$got = 0;
while ($got < 20 && ($job = $q->reserve(1))) {
    $job->delete();
    $got++;
}
echo "reserved: $got\n";
?>
--EXPECT--
TimeoutException, sent: true
within the timeout: yes
twenty puts, the silent one tried again only after its back-off: yes
stored on the others: 20
reserved: 20
