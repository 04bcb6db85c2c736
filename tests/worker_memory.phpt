--TEST--
Worker: memory_limit (Zend heap) and rss_limit (resident set) stop the worker between jobs
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

// In a child: under valgrind the child runs with the engine's tracking
// allocator, which counts the heap as the Zend heap does (malloc alone
// counts nothing), so that memory_limit means the same there.
$code = <<<'PHP'
    use Beanstalk\{Queue, Worker};

    [, $server, $tube] = $argv;
    $q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
    for ($i = 0; $i < 100; $i++) {
        $q->put("job $i");
    }

    // Every job leaks a megabyte into a global.
    $leak = [];
    $w = new Worker($q, ['memory_limit' => memory_get_usage() + (8 << 20)]);
    $reason = $w->run(function () use (&$leak) {
        $leak[] = str_repeat('x', 1 << 20);
    });
    $s = $w->stats();
    var_dump($reason === Worker::STOP_MEMORY, $s['processed'] >= 7 && $s['processed'] <= 9, $s['memory'] > $s['memory_start'] + (7 << 20));
    $leak = [];

    // The resident set: memory the Zend heap does not see counts too.
    $w = new Worker($q, ['rss_limit' => $s['rss'] + (24 << 20)]);
    $reason = $w->run(function () use (&$leak) {
        $s = str_repeat('y', 4 << 20);      // touched, so resident
        $leak[] = $s;
    });
    $s = $w->stats();
    var_dump($reason === Worker::STOP_MEMORY, $s['processed'] >= 5 && $s['processed'] <= 9, $s['rss'] >= $s['rss_start'] + (20 << 20));
    PHP;
$child = new BsChild($code, [bs_server(), bs_tube('worker_memory')], ['memory_limit' => '512M', 'error_log' => '/dev/null'],
    ['env' => ['USE_TRACKED_ALLOC' => '1']]);
echo $child->rest();
echo "exit ", $child->wait(), "\n";
?>
--EXPECT--
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
exit 0
