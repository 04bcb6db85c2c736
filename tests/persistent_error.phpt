--TEST--
Option 'persistent': bad values throw before anything else; a server that is down gives ConnectionException and the slot works once it is up
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

foreach ([1, 0.5, null, [], '', str_repeat('p', 201)] as $value) {
    bs_catch(fn() => new Beanstalk\Queue($address, ['persistent' => $value]));
}
// false is a plain connection.
$q = new Beanstalk\Queue($address, ['persistent' => false]);
unset($q);

// Nothing listens yet.
$q = new Beanstalk\Queue($address, ['persistent' => true, 'connect_timeout' => 1]);
bs_catch(fn() => $q->put('x'));
unset($q);
$srv = new BsServer($port);
$q = new Beanstalk\Queue($address, ['persistent' => true]);
$id = $q->put('x');
var_dump(bs_stat($address, "stats-job $id", 'state'));
// The same Queue tried again after a failure, once the server is up.
$srv->stop();
bs_catch(fn() => $q->put('y'));
$srv->start();
var_dump($q->put('z') > 0);
?>
--EXPECTF--
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be of type bool|string, int given
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be of type bool|string, float given
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be of type bool|string, null given
TypeError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be of type bool|string, array given
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be a bool or a pool id of 1 to 200 bytes
ValueError: Beanstalk\Queue::__construct(): Argument #2 ($options) option "persistent" must be a bool or a pool id of 1 to 200 bytes
Beanstalk\ConnectionException: put: cannot connect to 127.0.0.1:%d: Connection refused
string(5) "ready"
Beanstalk\ConnectionException: put: %s
bool(true)
