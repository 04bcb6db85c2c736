<?php

namespace Beanstalk\Laravel;

use Illuminate\Queue\QueueManager;
use Illuminate\Support\ServiceProvider;

/**
 * Adds the queue driver "beanstalk-ext". Laravel finds this provider by
 * package discovery (composer.json's extra.laravel.providers).
 */
class BeanstalkServiceProvider extends ServiceProvider
{
    public function register()
    {
        // An extender rather than a boot-time addConnector(): it neither
        // makes the queue manager before something asks for it (Laravel
        // defers its QueueServiceProvider) nor misses one made already.
        $this->app->extend('queue', function (QueueManager $manager) {
            $manager->addConnector('beanstalk-ext', function () {
                return new BeanstalkConnector();
            });

            return $manager;
        });
    }
}
