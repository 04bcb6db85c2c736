<?php

namespace Beanstalk\Laravel;

use Beanstalk\Queue as Client;
use Illuminate\Queue\Connectors\ConnectorInterface;

/**
 * Makes the queue of a connection whose driver is "beanstalk-ext". It reads
 * the keys of Laravel's own beanstalkd connections (host, port, queue,
 * retry_after, block_for, timeout, after_commit) and one more, persistent.
 */
class BeanstalkConnector implements ConnectorInterface
{
    /** Laravel's beanstalkd driver takes pheanstalk's TTR when retry_after is not set. */
    public const DEFAULT_RETRY_AFTER = 60;

    public function connect(array $config)
    {
        $options = ['tube' => $config['queue'], 'watch' => [$config['queue']]];
        // In Laravel's driver, timeout is pheanstalk's connect timeout.
        if (isset($config['timeout'])) {
            $options['connect_timeout'] = $config['timeout'];
        }
        if (!empty($config['persistent'])) {
            $options['persistent'] = $config['persistent'];
        }

        return new BeanstalkQueue(
            new Client(self::server($config), $options),
            $config['queue'],
            (int)($config['retry_after'] ?? self::DEFAULT_RETRY_AFTER),
            array_key_exists('block_for', $config) && $config['block_for'] === null ? null : (int)($config['block_for'] ?? 0),
            $config['after_commit'] ?? null
        );
    }

    /** The extension's server string for host and port: an IPv6 address in
     * brackets, a UNIX socket path as it is. */
    public static function server(array $config): string
    {
        $host = (string)($config['host'] ?? '127.0.0.1');
        if (str_starts_with($host, '/') || str_starts_with($host, 'unix://')) {
            return $host;
        }
        if (str_contains($host, ':') && !str_starts_with($host, '[')) {
            $host = "[$host]";
        }

        return $host . ':' . ($config['port'] ?? 11300);
    }
}
