<?php

namespace App\Message;

/** A message whose handler takes $seconds. */
final class SlowNote
{
    public function __construct(public string $name, public float $seconds)
    {
    }
}
