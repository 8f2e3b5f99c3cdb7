package dev.forge.core.config;

import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The keys that encrypt secrets stored in PostgreSQL (MCP servers' auth headers, monitored gateways' tokens). */
@ConfigMapping(prefix = "forge.secrets")
public interface SecretsConfig {

    /**
     * 32 bytes, base64 (env {@code FORGE_SECRET_KEY}; {@code openssl rand -base64 32}): seals every new secret. Without
     * it, secrets cannot be stored and stored ones cannot be used.
     */
    Optional<String> key();

    /**
     * Keys this one replaced (env {@code FORGE_SECRET_PREVIOUS_KEYS}, comma-separated, same format): secrets sealed
     * under them still open, and the services that own the rows seal them again under {@link #key()} at start-up.
     */
    Optional<List<String>> previousKeys();
}
