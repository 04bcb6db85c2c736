<?php

namespace App;

/**
 * What the handlers and commands of the bridge tests saw, one line each
 * with the time (var/bridge-notes.log): the test reads them back.
 */
final class Notes
{
    public static function add(string $line): void
    {
        file_put_contents(self::dir() . '/bridge-notes.log', sprintf("%.6f %s\n", microtime(true), $line), FILE_APPEND | LOCK_EX);
    }

    /** Whether the test has marked the failing messages as fixed. */
    public static function fixed(): bool
    {
        return is_file(self::dir() . '/bridge-fixed');
    }

    private static function dir(): string
    {
        @mkdir($dir = dirname(__DIR__) . '/var', 0777, true);
        return $dir;
    }
}
