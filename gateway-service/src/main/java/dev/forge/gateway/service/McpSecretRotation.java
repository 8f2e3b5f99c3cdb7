package dev.forge.gateway.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forge.core.mcp.McpServerStore;
import dev.forge.core.secret.SecretResealer;
import io.quarkus.runtime.StartupEvent;

/**
 * After a key rotation (new FORGE_SECRET_KEY, the old one in FORGE_SECRET_PREVIOUS_KEYS) the gateway, which writes
 * MCP servers' auth headers, seals the stored ones again under the new key; once that is done the old key can go.
 */
@ApplicationScoped
public class McpSecretRotation {

    private final SecretResealer resealer;

    public McpSecretRotation(SecretResealer resealer) {
        this.resealer = resealer;
    }

    void onStart(@Observes StartupEvent event) {
        resealer.resealInBackground(McpServerStore.SEALED_AUTH);
    }
}
