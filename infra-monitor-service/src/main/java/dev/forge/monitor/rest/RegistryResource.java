package dev.forge.monitor.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.core.auth.Role;
import dev.forge.monitor.service.RegistryService;
import io.smallrye.mutiny.Uni;

/** The service registry: services with health, uptime, version, endpoints and capabilities; version compatibility. */
@Tag(name = "registry")
@Path("/v1/registry")
@Produces(MediaType.APPLICATION_JSON)
@Allow(value = Role.ADMIN, platform = true)
public class RegistryResource {

    private final RegistryService registry;

    public RegistryResource(RegistryService registry) {
        this.registry = registry;
    }

    @Operation(operationId = "listRegisteredServices", summary = "The services in the Consul catalog, with health")
    @GET
    @Path("/services")
    public Uni<ObjectNode> services() {
        return registry.catalog();
    }

    @Operation(operationId = "checkCompatibility", summary = "Whether the registered services' versions work together")
    @GET
    @Path("/compatibility")
    public Uni<ObjectNode> compatibility() {
        return registry.compatibility();
    }
}
