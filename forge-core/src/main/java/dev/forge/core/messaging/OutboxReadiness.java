package dev.forge.core.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;


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
    private final BusClient bus;

    public OutboxReadiness(OutboxLag lag, BusClient bus) {
        this.lag = lag;
        this.bus = bus;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("outbox");
        var last = lag.last();
        return builder.status(!lag.behind()).withData("unpublished", last.unpublished())
                .withData("oldest_age_ms", last.oldestAge().toMillis())
                .withData("threshold_ms", lag.threshold().toMillis())
                .withData("broker_connected", bus.connected()).build();
    }
}
