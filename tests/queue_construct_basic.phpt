--TEST--
Queue::__construct() accepts the address forms and connects only at the first command
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();

// Construction parses the address but does not connect: a port where
// nothing listens fails only when a command is sent.
$q = new Beanstalk\Queue('127.0.0.1:' . bs_free_port());
echo "constructed\n";
try {
    $q->put('x');
} catch (Beanstalk\ConnectionException $e) {
    echo get_class($e), "\n";
}
// The default address is only parsed too.
new Beanstalk\Queue();
new Beanstalk\Queue(options: ['timeout' => 1]);

// "host:port", "tcp://host:port" and a one-element list name the same server:
// each put lands in the tube the option names, as the server itself reports.
$tube = bs_tube('construct_basic');
foreach ([$server, "tcp://$server", [$server]] as $address) {
    $q = new Beanstalk\Queue($address, ['tube' => $tube]);
    $id = $q->put('x');
    var_dump(bs_stat($server, "stats-job $id", 'tube') === $tube);
}
var_dump(bs_stat($server, "stats-tube $tube", 'current-jobs-ready'));

// Defaults: the "default" tube used and watched, and the class constants.
$q = new Beanstalk\Queue($server);
var_dump($q->usedTube(), $q->watchedTubes(), Beanstalk\Queue::DEFAULT_PRIORITY, Beanstalk\Queue::DEFAULT_TTR);

// The tube and watch options reach the server with the first command.
$other = bs_tube('construct_basic_opts');
$q = new Beanstalk\Queue($server, ['tube' => $other, 'watch' => [$other], 'timeout' => 2.5, 'connect_timeout' => 1]);
var_dump($q->usedTube() === $other, $q->watchedTubes() === [$other]);
var_dump(bs_call($server, "stats-tube $other"));
var_dump($q->reserve(0));
$stats = bs_stats($server, "stats-tube $other");
var_dump($stats['current-using'], $stats['current-watching']);
?>
--EXPECT--
constructed
Beanstalk\ConnectionException
bool(true)
bool(true)
bool(true)
string(1) "3"
string(7) "default"
array(1) {
  [0]=>
  string(7) "default"
}
int(1024)
int(60)
bool(true)
bool(true)
string(11) "NOT_FOUND
"
NULL
string(1) "1"
string(1) "1"
