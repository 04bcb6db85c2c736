--TEST--
Queue::touch() repeated keeps a job reserved past its time-to-run
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('touch_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);

// A two-second TTR, touched every 0.7 s for longer than that: the server
// never takes the job back.
$id = $q->put('long work', 0, 0, 2);
$job = $q->reserve(0);
$start = microtime(true);
for ($i = 0; $i < 4; $i++) {
    usleep(700000);
    $q->touch($job);
}
var_dump(microtime(true) - $start > 2);
$stats = bs_stats($server, "stats-job $id");
var_dump($stats['state'], $stats['timeouts']);
$job->delete();
?>
--EXPECT--
bool(true)
string(8) "reserved"
string(1) "0"
