package dev.forge.core.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The RabbitMQ broker that carries run events and control messages. */
@ConfigMapping(prefix = "forge.rabbitmq")
public interface RabbitConfig {

    @WithDefault("true")
    boolean enabled();

    @WithDefault("127.0.0.1")
    String host();

    @WithDefault("5672")
    int port();

    @WithDefault("guest")
    String username();

    /** From the environment (FORGE_RABBITMQ_PASSWORD); never logged. */
    @WithDefault("guest")
    String password();

    @WithDefault("/")
    String virtualHost();

    /** How often a lost connection is retried. */
    @WithDefault("1s")
    Duration reconnectInterval();
}
