--TEST--
Queue::__construct(): beanstalkd://, beanstalk:// and tcp:// addresses, with and without the trailing "/"
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$port = bs_free_port();
$srv = new BsServer($port);
$server = $srv->address;
$tube = bs_tube('construct_dsn');

foreach (["beanstalkd://127.0.0.1:$port", "beanstalk://127.0.0.1:$port", "tcp://127.0.0.1:$port",
    "beanstalkd://127.0.0.1:$port/", "BeanstalkD://localhost:$port", "127.0.0.1:$port"] as $address) {
    $q = new Beanstalk\Queue($address, ['tube' => $tube]);
    $id = $q->put($address);
    // Asked on a connection of its own: the job is on this server, in the tube.
    $stats = bs_stats($server, "stats-job $id");
    echo $address === $q->peek($id)?->data && $stats['tube'] === $tube ? 'put and peeked' : 'wrong job', "\n";
    $q->delete($id);
}
?>
--EXPECT--
put and peeked
put and peeked
put and peeked
put and peeked
put and peeked
put and peeked
