--TEST--
A server that says nothing gives TimeoutException after the 'timeout' option; reserve waits its own timeout on top
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';

$fake = new BsFakeServer([['put', ['silence']]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 0.3]);
$t = microtime(true);
try {
    $q->put('x');
} catch (Beanstalk\ConnectionException $e) {
    $waited = microtime(true) - $t;
    echo get_class($e), ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
    var_dump($waited >= 0.25 && $waited < 3);
}

// The server may take the whole reserve timeout to answer: only after that
// plus 'timeout' is it silent.
$fake = new BsFakeServer([['reserve-with-timeout 1', ['silence']]]);
$q = new Beanstalk\Queue($fake->address, ['timeout' => 0.3]);
$t = microtime(true);
try {
    $q->reserve(1);
} catch (Beanstalk\TimeoutException $e) {
    $waited = microtime(true) - $t;
    echo get_class($e), "\n";
    var_dump($waited >= 1.25 && $waited < 5);
}
?>
--EXPECT--
Beanstalk\TimeoutException: put: no reply from FAKE within 0.300 s
bool(true)
Beanstalk\TimeoutException
bool(true)
