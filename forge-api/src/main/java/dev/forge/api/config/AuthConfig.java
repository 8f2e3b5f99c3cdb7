package dev.forge.api.config;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** API key authentication. */
@ConfigMapping(prefix = "forge.auth")
public interface AuthConfig {

    /**
     * An admin key to provision at start-up when no key with that secret exists yet
     * (environment: FORGE_AUTH_BOOTSTRAP_ADMIN_KEY). Stored hashed; never logged.
     */
    Optional<String> bootstrapAdminKey();

    /** Workspace of the bootstrap admin key. */
    @WithDefault("default")
    String bootstrapWorkspace();

    /** How long a verified key is trusted before it is looked up again (bounds how fast a revocation bites). */
    @WithDefault("5s")
    Duration cacheTtl();
}
