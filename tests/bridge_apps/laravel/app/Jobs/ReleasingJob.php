<?php

namespace App\Jobs;

use App\BridgeNotes;
use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;

/** Puts itself back for 1 s on its first attempt. */
class ReleasingJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public function __construct(public string $name)
    {
    }

    public function handle(): void
    {
        if ($this->attempts() === 1) {
            BridgeNotes::add("{$this->name} released itself");
            $this->release(1);
            return;
        }
        BridgeNotes::add("{$this->name} ran, attempt {$this->attempts()}");
    }
}
