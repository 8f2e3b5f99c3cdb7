package dev.forge.core.config;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** The key that encrypts secrets stored in PostgreSQL (MCP servers' auth headers). */
@ConfigMapping(prefix = "forge.secrets")
public interface SecretsConfig {

    /**
     * 32 bytes, base64 (env {@code FORGE_SECRET_KEY}; {@code openssl rand -base64 32}). Without it, secrets cannot be
     * stored and stored ones cannot be used.
     */
    Optional<String> key();
}
