package dev.forge.worker.service;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * When a failed step is tried again: only retryable failures, at most {@code retries} times, after an exponential
 * backoff with ±30 % jitter, and never sooner than the Retry-After the provider sent (capped by
 * {@code forge.worker.retry-after-max}).
 */
final class RetryPolicy {

    private final CoordinatorSettings settings;

    RetryPolicy(CoordinatorSettings settings) {
        this.settings = settings;
    }

    /** For Mutiny's {@code retry().when(...)}: a delayed item per retry, a failure when it is time to give up. */
    Multi<Integer> delays(Multi<Throwable> failures, int retries) {
        var attempts = new AtomicInteger();
        return failures.onItem().transformToUniAndConcatenate(failure -> {
            int attempt = attempts.incrementAndGet();
            if (!(failure instanceof StepException se) || !se.retryable() || attempt > retries) {
                return Uni.createFrom().failure(failure);
            }
            return Uni.createFrom().item(attempt).onItem().delayIt().by(delay(se, attempt));
        });
    }

    Duration delay(StepException failure, int attempt) {
        long base = settings.retryBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(base, settings.retryBackoffMax().toMillis());
        double jitter = 1 + (ThreadLocalRandom.current().nextDouble() * 2 - 1) * 0.3;
        var delay = Duration.ofMillis(Math.max(1, Math.round(capped * jitter)));
        var asked = failure.retryAfter().map(d -> d.compareTo(settings.retryAfterMax()) > 0
                ? settings.retryAfterMax() : d);
        return asked.filter(d -> d.compareTo(delay) > 0).orElse(delay);
    }
}
