package dev.forge.gateway.service;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forge.core.flow.FlowCatalog;
import io.quarkus.runtime.StartupEvent;

/** Records the loaded flow versions at start-up, so workers can resolve whatever version a run pinned. */
@ApplicationScoped
public class FlowVersionRegistration {

    private final FlowCatalog flows;

    public FlowVersionRegistration(FlowCatalog flows) {
        this.flows = flows;
    }

    void onStart(@Observes StartupEvent event) {
        // start-up observers run on the main thread, not an event loop; a database that does not answer fails start-up
        flows.registerVersions().await().atMost(Duration.ofSeconds(30));
    }
}
