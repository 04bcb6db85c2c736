<?php

namespace Beanstalk\Symfony\Messenger;

use Symfony\Component\Messenger\Stamp\NonSendableStampInterface;

/** The job a received message came in, on the transport that reserved it. */
final class BeanstalkReceivedStamp implements NonSendableStampInterface
{
    public function __construct(public readonly int $id, public readonly string $tube)
    {
    }
}
