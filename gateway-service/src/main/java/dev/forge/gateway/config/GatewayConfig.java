package dev.forge.gateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Public API settings. */
@ConfigMapping(prefix = "forge.gateway")
public interface GatewayConfig {

    /** Largest request body accepted, in bytes; larger requests get 413 problem+json. */
    @WithDefault("1048576")
    long maxBodyBytes();

    /** Attempts a run gets when its worker dies (lease expiry) before it fails. */
    @WithDefault("3")
    int runMaxAttempts();

    /** Largest page of a list endpoint. */
    @WithDefault("200")
    int maxPageSize();

    /**
     * A worker whose last heartbeat is older than this shows as ERROR in the monitoring views (the worker's lease is
     * the natural choice: its runs are reaped after it).
     */
    @WithDefault("30s")
    Duration workerSilence();
}
