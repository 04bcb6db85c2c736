--TEST--
Worker::__construct(): unknown options, wrong types and bad values throw before anything runs
--EXTENSIONS--
beanstalk
--FILE--
<?php
use Beanstalk\{Queue, Worker};

$q = new Queue('127.0.0.1:1');
$cases = [
    ['nope' => 1],
    [0 => 1],
    ['max_jobs' => '10'],
    ['max_jobs' => -1],
    ['max_jobs' => 1.5],
    ['max_runtime' => '60'],
    ['max_runtime' => -1],
    ['max_runtime' => NAN],
    ['runtime_jitter' => -0.1],
    ['runtime_jitter' => null],
    ['memory_limit' => -5],
    ['memory_limit' => '128M'],
    ['rss_limit' => 1.0],
    ['max_attempts' => 0],
    ['max_attempts' => true],
    ['backoff' => -1],
    ['backoff' => []],
    ['backoff' => [1, 'x']],
    ['backoff' => [1, -2]],
    ['backoff' => ['a' => 1]],
    ['backoff' => 1.5],
    ['backoff' => [4294967296]],
    ['reserve_timeout' => 0],
    ['reserve_timeout' => 3601],
    ['reserve_timeout' => 1.5],
    ['ttr_margin' => 0],
    ['ttr_margin' => 'x'],
    ['reconnect_timeout' => -1],
    ['name' => 5],
    ['name' => "mail\nbeanstalk worker forged: stopping"],
    ['name' => "mail\e[31m"],
    ['name' => str_repeat('n', 61)],
    ['backoff' => -1],
];
foreach ($cases as $options) {
    try {
        new Worker($q, $options);
        echo "no exception\n";
    } catch (Throwable $e) {
        echo get_class($e), ': ', $e->getMessage(), "\n";
    }
}
try {
    new Worker(new stdClass);
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    (new Worker($q))->run('no_such_function');
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
?>
--EXPECT--
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) unknown option "nope"
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) must be an array keyed by option name
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "max_jobs" must be of type int, string given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "max_jobs" must be between 0 and 9223372036854775807
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "max_jobs" must be of type int, float given
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "max_runtime" must be of type int|float, string given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "max_runtime" must be a number of seconds from 0 to 31536000
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "max_runtime" must be a number of seconds from 0 to 31536000
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "runtime_jitter" must be a number of seconds from 0 to 31536000
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "runtime_jitter" must be of type int|float, null given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "memory_limit" must be between 0 and 9223372036854775807
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "memory_limit" must be of type int, string given
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "rss_limit" must be of type int, float given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "max_attempts" must be between 1 and 4294967295
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "max_attempts" must be of type int, bool given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "backoff" must be between 0 and 4294967295 seconds
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "backoff" must be an int or a non-empty list of ints
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "backoff" must be a list of ints, string found
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "backoff": each delay must be between 0 and 4294967295
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "backoff" must be an int or a non-empty list of ints
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "backoff" must be of type array|int, float given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "backoff": each delay must be between 0 and 4294967295
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "reserve_timeout" must be between 1 and 3600
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "reserve_timeout" must be between 1 and 3600
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "reserve_timeout" must be of type int, float given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "ttr_margin" must be a number of seconds above 0, at most 31536000
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "ttr_margin" must be of type int|float, string given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "reconnect_timeout" must be a number of seconds from 0 to 31536000
TypeError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "name" must be of type string, int given
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "name" must not contain control characters
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "name" must not contain control characters
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "name" must be at most 60 bytes long
ValueError: Beanstalk\Worker::__construct(): Argument #2 ($options) option "backoff" must be between 0 and 4294967295 seconds
TypeError: Beanstalk\Worker::__construct(): Argument #1 ($queue) must be of type Beanstalk\Queue, stdClass given
TypeError: Beanstalk\Worker::run(): Argument #1 ($handler) must be a valid callback, function "no_such_function" not found or invalid function name
