--TEST--
README.md: every php example runs against a real beanstalkd and does what it says
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_file(__DIR__ . '/../README.md')) die('skip needs the source tree');
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
require __DIR__ . '/redis.inc';
if (str_contains(file_get_contents(__DIR__ . '/../README.md'), "'127.0.0.1:6379'") && ($why = bs_redis_skip())) die($why);
?>
--INI--
; PCRE's JIT reads past its buffers in ways valgrind reports (./dev memcheck)
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/redis.inc';
require __DIR__ . '/readme.inc';

/* Each example runs in a php process of its own, in the README's order (a
 * worker example takes what a producer example put), against a beanstalkd
 * of this test's own written where the examples write 127.0.0.1:11300 (and
 * a redis-server of its own where they write 127.0.0.1:6379). What
 * the reader supplies gets a stand-in that notes its call; a warning or a
 * notice is an error. */
$srv = new BsServer();
$redis = str_contains(file_get_contents(README_MD), "'127.0.0.1:6379'") ? new BsRedis() : null;
$calls = tempnam(sys_get_temp_dir(), 'bsreadme');
$prelude = '
set_error_handler(function (int $no, string $message, string $file, int $line) {
    throw new ErrorException($message, 0, $no, $file, $line);
});
function readme_standin(string $name, array $args): void
{
    file_put_contents(' . var_export($calls, true) . ', $name . "(" . json_encode($args, JSON_UNESCAPED_SLASHES) . ")\n", FILE_APPEND);
}
function send_mail(array $mail): void { readme_standin(__FUNCTION__, func_get_args()); }
';

/* The server's counts, for what each example left behind. */
function server_line(string $server): string
{
    $s = bs_stats($server, 'stats');
    // cmd-delete counts every delete asked for, found or not.
    return sprintf('server: put %d, delete commands %d, ready %d, reserved %d, delayed %d, buried %d',
        $s['total-jobs'], $s['cmd-delete'], $s['current-jobs-ready'], $s['current-jobs-reserved'],
        $s['current-jobs-delayed'], $s['current-jobs-buried']);
}

$blocks = readme_blocks(file_get_contents(README_MD), 'php');
echo count($blocks) > 3 ? "the README has php examples\n" : "too few php examples\n";
foreach ($blocks as ['line' => $line, 'code' => $code]) {
    file_put_contents($calls, '');
    $code = str_replace("'127.0.0.1:11300'", var_export($srv->address, true), $code);
    if ($redis) {
        $code = str_replace("'127.0.0.1:6379'", var_export($redis->address, true), $code);
    }
    $child = new BsChild($prelude . $code);
    if (str_contains($code, '->run(')) {
        // A worker runs until it is told to stop: once it has done the
        // ready jobs and waits for more, SIGTERM, as supervisord stops it.
        $until = microtime(true) + 30;
        do {
            usleep(BS_WAIT_STEP_US);
            $s = bs_stats($srv->address, 'stats');
        } while (($s['current-jobs-ready'] > 0 || $s['current-jobs-reserved'] > 0 || $s['current-waiting'] < 1)
            && microtime(true) < $until);
        $child->signal(SIGTERM);
    }
    $exit = $child->wait(30);
    echo "-- README.md line $line: exit $exit --\n", $child->rest(), file_get_contents($calls), server_line($srv->address), "\n";
    if ($child->log() !== '') {
        echo "stderr: ", $child->log();
    }
}
@unlink($calls);
?>
--EXPECTF--
the README has php examples
-- README.md line %d: exit 0 --
send_mail([{"to":"alice@example.org","subject":"Welcome"}])
server: put 1, delete commands 1, ready 0, reserved 0, delayed 0, buried 0
-- README.md line %d: exit 0 --
server: put 2, delete commands 1, ready 1, reserved 0, delayed 0, buried 0
-- README.md line %d: exit 0 --
server: put 3, delete commands 1, ready 2, reserved 0, delayed 0, buried 0
-- README.md line %d: exit 0 --
send_mail([{"to":"bob@example.org","subject":"Your order has shipped"}])
send_mail([{"to":"carol@example.org","subject":"Your invoice"}])
server: put 3, delete commands 3, ready 0, reserved 0, delayed 0, buried 0
stderr: beanstalk worker mail-1: running, pid %d, server 127.0.0.1:%d, tubes mail; caps: max_jobs 1000, max_runtime 3600 s (+ up to 300 s), memory_limit 64 MiB; max_attempts 3, backoff 5,30 s; status: off
beanstalk worker mail-1: stopping on SIGTERM after 2 jobs (0 failed, 0 buried) in %f s, %f jobs/s (exit code 0)
-- README.md line %d: exit 0 --
3 jobs put, 3 ready
next: {"image":"cat.jpg","width":1600}
server: put 6, delete commands 3, ready 3, reserved 0, delayed 0, buried 0
-- README.md line %d: exit 0 --
monthly from %s
server: put 7, delete commands 4, ready 3, reserved 0, delayed 0, buried 0
-- README.md line %d: exit 0 --
0 workers asked to restart
server: put 7, delete commands 4, ready 3, reserved 0, delayed 0, buried 0
-- README.md line %d: exit 0 --
0 datagrams sent, 0 dropped
server: put 7, delete commands 4, ready 3, reserved 0, delayed 0, buried 0
-- README.md line %d: exit 0 --
job 8: not found
server: put 8, delete commands 6, ready 3, reserved 0, delayed 0, buried 0
