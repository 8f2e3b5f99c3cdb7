package dev.forge.monitor.rest;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.jboss.resteasy.reactive.RestStreamElementType;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import dev.forge.monitor.repository.CapacitySampleRepository;
import dev.forge.monitor.service.GatewayData;
import dev.forge.monitor.service.GatewayData.Snapshot;
import dev.forge.monitor.service.GatewayHealth;
import dev.forge.monitor.service.GatewayRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * Deployments and capacity across gateways, with a gateway selector ({@code ?gateway=}); without one, every gateway
 * that passed its health test. Live updates over SSE on every refresh (10 s / 30 s).
 */
@Tag(name = "infrastructure")
@Path("/v1")
@Produces(MediaType.APPLICATION_JSON)
@Allow({ Role.ADMIN, Role.OPERATOR })
public class InfraResource {

    private final GatewayRegistry registry;
    private final GatewayHealth health;
    private final GatewayData data;
    private final CapacitySampleRepository samples;

    public InfraResource(GatewayRegistry registry, GatewayHealth health, GatewayData data,
            CapacitySampleRepository samples) {
        this.registry = registry;
        this.health = health;
        this.data = data;
        this.samples = samples;
    }

    /** One gateway's deployments, or every usable gateway's (and which were skipped, and why). */
    @Operation(operationId = "getDeployments",
            summary = "The services a gateway's deployment runs, with versions and health")
    @GET
    @Path("/deployments")
    public Uni<ObjectNode> deployments(@QueryParam("gateway") String gateway, @QueryParam("refresh") boolean refresh) {
        if (gateway != null) {
            return data.deployments(gateway, refresh).map(Snapshot::json);
        }
        return across(id -> data.deployments(id, refresh), GatewayData.DEPLOYMENTS);
    }

    @Operation(operationId = "streamDeployments", summary = "Deployments as they change (server-sent events)")
    @GET
    @Path("/deployments/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<ObjectNode> deploymentsStream(@QueryParam("gateway") String gateway) {
        return stream(gateway, GatewayData.DEPLOYMENTS);
    }

    /**
     * Capacity: per gateway its totals, slots and executors with a health class (healthy below 50 %, degraded to
     * 80 %, critical above), and the overall figures across the selected gateways.
     */
    @Operation(operationId = "getCapacity", summary = "Worker slots in use and free, per executor type")
    @GET
    @Path("/capacity")
    public Uni<ObjectNode> capacity(@QueryParam("gateway") String gateway, @QueryParam("refresh") boolean refresh) {
        if (gateway != null) {
            // a selected gateway that is not usable is refused with its state
            return data.capacity(gateway, refresh).map(s -> overview(List.of(s)));
        }
        return Multi.createFrom().iterable(usableIds()).onItem().transformToUniAndConcatenate(id -> data
                .capacity(id, refresh)
                .onFailure().recoverWithNull()).filter(s -> s != null).collect().asList().map(this::overview);
    }

    @Operation(operationId = "streamCapacity", summary = "Capacity as it changes (server-sent events)")
    @GET
    @Path("/capacity/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<ObjectNode> capacityStream(@QueryParam("gateway") String gateway) {
        return stream(gateway, GatewayData.CAPACITY);
    }

    /** Samples for the trend chart, oldest first; {@code since} defaults to one hour ago. */
    @Operation(operationId = "listCapacitySamples", summary = "Capacity samples over time")
    @GET
    @Path("/capacity/samples")
    public Uni<List<ObjectNode>> capacitySamples(@QueryParam("gateway") String gateway,
            @QueryParam("since") String since, @QueryParam("limit") Integer limit) {
        if (gateway != null) {
            registry.require(gateway);
        }
        Instant from = Queries.instant("since", since);
        return samples.since(gateway, from == null ? Instant.now().minus(Duration.ofHours(1)) : from,
                Paging.limit(limit == null ? 500 : limit, 5000));
    }

    private ObjectNode overview(List<Snapshot> snapshots) {
        var out = JsonNodeFactory.instance.objectNode();
        int capacity = 0;
        int used = 0;
        var gateways = out.putArray("gateways");
        for (var s : snapshots) {
            var totals = s.data().path("totals");
            capacity += totals.path("capacity").asInt();
            used += totals.path("used").asInt();
            var g = s.json();
            // the cached answer is shared: the health classes go on a copy
            var copy = s.data().deepCopy();
            g.set(s.kind(), copy);
            g.put("health", data.healthOf(totals.path("utilization_percent").asDouble()));
            var slots = copy.path("slots");
            slots.forEach(slot -> ((ObjectNode) slot).put("health", data.healthOf(slot.path("utilization_percent")
                    .asDouble())));
            gateways.add(g);
        }
        double utilization = capacity == 0 ? 0 : Math.round(used * 1000.0 / capacity) / 10.0;
        out.put("connected_gateways", usableIds().size());
        out.put("total_capacity", capacity);
        out.put("used", used);
        out.put("available", Math.max(0, capacity - used));
        out.put("utilization_percent", utilization);
        out.put("health", data.healthOf(utilization));
        return out;
    }

    private Uni<ObjectNode> across(Function<String, Uni<Snapshot>> fetch, String kind) {
        var out = JsonNodeFactory.instance.objectNode();
        var items = out.putArray("gateways");
        var skipped = out.putArray("unavailable");
        for (var g : registry.targets()) {
            var state = health.state(g.id());
            if (!state.usable()) {
                skipped.addObject().put("gateway_id", g.id()).put("status", state.status())
                        .put("error", state.error().orElse(null));
            }
        }
        return Multi.createFrom().iterable(usableIds()).onItem().transformToUniAndConcatenate(id -> fetch.apply(id)
                .map(Snapshot::json).onFailure().recoverWithItem(e -> JsonNodeFactory.instance.objectNode()
                        .put("gateway_id", id).put("error", e.getMessage())))
                .collect().asList().map(list -> {
                    list.forEach(n -> (n.has(kind) ? items : skipped).add(n));
                    return out;
                });
    }

    private Multi<ObjectNode> stream(String gateway, String kind) {
        if (gateway != null) {
            registry.require(gateway);
        }
        return data.updates()
                .filter(s -> s.kind().equals(kind) && (gateway == null || gateway.equals(s.gateway())))
                .map(s -> {
                    var n = s.json();
                    if (GatewayData.CAPACITY.equals(kind)) {
                        n.put("health", data.healthOf(s.data().path("totals").path("utilization_percent")
                                .asDouble()));
                    }
                    return n;
                });
    }

    private List<String> usableIds() {
        return registry.targets().stream().map(g -> g.id()).filter(health::usable).toList();
    }
}
