package dev.forge.core.json;

import org.eclipse.microprofile.config.ConfigProvider;

/** This service's version (Quarkus takes it from the Maven project) for registries and compatibility checks. */
public final class ServiceVersion {

    private ServiceVersion() {
    }

    public static String current() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.application.version", String.class)
                .orElse("unknown");
    }
}
