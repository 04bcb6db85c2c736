<?php
/*
 * One PHP contender process of the bridges section:
 *
 *   php [ini] bench/bridges.php FRAMEWORK CLIENT HOST:PORT TUBE N WARMUP [BATCH]
 *
 * FRAMEWORK is laravel (a dispatch through Laravel's bus onto its queue
 * connection) or laravel-bulk (Queue::bulk() of BATCH jobs) or symfony (a
 * dispatch through Messenger's bus onto its transport). CLIENT is ext (the
 * bridge: driver beanstalk-ext, DSN beanstalk-ext://), pheanstalk (the
 * framework's own driver: beanstalkd, beanstalkd://) or none (the
 * framework alone: Laravel's payload made and given to a queue that puts
 * nothing, Messenger's message serialized into an in-memory transport, so
 * that the put's share of a dispatch shows). The framework comes
 * from Debian's packages, the bridge from bridges/. Boots the framework,
 * dispatches WARMUP jobs untimed, then N timed ones, and prints one JSON
 * line: wall time and this process's user + system CPU over the N.
 */

if ($argc < 7) {
    fwrite(STDERR, "usage: bridges.php laravel|laravel-bulk|symfony ext|pheanstalk|none HOST:PORT TUBE N WARMUP [BATCH]\n");
    exit(2);
}
[, $framework, $client, $server, $tube, $n, $warmup] = $argv;
$n = (int)$n;
$warmup = (int)$warmup;
$batch = (int)($argv[7] ?? 100);
if (!in_array($client, ['ext', 'pheanstalk', 'none'], true)) {
    fwrite(STDERR, "bridges.php: unknown client $client\n");
    exit(2);
}

function cpu_seconds(): array
{
    $ru = getrusage();
    return [$ru['ru_utime.tv_sec'] + $ru['ru_utime.tv_usec'] / 1e6,
            $ru['ru_stime.tv_sec'] + $ru['ru_stime.tv_usec'] / 1e6];
}

/** The bridge's classes, by the PSR-4 map of its composer.json. */
function bridge_autoload(string $bridge): void
{
    $dir = dirname(__DIR__) . "/bridges/$bridge";
    $composer = json_decode(file_get_contents("$dir/composer.json"), true, 512, JSON_THROW_ON_ERROR);
    foreach ($composer['autoload']['psr-4'] as $prefix => $path) {
        spl_autoload_register(function (string $class) use ($prefix, $dir, $path) {
            if (str_starts_with($class, $prefix)) {
                require "$dir/$path" . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
            }
        });
    }
}

/** Calls $send($i) WARMUP times, then N times timed; returns the figures. */
function measure(callable $send, int $n, int $warmup, int $step = 1): array
{
    for ($i = 0; $i < $warmup; $i += $step) {
        $send($i);
    }
    [$u0, $s0] = cpu_seconds();
    $t0 = hrtime(true);
    for ($i = 0; $i < $n; $i += $step) {
        $send($i);
    }
    $t1 = hrtime(true);
    [$u1, $s1] = cpu_seconds();
    return ['n' => $n, 'wall_s' => ($t1 - $t0) / 1e9, 'user_s' => $u1 - $u0, 'sys_s' => $s1 - $s0];
}

switch ($framework) {
case 'laravel':
case 'laravel-bulk':
    require 'Illuminate/autoload.php';
    require 'Pheanstalk/autoload.php';
    bridge_autoload('laravel');

    final class BenchJob implements Illuminate\Contracts\Queue\ShouldQueue
    {
        use Illuminate\Queue\InteractsWithQueue, Illuminate\Bus\Queueable;

        public function __construct(public int $n)
        {
        }

        public function handle(): void
        {
        }
    }

    /** Laravel's work on a job without the put: the payload is made and handed on. */
    final class NoPutQueue extends Illuminate\Queue\Queue implements Illuminate\Contracts\Queue\Queue
    {
        public function size($queue = null)
        {
            return 0;
        }

        public function push($job, $data = '', $queue = null)
        {
            return $this->enqueueUsing($job, $this->createPayload($job, $queue ?? 'bench', $data), $queue, null,
                fn ($payload) => $this->pushRaw($payload));
        }

        public function pushRaw($payload, $queue = null, array $options = [])
        {
            return strlen($payload);
        }

        public function later($delay, $job, $data = '', $queue = null)
        {
            return $this->push($job, $data, $queue);
        }

        public function pop($queue = null)
        {
            return null;
        }
    }

    [$host, $port] = explode(':', $server);
    $app = new Illuminate\Container\Container();
    Illuminate\Container\Container::setInstance($app);
    $app->instance('config', new Illuminate\Config\Repository(['queue' => ['default' => 'bench', 'connections' => [
        'bench' => ['driver' => ['ext' => 'beanstalk-ext', 'pheanstalk' => 'beanstalkd', 'none' => 'none'][$client], 'host' => $host,
            'port' => (int)$port, 'queue' => $tube, 'retry_after' => 90],
    ]]]));
    foreach ([Illuminate\Events\EventServiceProvider::class, Illuminate\Bus\BusServiceProvider::class,
              Illuminate\Queue\QueueServiceProvider::class, Beanstalk\Laravel\BeanstalkServiceProvider::class] as $p) {
        (new $p($app))->register();
    }
    $app['queue']->addConnector('none', fn () => new class implements Illuminate\Queue\Connectors\ConnectorInterface {
        public function connect(array $config)
        {
            return new NoPutQueue();
        }
    });
    $app->alias('queue', Illuminate\Contracts\Queue\Factory::class);
    $app->alias('events', Illuminate\Contracts\Events\Dispatcher::class);
    if ($framework === 'laravel') {
        $bus = $app->make(Illuminate\Contracts\Bus\Dispatcher::class);
        $r = measure(fn ($i) => $bus->dispatch(new BenchJob($i)), $n, $warmup);
    } else {
        $queue = $app['queue']->connection();
        $jobs = array_map(fn ($i) => new BenchJob($i), range(1, $batch));
        $r = measure(fn ($i) => $queue->bulk($jobs), $n, $warmup, $batch);
    }
    break;

case 'symfony':
    require 'Symfony/Component/Messenger/autoload.php';
    require 'Symfony/Component/Messenger/Bridge/Beanstalkd/autoload.php';
    bridge_autoload('symfony');

    final class BenchMessage
    {
        public function __construct(public int $n)
        {
        }
    }

    final class OneSender implements Psr\Container\ContainerInterface
    {
        public function __construct(private object $sender)
        {
        }

        public function get(string $id): mixed
        {
            return $this->sender;
        }

        public function has(string $id): bool
        {
            return true;
        }
    }

    $serializer = new Symfony\Component\Messenger\Transport\Serialization\PhpSerializer();
    $transport = match ($client) {
        'ext' => (new Beanstalk\Symfony\Messenger\BeanstalkTransportFactory())
            ->createTransport("beanstalk-ext://$server?tube_name=$tube", [], $serializer),
        'pheanstalk' => (new Symfony\Component\Messenger\Bridge\Beanstalkd\Transport\BeanstalkdTransportFactory())
            ->createTransport("beanstalkd://$server?tube_name=$tube", [], $serializer),
        'none' => new Symfony\Component\Messenger\Transport\InMemoryTransport($serializer),
    };
    $bus = new Symfony\Component\Messenger\MessageBus([
        new Symfony\Component\Messenger\Middleware\SendMessageMiddleware(
            new Symfony\Component\Messenger\Transport\Sender\SendersLocator([BenchMessage::class => ['async']], new OneSender($transport))),
    ]);
    $r = measure(fn ($i) => $bus->dispatch(new BenchMessage($i)), $n, $warmup);
    break;

default:
    fwrite(STDERR, "bridges.php: unknown framework $framework\n");
    exit(2);
}

echo json_encode(['framework' => $framework, 'client' => $client] + $r), "\n";
