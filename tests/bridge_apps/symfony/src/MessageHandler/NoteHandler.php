<?php

namespace App\MessageHandler;

use App\Message\Note;
use App\Message\Nop;
use App\Message\SlowNote;
use App\Notes;
use Symfony\Component\Messenger\Attribute\AsMessageHandler;

/** The handlers of the test messages. */
final class NoteHandler
{
    #[AsMessageHandler]
    public function note(Note $message): void
    {
        Notes::add("{$message->name} handled");
        if ($message->fail && !Notes::fixed()) {
            throw new \RuntimeException("{$message->name} does not work");
        }
    }

    #[AsMessageHandler]
    public function nop(Nop $message): void
    {
    }

    /** Outlives the transport's ttr; a signal (the worker's keepalive alarm) does not cut it short. */
    #[AsMessageHandler]
    public function slow(SlowNote $message): void
    {
        $until = microtime(true) + $message->seconds;
        while (($left = $until - microtime(true)) > 0) {
            usleep((int)min(100000, $left * 1e6));
        }
        Notes::add("{$message->name} handled after {$message->seconds} s");
    }
}
