--TEST--
Worker log lines: the start line, one line per job with log_jobs (id, tube, duration, outcome), a failed job's line with the first frames of its trace (not the handler's own call, no arguments), and the stop line
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php require __DIR__ . '/skipif.inc'; ?>
--INI--
; PCRE's JIT reads past its buffers in ways valgrind reports (./dev memcheck)
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/worker.inc';
use Beanstalk\{Job, Queue, Worker};

final class Mailer
{
    public function deliver(string $to): void
    {
        throw new RuntimeException("no such mailbox: $to");
    }
}

function send_mail(Mailer $m, string $to): void
{
    $m->deliver($to);
}

$server = bs_server();
$tube = bs_tube('worker_log_jobs');
$log = tempnam(sys_get_temp_dir(), 'bslog');
ini_set('error_log', $log);
$q = new Queue($server, ['tube' => $tube, 'watch' => [$tube]]);
foreach (['plain', 'deep', 'own delete', 'shallow'] as $data) {
    $q->put($data);
}
$w = new Worker($q, ['max_jobs' => 4, 'name' => 'logs', 'log_jobs' => true, 'max_attempts' => 1, 'process_title' => false]);
$w->run(function (Job $job) {
    switch ($job->data) {
    case 'deep':
        send_mail(new Mailer(), 'bob@example.org');
        break;
    case 'own delete':
        $job->delete();
        break;
    case 'shallow':
        throw new LogicException('bad payload');
    }
});
// Without log_jobs: no job lines.
$q->put('quiet');
(new Worker($q, ['max_jobs' => 1, 'name' => 'quiet', 'process_title' => false]))->run(fn () => null);
echo preg_replace(['/^\[[^]]+\] /m', '/job \d+/', '/\d+\.\d+/', '/pid \d+/', '/' . preg_quote($tube, '/') . '/', '/' . preg_quote(__FILE__, '/') . '/'],
    ['', 'job N', 'T', 'pid P', 'TUBE', 'FILE'], file_get_contents($log));
unlink($log);
?>
--EXPECTF--
beanstalk worker logs: running, pid P, server %s, tubes TUBE; caps: max_jobs 4; max_attempts 1, backoff 1,5,30 s; status: off
beanstalk worker logs: job N (tube TUBE): done in T s
beanstalk worker logs: job N (tube TUBE) failed on attempt 1 of 1: RuntimeException: no such mailbox: bob@example.org in FILE:9 (#0 FILE(15): Mailer->deliver(), #1 FILE(30): send_mail()); buried
beanstalk worker logs: job N (tube TUBE): failed in T s
beanstalk worker logs: job N (tube TUBE): settled by the handler in T s
beanstalk worker logs: job N (tube TUBE) failed on attempt 1 of 1: LogicException: bad payload in FILE:36; buried
beanstalk worker logs: job N (tube TUBE): failed in T s
beanstalk worker logs: stopping on max_jobs after 4 jobs (2 failed, 2 buried) in T s, T jobs/s (exit code 11)
beanstalk worker quiet: running, pid P, server %s, tubes TUBE; caps: max_jobs 1; max_attempts 3, backoff 1,5,30 s; status: off
beanstalk worker quiet: stopping on max_jobs after 1 jobs (0 failed, 0 buried) in T s, T jobs/s (exit code 11)
