--TEST--
Option 'persistent': Queues made one after another share one server connection, each with its own tube state
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
// A server of our own: the connection counts are ours alone.
$srv = new BsServer();
$server = $srv->address;
$used = bs_tube('persistent_basic_used');
$watched = bs_tube('persistent_basic_watched');
$connections = (int)bs_stat($server, 'stats', 'total-connections');

echo "-- five owners, one connection --\n";
for ($i = 0; $i < 5; $i++) {
    $q = new Beanstalk\Queue($server, ['persistent' => true]);
    $q->delete($q->put("job $i"));
    unset($q);
}
// One connection was made (the other one counted is this stats call's).
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 1);

echo "-- the next owner starts from its own tube state --\n";
$q = new Beanstalk\Queue($server, ['persistent' => true]);
$q->useTube($used)->watch($watched)->ignore('default');
$id = $q->put('in used');
var_dump(bs_stat($server, "stats-job $id", 'tube') === $used, bs_stat($server, "stats-tube $watched", 'current-watching'));
unset($q);
// Nothing sent yet: the server still has the old state on the connection.
$q = new Beanstalk\Queue($server, ['persistent' => true]);
var_dump($q->usedTube(), $q->watchedTubes());
var_dump(bs_stat($server, "stats-tube $used", 'current-using'));
// Its first command brings the server there, in the same write.
$mine = $q->put('in default');
var_dump(bs_stat($server, "stats-job $mine", 'tube'));
var_dump(bs_stat($server, "stats-tube $used", 'current-using'), bs_call($server, "stats-tube $watched"));
$q->delete($mine);
unset($q);
// Options of the new owner apply as well.
$q = new Beanstalk\Queue($server, ['persistent' => true, 'tube' => $watched, 'watch' => [$used]]);
var_dump($q->reserve(0)->id === $id);
var_dump(bs_stat($server, "stats-tube $watched", 'current-using'), bs_stat($server, "stats-tube $used", 'current-watching'));
$q->delete($id);
unset($q);
// Still the one connection (the other ten counted are our stats calls).
var_dump((int)bs_stat($server, 'stats', 'total-connections') - $connections - 10);

echo "-- a second Queue at the same time gets a connection of its own --\n";
// Counted over one connection that stays open: closing ones are not counted
// late or early.
$admin = new Beanstalk\Queue($server);
$before = $admin->stats()['current-connections'];
$a = new Beanstalk\Queue($server, ['persistent' => true, 'tube' => $used]);
$b = new Beanstalk\Queue($server, ['persistent' => true]);
$a->stats();
$b->stats();
var_dump($admin->stats()['current-connections'] - $before);
var_dump($admin->statsTube($used)['current-using']);
// A pool id is a slot of its own.
$c = new Beanstalk\Queue($server, ['persistent' => 'reports']);
$c->stats();
var_dump($admin->stats()['current-connections'] - $before);
unset($a, $b, $c);
// The persistent ones stay open; the private one is gone (the server may see
// its close a moment after our next question).
$until = microtime(true) + 2;
while ($admin->stats()['current-connections'] - $before !== 1 && microtime(true) < $until) {
    usleep(BS_WAIT_STEP_US);
}
var_dump($admin->stats()['current-connections'] - $before);
?>
--EXPECT--
-- five owners, one connection --
int(1)
-- the next owner starts from its own tube state --
bool(true)
string(1) "1"
string(7) "default"
array(1) {
  [0]=>
  string(7) "default"
}
string(1) "1"
string(7) "default"
string(1) "0"
string(11) "NOT_FOUND
"
bool(true)
string(1) "1"
string(1) "1"
int(1)
-- a second Queue at the same time gets a connection of its own --
int(1)
int(1)
int(2)
int(1)
