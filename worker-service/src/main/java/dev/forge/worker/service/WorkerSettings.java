package dev.forge.worker.service;

import java.time.Duration;

import dev.forge.worker.config.WorkerConfig;

/** How one worker engine claims, heartbeats and reaps. */
public record WorkerSettings(int slots, Duration lease, Duration heartbeatInterval, Duration pollInterval,
        Duration reaperInterval, int maxAttempts) {

    public static WorkerSettings from(WorkerConfig config) {
        return new WorkerSettings(config.slots(), config.lease(), config.heartbeatInterval(), config.pollInterval(),
                config.reaperInterval(), config.maxAttempts());
    }
}
