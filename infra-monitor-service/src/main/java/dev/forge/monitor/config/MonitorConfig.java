package dev.forge.monitor.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** infra-monitor-service: what it watches, how often, and how long it keeps what it saw. */
@ConfigMapping(prefix = "forge.monitor")
public interface MonitorConfig {

    /** Gateway health checks (the seed: every 5 s). */
    @WithDefault("5s")
    Duration healthInterval();

    /** Time allowed to one gateway call before the gateway counts as unreachable. */
    @WithDefault("3s")
    Duration requestTimeout();

    /** A healthy gateway answering slower than this shows as degraded. */
    @WithDefault("1s")
    Duration degradedLatency();

    /** Deployments refresh (the seed: every 10 s). */
    @WithDefault("10s")
    Duration deploymentsInterval();

    /** Capacity samples for trends (the seed: every 30 s). */
    @WithDefault("30s")
    Duration capacityInterval();

    /** Utilization (percent) from which capacity is degraded. */
    @WithDefault("50")
    double capacityDegradedPercent();

    /** Utilization (percent) above which capacity is critical and an alert event is raised. */
    @WithDefault("80")
    double capacityCriticalPercent();

    /** How long capacity samples are kept. */
    @WithDefault("7d")
    Duration sampleRetention();

    /** How long events are kept. */
    @WithDefault("14d")
    Duration eventRetention();

    /** How long shipped log records are kept. */
    @WithDefault("3d")
    Duration logRetention();

    /** The pruner's round. */
    @WithDefault("10m")
    Duration pruneInterval();

    /**
     * The gateway whose RabbitMQ this service consumes: events and logs from the bus are attributed to it
     * (remote gateways contribute deployments, capacity and debug information over HTTP).
     */
    @WithDefault("local")
    String busGateway();

    /** Embeds received events for semantic search (all-MiniLM-L6-v2 in-process, as memories). */
    @WithDefault("true")
    boolean embedEvents();

    /** Events embedded per round (the round runs every second on a worker thread). */
    @WithDefault("32")
    int embedBatch();

    /** Events compared by one semantic search (the newest matching the filters). */
    @WithDefault("20000")
    int searchWindow();

    /** Explicit gateways.json path, read before the conventional ones. */
    Optional<String> gatewaysFile();

    /** Extra directories searched for gateways.json (tests); the conventional ones are always searched. */
    Optional<List<String>> gatewaysDirs();
}
