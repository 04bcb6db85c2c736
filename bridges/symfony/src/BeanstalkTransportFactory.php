<?php

namespace Beanstalk\Symfony\Messenger;

use Beanstalk\Queue;
use Symfony\Component\Messenger\Exception\InvalidArgumentException;
use Symfony\Component\Messenger\Transport\Serialization\SerializerInterface;
use Symfony\Component\Messenger\Transport\TransportFactoryInterface;
use Symfony\Component\Messenger\Transport\TransportInterface;

/**
 * Makes the transport of DSNs beanstalk-ext://host[:port][?option=value...]
 * (beanstalk-ext:///path for a UNIX socket). The options, in the DSN's
 * query or the transport's options, are those of Symfony's beanstalkd
 * transport (tube_name, timeout, ttr) and bury_on_reject (as Messenger
 * 7.3's) and persistent (the extension's persistent connection: true, or a
 * pool id).
 */
final class BeanstalkTransportFactory implements TransportFactoryInterface
{
    public const DEFAULT_OPTIONS = [
        'tube_name' => 'default',
        'timeout' => 0,
        'ttr' => 90,
        'bury_on_reject' => false,
        'persistent' => false,
    ];

    public function createTransport(string $dsn, array $options, SerializerInterface $serializer): TransportInterface
    {
        unset($options['transport_name']);
        [$server, $query] = self::parseDsn($dsn);
        foreach (['options' => $options, 'DSN' => $query] as $where => $given) {
            $unknown = array_diff(array_keys($given), array_keys(self::DEFAULT_OPTIONS));
            if ($unknown !== []) {
                throw new InvalidArgumentException(sprintf('Unknown option found in %s: [%s]. Allowed options are [%s].',
                    $where, implode(', ', $unknown), implode(', ', array_keys(self::DEFAULT_OPTIONS))));
            }
        }
        $config = $options + $query + self::DEFAULT_OPTIONS;
        $tube = (string)$config['tube_name'];
        $queueOptions = ['tube' => $tube, 'watch' => [$tube]];
        $persistent = self::persistent($config['persistent']);
        if ($persistent !== false) {
            $queueOptions['persistent'] = $persistent;
        }

        return new BeanstalkTransport(
            new Queue($server, $queueOptions),
            $serializer,
            $tube,
            self::integer('timeout', $config['timeout']),
            self::integer('ttr', $config['ttr']),
            self::flag('bury_on_reject', $config['bury_on_reject']),
        );
    }

    public function supports(string $dsn, array $options): bool
    {
        return str_starts_with($dsn, 'beanstalk-ext://');
    }

    /** The extension's server string and the query's options. */
    private static function parseDsn(string $dsn): array
    {
        $query = [];
        // parse_url() takes no empty host: a socket path is read by hand.
        if (preg_match('#^beanstalk-ext://(/[^?]+)(?:\?(.*))?$#', $dsn, $m)) {
            parse_str($m[2] ?? '', $query);
            return ['unix://' . $m[1], $query];
        }
        $parts = parse_url($dsn);
        if ($parts === false || !isset($parts['host'])) {
            throw new InvalidArgumentException('The given beanstalk-ext DSN is invalid.');
        }
        parse_str($parts['query'] ?? '', $query);

        return [$parts['host'] . ':' . ($parts['port'] ?? 11300), $query];
    }

    private static function integer(string $name, mixed $value): int
    {
        $seconds = filter_var($value, FILTER_VALIDATE_INT, ['options' => ['min_range' => 0]]);
        if ($seconds === false || is_bool($value)) {
            throw new InvalidArgumentException(sprintf('Option %s must be a whole number of seconds, %s given.', $name, var_export($value, true)));
        }

        return $seconds;
    }

    private static function flag(string $name, mixed $value): bool
    {
        $flag = filter_var($value, FILTER_VALIDATE_BOOL, FILTER_NULL_ON_FAILURE);
        if ($flag === null) {
            throw new InvalidArgumentException(sprintf('Option %s must be true or false, %s given.', $name, var_export($value, true)));
        }

        return $flag;
    }

    /** false, true or a pool id, from a bool or the DSN's text. */
    private static function persistent(mixed $value): bool|string
    {
        if (is_bool($value)) {
            return $value;
        }
        $flag = filter_var($value, FILTER_VALIDATE_BOOL, FILTER_NULL_ON_FAILURE);

        return $flag ?? (string)$value;
    }
}
