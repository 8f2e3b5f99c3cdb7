package dev.forge.telemetry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Structured log records shipped to RabbitMQ ({@code forge.logs}) for the monitor to store and stream. */
@ConfigMapping(prefix = "forge.logs")
public interface LogShippingConfig {

    @WithDefault("true")
    boolean ship();

    /** The lowest level shipped (JUL / JBoss names: DEBUG, INFO, WARN, ERROR). */
    @WithDefault("INFO")
    String level();
}
