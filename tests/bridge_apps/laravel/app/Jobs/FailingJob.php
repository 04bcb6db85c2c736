<?php

namespace App\Jobs;

use App\BridgeNotes;
use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;
use RuntimeException;
use Throwable;

/** Throws until the test marks it fixed: 3 tries, 1 s apart, then failed. */
class FailingJob implements ShouldQueue
{
    use Dispatchable, InteractsWithQueue, Queueable;

    public $tries = 3;
    public $backoff = 1;

    public function __construct(public string $name)
    {
    }

    public function handle(): void
    {
        if (BridgeNotes::fixed()) {
            BridgeNotes::add("{$this->name} ran, attempt {$this->attempts()}");
            return;
        }
        BridgeNotes::add("{$this->name} attempt {$this->attempts()}");
        throw new RuntimeException("{$this->name} does not work");
    }

    public function failed(Throwable $e): void
    {
        BridgeNotes::add("{$this->name} failed(): " . $e->getMessage());
    }
}
