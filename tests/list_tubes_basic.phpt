--TEST--
Queue::listTubes() lists the tubes the server has, as a list of names
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$used = bs_tube('list_tubes_basic_used');
$watched = bs_tube('list_tubes_basic_watched');
$q = new Beanstalk\Queue($server);

$tubes = $q->listTubes();
var_dump(array_is_list($tubes), in_array('default', $tubes, true), in_array($used, $tubes, true));
// Tubes come into being when used or watched (sent with the next command).
$q->useTube($used)->watch($watched);
$tubes = $q->listTubes();
var_dump(in_array($used, $tubes, true), in_array($watched, $tubes, true));
// The same names as the raw answer, in its order: compared while the raw
// answer stays the same before and after (other tests make and drop tubes
// on a shared server meanwhile).
$raw = fn () => preg_match_all('/^- (.*)$/m', bs_call($server, 'list-tubes'), $m) ? $m[1] : [];
for ($i = 0; $i < 20; $i++) {
    $before = $raw();
    $tubes = $q->listTubes();
    if ($raw() === $before) {
        break;
    }
}
var_dump($tubes === $before);
// And gone when nothing refers to them any more.
$q->useTube('default')->ignore($watched);
$tubes = $q->listTubes();
var_dump(in_array($used, $tubes, true), in_array($watched, $tubes, true));
?>
--EXPECT--
bool(true)
bool(true)
bool(false)
bool(true)
bool(true)
bool(true)
bool(false)
bool(false)
