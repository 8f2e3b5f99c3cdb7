package dev.forge.worker.service;

import java.time.Duration;

import dev.forge.worker.config.WorkerConfig;

/** The limits a Coordinator applies when the flow does not set its own. */
public record CoordinatorSettings(Duration stepTimeout, int stepRetries, Duration retryBackoff,
        Duration retryBackoffMax, Duration retryAfterMax) {

    public static CoordinatorSettings from(WorkerConfig config) {
        return new CoordinatorSettings(config.stepTimeout(), config.stepRetries(), config.retryBackoff(),
                config.retryBackoffMax(), config.retryAfterMax());
    }
}
