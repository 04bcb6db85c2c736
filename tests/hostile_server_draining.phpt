--TEST--
A beanstalkd in drain mode (SIGUSR1) answers put with DRAINING: DrainingException, a ServerException; nothing else is refused and the connection stays in use
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
if (!is_executable('/usr/bin/beanstalkd')) die('skip needs /usr/bin/beanstalkd');
?>
--FILE--
<?php
require __DIR__ . '/server.inc';

// A server of our own: drain mode is for the whole server.
$srv = new BsServer();
$tube = bs_tube('hostile_server_draining');
$q = new Beanstalk\Queue($srv->address, ['tube' => $tube, 'watch' => [$tube]]);
$id = $q->put('before');
$connections = $q->stats()['total-connections'];

$srv->signal(defined('SIGUSR1') ? SIGUSR1 : 10);
$until = microtime(true) + 5;
$probes = 1;
while (bs_stat($srv->address, 'stats', 'draining') !== 'true' && microtime(true) < $until) {
    usleep(10000);
    $probes++;
}

foreach (['put' => fn() => $q->put('during'), 'putMany' => fn() => $q->putMany(['a', 'b'])] as $what => $call) {
    try {
        $call();
        echo "$what: no exception\n";
    } catch (Beanstalk\DrainingException $e) {
        echo "$what: ", $e::class, ' (a ServerException: ', var_export($e instanceof Beanstalk\ServerException, true), '): ',
            str_replace($srv->address, 'SERVER', $e->getMessage()), "\n";
    } catch (Beanstalk\BatchException $e) {
        echo "$what: ", $e::class, ': ', json_encode($e->failed), '; previous: ', $e->getPrevious()::class, "\n";
    }
}
// The rest goes on, over the same connection.
var_dump($q->stats()['draining']);
$job = $q->reserve(0);
var_dump($job->id === $id, $job->data);
$job->delete();
// No new connection but those of the probes above.
var_dump($q->stats()['total-connections'] - $connections - $probes);
?>
--EXPECT--
put: Beanstalk\DrainingException (a ServerException: true): put: SERVER answered DRAINING
putMany: Beanstalk\BatchException: ["DRAINING","DRAINING"]; previous: Beanstalk\DrainingException
bool(true)
bool(true)
string(6) "before"
int(0)
