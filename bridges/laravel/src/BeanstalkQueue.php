<?php

namespace Beanstalk\Laravel;

use Beanstalk\BatchException;
use Beanstalk\Queue as Client;
use Illuminate\Contracts\Queue\Queue as QueueContract;
use Illuminate\Queue\Queue;

/**
 * Laravel's Queue contract on a Beanstalk\Queue: what Laravel's beanstalkd
 * driver does with pheanstalk, with these differences: bulk() puts every
 * job in one write (putMany), a release keeps the job's priority, size() of
 * a tube the server does not have is 0, and block_for null waits for a job
 * without end (a signal handler of the worker still ends the wait).
 *
 * Tubes are kept on the client: useTube() and the watch list of pop() cost
 * nothing unless they change, and then go out with the next command.
 */
class BeanstalkQueue extends Queue implements QueueContract
{
    protected Client $beanstalk;
    protected string $default;
    protected int $timeToRun;
    protected ?int $blockFor;

    /**
     * @param int $timeToRun the TTR of every job put (retry_after)
     * @param int|null $blockFor seconds pop() waits for a job: 0 polls, null waits without end
     */
    public function __construct(Client $beanstalk, string $default, int $timeToRun, ?int $blockFor = 0, $dispatchAfterCommit = false)
    {
        $this->beanstalk = $beanstalk;
        $this->default = $default;
        $this->timeToRun = $timeToRun;
        $this->blockFor = $blockFor;
        $this->dispatchAfterCommit = $dispatchAfterCommit;
    }

    /** The jobs ready in the tube (not the delayed, reserved or buried ones). */
    public function size($queue = null)
    {
        return (int)($this->beanstalk->statsTube($this->getQueue($queue))['current-jobs-ready'] ?? 0);
    }

    public function push($job, $data = '', $queue = null)
    {
        return $this->enqueueUsing(
            $job,
            $this->createPayload($job, $this->getQueue($queue), $data),
            $queue,
            null,
            function ($payload, $queue) {
                return $this->pushRaw($payload, $queue);
            }
        );
    }

    public function pushRaw($payload, $queue = null, array $options = [])
    {
        return $this->beanstalk->useTube($this->getQueue($queue))
            ->put($payload, Client::DEFAULT_PRIORITY, 0, $this->timeToRun);
    }

    public function later($delay, $job, $data = '', $queue = null)
    {
        return $this->enqueueUsing(
            $job,
            $this->createPayload($job, $this->getQueue($queue), $data),
            $queue,
            $delay,
            function ($payload, $queue, $delay) {
                return $this->beanstalk->useTube($this->getQueue($queue))
                    ->put($payload, Client::DEFAULT_PRIORITY, $this->secondsUntil($delay), $this->timeToRun);
            }
        );
    }

    /**
     * Puts the jobs in one write. When the server refuses some, the others
     * are in the queue (with their JobQueued events) and the
     * Beanstalk\BatchException says which. Jobs to be dispatched after the
     * database transaction commits go one by one, as Laravel's own bulk().
     */
    public function bulk($jobs, $data = '', $queue = null)
    {
        $jobs = array_values((array)$jobs);
        if ($this->container !== null && $this->container->bound('db.transactions')) {
            foreach ($jobs as $job) {
                if ($this->shouldDispatchAfterCommit($job)) {
                    return parent::bulk($jobs, $data, $queue);
                }
            }
        }
        $queue = $this->getQueue($queue);
        $payloads = [];
        foreach ($jobs as $job) {
            $payloads[] = $this->createPayload($job, $queue, $data);
        }
        if ($payloads === []) {
            return;
        }
        try {
            $ids = $this->beanstalk->useTube($queue)
                ->putMany($payloads, Client::DEFAULT_PRIORITY, 0, $this->timeToRun);
        } catch (BatchException $e) {
            foreach ($e->inserted as $i => $id) {
                $this->raiseJobQueuedEvent($id, $jobs[$i]);
            }
            throw $e;
        }
        foreach ($ids as $i => $id) {
            $this->raiseJobQueuedEvent($id, $jobs[$i]);
        }
    }

    public function pop($queue = null)
    {
        $queue = $this->getQueue($queue);
        if ($this->beanstalk->watchedTubes() !== [$queue]) {
            $this->beanstalk->watch($queue);
            foreach ($this->beanstalk->watchedTubes() as $tube) {
                if ($tube !== $queue) {
                    $this->beanstalk->ignore($tube);
                }
            }
        }
        $job = $this->beanstalk->reserve($this->blockFor);
        if ($job === null) {
            return null;
        }

        return new BeanstalkJob($this->container, $job, $this->connectionName, $queue);
    }

    /** Deletes a job this connection has reserved, by id. */
    public function deleteReserved($queue, $id)
    {
        $this->beanstalk->delete((int)$id);
    }

    /** deleteReserved() under the name Laravel's beanstalkd driver gives it. */
    public function deleteMessage($queue, $id)
    {
        $this->deleteReserved($queue, $id);
    }

    public function getQueue($queue)
    {
        return $queue ?: $this->default;
    }

    public function getBeanstalk(): Client
    {
        return $this->beanstalk;
    }
}
