--TEST--
A ProtocolException for an unparsable reply says what was wrong with it
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
// The reason comes from the parser, whose state the failure resets: the
// message must be made before the connection is closed.
$fake = new BsFakeServer([['put', "GARBAGE\r\n"]]);
$q = new Beanstalk\Queue($fake->address);
try {
    $q->put('a');
} catch (Beanstalk\ProtocolException $e) {
    echo str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
}
?>
--EXPECTF--
put: bad reply from FAKE: unexpected reply: "GARBAGE%s"
