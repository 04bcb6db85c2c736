<?php

namespace Beanstalk\Symfony\Messenger;

use Symfony\Component\Messenger\Transport\Receiver\KeepaliveReceiverInterface;

/*
 * The transport of DSNs beanstalk-ext://: a TransportInterface and a
 * MessageCountAwareInterface on every Messenger version, and a
 * KeepaliveReceiverInterface where Messenger has it (7.2 and later), as
 * Symfony's own beanstalkd transport of the same version. The methods are
 * BaseBeanstalkTransport's.
 */
if (interface_exists(KeepaliveReceiverInterface::class)) {
    final class BeanstalkTransport extends BaseBeanstalkTransport implements KeepaliveReceiverInterface
    {
    }
} else {
    final class BeanstalkTransport extends BaseBeanstalkTransport
    {
    }
}
