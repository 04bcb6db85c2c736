<?php

namespace App\Message;

/** A message its handler notes; one to fail throws until the test marks it fixed. */
final class Note
{
    public function __construct(public string $name, public bool $fail = false)
    {
    }
}
