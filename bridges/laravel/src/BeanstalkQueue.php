<?php

namespace Beanstalk\Laravel;

use Beanstalk\BatchException;
use Beanstalk\Exception as BeanstalkException;
use Beanstalk\NotFoundException;
use Beanstalk\Queue as Client;
use Illuminate\Contracts\Queue\ClearableQueue;
use Illuminate\Contracts\Queue\Queue as QueueContract;
use Illuminate\Queue\BeanstalkdQueue;
use Illuminate\Queue\Queue;

/**
 * Laravel's Queue contract on a Beanstalk\Queue: what Laravel's beanstalkd
 * driver of the installed version does with pheanstalk, with these
 * differences: bulk() puts every job in one write, a release keeps the
 * job's priority, size() of a tube the server does not have is 0,
 * creationTimeOfOldestPendingJob() answers, clear() empties the tube, and
 * block_for null waits for a job without end (a signal handler of the
 * worker still ends the wait).
 *
 * Where Laravel's versions differ (the queued events' arguments, what size()
 * counts), the methods follow the version installed: one class for
 * Laravel 8.83, 10, 11 and 12.
 *
 * Tubes are kept on the client: useTube() and the watch list of pop() cost
 * nothing unless they change, and then go out with the next command.
 */
class BeanstalkQueue extends Queue implements QueueContract, ClearableQueue
{
    protected Client $beanstalk;
    protected string $default;
    protected int $timeToRun;
    protected ?int $blockFor;

    /** The parameter names of this Laravel's raiseJobQueueingEvent() and raiseJobQueuedEvent(). */
    private static array $eventParameters = [];

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

    /**
     * The jobs of the tube that are not done (ready, delayed and reserved)
     * where Laravel's own driver counts them so (Laravel 12, whose driver
     * has pendingSize()); the ready ones alone before, as there.
     */
    public function size($queue = null)
    {
        $stats = $this->tubeStats($queue);
        $size = $stats['current-jobs-ready'] ?? 0;
        if (method_exists(BeanstalkdQueue::class, 'pendingSize')) {
            $size += ($stats['current-jobs-delayed'] ?? 0) + ($stats['current-jobs-reserved'] ?? 0);
        }

        return $size;
    }

    /** The jobs ready in the tube. */
    public function pendingSize($queue = null)
    {
        return $this->tubeStats($queue)['current-jobs-ready'] ?? 0;
    }

    /** The jobs of the tube waiting for their delay to end. */
    public function delayedSize($queue = null)
    {
        return $this->tubeStats($queue)['current-jobs-delayed'] ?? 0;
    }

    /** The jobs of the tube that workers hold. */
    public function reservedSize($queue = null)
    {
        return $this->tubeStats($queue)['current-jobs-reserved'] ?? 0;
    }

    /**
     * When the ready job a worker gets next was put (a UNIX time), or null
     * when none is ready: the oldest of the most urgent priority, the
     * oldest of all when every job has the same priority, as Laravel puts
     * them. Laravel's own driver answers null.
     */
    public function creationTimeOfOldestPendingJob($queue = null)
    {
        $job = $this->beanstalk->useTube($this->getQueue($queue))->peekReady();
        $age = $job === null ? null : $this->beanstalk->statsJob($job)['age'] ?? null;

        return $age === null ? null : time() - $age;
    }

    /**
     * Deletes the tube's ready, delayed and buried jobs (the jobs workers
     * hold are theirs to finish) and returns how many it deleted: what
     * `artisan queue:clear` calls.
     */
    public function clear($queue)
    {
        $this->beanstalk->useTube($this->getQueue($queue));
        $deleted = 0;
        foreach (['peekReady', 'peekDelayed', 'peekBuried'] as $peek) {
            while (($job = $this->beanstalk->$peek()) !== null) {
                try {
                    $this->beanstalk->delete($job);
                    $deleted++;
                } catch (NotFoundException) {
                    // A worker reserved it, or deleted it, in between.
                }
            }
        }

        return $deleted;
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

    /** The delay goes into the payload too, as Laravel 12's own driver
     * puts it: a job without a backoff of its own waits as long after a
     * failure. */
    public function later($delay, $job, $data = '', $queue = null)
    {
        return $this->enqueueUsing(
            $job,
            $this->createPayload($job, $this->getQueue($queue), $data, $delay),
            $queue,
            $delay,
            function ($payload, $queue, $delay) {
                return $this->beanstalk->useTube($this->getQueue($queue))
                    ->put($payload, Client::DEFAULT_PRIORITY, $this->delaySeconds($delay), $this->timeToRun);
            }
        );
    }

    /**
     * Puts the jobs in one write, each with its own delay (a job's `delay`,
     * as Laravel's driver reads it), with the JobQueueing and JobQueued
     * events of each job. When the server refuses some, the others are in
     * the queue (with their JobQueued events) and the
     * Beanstalk\BatchException says which. Jobs to be dispatched after the
     * database transaction commits go one by one, as Laravel's own bulk().
     */
    public function bulk($jobs, $data = '', $queue = null)
    {
        $jobs = array_values((array)$jobs);
        if ($this->container !== null && $this->container->bound('db.transactions')) {
            foreach ($jobs as $job) {
                if ($this->shouldDispatchAfterCommit($job)) {
                    $this->bulkOneByOne($jobs, $data, $queue);
                    return;
                }
            }
        }
        $queue = $this->getQueue($queue);
        $puts = [];
        foreach ($jobs as $i => $job) {
            $delay = is_object($job) && isset($job->delay) ? $job->delay : null;
            $payload = $this->createPayload($job, $queue, $data, $delay);
            $puts[$i] = ['queue' => $queue, 'job' => $job, 'payload' => $payload, 'delay' => $delay];
            $this->raiseQueueEvent('raiseJobQueueingEvent', $puts[$i]);
        }
        if ($puts === []) {
            return;
        }
        [$ids, $error] = $this->putAll($queue, $puts);
        foreach ($ids as $i => $id) {
            $this->raiseQueueEvent('raiseJobQueuedEvent', ['jobId' => $id] + $puts[$i]);
        }
        if ($error !== null) {
            throw $error;
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

    /** Each job through push() or later(), as Laravel's own bulk(). */
    protected function bulkOneByOne(array $jobs, $data, $queue): void
    {
        foreach ($jobs as $job) {
            if (is_object($job) && isset($job->delay)) {
                $this->later($job->delay, $job, $data, $queue);
            } else {
                $this->push($job, $data, $queue);
            }
        }
    }

    /**
     * Puts the payloads, in order, in one write: with putMany() when they
     * share a delay, else with putAsync() each and a flush(). Returns the
     * ids of those the server took, by position, and the error that
     * stopped the others (a refusal is a BatchException keyed the same
     * way), or null.
     *
     * @return array{0: array<int, int>, 1: ?BeanstalkException}
     */
    private function putAll(string $queue, array $puts): array
    {
        $this->beanstalk->useTube($queue);
        $delays = array_unique(array_map(fn ($put) => $this->delaySeconds($put['delay']), $puts));
        try {
            if (count($delays) === 1) {
                return [$this->beanstalk->putMany(array_column($puts, 'payload'), Client::DEFAULT_PRIORITY, reset($delays), $this->timeToRun), null];
            }
            $error = null;
            try {
                foreach ($puts as $put) {
                    $this->beanstalk->putAsync($put['payload'], Client::DEFAULT_PRIORITY, $this->delaySeconds($put['delay']), $this->timeToRun);
                }
            } catch (BatchException $e) {
                throw $e;
            } catch (BeanstalkException $e) {
                // The puts written before this one are on their way.
                $error = $e;
            }

            return [$this->beanstalk->flush(), $error];
        } catch (BatchException $e) {
            return [$e->inserted, $e];
        }
    }

    /**
     * Calls raiseJobQueueingEvent() or raiseJobQueuedEvent() with the
     * arguments this Laravel's version of it takes, by name: ($jobId, $job)
     * in 8.83, ($job, $payload) and ($jobId, $job, $payload) in 10,
     * ($queue, ..., $payload, $delay) in 11 and 12. Laravel 8.83 has no
     * JobQueueing event.
     */
    private function raiseQueueEvent(string $method, array $arguments): void
    {
        if (!method_exists($this, $method)) {
            return;
        }
        self::$eventParameters[$method] ??= array_flip(array_map(
            fn (\ReflectionParameter $p) => $p->getName(),
            (new \ReflectionMethod($this, $method))->getParameters()
        ));
        $this->$method(...array_intersect_key($arguments, self::$eventParameters[$method]));
    }

    /** A job's delay (seconds, a DateInterval or a date) in whole seconds from now, 0 for none. */
    private function delaySeconds($delay): int
    {
        return $delay === null ? 0 : max(0, (int)$this->secondsUntil($delay));
    }

    private function tubeStats($queue): array
    {
        return $this->beanstalk->statsTube($this->getQueue($queue)) ?? [];
    }
}
