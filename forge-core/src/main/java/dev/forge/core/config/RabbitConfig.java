package dev.forge.core.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The RabbitMQ broker that carries run events and control messages. */
@ConfigMapping(prefix = "forge.rabbitmq")
public interface RabbitConfig {

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

    /**
     * How long the relay waits for the broker to confirm a batch (a memory or disk alarm holds confirms back); an
     * unconfirmed batch rolls back, its channel is replaced, and the batch goes out again.
     */
    @WithDefault("5s")
    Duration confirmTimeout();

    /** Readiness is DOWN while the oldest unpublished event is older than this: the bus is not carrying events. */
    @WithDefault("60s")
    Duration outboxLagThreshold();

    /** How often the outbox's backlog (count and oldest age) is measured for readiness and metrics. */
    @WithDefault("1s")
    Duration outboxLagInterval();
}
