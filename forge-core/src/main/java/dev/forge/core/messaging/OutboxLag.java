package dev.forge.core.messaging;

import java.time.Duration;
import java.time.Instant;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forge.core.config.RabbitConfig;
import dev.forge.core.scheduling.PeriodicTask;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * How far the outbox is behind the database: unpublished events and the age of the oldest, measured every
 * {@code forge.rabbitmq.outbox-lag-interval} on the relay's cursor index (counted up to 100,000).
 * Readiness and metrics read the last measurement; every relaying process sees the same, shared backlog. A bus that
 * stopped carrying events shows here whatever the connection says.
 */
@ApplicationScoped
public class OutboxLag {

    /** One measurement; {@code oldestAge} is zero with nothing unpublished. */
    public record Snapshot(long unpublished, Duration oldestAge, Instant measuredAt) {
    }

    private static final String MEASURE = "SELECT (SELECT count(*) FROM (SELECT 1 FROM " + OutboxRelay.UNPUBLISHED
            + " LIMIT 100000) u) AS n, (SELECT extract(epoch FROM clock_timestamp() - e.created_at) FROM "
            + OutboxRelay.UNPUBLISHED + " ORDER BY e.tx, e.id LIMIT 1) AS age";

    private final Pool pool;
    private final RabbitConfig config;
    private final Vertx vertx;
    private volatile Snapshot last = new Snapshot(0, Duration.ZERO, Instant.EPOCH);
    private PeriodicTask task;

    public OutboxLag(Pool pool, RabbitConfig config, Vertx vertx, MeterRegistry registry, OutboxRelay relay,
            BusClient bus) {
        this.pool = pool;
        this.config = config;
        this.vertx = vertx;
        Gauge.builder("forge.outbox.unpublished", this, lag -> lag.last.unpublished())
                .description("Committed events not yet confirmed by the broker").register(registry);
        Gauge.builder("forge.outbox.oldest.age", this, lag -> lag.last.oldestAge().toMillis() / 1000.0)
                .baseUnit("seconds").description("Age of the oldest unpublished event").register(registry);
        FunctionCounter.builder("forge.outbox.published", relay,
                OutboxRelay::published).description("Events this process published, confirmed").register(registry);
        bus.confirmLatency(Timer.builder("forge.outbox.confirm")
                .description("From publishing a batch to the broker's confirms").register(registry));
    }

    void start(@Observes StartupEvent event) {
        task = PeriodicTask.every(vertx, config.outboxLagInterval(), "Outbox lag", () -> pool.query(MEASURE)
                .execute().invoke(rows -> {
                    var row = rows.iterator().next();
                    Double age = row.getDouble("age");
                    last = new Snapshot(row.getLong("n"), age == null ? Duration.ZERO
                            : Duration.ofMillis(Math.max(0, Math.round(age * 1000))), Instant.now());
                }));
    }

    public Snapshot last() {
        return last;
    }

    /** Whether the backlog is older than the threshold: events are not getting out. */
    public boolean behind() {
        return last.oldestAge().compareTo(config.outboxLagThreshold()) > 0;
    }

    public Duration threshold() {
        return config.outboxLagThreshold();
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel();
        }
    }
}
