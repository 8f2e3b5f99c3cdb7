package dev.forge.core.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The run queue as metrics see it. */
@ConfigMapping(prefix = "forge.queue")
public interface QueueConfig {

    /** How often the queue's depth is measured for metrics (0 turns it off). */
    @WithDefault("5s")
    Duration depthInterval();
}
