<?php
/*
 * Checks composer.json's php-ext section, which PIE reads and which
 * composer validate only checks from Composer 2.9.5 on:
 *   php scripts/composer.php
 * Exit 1, saying why, when a key is unknown or of the wrong type, when
 * configure-options does not name every --enable/--with flag of config.m4
 * (and nothing else), when the release asset is not downloaded first, or
 * when the PHP versions disagree with package.xml and the stub.
 */
$root = dirname(__DIR__);
$json = json_decode(file_get_contents("$root/composer.json"), true, 512, JSON_THROW_ON_ERROR);
$errors = [];
$ext = $json['php-ext'] ?? null;

if (!in_array($json['type'] ?? null, ['php-ext', 'php-ext-zend'], true)) {
    $errors[] = 'type must be php-ext';
}
if (!is_array($ext)) {
    $errors[] = 'no php-ext section';
    $ext = [];
}
$known = ['extension-name', 'priority', 'support-zts', 'support-nts', 'build-path', 'download-url-method',
    'os-families', 'os-families-exclude', 'configure-options'];
foreach (array_diff(array_keys($ext), $known) as $key) {
    $errors[] = "php-ext: unknown key \"$key\"";
}
if (!preg_match('/^[A-Za-z_][A-Za-z0-9_]*$/', $ext['extension-name'] ?? '') || $ext['extension-name'] !== 'beanstalk') {
    $errors[] = 'php-ext.extension-name must be beanstalk';
}
if (isset($ext['priority']) && (!is_int($ext['priority']) || $ext['priority'] < 10 || $ext['priority'] > 99)) {
    $errors[] = 'php-ext.priority must be an integer from 10 to 99';
}
foreach (['support-zts', 'support-nts'] as $key) {
    if (isset($ext[$key]) && !is_bool($ext[$key])) {
        $errors[] = "php-ext.$key must be a boolean";
    }
}

// Every flag config.m4 declares, as PIE passes it: "enable-beanstalk".
preg_match_all('/PHP_ARG_(ENABLE|WITH)\(\[?([a-z0-9-]+)\]?/', file_get_contents("$root/config.m4"), $m, PREG_SET_ORDER);
$flags = [];
foreach ($m as [, $kind, $name]) {
    $flags[] = strtolower($kind) . "-$name";
}
$options = [];
foreach ($ext['configure-options'] ?? [] as $i => $option) {
    if (!is_array($option) || !is_string($option['name'] ?? null) || !preg_match('/^[a-zA-Z0-9][a-zA-Z0-9-_]*$/', $option['name'])) {
        $errors[] = "php-ext.configure-options[$i] needs a name of letters, digits, - and _";
        continue;
    }
    foreach (array_diff(array_keys($option), ['name', 'needs-value', 'description']) as $key) {
        $errors[] = "php-ext.configure-options[$i]: unknown key \"$key\"";
    }
    if (isset($option['needs-value']) && !is_bool($option['needs-value'])) {
        $errors[] = "php-ext.configure-options[$i].needs-value must be a boolean";
    }
    if (!is_string($option['description'] ?? null) || $option['description'] === '') {
        $errors[] = "php-ext.configure-options[$i] needs a description";
    }
    $options[] = $option['name'];
}
sort($flags);
sort($options);
if ($flags !== $options) {
    $errors[] = 'php-ext.configure-options names ' . (implode(', ', $options) ?: 'nothing') . '; config.m4 has ' . implode(', ', $flags);
}

// The release asset first: the repository's own archive has no src/proto/proto.c.
$methods = (array)($ext['download-url-method'] ?? 'composer-default');
foreach ($methods as $method) {
    if (!in_array($method, ['composer-default', 'pre-packaged-source', 'pre-packaged-binary'], true)) {
        $errors[] = "php-ext.download-url-method: unknown method \"$method\"";
    }
}
if (($methods[0] ?? null) !== 'pre-packaged-source') {
    $errors[] = 'php-ext.download-url-method must try pre-packaged-source first';
}

// The lowest PHP is the one the arginfo is generated for, everywhere.
preg_match('/@generate-legacy-arginfo (\d+)/', file_get_contents("$root/ext/beanstalk.stub.php"), $m);
$stub = sprintf('%d.%d', intdiv((int)$m[1], 10000), intdiv((int)$m[1], 100) % 100);
preg_match('#<php>\s*<min>([^<]+)</min>#', file_get_contents("$root/package.xml"), $m);
$pecl = $m[1] ?? '';
$composer = $json['require']['php'] ?? '';
if ($composer !== "^$stub" || $pecl !== "$stub.0") {
    $errors[] = "PHP versions: the stub's arginfo is for $stub on, composer.json requires \"$composer\", package.xml's min is \"$pecl\"";
}

foreach ($errors as $error) {
    echo "composer.json: $error\n";
}
if (!$errors) {
    echo "composer.json: php-ext names extension beanstalk, configure options " . implode(', ', $options)
        . ", downloads " . implode(' then ', $methods) . "; PHP ^$stub as in package.xml and the stub\n";
}
exit($errors ? 1 : 0);
