<?php
/*
 * The web section's request: a blog post is saved and the slow work is
 * handed to beanstalkd. ?client= picks how:
 *   none        no enqueue (the baseline: what the request costs anyway)
 *   pheanstalk  Debian's pheanstalk 4: create, useTube, put
 *   ext         this extension: new Beanstalk\Queue(..., ['tube' => ...]), put
 *   ext-persistent  the same with 'persistent' => true: the php-fpm child
 *               keeps its connection from one request to the next
 *   ext-async   persistent, and putAsync: the request writes the job and
 *               does not wait for the reply (read by the next request)
 *   ext-coalesce  persistent, putAsync, and 'coalesce' => true: the puts
 *               are held and leave in one write when the Queue goes, at
 *               the end of the request
 * The others open a connection per request, as a php-fpm request does
 * without persistent connections. ?jobs=11 enqueues the 11 follow-up
 * tasks of examples/demo.php's blog post instead of one job: into 5
 * tubes, each with its priority and delay, useTube before each put. The
 * server comes from the pool's environment.
 */

/* The blog post's tasks, as examples/demo.php puts them: tube, priority,
 * delay, body. */
const TASKS = [
    ['blog-social', 100, 0, '{"network":"twitter","post":4217,"what":"post to Twitter","ms":350}'],
    ['blog-social', 100, 0, '{"network":"facebook","post":4217,"what":"post to Facebook","ms":400}'],
    ['blog-mail', 500, 0, '{"to":"alice@example.org","post":4217,"what":"mail alice@example.org","ms":150}'],
    ['blog-mail', 500, 0, '{"to":"bob@example.org","post":4217,"what":"mail bob@example.org","ms":150}'],
    ['blog-mail', 500, 0, '{"to":"carol@example.org","post":4217,"what":"mail carol@example.org","ms":150}'],
    ['blog-mail', 500, 0, '{"to":"dave@example.org","post":4217,"what":"mail dave@example.org","ms":150}'],
    ['blog-images', 200, 0, '{"width":1200,"post":4217,"what":"image 1200px","ms":250}'],
    ['blog-images', 200, 0, '{"width":600,"post":4217,"what":"image 600px","ms":250}'],
    ['blog-images', 200, 0, '{"width":150,"post":4217,"what":"image 150px","ms":250}'],
    ['blog-cache', 300, 1, '{"url":"/posts/4217","what":"warm cache","ms":200}'],
    ['blog-related', 1000, 0, '{"post":4217,"what":"find related posts","ms":450}'],
];

$client = $_GET['client'] ?? 'none';
$jobs = (int)($_GET['jobs'] ?? 1);
$server = getenv('BEANSTALK_SERVER') ?: '127.0.0.1:11300';
$job = json_encode(['post' => 4217, 'do' => 'tweet']);   // 26 bytes

if ($jobs !== 1 && $jobs !== count(TASKS)) {
    http_response_code(400);
    exit("jobs is 1 or " . count(TASKS) . "\n");
}
$options = match ($client) {
    'ext' => [],
    'ext-persistent', 'ext-async' => ['persistent' => true],
    'ext-coalesce' => ['persistent' => true, 'coalesce' => true],
    default => null,
};
$async = $client === 'ext-async' || $client === 'ext-coalesce';

if ($client === 'none') {
    $id = 0;
} elseif ($client === 'pheanstalk') {
    require_once '/usr/share/php/Pheanstalk/autoload.php';
    [$host, $port] = explode(':', $server, 2);
    $p = Pheanstalk\Pheanstalk::create($host, (int)$port);
    if ($jobs === 1) {
        $id = $p->useTube('web')->put($job)->getId();
    } else {
        foreach (TASKS as [$tube, $priority, $delay, $body]) {
            $id = $p->useTube($tube)->put($body, $priority, $delay, 60)->getId();
        }
    }
} elseif ($options === null) {
    http_response_code(400);
    exit("unknown client\n");
} elseif ($jobs === 1) {
    $q = new Beanstalk\Queue($server, ['tube' => 'web'] + $options);
    $id = $async ? $q->putAsync($job) ?? 'queued' : $q->put($job);
} else {
    $q = new Beanstalk\Queue($server, $options);
    foreach (TASKS as [$tube, $priority, $delay, $body]) {
        $q->useTube($tube);
        $id = $async ? $q->putAsync($body, $priority, $delay, 60) ?? 'queued' : $q->put($body, $priority, $delay, 60);
    }
}

header('Content-Type: text/plain');
echo "saved post 4217, $jobs job", $jobs > 1 ? 's' : '', ", the last $id\n";
