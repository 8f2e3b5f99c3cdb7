package dev.forge.gateway.service;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

import dev.forge.core.config.MemoryConfig;
import dev.forge.core.memory.MemoryService;
import dev.forge.core.scheduling.PeriodicTask;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/** Enforces memory retention every {@code forge.memory.prune-interval}: expired memories, namespaces over their limit. */
@Singleton
public class MemoryPruner {

    private static final Logger LOG = Logger.getLogger(MemoryPruner.class);

    private final MemoryService memories;
    private final MemoryConfig config;
    private final Vertx vertx;
    private PeriodicTask task;

    public MemoryPruner(MemoryService memories, MemoryConfig config, Vertx vertx) {
        this.memories = memories;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        task = PeriodicTask.every(vertx, config.pruneInterval(), "Memory retention", () -> memories.prune()
                .invoke(removed -> {
                    if (removed > 0) {
                        LOG.infof("Memory retention: %d memories removed", removed);
                    }
                }));
    }

    void stop(@Observes ShutdownEvent event) {
        if (task != null) {
            task.cancel();
        }
    }
}
