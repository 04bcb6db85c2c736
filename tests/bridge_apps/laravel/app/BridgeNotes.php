<?php

namespace App;

/**
 * What the jobs and commands of the bridge tests saw, one line each with
 * the time (storage/logs/bridge-notes.log): the test reads them back.
 */
final class BridgeNotes
{
    public static function add(string $line): void
    {
        file_put_contents(storage_path('logs/bridge-notes.log'), sprintf("%.6f %s\n", microtime(true), $line), FILE_APPEND | LOCK_EX);
    }

    /** Whether the test has marked the failing jobs as fixed. */
    public static function fixed(): bool
    {
        return is_file(storage_path('logs/bridge-fixed'));
    }
}
