package dev.forge.gateway.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import dev.forge.gateway.service.MonitorService;

import io.smallrye.mutiny.Uni;

/**
 * What the gateway exposes for monitoring — deployments, capacity, debug — to a monitor holding a gateway token (an
 * admin or operator API key of this gateway).
 */
@Tag(name = "monitor")
@Path("/v1/monitor")
@Produces(MediaType.APPLICATION_JSON)
@Allow({ Role.ADMIN, Role.OPERATOR })
public class MonitorResource {

    private final MonitorService monitor;

    public MonitorResource(MonitorService monitor) {
        this.monitor = monitor;
    }

    /** Executor types with their nodes (SERVING / STOPPED / ERROR), heartbeats and shared slot capacity. */
    @Operation(operationId = "monitorDeployments", summary = "What infra-monitor-service reports of deployments")
    @APIResponse(responseCode = "200", description = "Deployments")
    @GET
    @Path("/deployments")
    public Uni<ObjectNode> deployments() {
        return monitor.deployments();
    }

    /** Slots per serving worker and per executor type: capacity, used, available, the runs holding them. */
    @Operation(operationId = "monitorCapacity", summary = "Worker slots in use and free, from infra-monitor-service")
    @APIResponse(responseCode = "200", description = "Capacity")
    @GET
    @Path("/capacity")
    public Uni<ObjectNode> capacity() {
        return monitor.capacity();
    }

    /** This gateway: uptime, CPU, memory, threads, queue depth, active runs, database connections. */
    @Operation(operationId = "monitorDebug", summary = "Diagnostics gathered by infra-monitor-service")
    @APIResponse(responseCode = "200", description = "Diagnostics")
    @GET
    @Path("/debug")
    public Uni<ObjectNode> debug() {
        return monitor.debug();
    }
}
