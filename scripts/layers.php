<?php
/*
 * Keeps src/'s layers honest: every file of src/ includes only from its own
 * layer and those below it, always by the path from the root
 * ("src/client/conn.h"), and never a Zend or PHP header.
 *
 *   net       src/*.{c,h}: addresses, sockets, the clock (net), the growing
 *             array (grow.h)
 *   proto     src/proto/: the reply lexer, the request writer, stats parsing
 *   client    src/client/: a connection and its commands, the pool
 *   monitor   src/monitor/: Redis status, StatsD (beside client, not above it)
 *   worker    src/worker/: the loop and its monitor thread
 *
 *   php scripts/layers.php       prints each layer's includes; exit 1 on a breach
 */
$root = dirname(__DIR__);

/* What each layer may include, itself first. */
const MAY_USE = [
    'net' => ['net'],
    'proto' => ['proto', 'net'],
    'client' => ['client', 'proto', 'net'],
    'monitor' => ['monitor', 'proto', 'net'],
    'worker' => ['worker', 'client', 'monitor', 'proto', 'net'],
];

function layer_of(string $path): ?string
{
    if (preg_match('#^src/[^/]+\.(c|h)$#', $path)) {
        return 'net';
    }
    if (preg_match('#^src/(proto|client|monitor|worker)/[^/]+$#', $path, $m)) {
        return $m[1];
    }
    return null;
}

$files = [];
$it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator("$root/src", FilesystemIterator::SKIP_DOTS));
foreach ($it as $f) {
    $rel = substr($f->getPathname(), strlen($root) + 1);
    if (preg_match('#\.(c|h|re)$#', $rel) && $rel !== 'src/proto/proto.c') {
        $files[] = $rel;
    }
}
sort($files);

$errors = [];
$uses = [];
foreach ($files as $file) {
    $layer = layer_of($file);
    if ($layer === null) {
        $errors[] = "$file: in no layer (src/*.{c,h}, src/proto/, src/client/, src/monitor/, src/worker/)";
        continue;
    }
    foreach (file("$root/$file") as $n => $line) {
        if (!preg_match('/^\s*#\s*include\s*([<"])([^>"]+)[>"]/', $line, $m)) {
            continue;
        }
        $where = "$file:" . ($n + 1);
        if (preg_match('#^(php|zend|Zend/|main/|ext/|TSRM)#', $m[2])) {
            $errors[] = "$where: includes $m[2]: src/ is plain C, no Zend or PHP header";
            continue;
        }
        if ($m[1] === '<') {
            continue;
        }
        $target = layer_of($m[2]);
        if ($target === null || !is_file("$root/$m[2]")) {
            $errors[] = "$where: includes \"$m[2]\": write the path from the root (\"src/client/conn.h\")";
            continue;
        }
        if (!in_array($target, MAY_USE[$layer], true)) {
            $errors[] = "$where: the $layer layer includes \"$m[2]\" of the $target layer, which is not below it";
            continue;
        }
        if ($target !== $layer) {
            $uses[$layer][$target] = true;
        }
    }
}

foreach (array_keys(MAY_USE) as $layer) {
    $below = isset($uses[$layer]) ? implode(', ', array_keys($uses[$layer])) : 'nothing';
    printf("  %-8s uses %s\n", $layer, $below);
}
foreach ($errors as $e) {
    fwrite(STDERR, "$e\n");
}
printf("%d files of src/, %d include%s against the layers\n", count($files), count($errors), count($errors) === 1 ? '' : 's');
exit($errors ? 1 : 0);
