package dev.forge.worker.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A provider call failed; {@code retryable} for rate limits, server errors and timeouts, with the wait the provider
 * asked for (Retry-After) when it named one.
 */
public class LlmException extends RuntimeException {

    private final boolean retryable;
    private final transient Duration retryAfter;

    public LlmException(String message, boolean retryable, Throwable cause) {
        this(message, retryable, null, cause);
    }

    public LlmException(String message, boolean retryable, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
        this.retryAfter = retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
