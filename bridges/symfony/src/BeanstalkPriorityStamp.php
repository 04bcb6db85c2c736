<?php

namespace Beanstalk\Symfony\Messenger;

use Symfony\Component\Messenger\Stamp\StampInterface;

/**
 * The beanstalkd priority a message is put with: 0 is the most urgent,
 * 4294967295 the least; without this stamp, 1024. It travels with the
 * message, so a retry and a burial keep it.
 */
final class BeanstalkPriorityStamp implements StampInterface
{
    public function __construct(public readonly int $priority)
    {
    }
}
