--TEST--
A server address that refuses connections gives ConnectionException, every time, until a server is there
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
$address = "127.0.0.1:$port";
$tube = bs_tube('refused');
$q = new Beanstalk\Queue($address, ['tube' => $tube]);

foreach ([fn() => $q->put('x'), fn() => $q->reserve(0), fn() => $q->delete(1)] as $fn) {
    try {
        $fn();
    } catch (Beanstalk\ConnectionException $e) {
        // Refused, not timed out.
        echo get_class($e), ': ', str_replace($address, 'ADDR', $e->getMessage()), "\n";
    }
}

// Once a server listens there, the same queue works.
$srv = new BsServer($port);
$id = $q->put('now');
var_dump(bs_stat($address, "stats-job $id", 'tube') === $tube);
?>
--EXPECT--
Beanstalk\ConnectionException: put: cannot connect to ADDR: Connection refused
Beanstalk\ConnectionException: reserve: cannot connect to ADDR: Connection refused
Beanstalk\ConnectionException: delete: cannot connect to ADDR: Connection refused
bool(true)
