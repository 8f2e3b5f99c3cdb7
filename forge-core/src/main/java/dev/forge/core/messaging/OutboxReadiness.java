package dev.forge.core.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.forge.core.config.RabbitConfig;

/**
 * DOWN while the oldest unpublished event is older than {@code forge.rabbitmq.outbox-lag-threshold} (60 s): events
 * are committed but the bus is not carrying them (broker away, alarms, a channel that stopped). A broker that is
 * merely unreachable for less than that keeps the service ready: it serves from PostgreSQL. Reads the last
 * measurement only.
 */
@Readiness
@ApplicationScoped
public class OutboxReadiness implements HealthCheck {

    private final OutboxLag lag;
    private final Rabbit rabbit;
    private final RabbitConfig config;

    public OutboxReadiness(OutboxLag lag, Rabbit rabbit, RabbitConfig config) {
        this.lag = lag;
        this.rabbit = rabbit;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("outbox");
        if (!config.enabled()) {
            return builder.up().withData("bus", "off").build();
        }
        var last = lag.last();
        return builder.status(!lag.behind()).withData("unpublished", last.unpublished())
                .withData("oldest_age_ms", last.oldestAge().toMillis())
                .withData("threshold_ms", lag.threshold().toMillis())
                .withData("broker_connected", rabbit.connected()).build();
    }
}
