<?php

namespace Beanstalk\Symfony\Messenger;

use Beanstalk\Exception as BeanstalkException;
use Beanstalk\Queue;
use Symfony\Component\Messenger\Envelope;
use Symfony\Component\Messenger\Exception\LogicException;
use Symfony\Component\Messenger\Exception\MessageDecodingFailedException;
use Symfony\Component\Messenger\Exception\TransportException;
use Symfony\Component\Messenger\Stamp\DelayStamp;
use Symfony\Component\Messenger\Stamp\TransportMessageIdStamp;
use Symfony\Component\Messenger\Transport\Receiver\MessageCountAwareInterface;
use Symfony\Component\Messenger\Transport\Serialization\SerializerInterface;
use Symfony\Component\Messenger\Transport\TransportInterface;

/**
 * What BeanstalkTransport does, on every Messenger version: a Messenger
 * transport on one tube of a Beanstalk\Queue. A job's body is the JSON
 * {"body": ..., "headers": ...} of Symfony's beanstalkd transport, so
 * either transport reads what the other wrote.
 *
 * @internal BeanstalkTransport is the class to use.
 */
abstract class BaseBeanstalkTransport implements TransportInterface, MessageCountAwareInterface
{
    /**
     * The jobs this transport holds reserved, id => whether the message
     * went out again through send() since (Messenger's retry re-sends a
     * failed message, then rejects the original: that one is deleted even
     * with bury_on_reject, so that only a message that will not be tried
     * again is buried).
     *
     * @var array<int, bool>
     */
    private array $held = [];

    /**
     * @param int $timeout seconds get() waits for a job in the server (0: it looks and returns)
     * @param int $ttr the time-to-run of every job put
     * @param bool $buryOnReject reject() buries the job instead of deleting it
     */
    public function __construct(
        private readonly Queue $queue,
        private readonly SerializerInterface $serializer,
        private readonly string $tube,
        private readonly int $timeout = 0,
        private readonly int $ttr = 90,
        private readonly bool $buryOnReject = false,
    ) {
    }

    /**
     * Puts the message with the DelayStamp's delay, rounded up to whole
     * seconds, and the BeanstalkPriorityStamp's priority (1024 without one).
     */
    public function send(Envelope $envelope): Envelope
    {
        $encoded = $this->serializer->encode($envelope);
        $body = json_encode(['body' => $encoded['body'], 'headers' => $encoded['headers'] ?? []]);
        if ($body === false) {
            throw new TransportException(json_last_error_msg());
        }
        $delayMs = $envelope->last(DelayStamp::class)?->getDelay() ?? 0;
        $priority = $envelope->last(BeanstalkPriorityStamp::class)?->priority ?? Queue::DEFAULT_PRIORITY;
        try {
            $id = $this->queue->put($body, $priority, max(0, (int)ceil($delayMs / 1000)), $this->ttr);
        } catch (BeanstalkException $e) {
            throw new TransportException($e->getMessage(), 0, $e);
        }
        $received = $envelope->last(BeanstalkReceivedStamp::class);
        if ($received !== null && $received->tube === $this->tube && isset($this->held[$received->id])) {
            $this->held[$received->id] = true;
        }

        return $envelope->with(new TransportMessageIdStamp($id));
    }

    /** At most one message: the job reserve() gives within the timeout. */
    public function get(): iterable
    {
        try {
            $job = $this->queue->reserve($this->timeout);
        } catch (BeanstalkException $e) {
            throw new TransportException($e->getMessage(), 0, $e);
        }
        if ($job === null) {
            return [];
        }
        $this->held[$job->id] = false;
        $message = json_decode($job->data, true);
        try {
            if (!is_array($message) || !isset($message['body']) || !is_string($message['body'])) {
                throw new MessageDecodingFailedException(sprintf('Job %d of tube %s is not a Messenger message.', $job->id, $this->tube));
            }
            $envelope = $this->serializer->decode(['body' => $message['body'], 'headers' => $message['headers'] ?? []]);
        } catch (MessageDecodingFailedException $e) {
            $this->settle($job->id, $this->buryOnReject, Queue::DEFAULT_PRIORITY);
            throw $e;
        }

        return [$envelope->with(new BeanstalkReceivedStamp($job->id, $this->tube), new TransportMessageIdStamp($job->id))];
    }

    public function ack(Envelope $envelope): void
    {
        $this->settle($this->receivedId($envelope), false, 0);
    }

    /** Deletes the job, or with bury_on_reject buries it with its
     * priority, unless the message was sent again for a retry. */
    public function reject(Envelope $envelope): void
    {
        $id = $this->receivedId($envelope);
        $priority = $envelope->last(BeanstalkPriorityStamp::class)?->priority ?? Queue::DEFAULT_PRIORITY;
        $this->settle($id, $this->buryOnReject && !($this->held[$id] ?? false), $priority);
    }

    /** The jobs ready in the tube (not the delayed, reserved or buried ones). */
    public function getMessageCount(): int
    {
        try {
            return (int)($this->queue->statsTube($this->tube)['current-jobs-ready'] ?? 0);
        } catch (BeanstalkException $e) {
            throw new TransportException($e->getMessage(), 0, $e);
        }
    }

    /**
     * Gives the job of a received message a fresh time-to-run (touch; the
     * server restarts the job's whole ttr, whatever $seconds asks).
     * Messenger's worker calls this every --keepalive seconds from 7.2 on
     * (BeanstalkTransport is a KeepaliveReceiverInterface there); before,
     * a long handler calls it itself.
     */
    public function keepalive(Envelope $envelope, ?int $seconds = null): void
    {
        try {
            $this->queue->touch($this->receivedId($envelope));
        } catch (BeanstalkException $e) {
            throw new TransportException($e->getMessage(), 0, $e);
        }
    }

    public function getQueue(): Queue
    {
        return $this->queue;
    }

    private function receivedId(Envelope $envelope): int
    {
        $stamp = $envelope->last(BeanstalkReceivedStamp::class);
        if ($stamp === null) {
            throw new LogicException('No BeanstalkReceivedStamp found on the Envelope.');
        }

        return $stamp->id;
    }

    private function settle(int $id, bool $bury, int $priority): void
    {
        unset($this->held[$id]);
        try {
            if ($bury) {
                $this->queue->bury($id, $priority);
            } else {
                $this->queue->delete($id);
            }
        } catch (BeanstalkException $e) {
            throw new TransportException($e->getMessage(), 0, $e);
        }
    }
}
