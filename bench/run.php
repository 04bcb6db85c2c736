<?php
/*
 * The bench driver: runs the sections, prints their tables and writes
 * every figure to a JSON file. ./dev bench starts the servers and calls it:
 *
 *   php -n bench/run.php --server HOST:PORT --server-pid PID --rawput PATH
 *       --ext PATH/beanstalk.so [--ext-from PATH] --out FILE [--web URL]
 *       [--quick] [--sections=put,putmany,worker,status,pool,web,rss,bridges,profile]
 *
 * A section is a function section_NAME(Bench): array in
 * bench/sections/NAME.inc; add one by adding the file and its name below.
 * A section must print at least one table, or it counts as failed; the
 * targets it returns ('targets' => rows of target_rows()) are summed up at
 * the end.
 */

require __DIR__ . '/lib/harness.inc';

const SECTIONS = ['put', 'putmany', 'worker', 'status', 'pool', 'web', 'rss', 'bridges', 'profile'];

$opt = getopt('', ['server:', 'server-pid:', 'rawput:', 'ext:', 'ext-from:', 'out:', 'web:', 'quick', 'sections:']);
foreach (['server', 'rawput', 'ext', 'out'] as $required) {
    if (!isset($opt[$required])) {
        fwrite(STDERR, "run.php: --$required is required (use ./dev bench)\n");
        exit(2);
    }
}
$quick = isset($opt['quick']);
$wanted = isset($opt['sections']) ? explode(',', $opt['sections']) : SECTIONS;
foreach ($wanted as $name) {
    if (!in_array($name, SECTIONS, true)) {
        fwrite(STDERR, "run.php: unknown section $name (known: " . implode(', ', SECTIONS) . ")\n");
        exit(2);
    }
}

$begun = microtime(true);
$b = new Bench(dirname(__DIR__), $opt['server'], $opt['rawput'], $opt['ext'], $opt['web'] ?? null,
    isset($opt['server-pid']) ? (int)$opt['server-pid'] : null, $quick,
    $quick ? 50.0 : 540.0);

$result = [
    'generated_at' => gmdate('c'),
    'quick' => $quick,
    'machine' => [
        'cpus' => (int)trim((string)shell_exec('nproc')),
        'kernel' => php_uname('r'),
        'php' => PHP_VERSION,
        'beanstalkd' => trim($b->runText(['beanstalkd', '-v'])),
        'git' => trim((string)shell_exec('git -C ' . escapeshellarg($b->root) . ' describe --always --dirty 2>/dev/null')),
    ],
    'extension' => ['path' => $opt['ext-from'] ?? $opt['ext'], 'sha256' => hash_file('sha256', $opt['ext'])],
    'sections' => [],
];

printf("extension: %s (sha256 %.12s), tree %s\n", $result['extension']['path'],
    $result['extension']['sha256'], $result['machine']['git']);

$status = 0;
$targets = [];
foreach ($wanted as $name) {
    require_once __DIR__ . "/sections/$name.inc";
    $tables = Bench::$tablesPrinted;
    $started = microtime(true);
    try {
        $result['sections'][$name] = ("section_$name")($b);
        if (Bench::$tablesPrinted === $tables) {
            throw new BenchError('it printed no table');
        }
        $targets = array_merge($targets, $result['sections'][$name]['targets'] ?? []);
    } catch (BenchError $e) {
        fwrite(STDERR, "bench section $name failed: {$e->getMessage()}\n");
        $result['sections'][$name] = ['error' => $e->getMessage()];
        $status = 1;
    }
    $result['sections'][$name]['seconds'] = round(microtime(true) - $started, 1);
}

if ($targets) {
    $result['targets'] = $targets;
    printf("\n== targets (medians of same-round ratios) ==\n");
    $rows = [['section', 'what', 'figure', 'target', '']];
    foreach ($targets as $t) {
        $rows[] = [$t['section'], $t['what'], fmt_num($t['value'], 2), $t['target'], $t['verdict']];
    }
    print_table($rows);
    $count = array_count_values(array_column($targets, 'verdict'));
    printf("  %d PASS, %d MISS\n", $count['PASS'] ?? 0, $count['MISS'] ?? 0);
}
$result['seconds'] = round(microtime(true) - $begun, 1);

file_put_contents($opt['out'], json_encode($result, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE) . "\n");
echo "\nresults: {$opt['out']}\n";
echo "(targets are informational: a MISS does not fail the bench)\n";
exit($status);
