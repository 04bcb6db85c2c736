<?php

namespace App\Jobs;

use App\BridgeNotes;
use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use RuntimeException;

/** Dispatched with a delay and no backoff of its own: fails its first attempt. */
class DelayedFailingJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public $tries = 2;

    public function __construct(public string $name)
    {
    }

    public function handle(): void
    {
        BridgeNotes::add("{$this->name} attempt {$this->attempts()}");
        if ($this->attempts() === 1) {
            throw new RuntimeException("{$this->name} fails once");
        }
    }
}
