package dev.forge.monitor.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import org.jboss.resteasy.reactive.RestStreamElementType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.monitor.service.GatewayHealth;
import dev.forge.monitor.service.GatewayRegistry;
import dev.forge.monitor.service.GatewayState;
import dev.forge.monitor.service.GatewayTarget;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

/**
 * The watched gateways: admins add, change and remove API-managed ones; admins and operators list them, follow their
 * health live and test them. Tokens are accepted, never shown ({@code token_configured} only).
 */
@Tag(name = "gateways")
@Path("/v1/gateways")
@Produces(MediaType.APPLICATION_JSON)
public class GatewayResource {

    private final GatewayRegistry registry;
    private final GatewayHealth health;
    private final CallerContext caller;

    public GatewayResource(GatewayRegistry registry, GatewayHealth health, CallerContext caller) {
        this.registry = registry;
        this.health = health;
        this.caller = caller;
    }

    @Operation(operationId = "listGateways", summary = "The watched gateways and their last health")
    @GET
    @Allow({ Role.ADMIN, Role.OPERATOR })
    public List<ObjectNode> list() {
        return registry.targets().stream().map(g -> view(g, health.state(g.id()))).toList();
    }

    @Operation(operationId = "getGateway", summary = "A watched gateway")
    @GET
    @Path("/{id}")
    @Allow({ Role.ADMIN, Role.OPERATOR })
    public ObjectNode get(@PathParam("id") String id) {
        return view(registry.require(id), health.state(id));
    }

    @Operation(operationId = "createGateway",
            summary = "Watch a gateway (its URL and token; the token is sealed, never shown)")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(value = Role.ADMIN, platform = true)
    public Uni<Response> create(JsonNode body) {
        return registry.create(caller.caller(), body).map(g -> {
            health.markTesting(g.id());
            // the first test runs in the background: the answer says "testing" and the stream tells the outcome
            health.check(g).subscribe().with(x -> { }, e -> { });
            return Response.created(URI.create("/v1/gateways/" + g.id())).entity(view(g, health.state(g.id())))
                    .build();
        });
    }

    @Operation(operationId = "updateGateway", summary = "Change a watched gateway")
    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allow(value = Role.ADMIN, platform = true)
    public Uni<ObjectNode> update(@PathParam("id") String id, JsonNode body) {
        return registry.update(caller.caller(), id, body).flatMap(g -> {
            health.markTesting(g.id());
            return health.check(g).map(state -> view(g, state));
        });
    }

    @Operation(operationId = "deleteGateway", summary = "Stop watching a gateway")
    @DELETE
    @Path("/{id}")
    @Allow(value = Role.ADMIN, platform = true)
    public Uni<Response> delete(@PathParam("id") String id) {
        return registry.delete(caller.caller(), id).map(x -> {
            health.retain(registry.targets().stream().map(GatewayTarget::id).toList());
            return Response.noContent().build();
        });
    }

    /** Tests the gateway now (status {@code testing} while it runs) and answers with the outcome. */
    @Operation(operationId = "testGateway", summary = "Call the gateway now and report what answered")
    @POST
    @Path("/{id}/test")
    @Allow({ Role.ADMIN, Role.OPERATOR })
    public Uni<ObjectNode> test(@PathParam("id") String id) {
        var gateway = registry.require(id);
        health.markTesting(id);
        return health.check(gateway).map(state -> view(gateway, state));
    }

    /** Every gateway's state now, then each change as it happens. */
    @Operation(operationId = "streamGatewayHealth", summary = "The gateways' health as it changes (server-sent events)")
    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Allow({ Role.ADMIN, Role.OPERATOR })
    public Multi<ObjectNode> stream() {
        var now = Multi.createFrom().iterable(list());
        var changes = health.changes().map(change -> change.state()
                .flatMap(state -> registry.find(change.id()).map(g -> view(g, state)))
                .orElseGet(() -> JsonNodeFactory.instance.objectNode().put("id", change.id()).put("removed", true)));
        return Multi.createBy().concatenating().streams(now, changes);
    }

    static ObjectNode view(GatewayTarget g, GatewayState state) {
        var n = JsonNodeFactory.instance.objectNode();
        n.put("id", g.id());
        n.put("name", g.name());
        n.put("url", g.url());
        n.put("datacenter", g.datacenter().orElse(null));
        n.put("source", g.source());
        n.put("editable", g.editable());
        n.put("token_configured", g.token().isPresent());
        n.put("status", state.status());
        n.put("usable", state.usable());
        n.put("status_since", state.since().toString());
        n.put("last_check_at", state.lastCheckAt().map(Object::toString).orElse(null));
        if (state.latencyMillis().isPresent()) {
            n.put("latency_ms", state.latencyMillis().get());
        } else {
            n.putNull("latency_ms");
        }
        n.put("error", state.error().orElse(null));
        n.put("consecutive_failures", state.consecutiveFailures());
        n.put("version", state.version().orElse(null));
        return n;
    }
}
