--TEST--
Queue::putAsync() and flush(): ids in order, other commands in between, the client's counts, arguments checked before the write
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('put_async_basic');
$other = bs_tube('put_async_other');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);

echo "-- nothing put: flush() is [] --\n";
var_dump($q->flush());

echo "-- ten puts that do not wait: one id each, in order, each in its tube with its body --\n";
for ($i = 0; $i < 10; $i++) {
    $q->putAsync("job $i", 100 + $i, 0, 30 + $i);
}
var_dump($q->clientStats()['async-puts']);
$ids = $q->flush();
var_dump(count($ids), $ids === array_values($ids), $ids == array_unique($ids));
$wrong = 0;
foreach ($ids as $i => $id) {
    $job = $q->peek($id);
    $stats = $q->statsJob($id);
    $wrong += $job->data !== "job $i" || $stats['tube'] !== $tube || $stats['pri'] !== 100 + $i || $stats['ttr'] !== 30 + $i;
}
var_dump($wrong, $ids[9] > $ids[0]);
var_dump($q->flush());

echo "-- other commands in between take the replies in; the ids wait for flush() --\n";
$q->putAsync('a');
$id = $q->put('b');
$q->useTube($other)->putAsync('c');
$stats = $q->statsTube($other);
$q->putAsync('d', delay: 60);
$q->useTube($tube);
$ids = $q->flush();
var_dump(count($ids), $ids[0] < $id, $id < $ids[1], $ids[1] < $ids[2]);
var_dump($q->peek($ids[0])->data, $q->peek($ids[1])->data, $q->statsJob($ids[1])['tube'] === $other,
    $q->statsJob($ids[2])['state']);
$s = $q->clientStats();
var_dump($s['async-puts'], $s['async-inserted'], $s['async-pending'], $s['async-refused'] + $s['async-buried'] + $s['async-unconfirmed']);

echo "-- close() reads what is owed first; the ids are still flush()'s --\n";
for ($i = 0; $i < 3; $i++) {
    $q->putAsync("closed $i");
}
$q->close();
$ids = $q->flush();
var_dump(count($ids), $q->peek($ids[2])->data);
$q->putAsync('after close');
var_dump($q->peek($q->flush()[0])->data);

echo "-- arguments are checked before the write, as put's --\n";
bs_catch(fn() => $q->putAsync('x', -1));
bs_catch(fn() => $q->putAsync('x', 0, -1));
bs_catch(fn() => $q->putAsync('x', 0, 0, -1));
bs_catch(fn() => $q->putAsync('x', 0, 0, 1 << 32));
// A max-job-size the client knows (from stats()): refused without a write.
$srv = new BsServer(0, ['-z', '10']);
$small = new Beanstalk\Queue($srv->address);
var_dump($small->stats()['max-job-size']);
bs_catch(fn() => $small->putAsync(str_repeat('x', 11)));
var_dump($small->clientStats()['async-puts'], $small->flush(), bs_stat($srv->address, 'stats', 'cmd-put'));

echo "-- a server that is not there: not sent, as put --\n";
$gone = new Beanstalk\Queue('127.0.0.1:' . bs_free_port());
try {
    $gone->putAsync('x');
} catch (Beanstalk\ConnectionException $e) {
    echo get_class($e), ' sent: ', var_export($e->sent, true), "\n";
}
var_dump($gone->flush());

while ($job = (new Beanstalk\Queue($server, ['watch' => [$tube, $other]]))->peekReady()) {
    $q->delete($job->id);
}
?>
--EXPECTF--
-- nothing put: flush() is [] --
array(0) {
}
-- ten puts that do not wait: one id each, in order, each in its tube with its body --
int(10)
int(10)
bool(true)
bool(true)
int(0)
bool(true)
array(0) {
}
-- other commands in between take the replies in; the ids wait for flush() --
int(3)
bool(true)
bool(true)
bool(true)
string(1) "a"
string(1) "c"
bool(true)
string(7) "delayed"
int(13)
int(13)
int(0)
int(0)
-- close() reads what is owed first; the ids are still flush()'s --
int(3)
string(8) "closed 2"
string(11) "after close"
-- arguments are checked before the write, as put's --
ValueError: Beanstalk\Queue::putAsync(): Argument #2 ($priority) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::putAsync(): Argument #3 ($delay) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::putAsync(): Argument #4 ($ttr) must be between 0 and 4294967295
ValueError: Beanstalk\Queue::putAsync(): Argument #4 ($ttr) must be between 0 and 4294967295
int(10)
Beanstalk\JobTooBigException: putAsync: the job (11 bytes) is larger than the max-job-size of 127.0.0.1:%d (10 bytes)
int(0)
array(0) {
}
string(1) "0"
-- a server that is not there: not sent, as put --
Beanstalk\ConnectionException sent: false
array(0) {
}
