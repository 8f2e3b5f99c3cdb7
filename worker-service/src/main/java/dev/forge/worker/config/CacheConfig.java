package dev.forge.worker.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Redis caches: committed checkpoint states (read first on resume) and tool results. */
@ConfigMapping(prefix = "forge.cache")
public interface CacheConfig {

    @WithDefault("true")
    boolean enabled();

    /** How long a step's state stays cached. */
    @WithDefault("1h")
    Duration stepTtl();

    /** How long a tool result stays cached. */
    @WithDefault("10m")
    Duration toolTtl();

    /** A cache call slower than this counts as a miss; PostgreSQL answers instead. */
    @WithDefault("200ms")
    Duration timeout();
}
