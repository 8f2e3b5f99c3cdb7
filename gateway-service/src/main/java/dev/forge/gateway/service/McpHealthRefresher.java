package dev.forge.gateway.service;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import dev.forge.core.config.McpConfig;
import dev.forge.core.scheduling.PeriodicTask;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;

/** Refreshes every registered MCP server's health (initialize + tools/list) every {@code forge.mcp.health-interval}. */
@Singleton
public class McpHealthRefresher {

    private final McpServerService servers;
    private final McpConfig config;
    private final Vertx vertx;
    private PeriodicTask task;

    public McpHealthRefresher(McpServerService servers, McpConfig config, Vertx vertx) {
        this.servers = servers;
        this.config = config;
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        task = PeriodicTask.every(vertx, config.healthInterval(), "MCP health refresh", servers::refreshAll);
    }

    void stop(@Observes ShutdownEvent event) {
        if (task != null) {
            task.cancel();
        }
    }
}
