<?php
/*
 * Makes each bridge's release artefact: OUT/<vendor>-<package>-VERSION.zip,
 * a Composer package a Composer `artifact` repository reads (its
 * composer.json with the version in it, src/, and the LICENSE of the
 * repository). The same files make the same zip, byte for byte: entries in
 * name order with a fixed time.
 *
 * usage: php bridges/release.php OUT VERSION   (prints the zips' paths)
 */
if ($argc !== 3 || !preg_match('/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?$/', $argv[2])) {
    fwrite(STDERR, "usage: php bridges/release.php OUT VERSION\n");
    exit(2);
}
[, $out, $version] = $argv;
if (!class_exists(ZipArchive::class)) {
    fwrite(STDERR, "bridges/release.php needs PHP's zip extension (Debian: php-zip)\n");
    exit(1);
}
const FIXED_TIME = 315532800; // 1980-01-01, the first time a zip can hold

@mkdir($out, 0777, true);
foreach (glob(__DIR__ . '/*/composer.json') as $manifest) {
    $dir = dirname($manifest);
    $composer = json_decode(file_get_contents($manifest), true, 512, JSON_THROW_ON_ERROR);
    $composer = ['name' => $composer['name'], 'version' => $version] + $composer;
    $files = ['composer.json' => json_encode($composer, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES) . "\n",
        'LICENSE' => file_get_contents(__DIR__ . '/../LICENSE')];
    $it = new RecursiveIteratorIterator(new RecursiveDirectoryIterator("$dir/src", FilesystemIterator::SKIP_DOTS));
    foreach ($it as $file) {
        $files[substr($file->getPathname(), strlen($dir) + 1)] = file_get_contents($file->getPathname());
    }
    ksort($files, SORT_STRING);
    $zip = "$out/" . str_replace('/', '-', $composer['name']) . "-$version.zip";
    @unlink($zip);
    $archive = new ZipArchive();
    if ($archive->open($zip, ZipArchive::CREATE | ZipArchive::EXCL) !== true) {
        fwrite(STDERR, "cannot write $zip\n");
        exit(1);
    }
    foreach ($files as $name => $data) {
        $archive->addFromString($name, $data);
        $archive->setMtimeName($name, FIXED_TIME);
        $archive->setExternalAttributesName($name, ZipArchive::OPSYS_UNIX, 0100644 << 16);
    }
    $archive->close();
    echo $zip, "\n";
}
