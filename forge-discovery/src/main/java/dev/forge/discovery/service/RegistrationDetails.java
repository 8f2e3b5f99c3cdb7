package dev.forge.discovery.service;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a service adds to its catalog entry beyond name and address: tags (executor types, models, tools, GPU) and
 * metadata (slots). Every bean implementing it contributes; they are asked again at each (re-)registration. A process
 * whose role is chosen at start-up (worker-service as a webapp runner) names its catalog entry itself.
 */
public interface RegistrationDetails {

    List<String> tags();

    default Map<String, String> meta() {
        return Map.of();
    }

    /** The catalog name this process registers under, when its role decides it; empty: the configured name. */
    default Optional<String> serviceName() {
        return Optional.empty();
    }
}
