<?php
/*
 * The web section's request: a blog post is saved and the slow work is
 * handed to beanstalkd as one job. ?client= picks how:
 *   none        no enqueue (the baseline: what the request costs anyway)
 *   pheanstalk  Debian's pheanstalk 4: create, useTube, put
 *   ext         this extension: new Beanstalk\Queue(..., ['tube' => ...]), put
 *   ext-persistent  the same with 'persistent' => true: the php-fpm child
 *               keeps its connection from one request to the next
 *   ext-async   persistent, and putAsync: the request writes the job and
 *               does not wait for the reply (read by the next request)
 * The others open a connection per request, as a php-fpm request does
 * without persistent connections. The server comes from the pool's
 * environment.
 */

$client = $_GET['client'] ?? 'none';
$server = getenv('BEANSTALK_SERVER') ?: '127.0.0.1:11300';
$job = json_encode(['post' => 4217, 'do' => 'tweet']);   // 26 bytes

switch ($client) {
case 'none':
    $id = 0;
    break;
case 'pheanstalk':
    require_once '/usr/share/php/Pheanstalk/autoload.php';
    [$host, $port] = explode(':', $server, 2);
    $id = Pheanstalk\Pheanstalk::create($host, (int)$port)->useTube('web')->put($job)->getId();
    break;
case 'ext':
    $id = (new Beanstalk\Queue($server, ['tube' => 'web']))->put($job);
    break;
case 'ext-persistent':
    $id = (new Beanstalk\Queue($server, ['tube' => 'web', 'persistent' => true]))->put($job);
    break;
case 'ext-async':
    (new Beanstalk\Queue($server, ['tube' => 'web', 'persistent' => true]))->putAsync($job);
    $id = 'queued';
    break;
default:
    http_response_code(400);
    exit("unknown client\n");
}

header('Content-Type: text/plain');
echo "saved post 4217, job $id\n";
