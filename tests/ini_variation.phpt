--TEST--
INI beanstalk.timeout from php.ini applies to new Queues, and to a persistent connection taken over by a new Queue
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
beanstalk.timeout=0.3
beanstalk.connect_timeout=0.5
--FILE--
<?php
require __DIR__ . '/server.inc';
var_dump(ini_get('beanstalk.timeout'), ini_get('beanstalk.connect_timeout'));

$fake = new BsFakeServer([['put', "INSERTED 1\r\n"], ['put', ['silence']]]);
// The first owner waits up to 30 s ...
$q = new Beanstalk\Queue($fake->address, ['persistent' => 'ini_variation', 'timeout' => 30]);
var_dump($q->put('x'));
unset($q);
// ... the next one, on the same connection, what php.ini says.
$q = new Beanstalk\Queue($fake->address, ['persistent' => 'ini_variation']);
$t = microtime(true);
bs_catch(fn() => $q->put('y'));
$waited = microtime(true) - $t;
var_dump($waited >= 0.25 && $waited < 3, $fake->connections());
?>
--EXPECTF--
string(3) "0.3"
string(3) "0.5"
int(1)
Beanstalk\TimeoutException: put: no reply from %s within 0.300 s
bool(true)
int(1)
