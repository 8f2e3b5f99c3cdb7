package dev.forge.monitor.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.api.service.Requests;
import dev.forge.core.auth.Role;
import dev.forge.monitor.service.RunContextService;
import io.smallrye.mutiny.Uni;

/** Debugging one run: its reconstructed context, for admins and for developers of the run's workspace. */
@Tag(name = "runs")
@Path("/v1/runs/{id}/context")
@Produces(MediaType.APPLICATION_JSON)
@Allow({ Role.ADMIN, Role.DEVELOPER })
public class RunContextResource {

    private final RunContextService contexts;
    private final CallerContext caller;

    public RunContextResource(RunContextService contexts, CallerContext caller) {
        this.contexts = contexts;
        this.caller = caller;
    }

    @Operation(operationId = "getRunContext", summary = "A run reconstructed: events, checkpoints, logs and trace")
    @GET
    public Uni<ObjectNode> context(@PathParam("id") String id) {
        return contexts.context(caller.caller(), Requests.pathId("run", id));
    }
}
