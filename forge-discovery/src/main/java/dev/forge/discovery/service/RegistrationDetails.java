package dev.forge.discovery.service;

import java.util.List;
import java.util.Map;

/**
 * What a service adds to its catalog entry beyond name and address: tags (executor types, models, tools, GPU) and
 * metadata (slots). Every bean implementing it contributes; they are asked again at each (re-)registration.
 */
public interface RegistrationDetails {

    List<String> tags();

    default Map<String, String> meta() {
        return Map.of();
    }
}
