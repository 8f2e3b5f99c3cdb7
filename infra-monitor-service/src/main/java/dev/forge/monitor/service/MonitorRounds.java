package dev.forge.monitor.service;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import dev.forge.core.scheduling.PeriodicTask;
import dev.forge.monitor.config.MonitorConfig;
import dev.forge.monitor.repository.CapacitySampleRepository;
import dev.forge.monitor.repository.EventBackfill;
import dev.forge.monitor.repository.WebappRepository;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;

/**
 * The monitor's timers: gateway health (5 s), deployments (10 s), capacity samples (30 s), event embeddings and
 * log batches (continuous), events the bus did not deliver (each minute, the last hour), retention (10 min).
 */
@ApplicationScoped
public class MonitorRounds {

    private static final Logger LOG = Logger.getLogger(MonitorRounds.class);

    private final Vertx vertx;
    private final MonitorConfig config;
    private final GatewayRegistry registry;
    private final GatewayHealth health;
    private final GatewayData data;
    private final EventService events;
    private final LogService logs;
    private final CapacitySampleRepository samples;
    private final EventBackfill backfill;
    private final WebappRepository webapps;
    private final List<PeriodicTask> tasks = new ArrayList<>();

    public MonitorRounds(Vertx vertx, MonitorConfig config, GatewayRegistry registry, GatewayHealth health,
            GatewayData data, EventService events, LogService logs, CapacitySampleRepository samples,
            EventBackfill backfill, WebappRepository webapps) {
        this.vertx = vertx;
        this.webapps = webapps;
        this.config = config;
        this.registry = registry;
        this.health = health;
        this.data = data;
        this.events = events;
        this.logs = logs;
        this.samples = samples;
        this.backfill = backfill;
    }

    void start(@Observes StartupEvent event) {
        schedule(config.healthInterval(), "Gateway health round", this::healthRound);
        schedule(config.deploymentsInterval(), "Deployments round", data::refreshDeployments);
        schedule(config.capacityInterval(), "Capacity round", data::sampleCapacity);
        schedule(Duration.ofSeconds(1), "Event embedding", events::embedPending);
        schedule(Duration.ofMillis(250), "Log batch", logs::flush);
        schedule(config.pruneInterval(), "Retention", this::prune);
        schedule(Duration.ofMinutes(1), "Event backfill", () -> backfill.copyMissed(Duration.ofHours(1)));
        // the first health round now, not one interval after start-up
        healthRound().subscribe().with(x -> { }, e -> LOG.warnf("Gateway health round failed: %s", e.getMessage()));
    }

    void stop(@Observes ShutdownEvent event) {
        tasks.forEach(PeriodicTask::cancel);
    }

    /** Re-reads the configuration and tests every gateway (concurrently: one slow gateway delays no other). */
    public Uni<Void> healthRound() {
        return registry.reload().flatMap(targets -> {
            var ids = targets.stream().map(GatewayTarget::id).toList();
            health.retain(ids);
            data.retain(ids);
            if (targets.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            return Uni.join().all(targets.stream().map(health::check).toList()).andCollectFailures()
                    .replaceWithVoid();
        });
    }

    private Uni<Void> prune() {
        return events.prune().flatMap(x -> logs.prune())
                .flatMap(x -> samples.prune(Instant.now().minus(config.sampleRetention())))
                // webapps' output, kept as long as the services' log records
                .flatMap(x -> webapps.pruneLogs(Instant.now().minus(config.logRetention())))
                .replaceWithVoid();
    }

    private void schedule(Duration every, String what, Supplier<Uni<?>> round) {
        var task = PeriodicTask.every(vertx, every, what, round);
        if (task != null) {
            tasks.add(task);
        }
    }
}
