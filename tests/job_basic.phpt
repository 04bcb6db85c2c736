--TEST--
Beanstalk\Job: readonly id and data; no new, clone or serialization
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$server = bs_server();
$tube = bs_tube('job_basic');
$q = new Beanstalk\Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('data');
$job = $q->reserve(0);
var_dump($job);
var_dump($job->id === $id, $job->server === $server);

echo "-- the class --\n";
$class = new ReflectionClass(Beanstalk\Job::class);
var_dump($class->isFinal(), $class->getConstructor()->isPrivate());
foreach ($class->getProperties() as $p) {
    echo $p->getName(), ': ', $p->getType(), $p->isPublic() ? ' public' : '', $p->isReadOnly() ? ' readonly' : '', "\n";
}

echo "-- readonly --\n";
bs_catch(function () use ($job) { $job->id = 1; });
bs_catch(function () use ($job) { $job->data = 'changed'; });
bs_catch(function () use ($job) { $job->data .= 'more'; });
bs_catch(function () use ($job) { unset($job->id); });
bs_catch(function () use ($job) { $ref = &$job->data; $ref = 'x'; });
bs_catch(function () use ($job) { $job->extra = 1; });
var_dump($job->id === $id, $job->data);

echo "-- only Queue::reserve() makes jobs --\n";
bs_catch(fn() => new Beanstalk\Job());
bs_catch(fn() => $class->newInstanceWithoutConstructor());
bs_catch(fn() => clone $job);
bs_catch(fn() => serialize($job));
bs_catch(fn() => unserialize('O:13:"Beanstalk\Job":2:{s:2:"id";i:1;s:4:"data";s:1:"x";}'));
bs_catch(fn() => $job->__construct());

$job->delete();
?>
--EXPECTF--
object(Beanstalk\Job)#%d (3) {
  ["id"]=>
  int(%d)
  ["data"]=>
  string(4) "data"
  ["server"]=>
  string(%d) "%s"
}
bool(true)
bool(true)
-- the class --
bool(true)
bool(true)
id: int public readonly
data: string public readonly
server: string public readonly
-- readonly --
Error: Cannot modify readonly property Beanstalk\Job::$id
Error: Cannot modify readonly property Beanstalk\Job::$data
Error: Cannot modify readonly property Beanstalk\Job::$data
Error: Cannot unset readonly property Beanstalk\Job::$id
Error: Cannot modify readonly property Beanstalk\Job::$data
Error: Cannot create dynamic property Beanstalk\Job::$extra
bool(true)
string(4) "data"
-- only Queue::reserve() makes jobs --
Error: Call to private Beanstalk\Job::__construct() from global scope
ReflectionException: Class Beanstalk\Job is an internal class marked as final that cannot be instantiated without invoking its constructor
Error: Trying to clone an uncloneable object of class Beanstalk\Job
Exception: Serialization of 'Beanstalk\Job' is not allowed
Exception: Unserialization of 'Beanstalk\Job' is not allowed
Error: Call to private method Beanstalk\Job::__construct() from global scope
