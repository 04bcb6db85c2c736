--TEST--
Queue::peek() shows any job by id, in any tube and state, without reserving it
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('peek_basic');
$producer = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$ready = $producer->put('ready');
$delayed = $producer->put('delayed', 1024, 3600);
$reserved = $producer->put('reserved', 0);
$job = $producer->reserve(0);
$buried = $producer->put('buried', 0);
$producer->reserve(0)->bury();

// From a queue that neither uses nor watches the tube.
$q = new Beanstalk\Queue($server);
foreach ([$ready, $delayed, $reserved, $buried] as $id) {
    $peeked = $q->peek($id);
    echo get_class($peeked), ' ', $peeked->id === $id ? 'same id' : 'other id', ' ', $peeked->data, ' ', bs_stat($server, "stats-job $id", 'state'), "\n";
}
// Nothing was reserved by peeking.
var_dump(bs_stat($server, "stats-job $ready", 'reserves'));
$job->delete();
foreach ([$ready, $delayed, $buried] as $id) {
    $q->delete($id);
}
?>
--EXPECT--
Beanstalk\Job same id ready ready
Beanstalk\Job same id delayed delayed
Beanstalk\Job same id reserved reserved
Beanstalk\Job same id buried buried
string(1) "0"
