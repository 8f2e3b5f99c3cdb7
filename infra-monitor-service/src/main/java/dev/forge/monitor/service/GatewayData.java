package dev.forge.monitor.service;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.service.ApiProblem;
import dev.forge.monitor.client.GatewayClient;
import dev.forge.monitor.config.MonitorConfig;
import dev.forge.monitor.repository.CapacitySampleRepository;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Deployments and capacity fetched from gateways that passed their health test, kept per gateway and broadcast on
 * every refresh. Capacity rounds also store a sample and raise an alert (event and audit row) when a gateway's
 * utilization passes the critical threshold, and a recovery event when it falls back.
 */
@ApplicationScoped
public class GatewayData {

    private static final Logger LOG = Logger.getLogger(GatewayData.class);
    public static final String DEPLOYMENTS = "deployments";
    public static final String CAPACITY = "capacity";

    /** One fetch: what a gateway answered and when. */
    public record Snapshot(String gateway, String kind, Instant fetchedAt, JsonNode data) {
        public ObjectNode json() {
            var n = JsonNodeFactory.instance.objectNode();
            n.put("gateway_id", gateway);
            n.put("fetched_at", fetchedAt.toString());
            n.set(kind, data);
            return n;
        }
    }

    private final GatewayRegistry registry;
    private final GatewayHealth health;
    private final GatewayClient client;
    private final CapacitySampleRepository samples;
    private final EventService events;
    private final AuditLog audit;
    private final MonitorConfig config;
    private final Map<String, Snapshot> deployments = new ConcurrentHashMap<>();
    private final Map<String, Snapshot> capacity = new ConcurrentHashMap<>();
    /** The health class each gateway's capacity had at its last sample. */
    private final Map<String, String> capacityHealth = new ConcurrentHashMap<>();
    private final LiveFeed<Snapshot> updates = new LiveFeed<>();

    public GatewayData(GatewayRegistry registry, GatewayHealth health, GatewayClient client,
            CapacitySampleRepository samples, EventService events, AuditLog audit, MonitorConfig config) {
        this.registry = registry;
        this.health = health;
        this.client = client;
        this.samples = samples;
        this.events = events;
        this.audit = audit;
        this.config = config;
    }

    public Multi<Snapshot> updates() {
        return updates.stream();
    }

    /** A gateway's deployments: cached unless stale or {@code refresh}; refused unless the gateway is usable. */
    public Uni<Snapshot> deployments(String gateway, boolean refresh) {
        return cachedOrFetch(gateway, DEPLOYMENTS, deployments, refresh, config.deploymentsInterval());
    }

    public Uni<Snapshot> capacity(String gateway, boolean refresh) {
        return cachedOrFetch(gateway, CAPACITY, capacity, refresh, config.capacityInterval());
    }

    /** The gateway's debug information, fetched now. */
    public Uni<Snapshot> debug(String gateway) {
        return fetch(requireUsable(gateway), "debug", null);
    }

    /** The deployments round: every usable gateway, one after another. */
    public Uni<Void> refreshDeployments() {
        return Multi.createFrom().iterable(usable()).onItem().transformToUniAndConcatenate(g -> fetch(g, DEPLOYMENTS,
                deployments).onFailure().recoverWithItem(e -> null)).collect().last().replaceWithVoid();
    }

    /** The capacity round: fetch, sample, alert. */
    public Uni<Void> sampleCapacity() {
        return Multi.createFrom().iterable(usable()).onItem().transformToUniAndConcatenate(g -> fetch(g, CAPACITY,
                capacity).flatMap(this::sample).onFailure().recoverWithItem(e -> {
                    LOG.debugf("Capacity of %s not sampled: %s", g.id(), e.getMessage());
                    return null;
                })).collect().last().replaceWithVoid();
    }

    /** healthy below the degraded threshold, critical above the critical one, degraded between. */
    public String healthOf(double utilization) {
        if (utilization > config.capacityCriticalPercent()) {
            return "critical";
        }
        return utilization >= config.capacityDegradedPercent() ? "degraded" : "healthy";
    }

    private Uni<Void> sample(Snapshot snapshot) {
        var totals = snapshot.data().path("totals");
        int cap = totals.path("capacity").asInt();
        int used = totals.path("used").asInt();
        double utilization = cap == 0 ? 0 : Math.round(used * 1000.0 / cap) / 10.0;
        String level = healthOf(utilization);
        String previous = capacityHealth.put(snapshot.gateway(), level);
        var store = samples.insert(snapshot.gateway(), cap, used, utilization, level);
        if ("critical".equals(level) && !"critical".equals(previous)) {
            var details = JsonNodeFactory.instance.objectNode().put("gateway_id", snapshot.gateway())
                    .put("capacity", cap).put("used", used).put("utilization_percent", utilization)
                    .put("threshold_percent", config.capacityCriticalPercent());
            details.put("message", "capacity utilization " + utilization + "% on gateway " + snapshot.gateway()
                    + " is above " + config.capacityCriticalPercent() + "%");
            return store.flatMap(x -> events.raise(snapshot.gateway(), "capacity.alert", "warning", details))
                    .flatMap(x -> audit.bySystem(AuditLog.CAPACITY_THRESHOLD, snapshot.gateway(), details));
        }
        if ("critical".equals(previous) && !"critical".equals(level)) {
            var details = JsonNodeFactory.instance.objectNode().put("gateway_id", snapshot.gateway())
                    .put("utilization_percent", utilization).put("message", "capacity utilization on gateway "
                            + snapshot.gateway() + " is back to " + utilization + "%");
            return store.flatMap(x -> events.raise(snapshot.gateway(), "capacity.recovered", "info", details))
                    .replaceWithVoid();
        }
        return store;
    }

    private Uni<Snapshot> cachedOrFetch(String id, String kind, Map<String, Snapshot> cache, boolean refresh,
            Duration maxAge) {
        var gateway = requireUsable(id);
        var cached = cache.get(id);
        if (!refresh && cached != null && cached.fetchedAt().plus(maxAge).plusSeconds(1).isAfter(Instant.now())) {
            return Uni.createFrom().item(cached);
        }
        return fetch(gateway, kind, cache);
    }

    private Uni<Snapshot> fetch(GatewayTarget gateway, String kind, Map<String, Snapshot> cache) {
        return client.json(gateway, "/v1/monitor/" + kind).map(data -> {
            var snapshot = new Snapshot(gateway.id(), kind, Instant.now(), data);
            if (cache != null) {
                cache.put(gateway.id(), snapshot);
                updates.publish(snapshot);
            }
            return snapshot;
        }).onFailure(GatewayClient.GatewayCallFailed.class).transform(e -> new ApiProblem(502, "gateway-error",
                "Gateway call failed", "gateway '" + gateway.id() + "': " + e.getMessage(), null));
    }

    /** The gateway, if it passed its last health test; 404 or 503 (with its state) otherwise. */
    public GatewayTarget requireUsable(String id) {
        var gateway = registry.require(id);
        var state = health.state(id);
        if (!state.usable()) {
            throw new ApiProblem(503, "gateway-unavailable", "Gateway unavailable", "gateway '" + id + "' is "
                    + state.status() + state.error().map(e -> " (" + e + ")").orElse("")
                    + "; data is fetched only after it passes a health test", null);
        }
        return gateway;
    }

    private List<GatewayTarget> usable() {
        return registry.targets().stream().filter(g -> health.usable(g.id())).toList();
    }

    /** Forgets what was fetched from gateways that are gone. */
    public void retain(Collection<String> ids) {
        deployments.keySet().retainAll(ids);
        capacity.keySet().retainAll(ids);
        capacityHealth.keySet().retainAll(ids);
    }

}
