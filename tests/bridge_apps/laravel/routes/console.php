<?php
/*
 * The commands of the bridge tests (tests/bridge_app_laravel.inc), in place
 * of the skeleton's routes/console.php: they dispatch through the
 * application's default queue connection, whatever its driver.
 */

use App\BridgeNotes;
use App\Jobs\DelayedFailingJob;
use App\Jobs\FailingJob;
use App\Jobs\NoteJob;
use App\Jobs\NopJob;
use App\Jobs\ReleasingJob;
use Illuminate\Bus\Batch;
use Illuminate\Queue\Events\JobQueued;
use Illuminate\Queue\Events\JobQueueing;
use Illuminate\Support\Facades\Artisan;
use Illuminate\Support\Facades\Bus;
use Illuminate\Support\Facades\Event;
use Illuminate\Support\Facades\Queue;

Artisan::command('bridge:dispatch', function () {
    $queueing = 0;
    $queued = [];
    Event::listen(JobQueueing::class, function () use (&$queueing) {
        $queueing++;
    });
    Event::listen(JobQueued::class, function (JobQueued $e) use (&$queued) {
        $queued[$e->job->name ?? '?'] = $e;
    });
    for ($i = 1; $i <= 10; $i++) {
        NoteJob::dispatch("job-$i");
    }
    BridgeNotes::add('dispatched late');
    NoteJob::dispatch('late')->delay(2);
    FailingJob::dispatch('failing');
    ReleasingJob::dispatch('releasing');
    BridgeNotes::add('dispatched delayed-failing');
    DelayedFailingJob::dispatch('delayed-failing')->delay(1);
    BridgeNotes::add('dispatched batch');
    Bus::batch([new NoteJob('batch-1'), new NoteJob('batch-2'), (new NoteJob('batch-3'))->delay(2)])
        ->then(function (Batch $batch) {
            BridgeNotes::add("batch done: {$batch->totalJobs} jobs, {$batch->failedJobs} failed");
        })
        ->dispatch();

    $this->line(class_exists(JobQueueing::class) ? "JobQueueing events: $queueing" : 'JobQueueing: not in this Laravel');
    $ids = array_filter(array_map(fn (JobQueued $e) => $e->id, $queued));
    $this->line(sprintf('JobQueued events: %d, each with a job id: %s', count($queued), count($ids) === count($queued) ? 'yes' : 'no'));
    $e = $queued['batch-3'] ?? null;
    $this->line(sprintf('JobQueued of batch-3: payload %s, queue %s, delay %s',
        isset($e->payload) ? 'yes' : 'n/a', isset($e->queue) ? ($e->queue === Queue::getQueue(null) ? 'the tube' : $e->queue) : 'n/a',
        property_exists(JobQueued::class, 'delay') ? var_export($e?->delay, true) : 'n/a'));
    $payload = json_decode($queued['delayed-failing']->payload ?? '{}', true);
    $this->line('payload of delayed-failing (delay 1): delay ' . var_export($payload['delay'] ?? 'none', true));
    $queue = Queue::connection();
    $this->line(sprintf('%s: size %d, pending %d, delayed %d, reserved %d', class_basename($queue),
        $queue->size(), $queue->pendingSize(), $queue->delayedSize(), $queue->reservedSize()));
    $oldest = $queue->creationTimeOfOldestPendingJob();
    $this->line('oldest pending job put 0 to 30 s ago: ' . ($oldest !== null && time() - $oldest >= 0 && time() - $oldest <= 30 ? 'yes' : var_export($oldest, true)));
});

Artisan::command('bridge:dispatch-many {count}', function (int $count) {
    $t = microtime(true);
    for ($i = 0; $i < $count; $i++) {
        NopJob::dispatch();
    }
    $this->line(sprintf('dispatched %d in %.3f s', $count, microtime(true) - $t));
});
