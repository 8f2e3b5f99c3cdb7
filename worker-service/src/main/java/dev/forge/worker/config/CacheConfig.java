package dev.forge.worker.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The Redis step cache: a copy of committed checkpoint states, read first on resume. */
@ConfigMapping(prefix = "forge.cache")
public interface CacheConfig {

    @WithDefault("true")
    boolean enabled();

    /** How long a step's state stays cached. */
    @WithDefault("1h")
    Duration stepTtl();

    /** A cache call slower than this counts as a miss; PostgreSQL answers instead. */
    @WithDefault("200ms")
    Duration timeout();
}
