package dev.forge.monitor.service;

import java.io.IOException;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forge.core.json.JsonValues;
import dev.forge.monitor.client.GatewayClient;
import dev.forge.monitor.client.GatewayClient.GatewayCallFailed;
import dev.forge.monitor.config.MonitorConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Health tests of gateways: readiness ({@code /q/health/ready}, no token), then the token against the monitoring API
 * ({@code /v1/monitor/debug}, which also gives the gateway's version). Connected when both pass quickly; degraded
 * when slow, not ready, the token is refused, or after one failed test of a connected gateway; disconnected when it
 * cannot be reached twice in a row (or at all, before it was ever connected). Changes are broadcast for SSE.
 */
@ApplicationScoped
public class GatewayHealth {

    private static final Logger LOG = Logger.getLogger(GatewayHealth.class);

    private final GatewayClient client;
    private final MonitorConfig config;
    private final Map<String, GatewayState> states = new ConcurrentHashMap<>();
    private final LiveFeed<GatewayChange> changes = new LiveFeed<>();

    /** A gateway whose state changed (or that was removed: {@code state} empty). */
    public record GatewayChange(String id, Optional<GatewayState> state) {
    }

    public GatewayHealth(GatewayClient client, MonitorConfig config) {
        this.client = client;
        this.config = config;
    }

    public GatewayState state(String id) {
        return states.getOrDefault(id, GatewayState.initial());
    }

    public boolean usable(String id) {
        return state(id).usable();
    }

    public Multi<GatewayChange> changes() {
        return changes.stream();
    }

    /** Forgets gateways that are no longer configured. */
    public void retain(Collection<String> ids) {
        for (String id : states.keySet()) {
            if (!ids.contains(id)) {
                states.remove(id);
                changes.publish(new GatewayChange(id, Optional.empty()));
            }
        }
    }

    /** Marks the gateway as being tested (an explicit test, or a new gateway), without losing what is known. */
    public void markTesting(String id) {
        publish(id, state(id).testing());
    }

    /** Tests the gateway now and records the outcome. */
    public Uni<GatewayState> check(GatewayTarget gateway) {
        var before = state(gateway.id());
        return client.get(gateway, "/q/health/ready", false)
                .flatMap(ready -> {
                    if (ready.status() != 200) {
                        return Uni.createFrom().item(failed(before, true, ready.latencyMillis(),
                                "gateway reports not ready (" + ready.status() + ")"));
                    }
                    if (gateway.token().isEmpty()) {
                        return Uni.createFrom().item(failed(before, true, ready.latencyMillis(),
                                "no token configured (GATEWAY_TOKEN_" + GatewayRules.envName(gateway.id()) + ")"));
                    }
                    return client.get(gateway, "/v1/monitor/debug", true).map(debug -> {
                        long latency = Math.max(ready.latencyMillis(), debug.latencyMillis());
                        if (debug.status() == 401 || debug.status() == 403) {
                            return failed(before, true, latency, "token refused (" + debug.status() + ")");
                        }
                        if (debug.status() != 200) {
                            return failed(before, true, latency, "monitoring API answered " + debug.status());
                        }
                        boolean slow = latency > config.degradedLatency().toMillis();
                        return new GatewayState(slow ? GatewayState.DEGRADED : GatewayState.CONNECTED, true,
                                Optional.of(Instant.now()), Optional.of(latency),
                                slow ? Optional.of("slow: " + latency + " ms") : Optional.empty(), 0,
                                version(debug.body()), since(before, slow ? GatewayState.DEGRADED
                                        : GatewayState.CONNECTED));
                    });
                })
                .onFailure(GatewayCallFailed.class).recoverWithItem(e -> failed(before, false, null, e.getMessage()))
                .invoke(state -> publish(gateway.id(), state));
    }

    /**
     * A failed test. {@code reachable}: the gateway answered, so it is degraded; otherwise a connected gateway gets
     * one failure's grace (degraded) before it counts as disconnected.
     */
    private static GatewayState failed(GatewayState before, boolean reachable, Long latency, String error) {
        int failures = before.consecutiveFailures() + 1;
        // usable = its last test passed (a test in progress keeps what the previous one found)
        boolean wasUp = before.usable();
        String status = reachable || (wasUp && failures == 1) ? GatewayState.DEGRADED : GatewayState.DISCONNECTED;
        return new GatewayState(status, false, Optional.of(Instant.now()), Optional.ofNullable(latency),
                Optional.of(error), failures, before.version(), since(before, status));
    }

    private static Instant since(GatewayState before, String status) {
        return status.equals(before.status()) ? before.since() : Instant.now();
    }

    private static Optional<String> version(String body) {
        try {
            JsonNode debug = JsonValues.MAPPER.readTree(body);
            var v = debug.get("version");
            return v == null || !v.isTextual() ? Optional.empty() : Optional.of(v.asText());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void publish(String id, GatewayState state) {
        var previous = states.put(id, state);
        boolean changed = previous == null || !previous.status().equals(state.status())
                || previous.usable() != state.usable();
        if (changed && previous != null) {
            LOG.infof("Gateway %s: %s -> %s%s", id, previous.status(), state.status(),
                    state.error().map(e -> " (" + e + ")").orElse(""));
        }
        changes.publish(new GatewayChange(id, Optional.of(state)));
    }

}
