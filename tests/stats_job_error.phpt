--TEST--
Queue::statsJob(): bad ids throw ValueError/TypeError; a missing job gives null; a body that is not stats YAML is a protocol error
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('stats_job_error');
$q = new Beanstalk\Queue($server, ['tube' => $tube]);

echo "-- arguments --\n";
bs_catch(fn() => $q->statsJob(0));
bs_catch(fn() => $q->statsJob(-1));
bs_catch(fn() => $q->statsJob('x'));
bs_catch(fn() => $q->statsJob());

echo "-- the server says NOT_FOUND --\n";
$id = $q->put('x');
$q->delete($id);
var_dump($q->statsJob($id), $q->statsJob(PHP_INT_MAX));

echo "-- bodies that are not stats --\n";
$fake = new BsFakeServer([
    ['stats-job 1', "OK 5\r\nhello\r\n"],
    ['stats-job 2', "OK 12\r\n---\nno colon\r\n"],
    ['stats-job 3', "FOUND 3 1\r\nx\r\n"],
    ['stats-job 4', "OK 9\r\n---\na: 1\n\r\n"],
]);
$odd = new Beanstalk\Queue($fake->address);
foreach ([1, 2, 3, 4] as $id) {
    try {
        var_dump($odd->statsJob($id));
    } catch (Beanstalk\Exception $e) {
        echo get_class($e), ': ', str_replace($fake->address, 'FAKE', $e->getMessage()), "\n";
    }
}
// Each protocol error dropped its connection.
var_dump($fake->connections());
?>
--EXPECT--
-- arguments --
ValueError: Beanstalk\Queue::statsJob(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
ValueError: Beanstalk\Queue::statsJob(): Argument #1 ($job) must be a Beanstalk\Job or a job id greater than 0
TypeError: Beanstalk\Queue::statsJob(): Argument #1 ($job) must be of type Beanstalk\Job|int, string given
ArgumentCountError: Beanstalk\Queue::statsJob() expects exactly 1 argument, 0 given
-- the server says NOT_FOUND --
NULL
NULL
-- bodies that are not stats --
Beanstalk\ProtocolException: statsJob: FAKE sent YAML that is not a stats list
Beanstalk\ProtocolException: statsJob: FAKE sent YAML that is not a stats list
Beanstalk\ProtocolException: statsJob: FAKE answered stats-job with FOUND
array(1) {
  ["a"]=>
  int(1)
}
int(4)
