<?php

namespace App\Jobs;

use App\BridgeNotes;
use Illuminate\Bus\Batchable;
use Illuminate\Bus\Queueable;
use Illuminate\Contracts\Queue\ShouldQueue;
use Illuminate\Foundation\Bus\Dispatchable;
use Illuminate\Queue\InteractsWithQueue;

/** Notes its run and which attempt it is. */
class NoteJob implements ShouldQueue
{
    use Batchable, Dispatchable, InteractsWithQueue, Queueable;

    public function __construct(public string $name)
    {
    }

    public function handle(): void
    {
        BridgeNotes::add("{$this->name} ran, attempt {$this->attempts()}");
    }
}
