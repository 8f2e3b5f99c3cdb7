package dev.forge.gateway.rest;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBodySchema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.rest.schema.WireFormat.LimitUpdate;
import dev.forge.gateway.rest.schema.WireFormat.Limits;
import dev.forge.gateway.rest.schema.WireFormat.WorkspaceUsage;
import dev.forge.gateway.service.LimitService;
import io.smallrye.mutiny.Uni;

/**
 * Limits on runs per workspace and per assistant: max concurrent (enforced when workers claim) and runs per minute
 * (enforced at creation, 429). Read by everyone for their workspace; set by a platform admin.
 */
@Tag(name = "limits")
@Path("/v1/limits")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class LimitResource {

    private final LimitService limits;
    private final CallerContext caller;

    public LimitResource(LimitService limits, CallerContext caller) {
        this.limits = limits;
        this.caller = caller;
    }

    @Operation(operationId = "getLimits", summary = "A workspace's limits: defaults, its own, its assistants'")
    @APIResponse(responseCode = "200", description = "The limits",
            content = @Content(schema = @Schema(implementation = Limits.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<ObjectNode> get(@QueryParam("workspace_id") String workspace) {
        return limits.get(caller.caller(), workspace);
    }

    @Operation(operationId = "getLimitUsage", summary = "Runs now against the limits, per workspace")
    @APIResponse(responseCode = "200", description = "The caller's workspace; every workspace for a platform admin",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = WorkspaceUsage.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/usage")
    public Uni<List<ObjectNode>> usage() {
        return limits.usage(caller.caller());
    }

    @Operation(operationId = "setWorkspaceLimits", summary = "Override a workspace's limits (platform admin)")
    @RequestBodySchema(LimitUpdate.class)
    @APIResponse(responseCode = "200", description = "The workspace's limits",
            content = @Content(schema = @Schema(implementation = Limits.class)))
    @Allow(Role.ADMIN)
    @PUT
    @Path("/workspaces/{workspace}")
    public Uni<ObjectNode> putWorkspace(@PathParam("workspace") String workspace, JsonNode body) {
        return limits.putWorkspace(caller.caller(), workspace, body);
    }

    @Operation(operationId = "clearWorkspaceLimits", summary = "Back to the defaults (platform admin)")
    @APIResponse(responseCode = "204", description = "Cleared")
    @Allow(Role.ADMIN)
    @DELETE
    @Path("/workspaces/{workspace}")
    public Uni<Response> clearWorkspace(@PathParam("workspace") String workspace) {
        return limits.clearWorkspace(caller.caller(), workspace).map(x -> Response.noContent().build());
    }

    @Operation(operationId = "setAssistantLimits", summary = "Override an assistant's limits (platform admin)")
    @RequestBodySchema(LimitUpdate.class)
    @APIResponse(responseCode = "200", description = "Its workspace's limits",
            content = @Content(schema = @Schema(implementation = Limits.class)))
    @Allow(Role.ADMIN)
    @PUT
    @Path("/assistants/{id}")
    public Uni<ObjectNode> putAssistant(@PathParam("id") String id, JsonNode body) {
        return limits.putAssistant(caller.caller(), id, body);
    }

    @Operation(operationId = "clearAssistantLimits", summary = "Back to the defaults (platform admin)")
    @APIResponse(responseCode = "204", description = "Cleared")
    @Allow(Role.ADMIN)
    @DELETE
    @Path("/assistants/{id}")
    public Uni<Response> clearAssistant(@PathParam("id") String id) {
        return limits.clearAssistant(caller.caller(), id).map(x -> Response.noContent().build());
    }
}
