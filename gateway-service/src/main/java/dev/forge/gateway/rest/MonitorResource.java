package dev.forge.gateway.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import dev.forge.gateway.service.MonitorService;
import io.smallrye.mutiny.Uni;

/**
 * What the gateway exposes for monitoring — deployments, capacity, debug — to a monitor holding a gateway token (an
 * admin or operator API key of this gateway).
 */
@Path("/v1/monitor")
@Produces(MediaType.APPLICATION_JSON)
@Allow({ Role.ADMIN, Role.OPERATOR })
public class MonitorResource {

    private final MonitorService monitor;

    public MonitorResource(MonitorService monitor) {
        this.monitor = monitor;
    }

    /** Executor types with their nodes (SERVING / STOPPED / ERROR), heartbeats and shared slot capacity. */
    @GET
    @Path("/deployments")
    public Uni<ObjectNode> deployments() {
        return monitor.deployments();
    }

    /** Slots per serving worker and per executor type: capacity, used, available, the runs holding them. */
    @GET
    @Path("/capacity")
    public Uni<ObjectNode> capacity() {
        return monitor.capacity();
    }

    /** This gateway: uptime, CPU, memory, threads, queue depth, active runs, database connections. */
    @GET
    @Path("/debug")
    public Uni<ObjectNode> debug() {
        return monitor.debug();
    }
}
