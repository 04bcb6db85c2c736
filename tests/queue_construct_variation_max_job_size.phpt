--TEST--
Queue option max_job_size: the largest job a reply may carry while the server's max-job-size is unknown; a bigger one is refused at its first line, without reading its body, and the next call works on a new connection
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

foreach ([['max_job_size' => 0], ['max_job_size' => -1], ['max_job_size' => (1 << 30) + 1], ['max_job_size' => '10'], ['max_job_size' => 1.5]] as $options) {
    bs_catch(fn() => new Beanstalk\Queue('127.0.0.1:11300', $options));
}

// A server that claims a job of 200 MiB: refused at the line.
$fake = new BsFakeServer([
    ['reserve-with-timeout', "RESERVED 1 10\r\n0123456789\r\n"],
    ['reserve-with-timeout', "RESERVED 2 11\r\n"],
    ['reserve-with-timeout', "RESERVED 3 209715200\r\n" . str_repeat('j', 65536)],
    ['peek 4', "FOUND 4 2\r\nok\r\n"],
]);
$q = new Beanstalk\Queue($fake->address, ['max_job_size' => 10, 'timeout' => 2]);
echo $q->reserve(0)->data, "\n";
bs_catch(fn() => $q->reserve(0));
$rss = memory_get_usage(true);
$t = microtime(true);
bs_catch(fn() => $q->reserve(0));
echo "refused at once: ", microtime(true) - $t < 1 ? "yes" : "no", "\n";
echo $q->peek(4)->data, "\n";
echo "connections: ", $fake->connections(), "\n";

// Against the real server: the option does not get in the way of jobs up
// to it, and once stats() told the server's own limit, that one counts.
$server = bs_server();
$tube = bs_tube('max_job_size');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube], 'max_job_size' => 100]);
$q->put(str_repeat('a', 100));
$job = $q->reserve(0);
echo strlen($job->data), "\n";
$job->delete();
$q->put(str_repeat('b', 101));
bs_catch(fn() => $q->reserve(0));
$max = $q->stats()['max-job-size'];
echo $max > 101 ? "server limit learnt\n" : "server limit $max\n";
$job = $q->reserve(0);
echo strlen($job->data), "\n";
$job->delete();
?>
--EXPECTF--
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "max_job_size" must be between 1 and 1073741824
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "max_job_size" must be between 1 and 1073741824
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "max_job_size" must be between 1 and 1073741824
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "max_job_size" must be of type int, string given
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "max_job_size" must be of type int, float given
0123456789
Beanstalk\ProtocolException: reserve: bad reply from %s: body over the limit of 10 bytes: "RESERVED 2 11\r\n"
Beanstalk\ProtocolException: reserve: bad reply from %s: body over the limit of 10 bytes: "RESERVED 3 209715200\r\n"
refused at once: yes
ok
connections: 3
100
Beanstalk\ProtocolException: reserve: bad reply from %s: body over the limit of 100 bytes: "RESERVED %d 101\r\n"
server limit learnt
101
