--TEST--
Worker process title: what `ps -o args` shows while the worker waits, while a job runs (its seconds counted up), and after; the tube of a job from one of several watched tubes, once the watchdog has learnt it; process_title off leaves the command line alone
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/bin/ps') && !is_executable('/usr/bin/ps')) die('skip needs ps (procps)');
if (getenv('USE_ZEND_ALLOC') === '0') die('skip the workers run in child processes: no use under valgrind');
?>
--FILE--
<?php
require __DIR__ . '/worker.inc';

$server = bs_server();
$code = <<<'PHP'
    [, $server, $tubes, $title] = $argv;
    $w = new Beanstalk\Worker(new Beanstalk\Queue($server, ['watch' => explode(',', $tubes)]),
        ['name' => 'title-1', 'process_title' => (bool)$title]);
    exit($w->run(function () {
        // 2.5 s of PHP code: the title's seconds are brought up to date.
        for ($i = 0; $i < 50; $i++) {
            usleep(50000);
        }
    }));
    PHP;

function title(int $pid): string
{
    return trim((string)shell_exec("ps -o args= -p $pid"));
}

/** The titles a worker shows while it runs one job, in order, each once. */
function watch(string $server, string $tubes, string $jobTube, bool $title): array
{
    $child = new BsChild($GLOBALS['code'], [$server, $tubes, $title ? '1' : '']);
    bs_wait_waiting($server, explode(',', $tubes)[0]) or print("the worker never waited\n");
    $seen = [title($child->pid())];
    (new Beanstalk\Queue($server, ['tube' => $jobTube]))->put('job');
    $start = microtime(true);
    $until = $start + 20;
    while (microtime(true) < $until) {
        $t = title($child->pid());
        if ($t === '' || str_contains($t, '<defunct>')) {
            break;
        }
        if ($t !== end($seen)) {
            $seen[] = $t;
        }
        // Without titles: watched for a while into the job.
        if (str_contains($t, ' 1 done') || (!$title && microtime(true) > $start + 1.2)) {
            break;
        }
        usleep(30000);
    }
    $child->signal(SIGTERM);
    $child->wait();
    return $seen;
}

echo "-- one tube\n";
$tube = bs_tube('worker_process_title');
foreach (watch($server, $tube, $tube, true) as $t) {
    echo str_replace($tube, 'TUBE', $t), "\n";
}
echo "-- two tubes: the job's tube once the watchdog has looked at it\n";
$a = bs_tube('worker_process_title');
$b = bs_tube('worker_process_title');
foreach (watch($server, "$a,$b", $b, true) as $t) {
    echo str_replace([$a, $b], ['A', 'B'], $t), "\n";
}
echo "-- process_title off\n";
$tube = bs_tube('worker_process_title');
$seen = watch($server, $tube, $tube, false);
echo count($seen), " title: ", str_contains($seen[0], 'bsworker') && str_starts_with($seen[0], PHP_BINARY) ? 'the command line' : $seen[0], "\n";
?>
--EXPECTF--
-- one tube
beanstalk-worker title-1: waiting (TUBE) 0 done
beanstalk-worker title-1: working job %d (TUBE, 0 s) 0 done
beanstalk-worker title-1: working job %d (TUBE, 1 s) 0 done
beanstalk-worker title-1: working job %d (TUBE, 2 s) 0 done
beanstalk-worker title-1: waiting (TUBE) 1 done
-- two tubes: the job's tube once the watchdog has looked at it
beanstalk-worker title-1: waiting (A,B) 0 done
beanstalk-worker title-1: working job %d (0 s) 0 done
beanstalk-worker title-1: working job %d (B, 1 s) 0 done
beanstalk-worker title-1: working job %d (B, 2 s) 0 done
beanstalk-worker title-1: waiting (A,B) 1 done
-- process_title off
1 title: the command line
