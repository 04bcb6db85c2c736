--TEST--
Queue over several servers, one engine: a job the Queue's reserve kept ahead is the first a Worker on that Queue gets, at once; a reserve whose first-listed server is empty hands out jobs without waiting for that server's slice, and a put after it does not wait either
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
error_log=/dev/null
--FILE--
<?php
require __DIR__ . '/server.inc';
$servers = [new BsServer(), new BsServer()];
$addresses = array_map(fn ($s) => $s->address, $servers);
$tube = bs_tube('pool_kept');
$q = new Beanstalk\Queue($addresses, ['tube' => $tube, 'watch' => [$tube]]);
// Each server its own job, put there directly.
foreach ($addresses as $i => $a) {
    $one = new Beanstalk\Queue($a, ['tube' => $tube]);
    $one->put("job on $i");
    $one->close();
}

echo "-- the reserve takes one job and keeps the other --\n";
$first = $q->reserve(5);
// Whichever server answers first: the other one's job is kept.
echo in_array($first->data, ['job on 0', 'job on 1'], true) ? 'one of the two jobs' : "unknown: {$first->data}", "\n";
$other = $first->data === 'job on 0' ? 1 : 0;
// The other server's reserve is out there: its answer is taken in and kept.
$deadline = microtime(true) + 5;
while (bs_stat($addresses[$other], "stats-tube $tube", 'current-jobs-reserved') !== '1' && microtime(true) < $deadline) {
    usleep(20000);
}
echo "kept: ", bs_stat($addresses[$other], "stats-tube $tube", 'current-jobs-reserved'), "\n";
$first->delete();

echo "-- a Worker on the same Queue gets the kept job first, at once --\n";
$w = new Beanstalk\Worker($q, ['max_jobs' => 1, 'max_runtime' => 8]);
$t0 = microtime(true);
$got = null;
$reason = $w->run(function (Beanstalk\Job $job) use (&$got, &$t0) {
    $got = [$job->data, microtime(true) - $t0];
});
echo $got[0] === "job on $other" ? 'the kept job' : "another: {$got[0]}", "\n";
// At once: well under the 8 s of max_runtime it waited before (a bound
// that holds on a loaded machine).
echo "at once: ", bs_within($got[1], 0, 2.5), "\n";
echo "reason: ", $reason === Beanstalk\Worker::STOP_MAX_JOBS ? 'max_jobs' : $reason, "\n";
foreach ($addresses as $a) {
    // A tube with no job and nobody on it is gone from the server: 0 both.
    echo (int)bs_stat($a, "stats-tube $tube", 'current-jobs-reserved'), (int)bs_stat($a, "stats-tube $tube", 'current-jobs-ready'), " ";
}
echo "\n";

echo "-- the first-listed server empty: 10 jobs from the second without a wait --\n";
$second = new Beanstalk\Queue($addresses[1], ['tube' => $tube]);
for ($i = 0; $i < 10; $i++) {
    $second->put("fast $i");
}
$t0 = microtime(true);
$n = 0;
while ($n < 10 && ($job = $q->reserve(5))) {
    $job->delete();
    $n++;
}
$took = microtime(true) - $t0;
// 10 s before: one job a second, each waiting out the first server's slice.
echo "$n jobs, none waiting out the empty server's slice: ", bs_within($took, 0, 2.5), "\n";

echo "-- a put after a reserve waits for no reserve out there --\n";
$t0 = microtime(true);
for ($i = 0; $i < 10; $i++) {
    $q->put("after $i");
    $q->reserve(5)->delete();
}
echo "10 puts and reserves: ", bs_within(microtime(true) - $t0, 0, 2.5), "\n";
?>
--EXPECT--
-- the reserve takes one job and keeps the other --
one of the two jobs
kept: 1
-- a Worker on the same Queue gets the kept job first, at once --
the kept job
at once: yes
reason: max_jobs
00 00 
-- the first-listed server empty: 10 jobs from the second without a wait --
10 jobs, none waiting out the empty server's slice: yes
-- a put after a reserve waits for no reserve out there --
10 puts and reserves: yes
