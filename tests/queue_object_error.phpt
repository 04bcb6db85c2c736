--TEST--
Beanstalk\Queue cannot be cloned, serialized or given dynamic properties
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/server.inc';
$q = new Beanstalk\Queue(bs_server());
var_dump((new ReflectionClass($q))->isFinal());
bs_catch(fn() => clone $q);
bs_catch(fn() => serialize($q));
bs_catch(fn() => unserialize('O:15:"Beanstalk\Queue":0:{}'));
bs_catch(function () use ($q) { $q->connection = 1; });
bs_catch(fn() => (new ReflectionClass(Beanstalk\Queue::class))->newInstanceWithoutConstructor());
var_dump($q);
?>
--EXPECTF--
bool(true)
Error: Trying to clone an uncloneable object of class Beanstalk\Queue
Exception: Serialization of 'Beanstalk\Queue' is not allowed
Exception: Unserialization of 'Beanstalk\Queue' is not allowed
Error: Cannot create dynamic property Beanstalk\Queue::$connection
ReflectionException: Class Beanstalk\Queue is an internal class marked as final that cannot be instantiated without invoking its constructor
object(Beanstalk\Queue)#%d (0) {
}
