package dev.forge.worker.service;

/** An executor step failed; {@code retryable} errors are retried with backoff before the run fails. */
class StepException extends RuntimeException {

    private final String type;
    private final boolean retryable;

    StepException(String type, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.type = type;
        this.retryable = retryable;
    }

    String type() {
        return type;
    }

    boolean retryable() {
        return retryable;
    }
}
