package dev.forge.worker.service;

import java.time.Duration;
import java.util.Optional;

/**
 * An executor step failed; {@code retryable} errors are retried with backoff before the run fails, never sooner
 * than {@code retryAfter} when the failing service asked for a wait.
 */
class StepException extends RuntimeException {

    private final String type;
    private final boolean retryable;
    private final transient Duration retryAfter;

    StepException(String type, String message, boolean retryable, Throwable cause) {
        this(type, message, retryable, null, cause);
    }

    StepException(String type, String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    String type() {
        return type;
    }

    boolean retryable() {
        return retryable;
    }

    Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
