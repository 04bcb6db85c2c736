--TEST--
Queue::watch(): several tubes, a tube watched twice, and "watch" sent only when the list changed
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();

echo "-- reserve takes from every watched tube --\n";
$tubes = [bs_tube('watch_var_1'), bs_tube('watch_var_2'), bs_tube('watch_var_3')];
$q = new Beanstalk\Queue($server, ['watch' => [$tubes[0]]]);
$q->watch($tubes[1])->watch($tubes[2]);
$producer = new Beanstalk\Queue($server);
foreach ($tubes as $i => $tube) {
    $producer->useTube($tube)->put("job $i", 10 - $i);
}
for ($i = 0; $i < 3; $i++) {
    $job = $q->reserve(0);
    echo $job->data, "\n";
    $job->delete();
}
var_dump($q->reserve(0));

echo "-- watching a tube twice watches it once --\n";
$q->watch($tubes[1]);
var_dump(count($q->watchedTubes()));
$q->reserve(0);
var_dump(bs_stat($server, "stats-tube {$tubes[1]}", 'current-watching'));

echo "-- only changes are sent --\n";
$fake = new BsFakeServer([
    ['watch a', "WATCHING 2\r\n"],
    ['reserve-with-timeout 0', "TIMED_OUT\r\n"],
    ['reserve-with-timeout 0', "TIMED_OUT\r\n"],
]);
$q = new Beanstalk\Queue($fake->address);
$q->watch('a')->watch('a')->watch('default');
var_dump($q->reserve(0));
$q->watch('a');
var_dump($q->reserve(0));
echo implode("\n", $fake->requests()), "\n";
?>
--EXPECT--
-- reserve takes from every watched tube --
job 2
job 1
job 0
NULL
-- watching a tube twice watches it once --
int(3)
string(1) "1"
-- only changes are sent --
NULL
NULL
watch a
reserve-with-timeout 0
reserve-with-timeout 0
