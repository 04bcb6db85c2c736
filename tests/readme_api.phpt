--TEST--
README.md: the API reference declares what ext/beanstalk.stub.php declares, line for line
--SKIPIF--
<?php if (!is_file(__DIR__ . '/../README.md') || !is_file(__DIR__ . '/../ext/beanstalk.stub.php')) die('skip needs the source tree'); ?>
--INI--
; PCRE's JIT reads past its buffers in ways valgrind reports (./dev memcheck)
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/readme.inc';
$stub = readme_api_from_stub(file_get_contents(README_STUB));
$readme = implode('', array_column(readme_blocks(file_get_contents(README_MD), 'php api'), 'code'));

printf("the stub: %d classes, %d methods, %d constants, %d properties\n", preg_match_all('/^(final )?class /m', $stub),
    substr_count($stub, ' function '), substr_count($stub, ' const '), substr_count($stub, ' readonly '));
if (!str_contains($stub, 'final class Queue')) {
    echo "no API read from the stub\n";
} elseif ($readme === $stub) {
    echo "the README's API blocks are the same\n";
}
$stubLines = explode("\n", $stub);
$readmeLines = explode("\n", $readme);
foreach (array_diff($stubLines, $readmeLines) as $line) {
    echo "missing from the README: $line\n";
}
foreach (array_diff($readmeLines, $stubLines) as $line) {
    echo "not in the stub: $line\n";
}
?>
--EXPECTF--
the stub: %d classes, %d methods, %d constants, %d properties
the README's API blocks are the same
