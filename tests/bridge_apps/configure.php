<?php
/*
 * Puts the README's configuration of a bridge into an application, as its
 * user would: php tests/bridge_apps/configure.php laravel|symfony APP_DIR
 *
 * Laravel: the README's beanstalkd connection replaces the skeleton's in
 * config/queue.php, and .env names it the default connection. Symfony: the
 * README's services entry becomes config/packages/beanstalk.yaml, and its
 * DSN goes into .env.
 */
require __DIR__ . '/../readme.inc';

[, $framework, $app] = $argv;
$readme = file_get_contents(README_MD);
$block = fn (string $info) => readme_blocks($readme, $info)[0]['code']
    ?? throw new RuntimeException("README.md has no block $info");

/** Sets KEY=value in the .env file, in place of the line there is. */
function set_env(string $file, string $key, string $value): void
{
    $env = is_file($file) ? file_get_contents($file) : '';
    $line = "$key=$value";
    $env = preg_match("/^$key=.*$/m", $env) ? preg_replace("/^$key=.*$/m", $line, $env) : rtrim($env, "\n") . "\n$line\n";
    file_put_contents($file, $env);
}

if ($framework === 'laravel') {
    $file = "$app/config/queue.php";
    $config = file_get_contents($file);
    $connection = preg_replace('/^(?=.)/m', '        ', rtrim($block('php laravel-config')));
    $config = preg_replace_callback("/^        'beanstalkd' => \[\n.*?^        \],\n/ms", fn () => "$connection\n", $config, 1, $count);
    if ($count !== 1) {
        fwrite(STDERR, "$file: no beanstalkd connection to replace\n");
        exit(1);
    }
    file_put_contents($file, $config);
    set_env("$app/.env", 'QUEUE_CONNECTION', 'beanstalkd');
} elseif ($framework === 'symfony') {
    file_put_contents("$app/config/packages/beanstalk.yaml", $block('yaml symfony-config'));
    foreach (explode("\n", trim($block('dotenv symfony-config'))) as $line) {
        [$key, $value] = explode('=', $line, 2);
        set_env("$app/.env", $key, $value);
    }
} else {
    fwrite(STDERR, "usage: php tests/bridge_apps/configure.php laravel|symfony APP_DIR\n");
    exit(2);
}
