package dev.forge.worker.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Queue worker settings. */
@ConfigMapping(prefix = "forge.worker")
public interface WorkerConfig {

    /** Whether this process claims jobs at all (off in services that only embed the worker code). */
    @WithDefault("true")
    boolean enabled();

    /** Whether the worker offers a GPU in the catalog; detected from /dev/nvidia0 when unset. */
    Optional<Boolean> gpu();

    /** Concurrent runs this worker executes (its slots). */
    @WithDefault("4")
    int slots();

    /** Lease length; a worker that misses heartbeats for this long loses its jobs. */
    @WithDefault("30s")
    Duration lease();

    /** How often leases are extended (well under the lease). */
    @WithDefault("10s")
    Duration heartbeatInterval();

    /** Polling backstop for missed notifications. */
    @WithDefault("1s")
    Duration pollInterval();

    /** How often expired leases are returned to the queue. */
    @WithDefault("5s")
    Duration reaperInterval();

    /**
     * How often the worker vacuums the queue table itself (0 = never). Every job row is inserted, updated at claim
     * and deleted: without vacuum the table and its indexes keep every dead version, and a server whose autovacuum is
     * off or lagging would let the queue bloat. SKIP_LOCKED: workers never wait on each other's vacuum. Every 5 s
     * rather than 30 s: with a deep queue the claim scans the dead index entries of jobs claimed since the last
     * vacuum (R1: 4.0 ms per claim at 30 s, 0.8 ms at 5 s; one vacuum of the small table costs a few ms).
     */
    @WithDefault("5s")
    Duration queueVacuumInterval();

    /** How long in-flight runs may finish on graceful shutdown before they are returned to the queue. */
    @WithDefault("30s")
    Duration shutdownGrace();

    /** Attempts (claims) a run gets before a lost lease fails it. */
    @WithDefault("3")
    int maxAttempts();

    /** Time limit of one executor step unless the flow sets one. */
    @WithDefault("120s")
    Duration stepTimeout();

    /** Retries of a step after a retryable error (rate limit, 5xx, timeout), unless the executor sets retries. */
    @WithDefault("2")
    int stepRetries();

    /** First retry delay; doubles per retry, with jitter. */
    @WithDefault("200ms")
    Duration retryBackoff();

    @WithDefault("10s")
    Duration retryBackoffMax();

    /**
     * Longest wait a provider's Retry-After may impose before a retry; a longer request waits this long (the
     * step timeout still bounds the step).
     */
    @WithDefault("60s")
    Duration retryAfterMax();

    /**
     * Group-commit transactions that may be in flight at once. One keeps every commit as full as possible; two let
     * the next batch gather and go while the previous one waits for its WAL flush.
     */
    @WithDefault("2")
    int commitFlushers();

    /** Most job writes (steps, starts, finishes of different runs) one group commit carries. */
    @WithDefault("256")
    int commitBatchMax();

    /** Fixed worker id (default: random per start). */
    Optional<String> id();
}
