--TEST--
Symfony bridge: Messenger's own bus and Worker run the same messages through beanstalk-ext:// and through Symfony's beanstalkd:// transport (pheanstalk), side by side on one server, with the same results
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

/* One child per transport, at the same time, each on tubes of its own: the
 * bus sends, Messenger's Worker consumes (bounded by a message limit and a
 * time limit), its retry strategy re-sends a failing message twice, 1 s
 * apart, and then the message goes to the failure transport. */
$code = <<<'PHP'
use Symfony\Component\EventDispatcher\EventDispatcher;
use Symfony\Component\Messenger\Event\WorkerMessageFailedEvent;
use Symfony\Component\Messenger\Event\WorkerRunningEvent;
use Symfony\Component\Messenger\EventListener\SendFailedMessageForRetryListener;
use Symfony\Component\Messenger\EventListener\SendFailedMessageToFailureTransportListener;
use Symfony\Component\Messenger\EventListener\StopWorkerOnMessageLimitListener;
use Symfony\Component\Messenger\EventListener\StopWorkerOnTimeLimitListener;
use Symfony\Component\Messenger\Retry\MultiplierRetryStrategy;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Stamp\RedeliveryStamp;
use Symfony\Component\Messenger\Stamp\SentToFailureTransportStamp;
use Symfony\Component\Messenger\Worker;

[$server, $scheme, $tube] = array_slice($argv, 1);
$async = symfony_transport("$scheme://$server?tube_name=$tube&timeout=1&ttr=60");
$failures = symfony_transport("$scheme://$server?tube_name=$tube-failed&timeout=1");
$events = new EventDispatcher();
$bus = symfony_bus($async, $events);

for ($i = 1; $i <= 10; $i++) {
    $bus->dispatch(new Msg("msg-$i"));
}
// Noted before: the delay runs from the server's receipt of the job, which
// may come well before dispatch() returns (under valgrind most of all).
BridgeNotes::add('dispatched late');
$bus->dispatch(new Msg('late'), [new DelayStamp(1000)]);
$bus->dispatch(new Msg('failing', true));
echo "getMessageCount() before the worker: ", $async->getMessageCount(), "\n";

$events->addSubscriber(new SendFailedMessageForRetryListener(new Services(['async' => $async]),
    new Services(['async' => new MultiplierRetryStrategy(2, 1000, 1)])));
$events->addSubscriber(new SendFailedMessageToFailureTransportListener(new Services(['async' => $failures])));
$events->addSubscriber(new StopWorkerOnMessageLimitListener(14));
$events->addSubscriber(new StopWorkerOnTimeLimitListener((int)bs_seconds(20)));
$events->addListener(WorkerMessageFailedEvent::class, function (WorkerMessageFailedEvent $e) {
    BridgeNotes::add(sprintf('%s failed: %s; retried: %s', $e->getEnvelope()->getMessage()->name,
        $e->getThrowable()->getMessage(), $e->willRetry() ? 'yes' : 'no'));
}, -200);
$handled = 0;
$events->addListener(WorkerRunningEvent::class, function (WorkerRunningEvent $e) use (&$handled) {
    $handled += $e->isWorkerIdle() ? 0 : 1;
});
(new Worker(['async' => $async], $bus, $events))->run(['sleep' => 10000]);
echo "the worker stopped after $handled messages\n";

$runs = array_count_values(BridgeNotes::matching('msg-'));
$once = count($runs) === 10 && array_values(array_unique($runs)) === [1];
echo "msg-1..10 each handled once: ", $once ? 'yes' : 'no: ' . json_encode($runs), "\n";
foreach (['late', 'failing'] as $name) {
    echo implode("\n", BridgeNotes::matching("$name ")), "\n";
}
$late = BridgeNotes::times('late handled')[0] ?? INF;
echo "late handled 1 s or more after its dispatch: ", $late - BridgeNotes::times('dispatched late')[0] >= 1.0 ? 'yes' : 'no', "\n";
echo "failing: its tries 1 s or more apart: ", bridge_gaps(BridgeNotes::times('failing handled'), 1.0), "\n";

echo "failure transport: getMessageCount() ", $failures->getMessageCount(), "\n";
foreach ($failures->get() as $envelope) {
    printf("  %s, from %s, redeliveries noted %d\n", $envelope->getMessage()->name,
        $envelope->last(SentToFailureTransportStamp::class)?->getOriginalReceiverName(),
        count($envelope->all(RedeliveryStamp::class)));
    $failures->ack($envelope);
}
echo "getMessageCount() after the worker: ", $async->getMessageCount(), "\n";
echo str_replace('tube: ', 'server, the tube: ', bridge_tube_line($server, $tube)), "\n";
echo str_replace('tube: ', 'server, the failure tube: ', bridge_tube_line($server, "$tube-failed")), "\n";
PHP;

$server = bs_server();
$children = [];
foreach (['beanstalk-ext', 'beanstalkd'] as $scheme) {
    $children[$scheme] = bridge_child('symfony', $code, [$server, $scheme, bs_tube("symfony-$scheme")]);
}
foreach ($children as $scheme => $child) {
    $exit = $child->wait(bs_seconds(60));
    echo "== $scheme:// exit $exit ==\n", $child->rest();
    if ($child->log() !== '') {
        echo "stderr: ", $child->log();
    }
}
?>
--EXPECT--
== beanstalk-ext:// exit 0 ==
getMessageCount() before the worker: 11
the worker stopped after 14 messages
msg-1..10 each handled once: yes
late handled
failing handled
failing failed: Handling "Msg" failed: failing does not work; retried: yes
failing handled
failing failed: Handling "Msg" failed: failing does not work; retried: yes
failing handled
failing failed: Handling "Msg" failed: failing does not work; retried: no
late handled 1 s or more after its dispatch: yes
failing: its tries 1 s or more apart: yes
failure transport: getMessageCount() 1
  failing, from async, redeliveries noted 3
getMessageCount() after the worker: 0
server, the tube: put 14, ready 0, delayed 0, reserved 0, buried 0
server, the failure tube: put 1, ready 0, delayed 0, reserved 0, buried 0
== beanstalkd:// exit 0 ==
getMessageCount() before the worker: 11
the worker stopped after 14 messages
msg-1..10 each handled once: yes
late handled
failing handled
failing failed: Handling "Msg" failed: failing does not work; retried: yes
failing handled
failing failed: Handling "Msg" failed: failing does not work; retried: yes
failing handled
failing failed: Handling "Msg" failed: failing does not work; retried: no
late handled 1 s or more after its dispatch: yes
failing: its tries 1 s or more apart: yes
failure transport: getMessageCount() 1
  failing, from async, redeliveries noted 3
getMessageCount() after the worker: 0
server, the tube: put 14, ready 0, delayed 0, reserved 0, buried 0
server, the failure tube: put 1, ready 0, delayed 0, reserved 0, buried 0
