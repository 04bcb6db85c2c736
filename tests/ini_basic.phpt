--TEST--
INI beanstalk.connect_timeout and beanstalk.timeout: defaults, ini_set(), and the Queues made after it wait that long
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
var_dump(ini_get('beanstalk.connect_timeout'), ini_get('beanstalk.timeout'));
$all = ini_get_all('beanstalk');
var_dump(array_keys($all), $all['beanstalk.timeout']['access'] === INI_ALL);

var_dump(ini_set('beanstalk.timeout', '0.3'), ini_get('beanstalk.timeout'));
var_dump(ini_set('beanstalk.connect_timeout', 2), ini_get('beanstalk.connect_timeout'));

function wait_for_silence(Beanstalk\Queue $q): float
{
    $t = microtime(true);
    try {
        $q->put('x');
    } catch (Beanstalk\TimeoutException $e) {
        return microtime(true) - $t;
    }
    return -1;
}

// A Queue made now waits 0.3 s for a reply.
$fake = new BsFakeServer([['put', ['silence']]]);
$waited = wait_for_silence(new Beanstalk\Queue($fake->address));
var_dump($waited >= 0.25 && $waited < 3);
// The option still has the last word.
$fake = new BsFakeServer([['put', ['silence']]]);
ini_set('beanstalk.timeout', '60');
$waited = wait_for_silence(new Beanstalk\Queue($fake->address, ['timeout' => 0.3]));
var_dump($waited >= 0.25 && $waited < 3);
// A Queue keeps what it was made with.
$fake = new BsFakeServer([['put', ['silence']]]);
ini_set('beanstalk.timeout', '0.3');
$q = new Beanstalk\Queue($fake->address);
ini_set('beanstalk.timeout', '60');
$waited = wait_for_silence($q);
var_dump($waited >= 0.25 && $waited < 3);

ini_restore('beanstalk.timeout');
var_dump(ini_get('beanstalk.timeout'));
?>
--EXPECT--
string(3) "1.0"
string(3) "5.0"
array(2) {
  [0]=>
  string(25) "beanstalk.connect_timeout"
  [1]=>
  string(17) "beanstalk.timeout"
}
bool(true)
string(3) "5.0"
string(3) "0.3"
string(3) "1.0"
string(1) "2"
bool(true)
bool(true)
bool(true)
string(3) "5.0"
