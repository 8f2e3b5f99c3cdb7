package dev.forge.monitor.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forge.core.secret.SecretResealer;
import dev.forge.monitor.repository.GatewayRepository;
import io.quarkus.runtime.StartupEvent;

/**
 * After a key rotation (new FORGE_SECRET_KEY, the old one in FORGE_SECRET_PREVIOUS_KEYS) the monitor seals the
 * stored gateway tokens again under the new key; once that is done the old key can go.
 */
@ApplicationScoped
public class GatewayTokenRotation {

    private final SecretResealer resealer;

    public GatewayTokenRotation(SecretResealer resealer) {
        this.resealer = resealer;
    }

    void onStart(@Observes StartupEvent event) {
        resealer.resealInBackground(GatewayRepository.SEALED_TOKENS);
    }
}
