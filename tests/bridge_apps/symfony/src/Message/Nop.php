<?php

namespace App\Message;

/** A message whose handler does nothing: what the framework and the transport cost one. */
final class Nop
{
}
