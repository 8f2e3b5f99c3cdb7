package dev.forge.gateway.rest;

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

import dev.forge.api.rest.Paging;
import dev.forge.api.security.Allow;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.config.GatewayConfig;
import dev.forge.gateway.rest.schema.WireFormat.Assistant;
import dev.forge.gateway.rest.schema.WireFormat.AssistantCreate;
import dev.forge.gateway.rest.schema.WireFormat.AssistantUpdate;
import dev.forge.gateway.rest.schema.WireFormat.AssistantVersion;
import dev.forge.gateway.service.AssistantService;
import io.smallrye.mutiny.Uni;

@Tag(name = "assistants")
@Path("/v1/assistants")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AssistantResource {

    private final AssistantService assistants;
    private final GatewayConfig config;
    private final CallerContext caller;

    public AssistantResource(AssistantService assistants, GatewayConfig config, CallerContext caller) {
        this.caller = caller;
        this.assistants = assistants;
        this.config = config;
    }

    @Operation(operationId = "createAssistant",
            summary = "Create an assistant on a flow (pins the flow's current version)")
    @RequestBodySchema(AssistantCreate.class)
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = Assistant.class)))
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @POST
    public Uni<Response> create(JsonNode body) {
        return assistants.create(caller.workspace(), body).map(a -> Response
                .created(URI.create("/v1/assistants/" + a.get("id").asText())).entity(a).build());
    }

    @Operation(operationId = "listAssistants", summary = "List or search assistants, newest first")
    @APIResponse(responseCode = "200", description = "Assistants",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = Assistant.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("name") String name, @QueryParam("metadata") String metadata,
            @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return assistants.list(caller.workspace(), name, metadata, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset));
    }

    /** A new version of the assistant (version + 1); runs keep the version they started with. */
    @Operation(operationId = "updateAssistant", summary = "Change an assistant: a new version; runs keep theirs")
    @RequestBodySchema(AssistantUpdate.class)
    @APIResponse(responseCode = "200", description = "The new version",
            content = @Content(schema = @Schema(implementation = Assistant.class)))
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @PATCH
    @Path("/{id}")
    public Uni<ObjectNode> update(@PathParam("id") String id, JsonNode body) {
        return assistants.update(caller.workspace(), id, body);
    }

    @Operation(operationId = "listAssistantVersions", summary = "An assistant's versions, newest first")
    @APIResponse(responseCode = "200", description = "Versions",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = AssistantVersion.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}/versions")
    public Uni<List<ObjectNode>> versions(@PathParam("id") String id, @QueryParam("limit") Integer limit,
            @QueryParam("offset") Integer offset) {
        return assistants.versions(caller.workspace(), id, Paging.limit(limit, config.maxPageSize()),
                Paging.offset(offset));
    }

    /** Deletes the assistant with its sessions and finished runs; 409 while a run of it is unfinished. */
    @Operation(operationId = "deleteAssistant", summary = "Delete an assistant with its sessions and finished runs")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @Allow({ Role.ADMIN, Role.DEVELOPER })
    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") String id) {
        return assistants.delete(caller.workspace(), id).map(x -> Response.noContent().build());
    }

    @Operation(operationId = "getAssistant", summary = "An assistant")
    @APIResponse(responseCode = "200", description = "The assistant",
            content = @Content(schema = @Schema(implementation = Assistant.class)))
    @Allow({ Role.ADMIN, Role.OPERATOR, Role.DEVELOPER, Role.VIEWER })
    @GET
    @Path("/{id}")
    public Uni<ObjectNode> get(@PathParam("id") String id) {
        return assistants.get(caller.workspace(), id);
    }
}
