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
$q = new Beanstalk\Queue([$silent->address, $real[0]->address, $real[1]->address], ['timeout' => 0.5]);

// The first put goes to the silent one: it was sent, so it is reported,
// never sent again elsewhere.
$t = microtime(true);
try {
    $q->put('first');
    echo "no exception\n";
} catch (Beanstalk\TimeoutException $e) {
    echo "TimeoutException, sent: ", var_export($e->sent, true), "\n";
}
echo "within the timeout: ", bs_within(microtime(true) - $t, 0.45, 2.0), "\n";
// Set aside: the next puts go to the others at once.
$t = microtime(true);
for ($i = 0; $i < 20; $i++) {
    $q->put("job $i");
}
echo "twenty puts without waiting on it: ", bs_within(microtime(true) - $t, 0, 1.5), "\n";
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
twenty puts without waiting on it: yes
stored on the others: 20
reserved: 20
