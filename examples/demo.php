<?php
/*
 * The blog-post story: a "save post" request that must post to Twitter and
 * Facebook, mail the subscribers, warm the cache, create the images and find
 * related posts. Done in the request, the author waits for all of it. With
 * the queue, the request hands each task to beanstalkd and shows the success
 * page at once; workers do the work in the background.
 *
 * Usage: php examples/demo.php [host:port]   (./dev demo starts a beanstalkd)
 */

use Beanstalk\Queue;
use Beanstalk\Job;

$server = $argv[1] ?? '127.0.0.1:11300';
$run = bin2hex(random_bytes(3));           // this run's own tubes
$workers = 3;

/* The follow-up tasks of saving one post: tube, priority (lower = sooner),
 * delay, and how long the work takes (simulated here with a sleep). */
function tasks(string $run, array $post): array
{
    $t = fn (string $name) => "blog-$run-$name";
    $tasks = [
        [$t('social'), 100, 0, 'post to Twitter', 350, ['network' => 'twitter', 'post' => $post['id']]],
        [$t('social'), 100, 0, 'post to Facebook', 400, ['network' => 'facebook', 'post' => $post['id']]],
    ];
    foreach (['alice@example.org', 'bob@example.org', 'carol@example.org', 'dave@example.org'] as $to) {
        $tasks[] = [$t('mail'), 500, 0, "mail $to", 150, ['to' => $to, 'post' => $post['id']]];
    }
    foreach ([1200, 600, 150] as $width) {
        $tasks[] = [$t('images'), 200, 0, "image {$width}px", 250, ['width' => $width, 'post' => $post['id']]];
    }
    // The cache is warmed once the post is live on every front end: a second later.
    $tasks[] = [$t('cache'), 300, 1, 'warm cache', 200, ['url' => "/posts/{$post['id']}"]];
    $tasks[] = [$t('related'), 1000, 0, 'find related posts', 450, ['post' => $post['id']]];
    return $tasks;
}

function line(string $text): void
{
    echo $text, "\n";
}

function ms(float $seconds): string
{
    return $seconds < 0.001 ? sprintf('%.0f µs', $seconds * 1e6) : sprintf('%.1f ms', $seconds * 1e3);
}

/* The work itself, the same in the request and in a worker. */
function do_task(array $payload, int $ms): void
{
    usleep($ms * 1000);
}

$post = ['id' => random_int(1000, 9999), 'title' => 'Why queues make pages fast'];
$tasks = tasks($run, $post);
$tubes = array_values(array_unique(array_column($tasks, 0)));

line("Saving post #{$post['id']} \"{$post['title']}\" with " . count($tasks) . " follow-up tasks.");
line('');

/* 1. Without a queue: the request does every task before the success page. */
line('Without a queue, the request does the work itself:');
$start = microtime(true);
foreach ($tasks as [$tube, $pri, $delay, $what, $ms, $payload]) {
    do_task($payload, $ms);
    line(sprintf('  %-22s %s', $what, ms($ms / 1000)));
}
$inline = microtime(true) - $start;
line(sprintf('  success page after %s', ms($inline)));
line('');

/* 2. With the queue: the request only enqueues, then answers. */
line('With beanstalk, the request enqueues and answers:');
$queue = new Queue($server);
$queue->put('warm-up');                     // the connection is open before the request, as with php-fpm
$queue->delete($queue->reserve(0));
$start = microtime(true);
foreach ($tasks as [$tube, $pri, $delay, $what, $ms, $payload]) {
    $queue->useTube($tube)->put(json_encode($payload + ['what' => $what, 'ms' => $ms]), $pri, $delay, 60);
}
$enqueue = microtime(true) - $start;
line(sprintf('  %d jobs in %d tubes enqueued in %s (%s per job)', count($tasks), count($tubes), ms($enqueue), ms($enqueue / count($tasks))));
line(sprintf('  success page after %s', ms($enqueue)));
line('');

/* 3. Workers: separate processes that take the jobs and do them. */
line("$workers workers take the jobs:");
$done = stream_socket_pair(STREAM_PF_UNIX, STREAM_SOCK_STREAM, STREAM_IPPROTO_IP);
$background = microtime(true);
$pids = [];
for ($w = 1; $w <= $workers; $w++) {
    $pid = pcntl_fork();
    if ($pid === 0) {
        fclose($done[0]);
        $q = new Queue($server, ['watch' => $tubes]);
        $idle = 0;
        // A worker stops once no job has come for two seconds (the delayed one comes after one).
        while ($idle < 2) {
            $job = $q->reserve(1);
            if ($job === null) {
                $idle++;
                continue;
            }
            $idle = 0;
            $task = json_decode($job->data, true);
            $t = microtime(true);
            do_task($task, $task['ms']);
            $job->delete();
            fwrite($done[1], sprintf("  worker %d  %-22s %-9s done %s after the request\n",
                $w, $task['what'], ms(microtime(true) - $t), ms(microtime(true) - $background)));
        }
        exit(0);
    }
    $pids[] = $pid;
}
fclose($done[1]);
$count = 0;
while ($count < count($tasks) && ($progress = fgets($done[0])) !== false) {
    echo $progress;
    $count++;
}
$all_done = microtime(true) - $background;
foreach ($pids as $pid) {
    pcntl_waitpid($pid, $status);
}
line('');

/* 4. The summary. */
$left = 0;
foreach ($tubes as $tube) {
    $q = new Queue($server, ['watch' => [$tube]]);
    while (($job = $q->reserve(0)) !== null) {
        $job->delete();
        $left++;
    }
}
line('Summary');
line(sprintf('  time to the success page without a queue: %s', ms($inline)));
line(sprintf('  time to the success page with beanstalk:  %s (%.0fx sooner)', ms($enqueue), $inline / max($enqueue, 1e-9)));
line(sprintf('  %d of %d jobs done by %d workers, all within %s of the request', $count, count($tasks), $workers, ms($all_done)));
if ($count !== count($tasks) || $left !== 0) {
    line("  ERROR: $left jobs left in the queue");
    exit(1);
}
