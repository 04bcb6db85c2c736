--TEST--
Queue::reserve() with no timeout blocks until a job arrives
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('reserve_variation');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
var_dump($q->reserve(0));

// A producer in another process waits until the server counts a client
// waiting on the tube (us, blocked in reserve), then puts a job. It gives up
// waiting after a bounded time and puts anyway, so we never hang.
$producer = proc_open([PHP_BINARY, '-n', '-r', '
    require $argv[1];
    [, , $server, $tube] = $argv;
    $until = microtime(true) + 20;
    while (($w = bs_stat($server, "stats-tube $tube", "current-waiting")) !== "1" && microtime(true) < $until) {
        usleep(50000);
    }
    usleep(300000);  // the reserve really has to wait
    echo "producer saw a waiting client: ", $w === "1" ? "yes" : "no", "\n";
    $s = stream_socket_client("tcp://$server");
    fwrite($s, "use $tube\r\nput 0 0 60 13\r\nfrom producer\r\n");
    fgets($s);
    fgets($s);
', __DIR__ . '/server.inc', $server, $tube], [1 => ['pipe', 'w']], $pipes);

// Should the producer fail, an alarm ends the wait (reserve then returns null).
if (function_exists('pcntl_alarm')) {
    pcntl_async_signals(true);
    pcntl_signal(SIGALRM, function () { echo "alarm: the reserve did not end\n"; });
    pcntl_alarm(60);
}
$job = $q->reserve();
if (function_exists('pcntl_alarm')) {
    pcntl_alarm(0);
}
echo stream_get_contents($pipes[1]);
proc_close($producer);
var_dump($job?->data);
$job?->delete();

// Among ready jobs: the most urgent first, then the oldest.
$ids = [$q->put('b', 5), $q->put('a', 1), $q->put('c', 5)];
foreach ([0, 1, 2] as $_) {
    $job = $q->reserve(0);
    echo $job->data;
    $job->delete();
}
echo "\n";
?>
--EXPECT--
NULL
producer saw a waiting client: yes
string(13) "from producer"
abc
