package dev.forge.core.queue;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.forge.core.config.QueueConfig;
import dev.forge.core.scheduling.PeriodicTask;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The run queue's depth as metrics, for dashboards and for scaling workers (a Kubernetes HPA on an external metric,
 * see the chart's values): runs waiting for a slot, runs leased by workers, and how long the oldest waiting run has
 * waited. Every process on the database reports the same, shared queue; measured every
 * {@code forge.queue.depth-interval} (5 s), waiting runs counted up to 100,000 on the runnable-jobs index.
 */
@ApplicationScoped
public class QueueDepth {

    private static final String MEASURE = """
            SELECT (SELECT count(*) FROM (SELECT 1 FROM jobs WHERE locked_by IS NULL AND run_at <= now()
                                          LIMIT 100000) w) AS waiting,
                   (SELECT count(*) FROM jobs WHERE locked_by IS NOT NULL) AS leased,
                   (SELECT extract(epoch FROM now() - min(run_at)) FROM jobs
                    WHERE locked_by IS NULL AND run_at <= now()) AS oldest""";

    private final Pool pool;
    private final Vertx vertx;
    private final QueueConfig config;
    private volatile long waiting;
    private volatile long leased;
    private volatile double oldestSeconds;
    private PeriodicTask task;

    public QueueDepth(Pool pool, Vertx vertx, QueueConfig config, MeterRegistry registry) {
        this.pool = pool;
        this.vertx = vertx;
        this.config = config;
        Gauge.builder("forge.queue.waiting", this, q -> q.waiting)
                .description("Runs waiting for a worker slot").register(registry);
        Gauge.builder("forge.queue.leased", this, q -> q.leased)
                .description("Runs leased by workers (executing)").register(registry);
        Gauge.builder("forge.queue.oldest.age", this, q -> q.oldestSeconds).baseUnit("seconds")
                .description("How long the oldest waiting run has waited").register(registry);
    }

    void start(@Observes StartupEvent event) {
        task = PeriodicTask.every(vertx, config.depthInterval(), "Queue depth", () -> pool.query(MEASURE).execute()
                .invoke(rows -> {
                    var row = rows.iterator().next();
                    waiting = row.getLong("waiting");
                    leased = row.getLong("leased");
                    Double oldest = row.getDouble("oldest");
                    oldestSeconds = oldest == null ? 0 : Math.max(0, oldest);
                }));
    }

    @PreDestroy
    void stop() {
        if (task != null) {
            task.cancel();
        }
    }
}
