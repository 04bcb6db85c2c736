--TEST--
Worker: after run() returns, max_execution_time applies again
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
// The check ends in a fatal error, whose leaks valgrind would report.
if (getenv('USE_ZEND_ALLOC') === '0') die('skip ends in a fatal error on purpose: no use under valgrind');
?>
--INI--
max_execution_time=1
error_log=/dev/null
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Queue, Worker};

// The fatal error below skips destructors: a server of our own is stopped
// by a shutdown function, which still runs.
$own = getenv('BEANSTALK_SERVER') ? null : new BsServer();
register_shutdown_function(fn () => $own?->stop());
$w = new Worker(new Queue($own?->address ?? bs_server(), ['watch' => [bs_tube('worker_max_runtime_restore')]]), ['max_runtime' => 0.2]);
var_dump($w->run(fn () => null) === Worker::STOP_MAX_RUNTIME);
echo "burning\n";
$until = microtime(true) + 3;
while (microtime(true) < $until) {
}
echo "not reached\n";
?>
--EXPECTF--
bool(true)
burning

Fatal error: Maximum execution time of 1 second exceeded in %s on line %d
