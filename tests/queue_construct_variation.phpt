--TEST--
Queue::__construct(): the watch option replaces the default watch list; server list forms
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
// The "default" tube is shared by every test of a run: count its watchers on
// a server of this test's own.
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$srv = new BsServer();
$server = $srv->address;
$a = bs_tube('construct_var_a');
$b = bs_tube('construct_var_b');

/* Connections watching $tube, the one asking not counted (a fresh
 * connection watches "default"). */
function watching(string $server, string $tube): string
{
    $n = bs_stat($server, "stats-tube $tube", 'current-watching');
    return $n === null ? 'no such tube' : (string)((int)$n - ($tube === 'default' ? 1 : 0));
}

echo "-- watch [a, b]: default is no longer watched --\n";
$q = new Beanstalk\Queue($server, ['watch' => [$a, $b]]);
var_dump($q->watchedTubes() === [$a, $b]);
$q->reserve(0);
echo watching($server, $a), ' ', watching($server, $b), ' ', watching($server, 'default'), "\n";
// A job in "default" is not for this queue.
bs_call($server, "put 0 0 60 1\r\nd");
var_dump($q->reserve(0));
$q->close();
unset($q);

echo "-- watch [default, a]: default stays, named --\n";
$q = new Beanstalk\Queue($server, ['watch' => ['default', $a]]);
var_dump($q->watchedTubes() === ['default', $a]);
$job = $q->reserve(0);
var_dump($job->data);
echo watching($server, $a), ' ', watching($server, 'default'), "\n";
$job->delete();
unset($job, $q);

echo "-- duplicates are watched once --\n";
$q = new Beanstalk\Queue($server, ['watch' => [$b, $b, $b]]);
var_dump($q->watchedTubes() === [$b]);

echo "-- tube alone leaves the watch list alone --\n";
$q = new Beanstalk\Queue($server, ['tube' => $a]);
var_dump($q->usedTube() === $a, $q->watchedTubes());

echo "-- server lists: any keys, whatever the array's internal pointer --\n";
$list = [$server];
end($list);
next($list);  // the internal pointer is now past the end
$q = new Beanstalk\Queue($list, ['tube' => $a]);
$id = $q->put('x');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $a);
$q = new Beanstalk\Queue(['main' => $server], ['tube' => $b]);
$id = $q->put('y');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $b);
?>
--EXPECT--
-- watch [a, b]: default is no longer watched --
bool(true)
1 1 0
NULL
-- watch [default, a]: default stays, named --
bool(true)
string(1) "d"
1 1
-- duplicates are watched once --
bool(true)
-- tube alone leaves the watch list alone --
bool(true)
array(1) {
  [0]=>
  string(7) "default"
}
-- server lists: any keys, whatever the array's internal pointer --
bool(true)
bool(true)
