--TEST--
Symfony bridge: the README's DSN and services entry, BeanstalkPriorityStamp, bury_on_reject with Messenger's retries, keepalive, a job that is no message, getMessageCount of an unknown tube, either transport reads the other's jobs, DSN errors, a SIGTERM ends the wait of get()
--EXTENSIONS--
beanstalk
--SKIPIF--
<?php
require __DIR__ . '/skipif.inc';
require __DIR__ . '/bridge.inc';
if ($why = bridge_skip_reason('symfony')) die("skip $why");
?>
--INI--
; PCRE's JIT reads past its buffers in ways valgrind reports (./dev memcheck)
pcre.jit=0
--FILE--
<?php
require __DIR__ . '/bridge.inc';

$code = <<<'PHP'
use Beanstalk\Symfony\Messenger\BeanstalkPriorityStamp;
use Beanstalk\Symfony\Messenger\BeanstalkTransportFactory;
use Symfony\Component\EventDispatcher\EventDispatcher;
use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\EventListener\SendFailedMessageForRetryListener;
use Symfony\Component\Messenger\EventListener\StopWorkerOnMessageLimitListener;
use Symfony\Component\Messenger\EventListener\StopWorkerOnTimeLimitListener;
use Symfony\Component\Messenger\Retry\MultiplierRetryStrategy;
use Symfony\Component\Messenger\Stamp\TransportMessageIdStamp;
use Symfony\Component\Messenger\Transport\TransportFactoryInterface;
use Symfony\Component\Messenger\Worker;

[$server, $closed, $tube, $socket] = array_slice($argv, 1);

/** Every message get() gives, by name, acknowledged. */
function drain(Symfony\Component\Messenger\Transport\TransportInterface $t): string
{
    $names = [];
    while ($envelopes = $t->get()) {
        foreach ($envelopes as $envelope) {
            $names[] = $envelope->getMessage()->name;
            $t->ack($envelope);
        }
    }
    return implode(', ', $names);
}

echo "-- the README --\n";
$yaml = bridge_readme_blocks('yaml symfony-config')[0];
preg_match('/^    (\S+):\n        tags: \[(\S+)\]$/m', $yaml, $m);
echo "services.yaml: $m[1], tag $m[2]; a ", TransportFactoryInterface::class, ": ",
    is_subclass_of($m[1], TransportFactoryInterface::class) ? 'yes' : 'no', "\n";
preg_match('/^MESSENGER_TRANSPORT_DSN=(\S+)$/m', bridge_readme_blocks('dotenv symfony-config')[0], $m);
echo "DSN: $m[1]\n";
$dsn = str_replace(['localhost:11300', 'tube_name=messages'], [$server, "tube_name=$tube"], $m[1]);
$async = symfony_transport($dsn);
echo get_class($async), "\n";
$sent = $async->send(new Envelope(new Msg('hello')));
$got = iterator_to_array($async->get());
printf("sent as job %d, received %s as job %d\n", $sent->last(TransportMessageIdStamp::class)->getId(),
    $got[0]->getMessage()->name, $got[0]->last(TransportMessageIdStamp::class)->getId());
$async->ack($got[0]);
echo "ack again: ";
bs_catch(fn () => $async->ack($got[0]));

echo "-- BeanstalkPriorityStamp --\n";
$async->send(new Envelope(new Msg('normal')));
$async->send(new Envelope(new Msg('urgent'), [new BeanstalkPriorityStamp(0)]));
echo "taken in the order: ", drain($async), "\n";

echo "-- bury_on_reject, with Messenger's retries --\n";
$burying = symfony_transport("beanstalk-ext://$server?tube_name=$tube-bury&timeout=1&bury_on_reject=true");
$events = new EventDispatcher();
$bus = symfony_bus($burying, $events);
$bus->dispatch(new Msg('failing', true), [new BeanstalkPriorityStamp(7)]);
$events->addSubscriber(new SendFailedMessageForRetryListener(new Services(['async' => $burying]),
    new Services(['async' => new MultiplierRetryStrategy(1, 0)])));
$events->addSubscriber(new StopWorkerOnMessageLimitListener(2));
$events->addSubscriber(new StopWorkerOnTimeLimitListener((int)bs_seconds(20)));
(new Worker(['async' => $burying], $bus, $events))->run(['sleep' => 10000]);
echo implode(', ', BridgeNotes::matching('failing')), "\n";
echo str_replace('tube: ', 'server: ', bridge_tube_line($server, "$tube-bury")), "\n";
$buried = new Beanstalk\Queue($server, ['tube' => "$tube-bury"]);
$job = $buried->peekBuried();
printf("the buried job: priority %d, message %s\n", $buried->statsJob($job)['pri'],
    (new Symfony\Component\Messenger\Transport\Serialization\PhpSerializer())->decode(json_decode($job->data, true))->getMessage()->name);

echo "-- keepalive --\n";
$short = symfony_transport("beanstalk-ext://$server?tube_name=$tube-keep&ttr=10");
$short->send(new Envelope(new Msg('slow')));
$envelope = iterator_to_array($short->get())[0];
$id = $envelope->last(TransportMessageIdStamp::class)->getId();
usleep(1100000);
$before = (int)bs_stat($server, "stats-job $id", 'time-left');
$short->keepalive($envelope);
$after = (int)bs_stat($server, "stats-job $id", 'time-left');
echo "time-left 1.1 s into a TTR of 10: at most 8: ", $before <= 8 ? 'yes' : "no: $before", "; after keepalive(): 9 or 10: ",
    $after >= 9 ? 'yes' : "no: $after", "\n";
$short->ack($envelope);

echo "-- a job that is no message --\n";
foreach (['false', 'true'] as $bury) {
    $t = symfony_transport("beanstalk-ext://$server?tube_name=$tube-junk-$bury&bury_on_reject=$bury");
    (new Beanstalk\Queue($server, ['tube' => "$tube-junk-$bury"]))->put('not json');
    echo "bury_on_reject=$bury: ";
    bs_catch(fn () => $t->get());
    echo "  ", bridge_tube_line($server, "$tube-junk-$bury"), "\n";
}

echo "-- getMessageCount() of a tube the server does not have: ",
    symfony_transport("beanstalk-ext://$server?tube_name=" . bs_tube('none'))->getMessageCount(), "\n";

echo "-- either transport reads what the other put --\n";
$ours = symfony_transport("beanstalk-ext://$server?tube_name=$tube-wire");
$theirs = symfony_transport("beanstalkd://$server?tube_name=$tube-wire");
$theirs->send(new Envelope(new Msg('from beanstalkd://')));
echo "beanstalk-ext:// got: ", drain($ours), "\n";
$ours->send(new Envelope(new Msg('from beanstalk-ext://')));
echo "beanstalkd:// got: ", drain($theirs), "\n";

echo "-- DSNs and options --\n";
$factory = new BeanstalkTransportFactory();
foreach (['beanstalk-ext://127.0.0.1', 'beanstalkd://127.0.0.1', 'redis://127.0.0.1'] as $d) {
    echo "supports $d: ", var_export($factory->supports($d, []), true), "\n";
}
foreach ([["beanstalk-ext://$server?tube=x", []], ["beanstalk-ext://$server", ['queue_name' => 'x']],
          ["beanstalk-ext://$server?timeout=soon", []], ["beanstalk-ext://$server", ['ttr' => -1]],
          ["beanstalk-ext://$server?bury_on_reject=maybe", []],
          ['beanstalk-ext://', []]] as [$d, $options]) {
    bs_catch(fn () => symfony_transport($d, $options));
}
$unix = symfony_transport("beanstalk-ext://$socket?tube_name=$tube-unix");
$unix->send(new Envelope(new Msg('over a UNIX socket')));
echo "beanstalk-ext:// and a socket path: ", drain($unix), "\n";
echo "a server that is not there: ";
bs_catch(fn () => symfony_transport("beanstalk-ext://$closed")->send(new Envelope(new Msg('lost'))));
PHP;

$server = bs_server();
$tube = bs_tube('symfony-variation');
/* A beanstalkd on a UNIX socket too. */
$socket = sys_get_temp_dir() . '/bs-symfony-' . getmypid() . '-' . bin2hex(random_bytes(3)) . '.sock';
$unix = proc_open(['beanstalkd', '-l', "unix:$socket"],
    [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']], $pipes);
for ($until = microtime(true) + 10; !@stream_socket_client("unix://$socket") && microtime(true) < $until;) {
    usleep(BS_WAIT_STEP_US);
}
$child = bridge_child('symfony', $code, [$server, '127.0.0.1:' . bs_free_port(), $tube, $socket]);
echo "exit ", $child->wait(bs_seconds(60)), "\n", $child->rest();
if ($child->log() !== '') {
    echo "stderr: ", $child->log();
}
proc_terminate($unix, 9);
proc_close($unix);
@unlink($socket);

echo "-- a SIGTERM ends the wait of get() --\n";
/* As messenger:consume runs: Symfony's console turns PHP's asynchronous
 * signals on, and StopWorkerOnSigtermSignalListener stops the worker. */
$code = <<<'PHP'
[$server, $tube] = array_slice($argv, 1);
pcntl_async_signals(true);
$events = new Symfony\Component\EventDispatcher\EventDispatcher();
$events->addSubscriber(new Symfony\Component\Messenger\EventListener\StopWorkerOnSigtermSignalListener());
$async = symfony_transport("beanstalk-ext://$server?tube_name=$tube-term&timeout=60");
echo "working\n";
(new Symfony\Component\Messenger\Worker(['async' => $async], symfony_bus($async, $events), $events))->run(['sleep' => 10000]);
echo "run() returned\n";
PHP;
$child = bridge_child('symfony', $code, [$server, $tube]);
echo $child->line(bs_seconds(20)), "\n";
echo "waiting in the server: ", bs_wait_waiting($server, "$tube-term", 1, bs_seconds(20)) ? 'yes' : 'no', "\n";
$t = microtime(true);
$child->signal(SIGTERM);
$exit = $child->wait(bs_seconds(20));
echo $child->rest(), "exit $exit within 2 s of SIGTERM: ", bs_within(microtime(true) - $t, 0, 2.0), "\n";
if ($child->log() !== '') {
    echo "stderr: ", $child->log();
}
?>
--EXPECTF--
exit 0
-- the README --
services.yaml: Beanstalk\Symfony\Messenger\BeanstalkTransportFactory, tag messenger.transport_factory; a Symfony\Component\Messenger\Transport\TransportFactoryInterface: yes
DSN: beanstalk-ext://localhost:11300?tube_name=messages&timeout=5&ttr=90
Beanstalk\Symfony\Messenger\BeanstalkTransport
sent as job %d, received hello as job %d
ack again: Symfony\Component\Messenger\Exception\TransportException: %s
-- BeanstalkPriorityStamp --
taken in the order: urgent, normal
-- bury_on_reject, with Messenger's retries --
failing handled, failing handled
server: put 2, ready 0, delayed 0, reserved 0, buried 1
the buried job: priority 7, message failing
-- keepalive --
time-left 1.1 s into a TTR of 10: at most 8: yes; after keepalive(): 9 or 10: yes
-- a job that is no message --
bury_on_reject=false: Symfony\Component\Messenger\Exception\MessageDecodingFailedException: Job %d of tube %s is not a Messenger message.
  tube: put 1, ready 0, delayed 0, reserved 0, buried 0
bury_on_reject=true: Symfony\Component\Messenger\Exception\MessageDecodingFailedException: Job %d of tube %s is not a Messenger message.
  tube: put 1, ready 0, delayed 0, reserved 0, buried 1
-- getMessageCount() of a tube the server does not have: 0
-- either transport reads what the other put --
beanstalk-ext:// got: from beanstalkd://
beanstalkd:// got: from beanstalk-ext://
-- DSNs and options --
supports beanstalk-ext://127.0.0.1: true
supports beanstalkd://127.0.0.1: false
supports redis://127.0.0.1: false
Symfony\Component\Messenger\Exception\InvalidArgumentException: Unknown option found in DSN: [tube]. Allowed options are [tube_name, timeout, ttr, bury_on_reject, persistent].
Symfony\Component\Messenger\Exception\InvalidArgumentException: Unknown option found in options: [queue_name]. Allowed options are [tube_name, timeout, ttr, bury_on_reject, persistent].
Symfony\Component\Messenger\Exception\InvalidArgumentException: Option timeout must be a whole number of seconds, 'soon' given.
Symfony\Component\Messenger\Exception\InvalidArgumentException: Option ttr must be a whole number of seconds, -1 given.
Symfony\Component\Messenger\Exception\InvalidArgumentException: Option bury_on_reject must be true or false, 'maybe' given.
Symfony\Component\Messenger\Exception\InvalidArgumentException: The given beanstalk-ext DSN is invalid.
beanstalk-ext:// and a socket path: over a UNIX socket
a server that is not there: Symfony\Component\Messenger\Exception\TransportException: %s
-- a SIGTERM ends the wait of get() --
working
waiting in the server: yes
run() returned
exit 0 within 2 s of SIGTERM: yes
