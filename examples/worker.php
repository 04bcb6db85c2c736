<?php
/*
 * The blog-post demo's worker, built on Beanstalk\Worker: one long-running
 * process that takes the "save post" follow-up jobs (post to Twitter and
 * Facebook, mail the subscribers, resize images, warm the cache, find
 * related posts) and does them. Run a few of them under supervisord:
 * examples/supervisord.conf is the program section.
 *
 * Usage: php examples/worker.php [host:port] [tube ...]
 *   or the environment: BEANSTALK_SERVER, WORKER_TUBES (comma list),
 *   WORKER_NAME (for the log lines; supervisord sets it per process),
 *   WORKER_STATUS (a Redis for the heartbeats, "host:port": then
 *   Beanstalk\Worker::fleet() lists the workers, and restartAll() restarts
 *   them after a deploy).
 *
 * The script exits with the reason the worker stopped (Worker::STOP_*):
 * 0 after SIGTERM/SIGINT/SIGQUIT, an intended stop that supervisord leaves
 * alone; any other code means "start me again" (SIGHUP or restartAll(),
 * max_jobs, max_runtime, memory, stop(), server gone, or 16: a job ran past
 * its TTR).
 */

use Beanstalk\Job;
use Beanstalk\Queue;
use Beanstalk\Worker;

$server = $argv[1] ?? (getenv('BEANSTALK_SERVER') ?: '127.0.0.1:11300');
$tubes = array_slice($argv, 2) ?: explode(',', getenv('WORKER_TUBES') ?: 'social,mail,images,cache,related');
$name = getenv('WORKER_NAME') ?: gethostname() . ':' . getmypid();

/* The work itself: in the demo every task is simulated by a sleep of the
 * milliseconds its payload names. */
function do_task(array $task): void
{
    usleep($task['ms'] * 1000);
}

$worker = new Worker(new Queue($server, ['watch' => $tubes]), [
    // Recycle the process now and then: after 1000 jobs or an hour (plus
    // up to 5 minutes, so that the workers started together by one deploy
    // do not all restart in the same second), or when it holds too much.
    'max_jobs' => 1000,
    'max_runtime' => 3600,
    'runtime_jitter' => 300,
    'memory_limit' => 64 << 20,
    'rss_limit' => 256 << 20,
    // A task that fails is tried again after 5 s, then 30 s; the third
    // failure buries it for a human to look at (peek-buried, kick).
    'max_attempts' => 3,
    'backoff' => [5, 30],
    'name' => $name,
    // Heartbeats to Redis every 2 s, when there is one.
    'status' => getenv('WORKER_STATUS') ?: null,
]);

exit($worker->run(function (Job $job, Worker $worker) use ($name) {
    $task = json_decode($job->data, true, 16, JSON_THROW_ON_ERROR);
    $started = microtime(true);
    do_task($task);
    // One line per job done, to the process's log.
    printf("%s %s done job %d: %s in %.0f ms\n", date('H:i:s'), $name, $job->id, $task['what'] ?? '?',
        (microtime(true) - $started) * 1000);
}));
