package dev.forge.worker.health;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import dev.forge.worker.config.WorkerConfig;
import dev.forge.worker.service.WebappRunner;
import dev.forge.worker.service.WorkerLifecycle;

/** Ready while the engine claims work; live while its heartbeats succeed. Reads in-memory state only. */
public class WorkerReadiness {

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        private final WorkerLifecycle lifecycle;
        private final WorkerConfig config;
        private final WebappRunner runner;

        public Ready(WorkerLifecycle lifecycle, WorkerConfig config, WebappRunner runner) {
            this.lifecycle = lifecycle;
            this.config = config;
            this.runner = runner;
        }

        @Override
        public HealthCheckResponse call() {
            var engine = lifecycle.engine();
            var builder = HealthCheckResponse.named("worker");
            if (runner.enabled()) {
                // the runner role claims no runs: ready once it registered
                return builder.up().withData("role", "runner").withData("active_webapps", runner.activeWebapps())
                        .build();
            }
            if (!config.enabled()) {
                return builder.up().withData("enabled", false).build();
            }
            if (engine == null || !engine.started() || engine.draining()) {
                return builder.down().withData("state", engine == null ? "starting" : "draining").build();
            }
            return builder.up().withData("id", engine.id().toString())
                    .withData("slots_total", engine.slotsTotal()).withData("slots_used", engine.slotsUsed()).build();
        }
    }

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        private final WorkerLifecycle lifecycle;
        private final WorkerConfig config;

        public Live(WorkerLifecycle lifecycle, WorkerConfig config) {
            this.lifecycle = lifecycle;
            this.config = config;
        }

        @Override
        public HealthCheckResponse call() {
            var engine = lifecycle.engine();
            var builder = HealthCheckResponse.named("worker-heartbeat");
            if (engine == null || !engine.started()) {
                return builder.up().build();
            }
            var stale = Instant.now().minus(config.heartbeatInterval().multipliedBy(3));
            return builder.status(engine.lastHeartbeat().isAfter(stale))
                    .withData("last_heartbeat", engine.lastHeartbeat().toString()).build();
        }
    }
}
