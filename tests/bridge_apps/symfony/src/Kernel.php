<?php

namespace App;

use Symfony\Bundle\FrameworkBundle\Kernel\MicroKernelTrait;
use Symfony\Component\HttpKernel\Kernel as BaseKernel;

/** The kernel of the bridge tests' application: config/ as symfony/skeleton lays it out. */
class Kernel extends BaseKernel
{
    use MicroKernelTrait;
}
