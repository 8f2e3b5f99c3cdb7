package dev.forge.monitor.rest;

import java.lang.management.ManagementFactory;
import java.time.Instant;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import dev.forge.core.json.ServiceVersion;
import dev.forge.monitor.service.GatewayData;
import dev.forge.monitor.service.GatewayHealth;
import dev.forge.monitor.service.GatewayRegistry;
import io.smallrye.mutiny.Uni;

/**
 * Debug information: a gateway's (connection status, last health check, uptime, CPU, memory, queue, runs, pool),
 * fetched now after its health test passed, or this monitor's own. Admins only.
 */
@Tag(name = "debug")
@Path("/v1/debug")
@Produces(MediaType.APPLICATION_JSON)
@Allow(Role.ADMIN)
public class DebugResource {

    private final GatewayRegistry registry;
    private final GatewayHealth health;
    private final GatewayData data;

    public DebugResource(GatewayRegistry registry, GatewayHealth health, GatewayData data) {
        this.registry = registry;
        this.health = health;
        this.data = data;
    }

    @Operation(operationId = "debugGateway",
            summary = "A gateway's diagnostics: its health, bus, queue and recent failures")
    @GET
    public Uni<ObjectNode> debug(@QueryParam("gateway") String gateway) {
        if (gateway == null) {
            return Uni.createFrom().item(self());
        }
        var target = registry.require(gateway);
        var out = JsonNodeFactory.instance.objectNode();
        out.set("gateway", GatewayResource.view(target, health.state(gateway)));
        return data.debug(gateway).map(snapshot -> {
            out.put("fetched_at", snapshot.fetchedAt().toString());
            out.set("debug", snapshot.data());
            return out;
        });
    }

    private static ObjectNode self() {
        var out = JsonNodeFactory.instance.objectNode();
        var runtime = ManagementFactory.getRuntimeMXBean();
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        out.put("service", "infra-monitor-service");
        out.put("version", ServiceVersion.current());
        out.put("started_at", Instant.ofEpochMilli(runtime.getStartTime()).toString());
        out.put("uptime_seconds", runtime.getUptime() / 1000);
        out.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        out.putObject("memory").put("heap_used_mib", heap.getUsed() / (1024 * 1024))
                .put("heap_max_mib", heap.getMax() / (1024 * 1024));
        return out;
    }
}
