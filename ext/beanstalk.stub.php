<?php

/**
 * The PHP API of the beanstalk extension. This file is the only declaration;
 * ext/beanstalk_arginfo.h is generated from it (./dev stub).
 *
 * @generate-class-entries
 * @generate-legacy-arginfo 80200
 */

namespace Beanstalk {

    /**
     * @strict-properties
     * @not-serializable
     */
    final class Queue
    {
        /** @var int */
        public const DEFAULT_PRIORITY = 1024;
        /** @var int */
        public const DEFAULT_TTR = 60;

        public function __construct(string|array $servers = "127.0.0.1:11300", array $options = []) {}

        public function put(string $data, int $priority = Queue::DEFAULT_PRIORITY, int $delay = 0, int $ttr = Queue::DEFAULT_TTR): int {}

        public function putMany(array $data, int $priority = Queue::DEFAULT_PRIORITY, int $delay = 0, int $ttr = Queue::DEFAULT_TTR): array {}

        public function putAsync(string $data, int $priority = Queue::DEFAULT_PRIORITY, int $delay = 0, int $ttr = Queue::DEFAULT_TTR): void {}

        public function flush(): array {}

        public function useTube(string $tube): static {}

        public function usedTube(): string {}

        public function watch(string $tube): static {}

        public function ignore(string $tube): static {}

        public function watchedTubes(): array {}

        public function reserve(?int $timeout = null): ?Job {}

        public function reserveJob(int $id): ?Job {}

        public function delete(Job|int $job): void {}

        public function release(Job|int $job, int $priority = Queue::DEFAULT_PRIORITY, int $delay = 0): void {}

        public function bury(Job|int $job, int $priority = Queue::DEFAULT_PRIORITY): void {}

        public function touch(Job|int $job): void {}

        public function kick(int $bound): int {}

        public function kickJob(Job|int $job): bool {}

        public function peek(int $id): ?Job {}

        public function peekReady(): ?Job {}

        public function peekDelayed(): ?Job {}

        public function peekBuried(): ?Job {}

        public function statsJob(Job|int $job): ?array {}

        public function statsTube(string $tube): ?array {}

        public function stats(): array {}

        public function listTubes(): array {}

        public function pauseTube(string $tube, int $seconds): void {}

        public function close(): void {}

        public function clientStats(): array {}
    }

    /**
     * @strict-properties
     * @not-serializable
     */
    final class Job
    {
        public readonly int $id;
        public readonly string $data;
        /** The server it came from: "host:port" or "unix:///path". */
        public readonly string $server;

        private function __construct() {}

        public function delete(): void {}

        public function release(int $priority = Queue::DEFAULT_PRIORITY, int $delay = 0): void {}

        public function bury(int $priority = Queue::DEFAULT_PRIORITY): void {}

        public function touch(): void {}

        public function stats(): array {}
    }

    class Exception extends \RuntimeException {}

    class ConnectionException extends Exception
    {
        /**
         * Whether the request had (partly) left before the connection
         * failed: the server may have carried it out, so a put must not be
         * sent again blindly. false: not a byte of it was sent.
         */
        public readonly bool $sent;
    }

    class TimeoutException extends ConnectionException {}

    class ServerException extends Exception {}

    class JobTooBigException extends ServerException {}

    /** The server is in drain mode (SIGUSR1): it takes no new job. */
    class DrainingException extends ServerException {}

    class NotFoundException extends Exception {}

    class ProtocolException extends Exception {}

    class DeadlineSoonException extends Exception {}

    /** @strict-properties */
    class BatchException extends Exception
    {
        /** @var array<int, int> index in the batch => id of each job the server took */
        public readonly array $inserted;
        /** @var array<int, string> index in the batch => why that job was not taken (or not confirmed) */
        public readonly array $failed;
    }

    /**
     * Thrown inside a Worker's handler when its job's time-to-run is nearly
     * up (or the job is no longer reserved by the worker): the handler must
     * give the job up, or touch() it for more time.
     */
    class TtrExceededException extends Exception {}

    /**
     * @strict-properties
     * @not-serializable
     */
    final class Worker
    {
        /** @var int */
        public const STOP_SIGNAL = 0;
        /** @var int */
        public const STOP_RESTART = 10;
        /** @var int */
        public const STOP_MAX_JOBS = 11;
        /** @var int */
        public const STOP_MAX_RUNTIME = 12;
        /** @var int */
        public const STOP_MEMORY = 13;
        /** @var int */
        public const STOP_REQUESTED = 14;
        /** @var int */
        public const STOP_CONNECTION = 15;
        /** @var int */
        public const EXIT_TTR_OVERRUN = 16;

        public readonly Queue $queue;

        public function __construct(Queue $queue, array $options = []) {}

        public function run(callable $handler): int {}

        public function stop(): void {}

        public function stats(): array {}

        /** Every live worker's status from Redis, by host and name. */
        public static function fleet(string $redis, string $prefix = "beanstalk:"): array {}

        /**
         * Asks every live worker (or those of a name) to stop after its job
         * with STOP_RESTART; returns how many were asked.
         */
        public static function restartAll(string $redis, ?string $name = null, string $prefix = "beanstalk:"): int {}
    }
}
