--TEST--
Queue::listTubes(): names with every allowed character, 200-byte names; 1.13-style quoted items are unquoted
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$odd = bs_tube('A-z0+9/;.$_()');
$long = substr(bs_tube('list_tubes_variation') . str_repeat('x', 200), 0, 200);
$q = new Beanstalk\Queue($server, ['watch' => [$odd, $long]]);
$tubes = $q->listTubes();
var_dump(in_array($odd, $tubes, true), in_array($long, $tubes, true), strlen($long));

$body = "---\n- default\n- \"jobs.v2\"\n- 2024\n";
$fake = new BsFakeServer([['list-tubes', 'OK ' . strlen($body) . "\r\n$body\r\n"]]);
var_dump((new Beanstalk\Queue($fake->address))->listTubes());
?>
--EXPECT--
bool(true)
bool(true)
int(200)
array(3) {
  [0]=>
  string(7) "default"
  [1]=>
  string(7) "jobs.v2"
  [2]=>
  string(4) "2024"
}
