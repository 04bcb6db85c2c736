<?php
/*
 * Keeps the C of src/ and ext/ in pieces a reader can hold: it lists every
 * function over 70 lines and every file over 700 (STYLE.md: a function
 * does one thing; a file past ~800 lines is holding two).
 *
 * A function is counted from its opening line (the first line of its
 * declaration: its return type and name) to its closing brace, both
 * included. The code is written K&R: a function's braces stand alone at
 * the start of their lines, which is how they are found. Generated files
 * (src/proto/proto.c from re2c, ext/beanstalk_arginfo.h from the stub) are
 * left out.
 *
 *   php scripts/sizes.php     the offenders, the longest first; exit 1 when there is one
 */
const FUNCTION_MAX = 70;
const FILE_MAX = 700;

$root = dirname(__DIR__);
const GENERATED = ['src/proto/proto.c', 'ext/beanstalk_arginfo.h'];

/** The C files of src/ and ext/, by their path from the root. */
function c_files(string $root): array
{
    $files = [];
    foreach (['src', 'ext'] as $dir) {
        $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator("$root/$dir", FilesystemIterator::SKIP_DOTS));
        foreach ($it as $f) {
            $rel = substr($f->getPathname(), strlen($root) + 1);
            if (preg_match('#\.(c|h|re)$#', $rel) && !in_array($rel, GENERATED, true)) {
                $files[] = $rel;
            }
        }
    }
    sort($files);
    return $files;
}

/** [name, first line, lines] of each function in $lines (0-based lines). */
function functions(array $lines): array
{
    $found = [];
    $n = count($lines);
    for ($i = 0; $i < $n; $i++) {
        if (rtrim($lines[$i]) !== '{') {
            continue;
        }
        // The declaration's first line: the last one above the brace that
        // starts at column 0 (its continuation lines are indented).
        $open = $i - 1;
        while ($open > 0 && preg_match('/^\s/', $lines[$open])) {
            $open--;
        }
        $close = $i + 1;
        while ($close < $n && rtrim($lines[$close]) !== '}') {
            $close++;
        }
        // Its name; a macro's (PHP_METHOD(Beanstalk_Queue, put)) with its arguments.
        $name = trim($lines[$open]);
        if (preg_match('/(\w+)\s*\(([^)]*)\)?/', $lines[$open], $m)) {
            $name = preg_match('/^[A-Z0-9_]+$/', $m[1]) && isset($m[2]) ? "$m[1]($m[2])" : $m[1];
        }
        $found[] = [$name, $open + 1, $close - $open + 1];
        $i = $close;
    }
    return $found;
}

$long = $big = [];
foreach (c_files($root) as $file) {
    $lines = file("$root/$file", FILE_IGNORE_NEW_LINES);
    if (count($lines) > FILE_MAX) {
        $big[] = [$file, count($lines)];
    }
    foreach (functions($lines) as [$name, $line, $count]) {
        if ($count > FUNCTION_MAX) {
            $long[] = ["$file:$line", $name, $count];
        }
    }
}
usort($long, fn ($a, $b) => $b[2] <=> $a[2]);
usort($big, fn ($a, $b) => $b[1] <=> $a[1]);
foreach ($long as [$where, $name, $count]) {
    printf("%s %s: %d lines (over %d)\n", $where, $name, $count, FUNCTION_MAX);
}
foreach ($big as [$file, $count]) {
    printf("%s: %d lines (over %d)\n", $file, $count, FILE_MAX);
}
printf("%d function%s over %d lines, %d file%s over %d lines\n", count($long), count($long) === 1 ? '' : 's', FUNCTION_MAX,
    count($big), count($big) === 1 ? '' : 's', FILE_MAX);
exit($long || $big ? 1 : 0);
