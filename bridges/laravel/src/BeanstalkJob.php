<?php

namespace Beanstalk\Laravel;

use Beanstalk\Job as ReservedJob;
use Illuminate\Container\Container;
use Illuminate\Contracts\Queue\Job as JobContract;
use Illuminate\Queue\Jobs\Job;

/**
 * A job reserved by BeanstalkQueue::pop(). It acts on the connection that
 * reserved it.
 */
class BeanstalkJob extends Job implements JobContract
{
    protected ReservedJob $job;
    /** The server's stats-job of this reservation, asked at most once. */
    private ?array $stats = null;

    public function __construct(Container $container, ReservedJob $job, $connectionName, $queue)
    {
        $this->container = $container;
        $this->job = $job;
        $this->connectionName = $connectionName;
        $this->queue = $queue;
    }

    /** Puts the job back, after $delay seconds, with the priority it had. */
    public function release($delay = 0)
    {
        $priority = $this->stats()['pri'];
        parent::release($delay);
        $this->job->release($priority, (int)$delay);
    }

    public function bury()
    {
        $priority = $this->stats()['pri'];
        parent::release();
        $this->job->bury($priority);
    }

    public function delete()
    {
        parent::delete();
        $this->job->delete();
    }

    /**
     * How many times the job has been reserved, this time included: the
     * server's "reserves", as Laravel's own driver counts. It counts an
     * attempt whose worker was killed (Laravel's --timeout ends the process,
     * and the server gives the job back without counting a release or a
     * timeout), so a job that always outlives its timeout still reaches its
     * tries.
     */
    public function attempts()
    {
        return $this->stats()['reserves'];
    }

    public function getJobId()
    {
        return $this->job->id;
    }

    public function getRawBody()
    {
        return $this->job->data;
    }

    public function getBeanstalkJob(): ReservedJob
    {
        return $this->job;
    }

    /** The job's counters and priority do not change while this worker
     * holds it: one stats-job serves attempts(), release() and bury(). */
    private function stats(): array
    {
        return $this->stats ??= $this->job->stats();
    }
}
