package dev.forge.gateway.rest;

import java.net.URI;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
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
import dev.forge.api.security.ApiKeyService;
import dev.forge.api.security.CallerContext;
import dev.forge.core.auth.Role;
import dev.forge.gateway.rest.schema.WireFormat.ApiKey;
import dev.forge.gateway.rest.schema.WireFormat.ApiKeyCreate;
import dev.forge.gateway.rest.schema.WireFormat.ApiKeyCreated;
import io.smallrye.mutiny.Uni;

/** Admin: API keys. The secret is in the create response only; lists never show it. */
@Tag(name = "api-keys")
@Path("/v1/api-keys")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Allow(Role.ADMIN)
public class ApiKeyResource {

    private final ApiKeyService keys;
    private final CallerContext caller;

    public ApiKeyResource(ApiKeyService keys, CallerContext caller) {
        this.keys = keys;
        this.caller = caller;
    }

    /** {@code {name, role, workspace_id?}} → 201 with {@code key}, shown this once. */
    @Operation(operationId = "createApiKey", summary = "Make an API key; its secret is shown in this answer only")
    @RequestBodySchema(ApiKeyCreate.class)
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(schema = @Schema(implementation = ApiKeyCreated.class)))
    @POST
    public Uni<Response> create(JsonNode body) {
        return keys.create(caller.caller(), body).map(k -> Response
                .created(URI.create("/v1/api-keys/" + k.get("id").asText())).entity(k).build());
    }

    @Operation(operationId = "listApiKeys", summary = "A workspace's keys, without their secrets")
    @APIResponse(responseCode = "200", description = "Keys",
            content = @Content(schema = @Schema(type = SchemaType.ARRAY, implementation = ApiKey.class)))
    @GET
    public Uni<List<ObjectNode>> list(@QueryParam("workspace_id") String workspace,
            @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return keys.list(caller.caller(), workspace, Paging.limit(limit, Paging.MAX_PAGE), Paging.offset(offset));
    }

    @Operation(operationId = "revokeApiKey", summary = "Revoke a key; it stops working at once")
    @APIResponse(responseCode = "204", description = "Revoked")
    @DELETE
    @Path("/{id}")
    public Uni<Response> revoke(@PathParam("id") String id, @QueryParam("workspace_id") String workspace) {
        return keys.revoke(caller.caller(), id, workspace).map(x -> Response.noContent().build());
    }
}
