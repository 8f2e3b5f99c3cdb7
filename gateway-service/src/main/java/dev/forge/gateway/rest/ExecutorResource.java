package dev.forge.gateway.rest;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import dev.forge.discovery.service.ExecutorCapacity;


/** Which executor types have capacity, as Consul's catalog shows the healthy workers (the scheduler-side view). */
@Tag(name = "executors")
@Path("/v1/executors")
@Produces(MediaType.APPLICATION_JSON)
@Allow({ Role.ADMIN, Role.OPERATOR })
public class ExecutorResource {

    private final ExecutorCapacity capacity;

    public ExecutorResource(ExecutorCapacity capacity) {
        this.capacity = capacity;
    }

    @Operation(operationId = "listExecutorTypes",
            summary = "Executor types the workers offer, with their hosts and slots (from Consul)")
    @APIResponse(responseCode = "200", description = "Executor types")
    @GET
    public Map<String, Object> list() {
        var out = new LinkedHashMap<String, Object>();
        out.put("catalog", capacity.known() ? "consul" : "unavailable");
        out.put("executor_types", capacity.byExecutorType().values().stream().map(t -> Map.of(
                "executor_type", t.executorType(), "instances", t.instances(), "slots", t.slots(),
                "hosts", t.hosts().stream().map(h -> Map.of("id", h.id(), "address", h.address() + ":" + h.port(),
                        "slots", h.slots(), "models", h.models(), "tools", h.tools(), "gpu", h.gpu())).toList()))
                .toList());
        return out;
    }
}
